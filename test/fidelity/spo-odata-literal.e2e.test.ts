/**
 * Fidelity: OData string literals double a quote; a lone one is a 400 from SharePoint's parser
 * (m365-facts.md, "OData string literals double a single quote"; UPNs may contain `'`). photosync
 * escapes the account name it puts in GetPropertiesFor's `@v` literal, so a person called
 * o'brien is read, written and planned like anyone else.
 */
import { afterEach, describe, expect, it } from "vitest";
import { spoTenant, type SpoTenant } from "./spo-tenant.js";

let t: SpoTenant | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("a UPN with a quote", () => {
  it("plan → apply → plan converges for o'brien@contoso.com", async () => {
    t = await spoTenant({ upns: ["o'brien@contoso.com"], sharepoint: { appOnlyProfileWrites: "allowed" } });
    const first = await t.plan();
    const spo = first.plan.users[0]!.steps.find((step) => step.store === "spo")!;
    expect(spo.action).toBe("create");
    expect(first.plan.counts.unknown).toBe(0);
    const applied = await t.apply();
    expect(applied.report.counts).toEqual({ done: 2, pending: 0, failed: 0, skipped: 0 });
    const profile = t.tenant.emulator.core.tenant.findUser("o'brien@contoso.com")!.profile;
    expect(decodeURI(new URL(profile.PictureURL!).pathname)).toBe("/User Photos/Profile Pictures/o'brien_contoso_com_MThumb.jpg");
    const again = await t.plan();
    expect(again.plan.counts).toMatchObject({ create: 0, update: 0, delete: 0, unknown: 0 });
    expect(again.code).toBe(0);
  });
});
