/**
 * The learned SharePoint budget: after the first minute the service says is spent, each minute
 * spends close to the budget and is not throttled — checked against the emulator's own meter of
 * resource units, with a clock that only moves when someone waits.
 */
import { describe, expect, it } from "vitest";
import { LearnedBudget, assumedOperationsPerMinute, operationsIn } from "../../src/tenant/budget.js";
import { REST_COSTS, ResourceUnits } from "../../src/emulator/resource-units.js";
import type { OperationKind } from "../../src/emulator/resource-units.js";
import { batchRequestBody } from "../../src/stores/sharepoint/batch.js";

function fakeClock() {
  const clock = { time: 0, now: () => clock.time, sleep: async (ms: number) => void (clock.time += ms) };
  return clock;
}

interface Sent {
  at: number;
  throttled: boolean;
  /** Units spent on an operation the service accepted. */
  units: number;
}

/**
 * A client sending `inFlight` operations at a time for `minutes`, each round answered after
 * `latencyMs`, honouring Retry-After as photosync's back-off does; the kind of each operation by
 * the minute it is sent in. Returns every operation as the service saw it.
 */
interface Meter {
  charge(app: string, kind: OperationKind, now: number): { retryAfter?: number };
}

/**
 * A budget in windows on a fixed grid of minutes from `offsetMs`: the other reading of
 * Microsoft's silence on when a minute begins (the emulator's begins with the first request
 * after the last one ended).
 */
function gridMeter(perMinute: number, offsetMs: number): Meter {
  let window = Number.NaN;
  let used = 0;
  return {
    charge(_app, kind, now) {
      const index = Math.floor((now - offsetMs) / 60_000);
      if (index !== window) [window, used] = [index, 0];
      used += REST_COSTS[kind];
      return used > perMinute ? { retryAfter: Math.max(1, Math.ceil((offsetMs + (index + 1) * 60_000 - now) / 1000)) } : {};
    },
  };
}

async function simulate(options: { minutes: number; inFlight: number; latencyMs: number; perMinute: number; kindAt?: (minute: number) => OperationKind; assume?: number; service?: Meter }) {
  const clock = fakeClock();
  const budget = new LearnedBudget(clock);
  if (options.assume !== undefined) budget.assume(options.assume);
  const service = options.service ?? new ResourceUnits({ perMinute: options.perMinute, perDay: 1e12 }, 100);
  const sent: Sent[] = [];
  let quietUntil = 0;
  while (clock.time < options.minutes * 60_000) {
    if (clock.time < quietUntil) await clock.sleep(quietUntil - clock.time);
    for (let i = 0; i < options.inFlight; i++) {
      await budget.take(1);
      const kind = options.kindAt?.(Math.floor(clock.time / 60_000)) ?? "download";
      const charge = service.charge("photosync", kind, clock.time);
      sent.push({ at: clock.time, throttled: charge.retryAfter !== undefined, units: charge.retryAfter !== undefined ? 0 : REST_COSTS[kind] });
      if (charge.retryAfter !== undefined) {
        budget.throttled(charge.retryAfter);
        quietUntil = Math.max(quietUntil, clock.time + options.latencyMs + charge.retryAfter * 1000);
      }
    }
    await clock.sleep(options.latencyMs);
  }
  const between = (from: number, to: number) => sent.filter((operation) => operation.at >= from * 60_000 && operation.at < to * 60_000);
  return { sent, between, budget };
}

/** Lets the first minute pass with one send: the first minute never teaches (see budget.ts). */
async function pastTheFirstMinute(budget: LearnedBudget, clock: ReturnType<typeof fakeClock>): Promise<void> {
  await budget.take(1);
  clock.time += 60_000;
}

const unitsOf = (operations: readonly Sent[]) => operations.reduce((sum, operation) => sum + operation.units, 0);
const throttledOf = (operations: readonly Sent[]) => operations.filter((operation) => operation.throttled).length;

describe("LearnedBudget", () => {
  it("only counts until the service first says the budget is spent", async () => {
    const clock = fakeClock();
    const budget = new LearnedBudget(clock);
    for (let i = 0; i < 10_000; i++) await budget.take(100);
    expect(clock.time).toBe(0);
    expect(budget.estimate).toBeUndefined();
  });

  it("learns the minute's budget from the first spent minute it began: later minutes spend most of it and are hardly throttled", async () => {
    // 16 operations at a time, 200 ms each: 4,800 a minute against a budget of 625 (1,250 units at 2 each).
    const { between, budget } = await simulate({ minutes: 9, inFlight: 16, latencyMs: 200, perMinute: 1_250 });
    // The first minute only says when the service's minute ends; the second teaches the budget.
    expect(throttledOf(between(0, 1))).toBeGreaterThan(0);
    expect(throttledOf(between(1, 2))).toBeGreaterThan(0);
    // Only the estimate's slow growth probing past the budget is ever throttled again.
    expect(throttledOf(between(2, 9))).toBeLessThanOrEqual(0.01 * between(2, 9).length);
    expect(unitsOf(between(2, 9))).toBeGreaterThanOrEqual(0.85 * 1_250 * 7);
    expect(budget.estimate).toBeLessThanOrEqual(1.05 * 625);
  });

  it("learns nothing from a first minute begun by the run just before, even when it ends within a second or two of its own", async () => {
    // The previous run began SharePoint's minute 1.9 s before this one's first send and left 100 units of it.
    const service = new ResourceUnits({ perMinute: 1_250, perDay: 1e12 }, 100);
    for (let i = 0; i < 575; i++) service.charge("photosync", "download", -1_900);
    const { between, budget } = await simulate({ minutes: 6, inFlight: 16, latencyMs: 200, perMinute: 1_250, service, assume: assumedOperationsPerMinute(1_000) });
    // Taken for its own, that minute would teach a budget of ~50 operations, and the run would crawl.
    expect(budget.estimate).toBeGreaterThan(0.85 * 625);
    expect(unitsOf(between(1, 6))).toBeGreaterThanOrEqual(0.85 * 1_250 * 5);
    expect(throttledOf(between(1, 6))).toBeLessThanOrEqual(0.01 * between(1, 6).length);
  });

  it("works as well when SharePoint's minutes run on a fixed grid", async () => {
    // The grid's minute began 37 s before the client's first send.
    const { between } = await simulate({ minutes: 30, inFlight: 16, latencyMs: 200, perMinute: 1_250, service: gridMeter(1_250, -37_000), assume: assumedOperationsPerMinute(1_000) });
    const later = between(1, 30);
    expect(throttledOf(later) / later.length).toBeLessThan(0.01);
    expect(unitsOf(between(1, 30))).toBeGreaterThanOrEqual(0.85 * 1_250 * 29);
  });

  it("throttles under 1% of operations over a long run, growing back to the budget after a low first guess", async () => {
    // The first minute lists (4 units an operation), then downloads (2): the first guess is half the budget.
    const { between, budget } = await simulate({ minutes: 60, inFlight: 16, latencyMs: 200, perMinute: 2_500, kindAt: (minute) => (minute === 0 ? "list" : "download") });
    const later = between(1, 60);
    expect(throttledOf(later) / later.length).toBeLessThan(0.01);
    // Grown from ~562 (0.9 × 625 listings) to near the 1,250 downloads a minute holds.
    expect(budget.estimate).toBeGreaterThan(1_000);
    expect(unitsOf(between(50, 60))).toBeGreaterThanOrEqual(0.85 * 2_500 * 10);
  });

  it("starts from Microsoft's published tier for the licences it knows of: the first minute is not throttled", async () => {
    // 1,000 licences: the smallest tier, 1,250 units a minute.
    const { between, budget } = await simulate({ minutes: 8, inFlight: 16, latencyMs: 200, perMinute: 1_250, assume: assumedOperationsPerMinute(1_000) });
    expect(throttledOf(between(0, 1))).toBe(0);
    expect(unitsOf(between(0, 1))).toBeGreaterThanOrEqual(0.85 * 1_250);
    expect(throttledOf(between(0, 8))).toBeLessThanOrEqual(0.01 * between(0, 8).length);
    // The 2% growth keeps probing just past the budget.
    expect(budget.estimate).toBeLessThanOrEqual(1.1 * 625);
  });

  it("doubles an assumption no 429 has confirmed after each minute it held back, then keeps what a 429 teaches", async () => {
    // Assumed for 100 licences (562 operations) in a tenant whose budget is 6,250 units (3,125 operations).
    const { between, budget } = await simulate({ minutes: 10, inFlight: 16, latencyMs: 200, perMinute: 6_250, assume: assumedOperationsPerMinute(100) });
    expect(unitsOf(between(3, 10))).toBeGreaterThanOrEqual(0.85 * 6_250 * 7);
    expect(budget.estimate).toBeGreaterThan(2_500);
    expect(budget.estimate).toBeLessThanOrEqual(1.1 * 3_125);
  });

  it("finds a budget many times the assumption within a minute, probing while it is held back", async () => {
    // Assumed for 1,000 licences (562 operations) where the service would take 100 times more:
    // 16 operations at a time of 200 ms (4,800 a minute) are then all that limits the client.
    const { between } = await simulate({ minutes: 6, inFlight: 16, latencyMs: 200, perMinute: 125_000, assume: assumedOperationsPerMinute(1_000) });
    // The first minute is held at the assumption (what the service takes in it is unknown) ...
    expect(between(0, 1).length).toBeLessThan(600);
    // ... the second finds more than the doubling at its end would give (1,125), and from the
    // third the client sends as fast as its requests come back.
    expect(between(1, 2).length).toBeGreaterThan(2 * 1_125);
    expect(between(2, 6).length).toBeGreaterThanOrEqual(0.9 * 4 * 4_800);
    expect(throttledOf(between(0, 6))).toBe(0);
  });

  it("ignores an assumption once a 429 has taught the budget", async () => {
    const clock = fakeClock();
    const budget = new LearnedBudget(clock);
    await pastTheFirstMinute(budget, clock);
    for (let i = 0; i < 100; i++) await budget.take(1);
    budget.throttled(60);
    budget.assume(5_000);
    expect(budget.estimate).toBe(Math.floor(0.9 * 99));
  });

  it("lets a send larger than the whole estimate go alone at the start of a minute", async () => {
    const clock = fakeClock();
    const budget = new LearnedBudget(clock);
    await pastTheFirstMinute(budget, clock);
    await budget.take(10);
    budget.throttled(60);
    expect(budget.estimate).toBe(8); // 0.9 × the 9 accepted
    clock.time = 120_000;
    await budget.take(100);
    expect(clock.time).toBe(120_000);
    await budget.take(1);
    expect(clock.time).toBe(180_000);
  });

  it("learns nothing from waits longer than a minute (the daily budget, an outage)", async () => {
    const budget = new LearnedBudget(fakeClock());
    await budget.take(500);
    budget.throttled(3_600);
    budget.throttled(0);
    expect(budget.estimate).toBeUndefined();
  });

  it("learns nothing from a minute the service began before this client's count (a run started part-way into it)", async () => {
    const clock = fakeClock();
    const budget = new LearnedBudget(clock);
    for (let i = 0; i < 50; i++) await budget.take(1);
    clock.time = 5_000;
    // The service's minute ends in 20 s, not 55: it began 40 s before this client's first send.
    budget.throttled(20);
    expect(budget.estimate).toBeUndefined();
    // The next minute is the client's own from its first send: its 429 teaches.
    clock.time = 25_000;
    for (let i = 0; i < 300; i++) await budget.take(1);
    clock.time = 40_000;
    budget.throttled(45);
    expect(budget.estimate).toBe(Math.floor(0.9 * 299));
  });

  it("follows the minute SharePoint's RateLimit-Reset names, without a 429", async () => {
    const clock = fakeClock();
    const budget = new LearnedBudget(clock);
    budget.assume(100);
    for (let i = 0; i < 100; i++) await budget.take(1);
    // A minute the run before began: it ends in 20 s, not in this run's 60.
    clock.time = 1_000;
    budget.resets(20);
    await budget.take(1);
    expect(clock.time).toBe(21_000);
    // It says nothing of the budget's size: the assumption only doubled (that minute held all it was sent).
    expect(budget.estimate).toBe(200);
  });

  it("counts a burst of throttled answers to one spent minute as one minute", async () => {
    const clock = fakeClock();
    const budget = new LearnedBudget(clock);
    await pastTheFirstMinute(budget, clock);
    for (let i = 0; i < 100; i++) await budget.take(1);
    // 100 sent, the last 20 refused, their answers arriving over a second with Retry-After ticking down.
    for (let i = 0; i < 20; i++) {
      clock.time = 100_000 + i * 50;
      budget.throttled(i < 10 ? 20 : 19);
    }
    expect(budget.estimate).toBe(Math.floor(0.9 * 80));
  });
});

describe("operationsIn", () => {
  it("assumes 90% of the published tier at two units an operation", () => {
    expect([1, 1_000, 1_001, 15_000, 100_000].map(assumedOperationsPerMinute)).toEqual([562.5, 562.5, 1_125, 1_687.5, 2_812.5]);
  });

  it("counts the parts of an OData $batch and one for anything else", () => {
    const body = batchRequestBody("b1", ["https://x/_api/web/a", "https://x/_api/web/b", "https://x/_api/web/c"]);
    expect(operationsIn("multipart/mixed; boundary=batch_b1", body)).toBe(3);
    expect(operationsIn("application/json", "{}")).toBe(1);
    expect(operationsIn(null, undefined)).toBe(1);
    expect(operationsIn("multipart/mixed; boundary=x", "no parts")).toBe(1);
  });
});
