/**
 * Fidelity: OData string literals double a single quote (Graph query-parameters.md, "Escaping
 * single quotes"); UPNs may contain one, and an undoubled one is 400 "Invalid filter clause"
 * (azure-powershell #17368). Not a switch: the emulator always refuses it. What a user cares about:
 * a person whose UPN has a `'` is found, planned and written like anyone else, and the people
 * looked up in the same filter are not lost with them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { smallRepo, steps, type SmallRepo } from "./support.js";

let repo: SmallRepo;
beforeAll(async () => {
  repo = await smallRepo({
    people: [
      { upn: "o'brien@contoso.com", seed: "obrien" },
      { upn: "ann@contoso.com", seed: "ann" },
    ],
    stores: ["aad"],
    tenant: { behaviour: "current" },
    users: [
      { upn: "o'brien@contoso.com", displayName: "Pat O'Brien", mailbox: "none" },
      { upn: "ann@contoso.com", mailbox: "none" },
    ],
  });
});
afterAll(async () => repo?.close());

describe("a UPN with a quote", () => {
  it("is found and planned, with the person looked up beside it", async () => {
    const { code, plan } = await repo.plan();
    expect(steps(plan)).toEqual(["ann@contoso.com aad create", "o'brien@contoso.com aad create"]);
    expect(plan.users.every((user) => user.id !== undefined)).toBe(true);
    expect(code).toBe(2);
    // Every user lookup the emulator answered was a 200: no filter was refused.
    const lookups = Object.entries(repo.tenant.emulator.admin.counters().endpoints).filter(([endpoint]) => endpoint.includes("GET /v1.0/users (batch item)"));
    expect(lookups.length).toBeGreaterThan(0);
    for (const [, count] of lookups) expect(Object.keys(count.statuses)).toEqual(["200"]);
  });

  it("is written by apply, and the next plan has nothing to do", async () => {
    const applied = await repo.apply();
    expect(applied.code, applied.stderr).toBe(0);
    expect(repo.tenant.emulator.core.tenant.findUser("o'brien@contoso.com")!.photos.aad).toBeDefined();
    const again = await repo.plan();
    expect(again.plan.counts).toMatchObject({ create: 0, update: 0, delete: 0, unknown: 0 });
  });
});
