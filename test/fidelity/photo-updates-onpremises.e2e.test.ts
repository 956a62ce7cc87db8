/**
 * photoUpdateSettings.source = onPremises (concepts/profilephoto-configure-settings.md): "updates
 * through cloud services are disabled for both admins and users", so every Graph photo write is
 * refused. photosync reads the setting (PeopleSettings.Read.All), says once in the plan what is
 * true, what it does about it and the fix, shows the Graph steps as skipped (not as errors per
 * person), and apply writes SharePoint only; exit codes as for any plan (0 when nothing else is to
 * change). Settings it cannot read are said once too, and the plan carries on.
 * Emulator: tenant.photoUpdateSettings.source: onPremises (default cloud).
 */
import { describe, expect, it } from "vitest";
import { ONPREMISES_SKIP_REASON } from "../../src/plan/plan.js";
import { graphPhotoRequests, useFidelityTenant } from "./helpers.js";

const users = ["  - upn: ann.synced@contoso.com", "    onPremisesSyncEnabled: true", "  - upn: ben.synced@contoso.com", "    onPremisesSyncEnabled: true"].join("\n");
const manifest = { "ann.synced@contoso.com": "photos/ann.jpg", "ben.synced@contoso.com": "photos/ben.jpg" };

describe("a tenant whose photos are managed on-premises", () => {
  const t = useFidelityTenant({ tenant: "  photoUpdateSettings: { source: onPremises }", users, manifest, stores: "[exo, aad, spo]" });

  it("plans Graph steps as skipped for that reason, with one notice and its fix", async () => {
    const { code, plan } = await t.plan();
    expect(code).toBe(2);
    expect(plan.notices.filter((notice) => notice.code === "graph-writes-onpremises")).toHaveLength(1);
    expect(plan.notices.find((notice) => notice.code === "graph-writes-onpremises")).toMatchObject({ service: "graph", consequence: expect.stringContaining("skipped"), fix: expect.stringContaining("photoUpdateSettings") });
    for (const user of plan.users) {
      expect(user.steps.map((step) => `${step.store} ${step.action}`)).toEqual(["aad skip", "spo create"]);
      expect(user.steps[0]!.reason).toContain(ONPREMISES_SKIP_REASON);
    }
    const text = await t.planText();
    expect(text.stdout.match(/photoUpdateSettings source: onPremises\), so Microsoft 365 refuses/g)).toHaveLength(1);
    expect(text.stdout).toContain("Fix: set photoUpdateSettings source to cloud");
  });

  it("apply writes SharePoint only, attempts no Graph photo write, and the next plan changes nothing", async () => {
    t.tenant.emulator.admin.resetCounters();
    const { code, report } = await t.apply();
    expect(code).toBe(0);
    expect(report.counts).toMatchObject({ failed: 0 });
    expect(report.users.flatMap((user) => user.steps.filter((step) => step.store !== "spo" && step.outcome !== "skipped"))).toEqual([]);
    expect(graphPhotoRequests(t.tenant, /\/users\/[^/]+\/photo\/\$value$/)).toBe(0);
    const again = await t.plan();
    expect(again.code).toBe(0);
    expect(again.plan.counts).toMatchObject({ create: 0, update: 0, delete: 0, unknown: 0 });
    expect(again.plan.notices.map((notice) => notice.code)).toContain("graph-writes-onpremises");
  });
});

describe("a reader without PeopleSettings.Read.All", () => {
  const t = useFidelityTenant({ tenant: "  photoUpdateSettings: { source: cloud }", users, manifest, readerGraphRoles: "[ProfilePhoto.Read.All, User.Read.All]" });

  it("says once that the settings could not be read, and plans the Graph photos as usual", async () => {
    const { code, plan } = await t.plan();
    expect(code).toBe(2);
    expect(plan.notices.map((notice) => notice.code)).toEqual(["graph-photo-settings-unread"]);
    expect(plan.notices[0]!.fix).toContain("PeopleSettings.Read.All");
    expect(plan.users.map((user) => user.steps.map((step) => `${step.store} ${step.action}`))).toEqual([["aad create"], ["aad create"]]);
  });
});
