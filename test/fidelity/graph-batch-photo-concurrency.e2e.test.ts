/**
 * Fidelity: inside a Graph $batch, at most 4 photo items run at a time (Microsoft's answer on Q&A
 * 1660054), so a 20-item photo batch pays the photo service's latency about five times. Emulator
 * switch tenant.graph.batchPhotoConcurrency (default 4; larger is lenient), with per-item service
 * time from a fault rule's itemLatencyMs. What a user cares about: with slow photo items, plan and
 * apply still read and write everyone correctly, and the emulator never ran more than 4 at once.
 * Counts, not wall time.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApplyReport } from "../../src/model/apply.js";
import { smallRepo, steps, type SmallRepo } from "./support.js";

const PEOPLE = 22;
const people = Array.from({ length: PEOPLE }, (_, i) => ({ upn: `p${String(i).padStart(2, "0")}@contoso.com`, seed: `p${i}` }));
const slowPhotoItems = { rules: [{ match: { service: "graph" as const, path: "/photo" }, itemLatencyMs: 30 }] };

for (const concurrency of [undefined, 20]) {
  describe(`batchPhotoConcurrency: ${concurrency ?? "default (4)"}`, () => {
    let repo: SmallRepo;
    beforeAll(async () => {
      repo = await smallRepo({
        people,
        stores: ["aad"],
        tenant: { behaviour: "current", ...(concurrency ? { graph: { batchPhotoConcurrency: concurrency } } : {}) },
        // Half already have their photo, half none.
        users: people.map((person, i) => ({ upn: person.upn, mailbox: "none" as const, ...(i % 2 === 0 ? { photos: { aad: { file: `photos/${person.seed}.png`, size: 648 } } } : {}) })),
      });
      repo.tenant.emulator.admin.setFaults(slowPhotoItems);
    });
    afterAll(async () => repo?.close());

    it("plans everyone right with slow photo items", async () => {
      repo.tenant.emulator.admin.resetCounters();
      const { plan } = await repo.plan();
      expect(steps(plan)).toEqual(people.map((person, i) => `${person.upn} aad ${i % 2 === 0 ? "noop" : "create"}`));
      const peak = repo.tenant.emulator.core.counters.batchPhotoPeak;
      if (concurrency === undefined) expect(peak).toBe(4);
      else expect(peak).toBeGreaterThan(4);
    });

    it("applies and converges", async () => {
      repo.tenant.emulator.admin.resetCounters();
      const applied = await repo.apply();
      expect(applied.code, applied.stderr).toBe(0);
      expect((JSON.parse(applied.stdout) as ApplyReport).counts).toMatchObject({ done: PEOPLE / 2, failed: 0 });
      if (concurrency === undefined) expect(repo.tenant.emulator.core.counters.batchPhotoPeak).toBeLessThanOrEqual(4);
      const again = await repo.plan();
      expect(again.plan.counts).toMatchObject({ create: 0, update: 0, delete: 0, unknown: 0 });
    });
  });
}
