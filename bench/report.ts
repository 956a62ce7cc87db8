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
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const numeric = new Set([0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  const line = (cells: string[]): string => cells.map((cell, column) => (numeric.has(column) ? padLeft(cell, widths[column]!) : pad(cell, widths[column]!))).join("  ");
  return [line(header), widths.map((width) => "-".repeat(width)).join("  "), ...rows.map(line)].join("\n");
}

function find(results: readonly ScenarioResult[], id: string, people: number): ScenarioResult | undefined {
  return results.find((result) => result.id === id && result.people === people);
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
  const sizes = [...new Set(results.filter((result) => result !== validateShared).map((result) => result.people))].sort((a, b) => a - b);
  const largest = sizes[sizes.length - 1] ?? 0;
  const baselineSize = sizes.includes(1000) ? 1000 : (sizes.find((size) => find(results, "baseline", size)) ?? largest);
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
