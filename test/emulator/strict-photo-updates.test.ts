/**
 * photoUpdateSettings.source = onPremises: "updates through cloud services are disabled for both
 * admins and users" (microsoft-graph-docs concepts/profilephoto-configure-settings.md). Microsoft
 * documents no error for it; the emulator answers every Graph photo write (PUT, PATCH, DELETE;
 * v1.0 and beta; inside $batch too) with 403 PhotoUpdatesDisabled, its own choice. Reads still work.
 * Switch: tenant.photoUpdateSettings.source: cloud (default) | onPremises.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { photoTenant, putPhoto, testJpeg, type PhotoTenant } from "./photo-store-harness.js";

const users = [{ upn: "synced@tailspin.com", onPremisesSyncEnabled: true, photo: { portrait: "synced", size: 240 } }];

describe("source: onPremises", () => {
  let t: PhotoTenant;
  beforeAll(async () => {
    t = await photoTenant({ photoUpdateSettings: { source: "onPremises" } }, users);
  });
  afterAll(async () => t.close());

  it("the reader sees the setting (PeopleSettings.Read.All)", async () => {
    const settings = await t.graph("/beta/admin/people/photoUpdateSettings", { app: "reader" });
    expect(settings.status).toBe(200);
    expect(settings.json).toMatchObject({ source: "onPremises" });
  });

  it.each(["v1.0", "beta"])("%s: PUT, PATCH and DELETE are refused with 403 PhotoUpdatesDisabled; reads still work", async (version) => {
    const jpeg = await testJpeg();
    const answers = [
      await putPhoto(t, version, "synced@tailspin.com", jpeg),
      await t.graph(`/${version}/users/synced@tailspin.com/photo/$value`, { method: "PATCH", body: jpeg, headers: { "content-type": "image/jpeg" } }),
      await t.graph(`/${version}/users/synced@tailspin.com/photo/$value`, { method: "DELETE" }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(403);
      expect(answer.json).toMatchObject({ error: { code: "PhotoUpdatesDisabled" } });
    }
    expect((await t.graph(`/${version}/users/synced@tailspin.com/photo`, { app: "reader" })).status).toBe(200);
  });

  it("inside a $batch every photo write item is refused the same way", async () => {
    const body = JSON.stringify({
      requests: [
        { id: "1", method: "PUT", url: "/users/synced@tailspin.com/photo/$value", headers: { "Content-Type": "image/jpeg" }, body: (await testJpeg()).toString("base64") },
        { id: "2", method: "DELETE", url: "/users/synced@tailspin.com/photo/$value" },
      ],
    });
    const batch = await t.graph("/v1.0/$batch", { method: "POST", body, headers: { "content-type": "application/json" } });
    expect(batch.status).toBe(200);
    const responses = batch.json?.responses as { id: string; status: number; body: { error: { code: string } } }[];
    expect(responses.map((item) => [item.status, item.body.error.code])).toEqual([
      [403, "PhotoUpdatesDisabled"],
      [403, "PhotoUpdatesDisabled"],
    ]);
  });
});

describe("source: cloud (the default)", () => {
  let t: PhotoTenant;
  beforeAll(async () => {
    t = await photoTenant({}, users);
  });
  afterAll(async () => t.close());

  it("Graph photo writes are accepted", async () => {
    expect((await putPhoto(t, "v1.0", "synced@tailspin.com", await testJpeg())).status).toBe(200);
    expect((await t.graph("/beta/users/synced@tailspin.com/photo/$value", { method: "DELETE" })).status).toBe(204);
  });
});

/**
 * "When you update user profile photo settings, it can take up to 24 hours for the changes to be
 * propagated to Microsoft 365" (concepts/profilephoto-configure-settings.md). Switch:
 * tenant.photoUpdateSettings.takesEffectSeconds (default 86400, the whole of the 24 hours): after a
 * Graph PATCH, GET answers the new values at once, but Graph photo writes obey the source from
 * before until the delay has passed on the emulator's clock.
 */
describe("a change of source takes effect only after takesEffectSeconds", () => {
  const patch = (body: unknown) => ({ method: "PATCH", body: JSON.stringify(body), headers: { "content-type": "application/json" } });

  it("onPremises → cloud: GET says cloud at once, writes are refused until 24 h have passed (the default)", async () => {
    const t = await photoTenant({ photoUpdateSettings: { source: "onPremises" } }, users);
    try {
      let clock = Date.now();
      t.h.emu.core.tenant.now = () => clock;
      expect((await t.graph("/beta/admin/people/photoUpdateSettings", patch({ source: "cloud" }))).status).toBe(200);
      expect((await t.graph("/beta/admin/people/photoUpdateSettings", { app: "reader" })).json).toMatchObject({ source: "cloud", allowedRoles: null });
      const jpeg = await testJpeg();
      expect((await putPhoto(t, "v1.0", "synced@tailspin.com", jpeg)).json).toMatchObject({ error: { code: "PhotoUpdatesDisabled" } });
      clock += 86_399_000;
      expect((await putPhoto(t, "v1.0", "synced@tailspin.com", jpeg)).status).toBe(403);
      clock += 2_000;
      expect((await putPhoto(t, "v1.0", "synced@tailspin.com", jpeg)).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it("cloud → onPremises: writes are still accepted until the change is in force; takesEffectSeconds 0 enforces at once", async () => {
    const delayed = await photoTenant({ photoUpdateSettings: { source: "cloud", takesEffectSeconds: 60 } }, users);
    try {
      let clock = Date.now();
      delayed.h.emu.core.tenant.now = () => clock;
      await delayed.graph("/beta/admin/people/photoUpdateSettings", patch({ source: "onPremises" }));
      expect((await putPhoto(delayed, "v1.0", "synced@tailspin.com", await testJpeg())).status).toBe(200);
      clock += 61_000;
      expect((await putPhoto(delayed, "v1.0", "synced@tailspin.com", await testJpeg())).status).toBe(403);
    } finally {
      await delayed.close();
    }
    const immediate = await photoTenant({ photoUpdateSettings: { source: "cloud", takesEffectSeconds: 0 } }, users);
    try {
      await immediate.graph("/beta/admin/people/photoUpdateSettings", patch({ source: "onPremises" }));
      expect((await putPhoto(immediate, "v1.0", "synced@tailspin.com", await testJpeg())).status).toBe(403);
    } finally {
      await immediate.close();
    }
  });

  it("a change of allowedRoles alone starts no delay; the admin API's change is in force at once", async () => {
    const t = await photoTenant({ photoUpdateSettings: { source: "onPremises" } }, users);
    try {
      await t.graph("/beta/admin/people/photoUpdateSettings", patch({ allowedRoles: ["fe930be7-5e62-47db-91af-98c3a49a38b1"] }));
      expect((await putPhoto(t, "v1.0", "synced@tailspin.com", await testJpeg())).status).toBe(403);
      await t.h.admin("/tenant", { method: "PATCH", body: { photoUpdateSettings: { source: "cloud" } } });
      expect((await putPhoto(t, "v1.0", "synced@tailspin.com", await testJpeg())).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
