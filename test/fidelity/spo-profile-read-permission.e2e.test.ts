/**
 * Fidelity: SharePoint profile reads need SharePoint's own User.Read.All (pnp/powershell #5084;
 * emulator switch tenant.sharepoint.profileReadPermission, default user). A reader with Sites.*
 * alone gets one plan notice (spo-profile-read-denied) naming the permission; the thumbnails are
 * still read and planned, nobody's step is unknown, and the exit code is the plan's usual one.
 */
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { spoTenant, type SpoTenant } from "./spo-tenant.js";

let t: SpoTenant | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("profile reads with Sites.Read.All alone", () => {
  it("profileReadPermission: user (default): one notice, thumbnails planned, no unknown; the text plan says it once", async () => {
    t = await spoTenant({ readerSharePointRoles: ["Sites.Read.All"], sharepoint: { appOnlyProfileWrites: "allowed" } });
    const { code, plan } = await t.plan();
    expect(code).toBe(2);
    expect(plan.counts.unknown).toBe(0);
    expect(plan.notices).toEqual([
      expect.objectContaining({ code: "spo-profile-read-denied", service: "sharepoint", fix: expect.stringContaining("SharePoint application permission User.Read.All") }),
    ]);
    expect(plan.notices[0]!.consequence).toContain("thumbnails in User Photos are still read and planned");
    for (const user of plan.users) expect(user.steps.find((step) => step.store === "spo")).toMatchObject({ action: "create", reason: "no photo yet" });

    const text = await runCli(["plan"], { cwd: t.root, env: t.tenant.env("reader") });
    expect(text.stdout.split("\n").filter((line) => line.includes("refused to read user profiles"))).toHaveLength(1);
    expect(text.code).toBe(2);

    // The writer (User.ReadWrite.All) reads profiles: apply, then the reader's plan has no changes, still with the notice.
    expect((await t.apply()).report.counts).toEqual({ done: 4, pending: 0, failed: 0, skipped: 0 });
    const again = await t.plan();
    expect(again.plan.counts).toMatchObject({ create: 0, update: 0, delete: 0, unknown: 0 });
    expect(again.plan.notices.map((notice) => notice.code)).toEqual(["spo-profile-read-denied"]);
    expect(again.code).toBe(0);
  });

  it("profileReadPermission: sites: Sites.Read.All reads profiles, no notice", async () => {
    t = await spoTenant({ readerSharePointRoles: ["Sites.Read.All"], sharepoint: { profileReadPermission: "sites", appOnlyProfileWrites: "allowed" } });
    const { plan } = await t.plan();
    expect(plan.notices).toEqual([]);
    expect(plan.counts).toMatchObject({ create: 4, unknown: 0 });
  });
});
