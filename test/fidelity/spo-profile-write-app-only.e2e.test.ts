/**
 * Fidelity: app-only tokens may not write user profiles (sp-dev-docs #3718, pnp/powershell #277;
 * emulator switch tenant.sharepoint.appOnlyProfileWrites, default denied). apply probes a profile
 * write before any upload: when it is refused, the apply says so once (notice
 * spo-profile-write-denied, with the fix), uploads no thumbnail PictureURL cannot point at, still
 * writes Graph, and exits 1 (steps skipped). Allowed, plan → apply → plan converges.
 */
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { requestsTo } from "../support/tenant.js";
import { spoTenant, type SpoTenant } from "./spo-tenant.js";

let t: SpoTenant | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("profile writes with an app-only token", () => {
  it("appOnlyProfileWrites: denied (default): said once, SharePoint untouched, Graph written, exit 1", async () => {
    t = await spoTenant();
    t.tenant.emulator.admin.resetCounters();
    const { code, report } = await t.apply();
    expect(code).toBe(1);
    expect(report.notices?.map((notice) => notice.code)).toEqual(["spo-profile-write-denied"]);
    expect(report.notices?.[0]?.fix).toContain("sp-dev-docs #3718");
    expect(report.counts).toEqual({ done: 2, pending: 0, failed: 0, skipped: 2 });
    for (const user of report.users) {
      expect(user.steps.map((step) => `${step.store} ${step.outcome}`)).toEqual(["aad done", "spo skipped"]);
    }
    // Nothing half-written: no thumbnail uploaded, no property changed.
    expect(requestsTo(t.tenant.emulator, "AddUsingPath")).toBe(0);
    expect(t.tenant.emulator.core.tenant.spoFilesIn("/User Photos/Profile Pictures")).toEqual([]);
    expect(t.tenant.emulator.core.tenant.findUser("ann@contoso.com")!.profile.PictureURL ?? "").toBe("");

    // The text report says it once, with the fix.
    const text = await runCli(["apply", "--yes"], { cwd: t.root, env: t.tenant.env("writer") });
    expect(text.stdout.split("\n").filter((line) => line.includes("refused to write user profile properties"))).toHaveLength(1);
    expect(text.code).toBe(1);
    // The plan still shows the SharePoint work to do (nothing was pretended done); Graph is in line.
    const again = await t.plan();
    expect(again.plan.counts).toMatchObject({ create: 2, update: 0, unknown: 0 });
  });

  it("denied, but PictureURL already points at the thumbnails: the thumbnails alone are replaced", async () => {
    // Bob's SharePoint photo was synced by SharePoint (PictureURL set), but it is someone else's picture.
    t = await spoTenant({ users: { "bob@contoso.com": { photos: { spo: { portrait: "someone-else" } }, profile: { "SPS-PictureExchangeSyncState": "0" } } } });
    const planned = await t.plan();
    const bobPlan = planned.plan.users.find((user) => user.upn === "bob@contoso.com")!;
    expect(bobPlan.steps.find((step) => step.store === "spo")).toMatchObject({ action: "update", properties: { before: {}, after: {} } });
    const { code, report } = await t.apply();
    expect(code).toBe(1);
    expect(report.notices?.map((notice) => notice.code)).toEqual(["spo-profile-write-denied"]);
    const outcomes = Object.fromEntries(report.users.map((user) => [user.upn, user.steps.map((step) => `${step.store} ${step.outcome}`)]));
    expect(outcomes).toEqual({ "ann@contoso.com": ["aad done", "spo skipped"], "bob@contoso.com": ["aad done", "spo done"] });
    const again = await t.plan();
    expect(again.plan.users.find((user) => user.upn === "bob@contoso.com")!.steps.map((step) => step.action)).toEqual(["noop", "noop"]);
  });

  it("appOnlyProfileWrites: allowed: converges", async () => {
    t = await spoTenant({ sharepoint: { appOnlyProfileWrites: "allowed" } });
    const { code, report } = await t.apply();
    expect(report.notices ?? []).toEqual([]);
    expect(report.counts).toEqual({ done: 4, pending: 0, failed: 0, skipped: 0 });
    expect(code).toBe(0);
    const again = await t.plan();
    expect(again.plan.counts).toMatchObject({ create: 0, update: 0, delete: 0, unknown: 0 });
  });
});
