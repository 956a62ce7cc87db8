/**
 * The bench's output: a table for the terminal, the issue's targets judged against the figures,
 * and the machine-readable report.
 */
import type { ScenarioResult } from "./scenarios.js";

export interface Target {
  id: string;
  text: string;
  /** The size it is defined at, and the size it was measured at (smaller in the quick preset). */
  definedAt: number;
  measuredAt?: number;
  value?: number;
  limit: number;
  unit: string;
  /** "max": value ≤ limit; "min": value ≥ limit. */
  kind: "max" | "min";
  met?: boolean;
  /** How far off, when missed ("3.2 s over, 21% above the target"). */
  missedBy?: string;
  /** Where the time went, when a time target is missed (from the scenario's CPU figures). */
  whereTimeWent?: string;
  note?: string;
}

const pad = (text: string, width: number): string => (text.length >= width ? text : text + " ".repeat(width - text.length));
const padLeft = (text: string, width: number): string => (text.length >= width ? text : " ".repeat(width - text.length) + text);

export function setBaselineRatios(results: ScenarioResult[]): void {
  for (const result of results) {
    const baseline = results.find((candidate) => candidate.id === "baseline" && candidate.people === result.people);
    if (!baseline || result.id === "baseline" || result.id.startsWith("render")) continue;
    // Per person, so a baseline over fewer people still compares.
    result.baselineRatio = baseline.wallMs / baseline.subjects / (result.wallMs / result.subjects);
  }
}

export function formatTable(results: readonly ScenarioResult[]): string {
  const header = ["N", "scenario", "wall s", "CPU s", "emulator CPU s", "RSS MiB", "HTTP req", "req/pers/store", "batch items", "MB down", "photo MB", "× naive", "check"];
  const rows = results.map((r) => [
    String(r.people),
    r.title,
    (r.wallMs / 1000).toFixed(2),
    (r.cpuMs / 1000).toFixed(2),
    r.emulatorCpuMs !== undefined ? (r.emulatorCpuMs / 1000).toFixed(2) : "",
    r.peakRssMiB.toFixed(0),
    String(r.requests.http),
    r.id.startsWith("plan") && r.id !== "plan-pr" ? (r.requests.http / (r.subjects * 3)).toFixed(3) : "",
    String(r.requests.batchItems),
    (r.requests.bytesDownloaded / 1e6).toFixed(2),
    (r.requests.photoBytes / 1e6).toFixed(2),
    r.baselineRatio !== undefined ? `${r.baselineRatio.toFixed(1)}×` : "",
    r.check.ok ? "ok" : `FAILED: ${r.check.detail}`,
  ]);
  return formatColumns(header, rows, new Set([1, 12]));
}

/** A plain-text table: columns as wide as their widest cell, numbers right-aligned, `textColumns` left. */
function formatColumns(header: readonly string[], rows: ReadonlyArray<readonly string[]>, textColumns: ReadonlySet<number>): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]): string => cells.map((cell, column) => (textColumns.has(column) ? pad(cell, widths[column]!) : padLeft(cell, widths[column]!))).join("  ");
  return [line(header), widths.map((width) => "-".repeat(width)).join("  "), ...rows.map(line)].join("\n");
}

const perPerson = (value: number, people: number): string => (people > 0 ? (value / people).toFixed(3) : "");

/**
 * Per service and scenario: HTTP requests per person, $batch parts, SharePoint operations per
 * person (what it meters: requests outside a batch and every part), 429 answers, bytes, and
 * SharePoint's resource units against the minute's budget ("minutes of budget": the fewest
 * minutes those units allow, whatever the concurrency).
 */
export function formatServices(results: readonly ScenarioResult[]): string {
  const header = ["N", "scenario", "Graph req/pers", "Graph parts", "Graph 429", "Graph MB", "SPO req/pers", "SPO ops/pers", "SPO 429", "SPO MB", "SPO units", "budget/min", "minutes of budget"];
  const rows = results
    .filter((r) => r.requests.services !== undefined && r.id !== "validate-shared" && !r.id.startsWith("render"))
    .map((r) => {
      const graph = r.requests.services.graph;
      const spo = r.requests.services.sharepoint;
      const units = r.requests.sharePointUnits;
      return [
        String(r.people),
        r.title,
        perPerson(graph.http, r.subjects),
        String(graph.batchItems),
        String(graph.throttled),
        (graph.bytes / 1e6).toFixed(2),
        perPerson(spo.http, r.subjects),
        perPerson(spo.operations, r.subjects),
        String(spo.throttled),
        (spo.bytes / 1e6).toFixed(2),
        units ? String(units.used) : "",
        units ? String(units.perMinute) : "",
        units ? (units.used / units.perMinute).toFixed(1) : "",
      ];
    });
  return formatColumns(header, rows, new Set([1]));
}

function find(results: readonly ScenarioResult[], id: string, people: number): ScenarioResult | undefined {
  return results.find((result) => result.id === id && result.people === people);
}

/**
 * The tenant sizes a run measured (validate's 50,000 aside), smallest first; the largest; and the
 * size the baseline ratio is judged at (1,000 when run, else the first with a baseline).
 */
function measuredSizes(results: readonly ScenarioResult[]): { sizes: number[]; largest: number; baselineSize: number } {
  const sizes = [...new Set(results.filter((result) => result.id !== "validate-shared").map((result) => result.people))].sort((a, b) => a - b);
  const largest = sizes[sizes.length - 1] ?? 0;
  const baselineSize = sizes.includes(1000) ? 1000 : (sizes.find((size) => find(results, "baseline", size)) ?? largest);
  return { sizes, largest, baselineSize };
}

const seconds = (ms: number): string => (ms / 1000).toFixed(1);

/**
 * Where a scenario's wall time went, from its CPU figures. photosync's and the emulator's CPU
 * divided by the cores is the least the run could have taken; the share of the cores kept busy says
 * whether it was computing (CPU-bound) or waiting (request latency, or a step that runs alone). Pure.
 */
export function whereTimeWent(result: ScenarioResult, cores: number): string {
  const cpuMs = result.cpuMs + (result.emulatorCpuMs ?? 0);
  const busy = cpuMs / result.wallMs / cores;
  const kind = busy >= 0.8 ? "CPU-bound" : busy >= 0.6 ? "partly waiting" : "mostly waiting";
  return (
    `${kind}: ${seconds(result.cpuMs)} s of photosync's CPU and ${seconds(result.emulatorCpuMs ?? 0)} s of the emulator's in ` +
    `${seconds(result.wallMs)} s (${(busy * cores).toFixed(2)} of ${cores} cores busy on average; at least ${seconds(cpuMs / cores)} s with every core busy throughout)`
  );
}

/** The cold plan's time, split by the same plan with the photo facts cached (the difference is analysing the sources). */
function coldPlanTime(cold: ScenarioResult, coldLive: ScenarioResult | undefined, cores: number): string {
  if (!coldLive) return whereTimeWent(cold, cores);
  return (
    `${whereTimeWent(cold, cores)}. With the photo facts cached: ${whereTimeWent(coldLive, cores)}. ` +
    `So analysing the ${cold.subjects.toLocaleString("en-US")} sources is ~${seconds(cold.cpuMs - coldLive.cpuMs)} s of photosync's CPU`
  );
}

function judge(target: Target): Target {
  if (target.value === undefined) return { ...target, note: target.note ?? "not measured in this run" };
  const met = target.kind === "max" ? target.value <= target.limit : target.value >= target.limit;
  const off = target.kind === "max" ? target.value - target.limit : target.limit - target.value;
  const share = target.limit === 0 ? "" : `, ${((off / target.limit) * 100).toFixed(0)}% ${target.kind === "max" ? "over" : "short of"} the target`;
  return { ...target, met, ...(met ? {} : { missedBy: `${off.toFixed(target.unit === "s" ? 1 : 2)} ${target.unit}${share}` }) };
}

/**
 * The issue's targets (full preset: 10,000 people; 1,000 for the baseline ratio), judged at the
 * largest size measured; a missed time target says where the time went (`cores`: the machine's).
 */
export function judgeTargets(results: readonly ScenarioResult[], cores: number): Target[] {
  const validateShared = results.find((result) => result.id === "validate-shared");
  const { largest, baselineSize } = measuredSizes(results);
  const warm = find(results, "plan-warm", largest);
  const cold = find(results, "plan-cold", largest);
  const pr = find(results, "plan-pr", largest);
  const drift = find(results, "plan-drift", largest);
  const coldSmall = find(results, "plan-cold", baselineSize);
  const coldLive = find(results, "plan-cold-live", largest);
  const apply = find(results, "apply", largest);
  const coldLiveSmall = find(results, "plan-cold-live", baselineSize);
  /** "At least 20× the naive baseline", for one scenario measured at the baseline's size. */
  const baselineTarget = (id: string, text: string, result: ScenarioResult | undefined) => ({
    id,
    text,
    definedAt: 1000,
    limit: 20,
    unit: "×",
    kind: "min" as const,
    ...(result?.baselineRatio !== undefined ? { measuredAt: baselineSize, value: result.baselineRatio } : {}),
    ...(baselineSize !== 1000 ? { note: `measured at N=${baselineSize}, not 1,000` } : {}),
  });
  const scaled = largest !== 10000 ? ` (measured at N=${largest}, not 10,000)` : "";
  const planRss = results.filter((result) => result.people === largest && result.id.startsWith("plan")).map((result) => result.peakRssMiB * 1.048576);
  const targets: Target[] = [
    { id: "warm-wall", text: "warm full drift plan, 10,000 people × 3 stores: wall", definedAt: 10000, limit: 15, unit: "s", kind: "max", ...(warm ? { measuredAt: largest, value: warm.wallMs / 1000 } : {}) },
    { id: "warm-requests", text: "warm plan: HTTP requests per person per store", definedAt: 10000, limit: 0.15, unit: "requests", kind: "max", ...(warm ? { measuredAt: largest, value: warm.requests.http / (warm.subjects * 3) } : {}) },
    { id: "warm-photo-bytes", text: "warm plan: photo bytes downloaded", definedAt: 10000, limit: 0, unit: "bytes", kind: "max", ...(warm ? { measuredAt: largest, value: warm.requests.photoBytes } : {}) },
    { id: "cold-wall", text: "cold full drift plan, 10,000 people: wall", definedAt: 10000, limit: 60, unit: "s", kind: "max", ...(cold ? { measuredAt: largest, value: cold.wallMs / 1000 } : {}) },
    {
      id: "cold-live-wall",
      text: "(supplementary) cold plan with photo facts cached, live cache cold, 10,000 people: wall",
      definedAt: 10000,
      limit: 60,
      unit: "s",
      kind: "max",
      ...(coldLive ? { measuredAt: largest, value: coldLive.wallMs / 1000 } : {}),
    },
    { id: "pr-wall", text: "pull-request plan, 1 changed among 10,000: wall incl. process start", definedAt: 10000, limit: 3, unit: "s", kind: "max", ...(pr ? { measuredAt: largest, value: pr.wallMs / 1000 } : {}) },
    { id: "rss", text: "peak RSS of a plan at 10,000 people", definedAt: 10000, limit: 400, unit: "MB", kind: "max", ...(planRss.length > 0 ? { measuredAt: largest, value: Math.max(...planRss) } : {}) },
    {
      id: "rss-apply",
      text: "(supplementary) peak RSS of the apply at 10,000 people",
      definedAt: 10000,
      limit: 400,
      unit: "MB",
      kind: "max",
      ...(apply ? { measuredAt: largest, value: apply.peakRssMiB * 1.048576 } : {}),
    },
    baselineTarget("baseline-ratio", "cold plan at 1,000 people vs the naive baseline: times faster", coldSmall),
    baselineTarget("baseline-ratio-live", "(supplementary) cold live cache, photo facts cached, at 1,000 people vs the naive baseline: times faster", coldLiveSmall),
    {
      id: "validate-shared",
      text: "validate, 50,000 people sharing one photo: wall incl. process start (linear, not quadratic)",
      definedAt: 50000,
      limit: 10,
      unit: "s",
      kind: "max",
      ...(validateShared?.check.ok ? { measuredAt: validateShared.people, value: validateShared.wallMs / 1000 } : {}),
    },
    { id: "drift-exact", text: "5% drift: exactly the changed people found", definedAt: 10000, limit: 1, unit: "", kind: "min", ...(drift ? { measuredAt: largest, value: drift.check.ok ? 1 : 0 } : {}) },
  ];
  const explanations: Record<string, string | undefined> = {
    "warm-wall": warm && whereTimeWent(warm, cores),
    "cold-wall": cold && coldPlanTime(cold, coldLive, cores),
    "cold-live-wall": coldLive && whereTimeWent(coldLive, cores),
    "pr-wall": pr && whereTimeWent(pr, cores),
    "baseline-ratio": coldSmall && baselineTime(coldSmall, coldLiveSmall, results, cores),
    "baseline-ratio-live": coldLiveSmall && baselineTime(coldLiveSmall, undefined, results, cores),
  };
  return targets.map((target) => {
    const judged = judge({ ...target, ...(scaled && target.definedAt === 10000 ? { note: `scaled down${scaled}` } : {}) });
    const explanation = explanations[target.id];
    return judged.met === false && explanation ? { ...judged, whereTimeWent: explanation } : judged;
  });
}

/** For a missed ratio: the wall time 20× would take, and where the scenario's time went. */
function baselineTime(result: ScenarioResult, coldLive: ScenarioResult | undefined, results: readonly ScenarioResult[], cores: number): string | undefined {
  const baseline = results.find((candidate) => candidate.id === "baseline" && candidate.people === result.people);
  if (!baseline) return undefined;
  const needed = ((baseline.wallMs / baseline.subjects) * result.subjects) / 20;
  return `20× needs ${seconds(needed)} s, against ${seconds(result.wallMs)} s: ${coldPlanTime(result, coldLive, cores)}`;
}

export function formatTargets(targets: readonly Target[]): string {
  return targets
    .map((target) => {
      const status = target.met === undefined ? "n/a " : target.met ? "MET " : "MISS";
      const value = target.value === undefined ? "—" : target.unit === "" ? (target.value === 1 ? "yes" : "no") : `${Number(target.value.toFixed(3))} ${target.unit}`;
      const limit = target.unit === "" ? "" : ` (target ${target.kind === "max" ? "≤" : "≥"} ${target.limit} ${target.unit})`;
      const line = `  ${status}  ${target.text}: ${value}${limit}${target.missedBy ? ` — missed by ${target.missedBy}` : ""}${target.note ? ` [${target.note}]` : ""}`;
      return target.whereTimeWent ? `${line}\n          where the time went: ${target.whereTimeWent}` : line;
    })
    .join("\n");
}

/**
 * Where a scenario's SharePoint budget went: its operations by endpoint (the three biggest), the
 * resource units they cost against the minute's budget, and the 429s. Pure.
 */
export function whereBudgetWent(result: ScenarioResult): string {
  const spo = result.requests.services.sharepoint;
  const biggest = Object.entries(result.requests.byEndpoint)
    .filter(([endpoint]) => endpoint.startsWith("sharepoint ") && !/\$batch$/.test(endpoint))
    .sort(([, a], [, b]) => b.count - a.count)
    .slice(0, 3)
    .map(([endpoint, count]) => `${count.count.toLocaleString("en-US")} × ${endpoint.replace(/^sharepoint /, "")}`)
    .join(", ");
  const units = result.requests.sharePointUnits;
  const budget = units
    ? `; ${units.used.toLocaleString("en-US")} resource units against ${units.perMinute.toLocaleString("en-US")} a minute, so at least ${Math.max(0, Math.ceil(units.used / units.perMinute) - 1)} full minute(s) of waiting for the budget whatever the concurrency`
    : "";
  return `SharePoint: ${spo.operations.toLocaleString("en-US")} operations, ${(spo.operations / Math.max(1, result.subjects)).toFixed(2)} a person (${biggest || "none"})${budget}; ${spo.throttled} answered 429`;
}

/** Share of a scenario's requests (batch parts included) answered 429, in percent. */
export function throttledShare(result: ScenarioResult): number {
  const services = Object.values(result.requests.services);
  const all = services.reduce((sum, service) => sum + service.http + service.batchItems, 0);
  const throttled = services.reduce((sum, service) => sum + service.throttled, 0);
  return all === 0 ? 0 : (throttled / all) * 100;
}

/**
 * Issue 23's targets, for the realistic profile: budgets per person and walls at 10,000 and
 * 100,000 people, judged at the sizes measured (a smaller size says so). A missed target says
 * where the time and SharePoint's budget went. Pure.
 */
export function judgeBudgetTargets(results: readonly ScenarioResult[], cores: number): Target[] {
  const { sizes, largest, baselineSize } = measuredSizes(results);
  // The 10,000 targets at 10,000 when run, else the largest size below 100,000 (none in a run of
  // the scale preset alone: its 100,000 people are not a 10,000-person figure).
  const mid = sizes.includes(10000) ? 10000 : [...sizes].reverse().find((size) => size < 100000);
  const warm = mid === undefined ? undefined : find(results, "plan-warm", mid);
  const cold = mid === undefined ? undefined : find(results, "plan-cold", mid);
  const warmScale = find(results, "plan-warm", largest);
  const pr = find(results, "plan-pr", largest);
  const coldSmall = find(results, "plan-cold", baselineSize);
  const drifts = results.filter((result) => result.id === "plan-drift");
  const at = (result: ScenarioResult | undefined, value: (found: ScenarioResult) => number) => (result ? { measuredAt: result.people, value: value(result) } : {});
  const perService = (result: ScenarioResult) => Math.max(...(["graph", "sharepoint"] as const).map((service) => result.requests.services[service].http / result.subjects));
  const planRss = results.filter((result) => result.people === largest && result.id.startsWith("plan")).map((result) => result.peakRssMiB * 1.048576);
  const targets: Target[] = [
    { id: "warm-wall", text: "warm drift plan, 10,000 people: wall", definedAt: 10000, limit: 30, unit: "s", kind: "max", ...at(warm, (r) => r.wallMs / 1000) },
    { id: "warm-photo-bytes", text: "warm drift plan: photo bytes downloaded", definedAt: 10000, limit: 0, unit: "bytes", kind: "max", ...at(warm, (r) => r.requests.photoBytes) },
    { id: "warm-requests", text: "warm drift plan: HTTP requests per person, the busier of Graph and SharePoint", definedAt: 10000, limit: 0.06, unit: "requests", kind: "max", ...at(warm, perService) },
    { id: "warm-spo-ops", text: "warm drift plan: SharePoint operations per person", definedAt: 10000, limit: 1.1, unit: "operations", kind: "max", ...at(warm, (r) => r.requests.services.sharepoint.operations / r.subjects) },
    { id: "cold-wall", text: "cold drift plan, 10,000 people: wall", definedAt: 10000, limit: 300, unit: "s", kind: "max", ...at(cold, (r) => r.wallMs / 1000) },
    { id: "cold-spo-ops", text: "cold drift plan: SharePoint operations per person", definedAt: 10000, limit: 2.2, unit: "operations", kind: "max", ...at(cold, (r) => r.requests.services.sharepoint.operations / r.subjects) },
    { id: "cold-429", text: "cold drift plan: share of requests answered 429 (below 1%)", definedAt: 10000, limit: 1, unit: "%", kind: "max", ...at(cold, throttledShare) },
    { id: "scale-warm-wall", text: "warm drift plan, 100,000 people: wall", definedAt: 100000, limit: 300, unit: "s", kind: "max", ...at(warmScale, (r) => r.wallMs / 1000) },
    { id: "scale-rss", text: "peak RSS of a plan at 100,000 people", definedAt: 100000, limit: 1000, unit: "MB", kind: "max", ...(planRss.length > 0 ? { measuredAt: largest, value: Math.max(...planRss) } : {}) },
    { id: "pr-wall", text: "pull-request plan of 1 person in a 100,000-person manifest: wall incl. process start", definedAt: 100000, limit: 3, unit: "s", kind: "max", ...at(pr, (r) => r.wallMs / 1000) },
    {
      id: "baseline-ratio",
      text: "cold plan at 1,000 people vs the naive baseline, same profile: times faster",
      definedAt: 1000,
      limit: 20,
      unit: "×",
      kind: "min",
      ...(coldSmall?.baselineRatio !== undefined ? { measuredAt: baselineSize, value: coldSmall.baselineRatio } : {}),
    },
    { id: "drift-exact", text: "5% drift: exactly the changed people found, at every size", definedAt: 10000, limit: 1, unit: "", kind: "min", ...(drifts.length > 0 ? { measuredAt: largest, value: drifts.every((drift) => drift.check.ok) ? 1 : 0 } : {}) },
  ];
  const sources: Record<string, ScenarioResult | undefined> = {
    "warm-wall": warm,
    "warm-requests": warm,
    "warm-spo-ops": warm,
    "cold-wall": cold,
    "cold-spo-ops": cold,
    "cold-429": cold,
    "scale-warm-wall": warmScale,
    "pr-wall": pr,
    "baseline-ratio": coldSmall,
  };
  return targets.map((target) => {
    const note = target.measuredAt !== undefined && target.measuredAt !== target.definedAt ? `measured at N=${target.measuredAt.toLocaleString("en-US")}, not ${target.definedAt.toLocaleString("en-US")}` : undefined;
    const judged = judge({ ...target, ...(note ? { note } : {}) });
    const source = sources[target.id];
    if (judged.met !== false || source === undefined) return judged;
    const time = target.unit === "s" || target.unit === "×" ? `${whereTimeWent(source, cores)}. ` : "";
    return { ...judged, whereTimeWent: `${time}${whereBudgetWent(source)}` };
  });
}
