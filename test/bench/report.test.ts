/** The bench report's verdicts on the targets, and where it says a missed target's time went. */
import { describe, expect, it } from "vitest";
import { formatServices, formatTargets, judgeBudgetTargets, judgeTargets, setBaselineRatios, throttledShare, whereTimeWent } from "../../bench/report.js";
import type { ScenarioResult } from "../../bench/scenarios.js";
import { noServiceRequests } from "../../bench/tenant.js";

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
    requests: { http: people * 0.1, batchItems: 0, bytesDownloaded: 0, photoBytes: 0, photoDownloads: 0, services: noServiceRequests(), byEndpoint: {} },
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

/** A realistic-profile scenario with its per-service counts and SharePoint's budget. */
function metered(id: string, people: number, wall: number, counts: { graphHttp: number; spoHttp: number; spoParts: number; spoThrottled?: number; units: number; photoBytes?: number }): ScenarioResult {
  const base = scenario(id, people, { wall, cpu: wall / 4, emulator: wall / 10 });
  const services = noServiceRequests();
  services.graph = { http: counts.graphHttp, batchItems: counts.graphHttp * 20, operations: counts.graphHttp * 20, throttled: 0, bytes: 1e6 };
  // One $batch envelope per 100 parts; the rest are requests of their own (listing pages).
  const envelopes = Math.ceil(counts.spoParts / 100);
  services.sharepoint = { http: counts.spoHttp, batchItems: counts.spoParts, operations: counts.spoHttp - envelopes + counts.spoParts, throttled: counts.spoThrottled ?? 0, bytes: 2e6 };
  return {
    ...base,
    requests: {
      ...base.requests,
      photoBytes: counts.photoBytes ?? 0,
      services,
      sharePointUnits: { used: counts.units, perMinute: 3750, perDay: 3_600_000 },
      byEndpoint: {
        "sharepoint GET /_api/sp.userprofiles.peoplemanager/getpropertiesfor(@v) (batch item)": { count: counts.spoParts, bytes: 0 },
        "sharepoint GET /_api/web/getList('…')/items": { count: counts.spoHttp - envelopes, bytes: 0 },
        "sharepoint POST /_api/$batch": { count: envelopes, bytes: 0 },
      },
    },
  };
}

describe("judgeBudgetTargets (realistic profile)", () => {
  const warm = metered("plan-warm", 10000, 340, { graphHttp: 520, spoHttp: 106, spoParts: 10000, units: 20024 });
  const cold = metered("plan-cold", 10000, 900, { graphHttp: 1100, spoHttp: 406, spoParts: 40000, spoThrottled: 300, units: 80100, photoBytes: 5e8 });

  it("judges the per-person budgets from the service counts: a warm plan within them, a cold one over", () => {
    const targets = judgeBudgetTargets([warm, cold], 2);
    const byId = (id: string) => targets.find((target) => target.id === id)!;
    expect(byId("warm-requests")).toMatchObject({ met: true, measuredAt: 10000 });
    expect(byId("warm-requests").value).toBeCloseTo(0.052, 3);
    expect(byId("warm-spo-ops")).toMatchObject({ met: true });
    expect(byId("warm-spo-ops").value).toBeCloseTo(1.0006, 4);
    expect(byId("warm-photo-bytes")).toMatchObject({ met: true, value: 0 });
    expect(byId("cold-spo-ops")).toMatchObject({ met: false });
    expect(byId("cold-spo-ops").value).toBeCloseTo(4.0, 1);
    // 300 of 1,100 + 22,000 + 406 + 40,000 requests.
    expect(byId("cold-429").value).toBeCloseTo(throttledShare(cold), 6);
    expect(byId("cold-429")).toMatchObject({ met: true });
  });

  it("says a missed wall time went to SharePoint's budget, in resource units and minutes", () => {
    const wall = judgeBudgetTargets([warm, cold], 2).find((target) => target.id === "warm-wall")!;
    expect(wall).toMatchObject({ met: false, missedBy: "310.0 s, 1033% over the target" });
    expect(wall.whereTimeWent).toContain("SharePoint: 10,006 operations, 1.00 a person (10,000 × GET /_api/sp.userprofiles.peoplemanager/getpropertiesfor(@v) (batch item), 6 × GET /_api/web/getList('…')/items)");
    expect(wall.whereTimeWent).toContain("20,024 resource units against 3,750 a minute, so at least 5 full minute(s) of waiting for the budget");
  });

  it("says which targets were measured at a smaller size than they are defined at, and leaves the rest unmeasured", () => {
    const small = metered("plan-warm", 200, 20, { graphHttp: 12, spoHttp: 3, spoParts: 200, units: 404 });
    const targets = judgeBudgetTargets([small], 2);
    expect(targets.find((target) => target.id === "warm-wall")).toMatchObject({ met: true, measuredAt: 200, note: "measured at N=200, not 10,000" });
    expect(targets.find((target) => target.id === "cold-wall")).toMatchObject({ note: "not measured in this run" });
  });

  it("judges a run of the scale preset alone at 100,000 and leaves the 10,000 targets unmeasured", () => {
    const warmScale = metered("plan-warm", 100000, 2200, { graphHttp: 5000, spoHttp: 1020, spoParts: 100000, units: 200100 });
    const pr = metered("plan-pr", 100000, 2.4, { graphHttp: 2, spoHttp: 2, spoParts: 1, units: 6 });
    const targets = judgeBudgetTargets([warmScale, pr], 2);
    const byId = (id: string) => targets.find((target) => target.id === id)!;
    expect(byId("scale-warm-wall")).toMatchObject({ met: false, measuredAt: 100000 });
    expect(byId("pr-wall")).toMatchObject({ met: true, value: 2.4 });
    expect(byId("warm-wall")).toMatchObject({ note: "not measured in this run" });
    expect(byId("cold-spo-ops")).toMatchObject({ note: "not measured in this run" });
  });

  it("prints a per-service table with each service's requests per person and the minutes of budget used", () => {
    const lines = formatServices([warm]).split("\n");
    expect(lines[0]).toMatch(/Graph req\/pers.*SPO ops\/pers.*minutes of budget/);
    const cells = lines[2]!.trim().split(/\s{2,}/);
    expect(cells).toEqual(["10000", "plan-warm", "0.052", "10400", "0", "1.00", "0.011", "1.001", "0", "2.00", "20024", "3750", "5.3"]);
  });
});

