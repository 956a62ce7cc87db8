/** Adaptive concurrency per service (pure): back off on 429, slow latency and a spent budget; recover slowly. */
import { describe, expect, it } from "vitest";
import { AdaptiveLimit, budgetLow, requestKind } from "../../src/tenant/pacing.js";

const ok = (latencyMs = 100, kind = "GET x") => ({ kind, latencyMs, throttled: false });

/** Sends `count` requests one round at a time (as many at once as the limit allows), all answered `answer`. */
async function round(limit: AdaptiveLimit, answer: (index: number) => { kind: string; latencyMs: number; throttled: boolean; budgetLow?: boolean }): Promise<void> {
  const width = limit.current;
  await Promise.all(Array.from({ length: width }, () => limit.acquire()));
  for (let index = 0; index < width; index += 1) limit.release(answer(index));
}

describe("AdaptiveLimit", () => {
  it("never lets more than the limit through at once, and lets the next in as one is answered", async () => {
    const limit = new AdaptiveLimit({ ceiling: 2 });
    await limit.acquire();
    await limit.acquire();
    let third = false;
    const waiting = limit.acquire().then(() => (third = true));
    await Promise.resolve();
    expect(third).toBe(false);
    limit.release(ok());
    await waiting;
    expect(third).toBe(true);
  });

  it("halves on a 429 once per round, however many answers of that round were throttled", async () => {
    const limit = new AdaptiveLimit({ ceiling: 16 });
    await round(limit, () => ({ ...ok(), throttled: true }));
    expect(limit.current).toBe(8);
    await round(limit, () => ({ ...ok(), throttled: true }));
    expect(limit.current).toBe(4);
  });

  it("a throttled $batch part halves it too", () => {
    const limit = new AdaptiveLimit({ ceiling: 16 });
    limit.throttled();
    expect(limit.current).toBe(8);
  });

  it("recovers by about one per round of good answers, up to the ceiling", async () => {
    const limit = new AdaptiveLimit({ ceiling: 16 });
    await round(limit, () => ({ ...ok(), throttled: true }));
    await round(limit, () => ({ ...ok(), throttled: true }));
    expect(limit.current).toBe(4);
    // A round of four adds a little under one (1/4 + 1/4.25 + …), two rounds one and more.
    await round(limit, () => ok());
    expect(limit.current).toBe(4);
    await round(limit, () => ok());
    expect(limit.current).toBe(5);
    for (let rounds = 0; rounds < 40; rounds += 1) await round(limit, () => ok());
    expect(limit.current).toBe(16);
  });

  it("comes down when a kind of request grows much slower than it was, not when another kind is slower", async () => {
    const limit = new AdaptiveLimit({ ceiling: 16 });
    // File reads at 100 ms and 100-part batches at 1,200 ms are each normal for their kind.
    for (let rounds = 0; rounds < 4; rounds += 1) await round(limit, (index) => (index % 2 === 0 ? ok(100, "read") : ok(1200, "batch")));
    expect(limit.current).toBe(16);
    // Then file reads take five times as long: the service is queueing.
    for (let rounds = 0; rounds < 4; rounds += 1) await round(limit, () => ok(500, "read"));
    expect(limit.current).toBeLessThan(16);
    expect(limit.current).toBeGreaterThanOrEqual(1);
  });

  it("comes down when the service says little of its budget is left", async () => {
    const limit = new AdaptiveLimit({ ceiling: 16 });
    await round(limit, () => ({ ...ok(), budgetLow: true }));
    expect(limit.current).toBe(12);
  });

  it("never goes below one", async () => {
    const limit = new AdaptiveLimit({ ceiling: 4 });
    for (let rounds = 0; rounds < 10; rounds += 1) await round(limit, () => ({ ...ok(), throttled: true }));
    expect(limit.current).toBe(1);
  });
});

describe("requestKind", () => {
  it("every file read or person's photo is one kind; a batch is another", () => {
    const read = (name: string) => requestKind("get", new URL(`https://contoso-my.sharepoint.com/_api/web/getFileByServerRelativePath(decodedurl='/User Photos/Profile Pictures/${name}')/$value`));
    expect(read("ana_MThumb.jpg")).toBe(read("bruno_LThumb.jpg"));
    const photo = (id: string) => requestKind("GET", new URL(`https://graph.microsoft.com/v1.0/users/${id}/photo/$value`));
    expect(photo("ana@contoso.com")).toBe(photo("0b0e7f4c-3a6e-4a43-9d53-5d1c4a7b9e10"));
    expect(requestKind("POST", new URL("https://graph.microsoft.com/v1.0/$batch"))).not.toBe(photo("ana@contoso.com"));
  });
});

describe("budgetLow", () => {
  it("below a fifth of the limit left; absent or odd headers are not a signal", () => {
    expect(budgetLow("3600", "500")).toBe(true);
    expect(budgetLow("3600", "900")).toBe(false);
    expect(budgetLow(null, "1")).toBe(false);
    expect(budgetLow("x", "1")).toBe(false);
  });
});
