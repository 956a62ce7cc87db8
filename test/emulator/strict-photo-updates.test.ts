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
