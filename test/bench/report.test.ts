/** The bench report's verdicts on the targets, and where it says a missed target's time went. */
import { describe, expect, it } from "vitest";
import { formatTargets, judgeTargets, setBaselineRatios, whereTimeWent } from "../../bench/report.js";
import type { ScenarioResult } from "../../bench/scenarios.js";

function scenario(id: string, people: number, seconds: { wall: number; cpu: number; emulator: number }, subjects = people): ScenarioResult {
  return {
    id,
    title: id,
    people,
    subjects,
    wallMs: seconds.wall * 1000,
    cpuMs: seconds.cpu * 1000,
    emulatorCpuMs: seconds.emulator * 1000,
    peakRssMiB: 300,
    exitCode: 0,
    requests: { http: people * 0.1, batchItems: 0, bytesDownloaded: 0, photoBytes: 0, photoDownloads: 0, byEndpoint: {} },
    check: { ok: true, detail: "" },
  };
}

/** A full run: 1,000 (with the naive baseline) and 10,000 people. */
function fullRun(cold10k: { wall: number; cpu: number; emulator: number }): ScenarioResult[] {
  const results = [
    scenario("plan-cold", 1000, { wall: 16, cpu: 23.4, emulator: 3.1 }),
    scenario("plan-cold-live", 1000, { wall: 8.6, cpu: 9.4, emulator: 1.3 }),
    scenario("baseline", 1000, { wall: 240, cpu: 105, emulator: 12 }),
    scenario("plan-cold", 10000, cold10k),
    scenario("plan-warm", 10000, { wall: 9, cpu: 9.6, emulator: 3 }),
    scenario("plan-cold-live", 10000, { wall: 50, cpu: 51, emulator: 21 }),
    scenario("plan-pr", 10000, { wall: 2.4, cpu: 3.1, emulator: 0.6 }, 1),
  ];
  setBaselineRatios(results);
  return results;
}

describe("whereTimeWent", () => {
  it("calls a run that kept the cores busy CPU-bound, with the least time its CPU allows", () => {
    const text = whereTimeWent(scenario("plan-cold", 10000, { wall: 100, cpu: 150, emulator: 30 }), 2);
    expect(text).toMatch(/^CPU-bound: 150\.0 s of photosync's CPU and 30\.0 s of the emulator's in 100\.0 s/);
    expect(text).toContain("1.80 of 2 cores busy on average; at least 90.0 s with every core busy throughout");
  });

  it("calls a run that left the cores idle waiting", () => {
    expect(whereTimeWent(scenario("plan-cold-live", 10000, { wall: 60, cpu: 10, emulator: 2 }), 2)).toMatch(/^mostly waiting: .* \(0\.20 of 2 cores busy/);
    expect(whereTimeWent(scenario("plan-cold-live", 10000, { wall: 60, cpu: 70, emulator: 14 }), 2)).toMatch(/^partly waiting/);
  });
});

describe("judgeTargets", () => {
  it("says where a missed cold plan's time went, and how much of it analysing the sources took", () => {
    const targets = judgeTargets(fullRun({ wall: 114, cpu: 156, emulator: 25 }), 2);
    const cold = targets.find((target) => target.id === "cold-wall")!;
    expect(cold).toMatchObject({ met: false, missedBy: "54.0 s, 90% over the target" });
    expect(cold.whereTimeWent).toContain("156.0 s of photosync's CPU and 25.0 s of the emulator's in 114.0 s");
    expect(cold.whereTimeWent).toContain("analysing the 10,000 sources is ~105.0 s of photosync's CPU");
    // Met targets need no explanation.
    expect(targets.find((target) => target.id === "warm-wall")).toMatchObject({ met: true });
    expect(targets.find((target) => target.id === "warm-wall")!.whereTimeWent).toBeUndefined();
  });

  it("gives a missed ratio the wall time it would have taken", () => {
    const ratio = judgeTargets(fullRun({ wall: 50, cpu: 60, emulator: 10 }), 2).find((target) => target.id === "baseline-ratio")!;
    expect(ratio.met).toBe(false);
    expect(ratio.value).toBeCloseTo(15, 5);
    // 240 s for the naive baseline of 1,000 people: 20× is 12 s.
    expect(ratio.whereTimeWent).toMatch(/^20× needs 12\.0 s, against 16\.0 s: CPU-bound/);
  });

  it("leaves a met cold plan without an explanation, and prints one only under a miss", () => {
    const targets = judgeTargets(fullRun({ wall: 50, cpu: 60, emulator: 10 }), 2);
    expect(targets.find((target) => target.id === "cold-wall")).toMatchObject({ met: true });
    const printed = formatTargets(targets).split("\n");
    const explanations = printed.filter((line) => line.trim().startsWith("where the time went:"));
    expect(explanations).toHaveLength(1);
    expect(printed[printed.indexOf(explanations[0]!) - 1]).toMatch(/^ {2}MISS {2}cold plan at 1,000 people vs the naive baseline/);
  });
});
