/**
 * Legacy "no mailbox" answers for a licensed user whose Exchange plan is Foundation (an enabled
 * exchange service plan in the directory, no mailbox): microsoft-graph-docs #8877 reports
 * `400 AuthenticationError` ("Error authenticating with resource"); the documented answer for a
 * user without a mailbox is `404 ErrorNonExistentMailbox`.
 * Switch: tenant.noMailboxAnswer: authenticationError (default, the reported one) | nonExistentMailbox.
 * Fixture user key: exchangePlan: foundation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { photoTenant, putPhoto, testJpeg, type PhotoTenant } from "./photo-store-harness.js";

const users = [{ upn: "foundation@tailspin.com", exchangePlan: "foundation" as const }];

describe.each([
  { name: "default", tenant: { behaviour: "legacy" as const }, status: 400, code: "AuthenticationError", message: "Error authenticating with resource" },
  { name: "nonExistentMailbox", tenant: { behaviour: "legacy" as const, noMailboxAnswer: "nonExistentMailbox" as const }, status: 404, code: "ErrorNonExistentMailbox", message: "The SMTP address has no mailbox associated with it." },
])("a legacy tenant, noMailboxAnswer $name", ({ tenant, status, code, message }) => {
  let t: PhotoTenant;
  beforeAll(async () => {
    t = await photoTenant(tenant, users);
  });
  afterAll(async () => t.close());

  it("the directory shows a licence and an enabled exchange plan", async () => {
    const user = await t.graph("/v1.0/users/foundation@tailspin.com?$select=assignedLicenses,assignedPlans", { app: "reader" });
    expect((user.json?.assignedLicenses as unknown[]).length).toBeGreaterThan(0);
    expect(user.json?.assignedPlans).toEqual(expect.arrayContaining([expect.objectContaining({ service: "exchange", capabilityStatus: "Enabled" })]));
  });

  it(`Graph v1.0 answers reads and writes with ${status} ${code}`, async () => {
    const read = await t.graph("/v1.0/users/foundation@tailspin.com/photo", { app: "reader" });
    expect(read.status).toBe(status);
    expect(read.json).toMatchObject({ error: { code, message } });
    const write = await putPhoto(t, "v1.0", "foundation@tailspin.com", await testJpeg());
    expect(write.status).toBe(status);
    expect(write.json).toMatchObject({ error: { code } });
  });

  it("Graph beta writes the Entra ID photo (the fallback)", async () => {
    expect((await putPhoto(t, "beta", "foundation@tailspin.com", await testJpeg())).status).toBe(200);
    expect((await t.graph("/beta/users/foundation@tailspin.com/photo", { app: "reader" })).status).toBe(200);
  });
});

describe("a current tenant: no mailbox is needed, so the switch does not apply", () => {
  let t: PhotoTenant;
  beforeAll(async () => {
    t = await photoTenant({ noMailboxAnswer: "authenticationError" }, users);
  });
  afterAll(async () => t.close());

  it("Graph v1.0 writes and reads the Foundation user's Entra ID photo", async () => {
    expect((await putPhoto(t, "v1.0", "foundation@tailspin.com", await testJpeg())).status).toBe(200);
    expect((await t.graph("/v1.0/users/foundation@tailspin.com/photo", { app: "reader" })).status).toBe(200);
  });
});
