/**
 * Fidelity: Graph refuses any request over 4 MB, a $batch envelope included (profilephoto-update.md;
 * base64 inflates bodies by 4/3; m365-facts 2026 revision). Not a switch: the emulator always
 * answers 413 RequestEntityTooLarge. What a user cares about: an apply of many large photos
 * succeeds, in several batches that each stay under the limit, and the next plan has nothing to do.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApplyReport } from "../../src/model/apply.js";
import { smallRepo, type SmallRepo } from "./support.js";

const PEOPLE = 24;
const people = Array.from({ length: PEOPLE }, (_, i) => ({ upn: `p${String(i).padStart(2, "0")}@contoso.com`, seed: `p${i}`, noisy: true }));

let repo: SmallRepo;
beforeAll(async () => {
  repo = await smallRepo({ people, stores: ["aad"], tenant: { behaviour: "current" }, users: people.map((person) => ({ upn: person.upn, mailbox: "none" as const })) });
});
afterAll(async () => repo?.close());

describe("many large photos", () => {
  it("are written in batches under 4 MB, none refused, and the next plan converges", async () => {
    repo.tenant.emulator.admin.resetCounters();
    const applied = await repo.apply();
    expect(applied.code, applied.stderr).toBe(0);
    const report = JSON.parse(applied.stdout) as ApplyReport;
    expect(report.counts).toMatchObject({ done: PEOPLE, failed: 0 });

    const endpoints = repo.tenant.emulator.admin.counters().endpoints;
    const batches = Object.entries(endpoints).filter(([endpoint]) => endpoint.startsWith("graph POST") && endpoint.endsWith("/$batch"));
    const puts = endpoints["graph PUT /beta/users/{id}/photo/$value (batch item)"] ?? endpoints["graph PUT /v1.0/users/{id}/photo/$value (batch item)"];
    expect(puts?.count).toBe(PEOPLE);
    // The uploads alone are more than one 4 MB request could carry: they needed several batches.
    expect(puts!.bytesReceived).toBeGreaterThan(4 * 1024 * 1024);
    expect(batches.some(([, count]) => count.statuses["413"] !== undefined)).toBe(false);
    const writeBatches = batches.reduce((sum, [, count]) => sum + count.count, 0);
    expect(writeBatches).toBeGreaterThan(Math.ceil(PEOPLE / 20) + 1);

    const again = await repo.plan();
    expect(again.plan.counts).toMatchObject({ create: 0, update: 0, delete: 0, unknown: 0 });
  });
});
