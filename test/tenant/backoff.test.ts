/** The shared back-off: once a service asks for quiet, nothing is sent to it until the time is up. */
import { describe, expect, it } from "vitest";
import { MAX_SHARED_WAIT_SECONDS, ServiceBackoff } from "../../src/tenant/backoff.js";

/** A clock that only moves when someone sleeps. */
function fakeClock() {
  const clock = { time: 0, slept: [] as number[], now: () => clock.time, sleep: async (ms: number) => void (clock.slept.push(ms), (clock.time += ms)) };
  return clock;
}

describe("ServiceBackoff", () => {
  it("lets requests through at once until a service asks for quiet, then holds them until its Retry-After", async () => {
    const clock = fakeClock();
    const backoff = new ServiceBackoff(clock);
    await backoff.ready("sharepoint");
    expect(clock.slept).toEqual([]);
    clock.time = 1000;
    backoff.reporter("sharepoint")(5);
    await backoff.ready("sharepoint");
    expect(clock.time).toBe(6000);
    await backoff.ready("sharepoint");
    expect(clock.slept).toEqual([5000]);
  });

  it("keeps the longer of two windows, and keeps services apart", async () => {
    const clock = fakeClock();
    const backoff = new ServiceBackoff(clock);
    backoff.note("graph", 10);
    backoff.note("graph", 2);
    await backoff.ready("sharepoint");
    expect(clock.time).toBe(0);
    await backoff.ready("graph");
    expect(clock.time).toBe(10_000);
  });

  it("never holds a service longer than MAX_SHARED_WAIT_SECONDS for one answer", async () => {
    const clock = fakeClock();
    const backoff = new ServiceBackoff(clock);
    backoff.note("graph", 3600);
    await backoff.ready("graph");
    expect(clock.time).toBe(MAX_SHARED_WAIT_SECONDS * 1000);
  });

  it("waits again when the window is moved while it sleeps", async () => {
    const clock = fakeClock();
    const backoff = new ServiceBackoff(clock);
    backoff.note("graph", 1);
    const sleep = clock.sleep;
    let moved = false;
    clock.sleep = async (ms) => {
      await sleep(ms);
      if (!moved) {
        moved = true;
        backoff.note("graph", 3);
      }
    };
    await backoff.ready("graph");
    expect(clock.time).toBe(4000);
  });
});
