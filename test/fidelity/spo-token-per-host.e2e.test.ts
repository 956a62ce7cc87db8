/**
 * Fidelity: SharePoint tokens are good only on the host they were issued for (pnp/powershell #5133;
 * emulator switch tenant.sharepoint.tokenAudience, default host). photosync asks for one token per
 * host (-my for thumbnails, -admin for profiles), so plan → apply → plan converges either way, and
 * a host mix-up is one message with the fix, before anyone is read.
 */
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { spoTenant, type SpoTenant } from "./spo-tenant.js";

let t: SpoTenant | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function converges(tenant: SpoTenant): Promise<void> {
  const first = await tenant.plan();
  expect(first.code).toBe(2);
  expect(first.plan.counts).toMatchObject({ create: 4, unknown: 0 });
  const applied = await tenant.apply();
  expect(applied.report.counts).toEqual({ done: 4, pending: 0, failed: 0, skipped: 0 });
  expect(applied.code).toBe(0);
  const again = await tenant.plan();
  expect(again.plan.counts).toMatchObject({ create: 0, update: 0, delete: 0, unknown: 0 });
  expect(again.code).toBe(0);
}

describe("SharePoint tokens per host", () => {
  it("tokenAudience: host (default): plan, apply and plan again converge", async () => {
    t = await spoTenant({ sharepoint: { appOnlyProfileWrites: "allowed" } });
    await converges(t);
  });

  it("tokenAudience: any: converges too", async () => {
    t = await spoTenant({ sharepoint: { tokenAudience: "any", appOnlyProfileWrites: "allowed" } });
    await converges(t);
  });

  it("a token for the wrong host is refused once, with the fix, and nothing is read or written", async () => {
    t = await spoTenant();
    // The admin host's URL pointed at the My Site host: the -admin token reaches the wrong host.
    const env = { ...t.tenant.env("reader"), PHOTOSYNC_ADMIN_URL: t.tenant.emulator.endpoints.mySiteUrl, PHOTOSYNC_RETRY_ATTEMPTS: "1" };
    const result = await runCli(["plan", "--format", "json"], { cwd: t.root, env });
    expect(result.code).toBe(1);
    const errors = result.stderr.split("\n").filter((line) => line.startsWith("photosync:") && !line.startsWith("photosync: warning"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("AudienceUriValidationFailedException");
    expect(errors[0]).toContain("token for another host");
  });
});
