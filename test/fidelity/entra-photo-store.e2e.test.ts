/**
 * Entra ID is the photo store (MC678855, m365-facts.md "The platform in 2026"): in a current tenant
 * Graph v1.0 reads and writes Entra ID for everyone, mailbox or not. photosync reads each person's
 * one Graph photo once, through v1.0 (never "exo" and "aad" both, never beta), plans it as Entra ID
 * and says so, and plan → apply --yes → plan converges.
 * Emulator: tenant.behaviour: current (the default).
 */
import { describe, expect, it } from "vitest";
import { HOLDERS } from "../../src/model/routing.js";
import { graphPhotoRequests, useFidelityTenant } from "./helpers.js";

const t = useFidelityTenant({
  tenant: "  behaviour: current",
  users: [
    "  - upn: ann.mailbox@contoso.com",
    "    photo: { portrait: someone-else-2019 }",
    "  - upn: ben.nomailbox@contoso.com",
    "    mailbox: none",
    "  - upn: cy.unlicensed@contoso.com",
    "    licensed: false",
  ].join("\n"),
  manifest: { "ann.mailbox@contoso.com": "photos/ann.jpg", "ben.nomailbox@contoso.com": "photos/ben.jpg", "cy.unlicensed@contoso.com": "photos/cy.jpg" },
});

describe("a current tenant: one Graph photo per person, in Entra ID", () => {
  it("plans one Entra ID step per person, read once through v1.0, and says why", async () => {
    t.tenant.emulator.admin.resetCounters();
    const { code, plan } = await t.plan();
    expect(code).toBe(2);
    expect(plan.users.map((user) => [user.upn, user.steps.map((step) => `${step.store} ${step.action}`)])).toEqual([
      ["ann.mailbox@contoso.com", ["aad update"]],
      ["ben.nomailbox@contoso.com", ["aad create"]],
      ["cy.unlicensed@contoso.com", ["aad create"]],
    ]);
    expect(plan.users.every((user) => user.steps.every((step) => step.holder === HOLDERS.current))).toBe(true);
    // One metadata read per person, all v1.0; nothing through beta.
    expect(graphPhotoRequests(t.tenant, /\/v1\.0\/users\/[^/]+\/photo$/)).toBe(3);
    expect(graphPhotoRequests(t.tenant, /\/beta\/users\//)).toBe(0);
    const text = await t.planText();
    expect(text.stdout).toContain(`Graph photos: ${HOLDERS.current}, 3 people.`);
  });

  it("apply --yes writes Entra ID through v1.0, and the next plan has no changes", async () => {
    t.tenant.emulator.admin.resetCounters();
    const { code, report } = await t.apply();
    expect(code).toBe(0);
    expect(report.counts).toMatchObject({ done: 3, failed: 0 });
    expect(graphPhotoRequests(t.tenant, /\/beta\/users\//)).toBe(0);
    for (const upn of ["ann.mailbox@contoso.com", "ben.nomailbox@contoso.com", "cy.unlicensed@contoso.com"]) {
      expect(t.tenant.emulator.core.tenant.findUser(upn)!.photos.aad).toBeDefined();
    }
    const again = await t.plan();
    expect(again.code).toBe(0);
    expect(again.plan.counts).toMatchObject({ create: 0, update: 0, delete: 0, unknown: 0, noop: 3 });
  });
});
