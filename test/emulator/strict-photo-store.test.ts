/**
 * Entra ID is the photo store (MC678855; m365-facts.md "The platform in 2026"): in a current tenant
 * Graph v1.0 and beta read and write Entra ID for everyone, mailbox or not. `behaviour: legacy`
 * keeps the old split: v1.0 is the Exchange mailbox, beta falls back to Entra ID.
 * Switch: tenant.behaviour: current (default) | legacy.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { photoTenant, putPhoto, testJpeg, type PhotoTenant } from "./photo-store-harness.js";

const users = [{ upn: "mailbox@tailspin.com" }, { upn: "nomailbox@tailspin.com", mailbox: "none" as const }, { upn: "unlicensed@tailspin.com", licensed: false }];
const stored = async (tenant: PhotoTenant, upn: string) => (await (await tenant.h.admin(`/users/${encodeURIComponent(upn)}`)).json()) as { exo: unknown; aad: unknown };

describe.each([
  { name: "current (the default)", tenant: {} },
  { name: "current (explicit)", tenant: { behaviour: "current" as const } },
])("a $name tenant: Graph reads and writes Entra ID for everyone", ({ tenant }) => {
  let t: PhotoTenant;
  beforeAll(async () => {
    t = await photoTenant(tenant, users);
  });
  afterAll(async () => t.close());

  it.each(["v1.0", "beta"])("%s writes land in Entra ID, mailbox or not, licensed or not", async (version) => {
    for (const user of users) {
      expect((await putPhoto(t, version, user.upn, await testJpeg())).status).toBe(200);
      const after = await stored(t, user.upn);
      expect(after.aad).not.toBeNull();
      expect(after.exo).toBeNull();
    }
  });

  it("v1.0 reads the Entra ID photo for a person without a mailbox (no ErrorNonExistentMailbox)", async () => {
    const read = await t.graph("/v1.0/users/nomailbox@tailspin.com/photo", { app: "reader" });
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({ "@odata.mediaContentType": "image/jpeg" });
  });
});

describe("a legacy tenant (behaviour: legacy): the mailbox-first split", () => {
  let t: PhotoTenant;
  beforeAll(async () => {
    t = await photoTenant({ behaviour: "legacy" }, users);
  });
  afterAll(async () => t.close());

  it("v1.0 writes the mailbox (and the photo reaches Entra ID)", async () => {
    expect((await putPhoto(t, "v1.0", "mailbox@tailspin.com", await testJpeg())).status).toBe(200);
    const after = await stored(t, "mailbox@tailspin.com");
    expect(after.exo).not.toBeNull();
    expect(after.aad).not.toBeNull();
  });

  it("v1.0 refuses a person without a mailbox; beta writes their Entra ID photo", async () => {
    const refused = await putPhoto(t, "v1.0", "nomailbox@tailspin.com", await testJpeg());
    expect(refused.status).toBe(404);
    expect(refused.json).toMatchObject({ error: { code: "ErrorNonExistentMailbox" } });
    expect((await putPhoto(t, "beta", "nomailbox@tailspin.com", await testJpeg())).status).toBe(200);
    expect((await stored(t, "nomailbox@tailspin.com")).aad).not.toBeNull();
  });

  it("v1.0 answers an unlicensed mailbox with 400 AuthenticationError", async () => {
    const refused = await t.graph("/v1.0/users/unlicensed@tailspin.com/photo", { app: "reader" });
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ error: { code: "AuthenticationError", message: "Error authenticating with resource" } });
  });
});

describe("the built-in demo tenants", () => {
  it("demo is a current tenant; legacy is the same tenant with behaviour legacy", async () => {
    const { BUILT_IN_TENANTS, parseFixture } = await import("../../src/emulator/index.js");
    const demo = parseFixture(BUILT_IN_TENANTS.demo);
    const legacy = parseFixture(BUILT_IN_TENANTS.legacy);
    expect(demo.tenant?.behaviour).toBe("current");
    expect(legacy.tenant?.behaviour).toBe("legacy");
    expect(legacy.users).toEqual(demo.users);
  });
});
