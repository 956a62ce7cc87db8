/**
 * The CLI keeps its heap near its live data (src/cli/heap.ts): the same allocation-heavy work must
 * peak at a clearly smaller heap than under V8's default growth, and a growing percent given on
 * the command line must win.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { SMALL_PLAN_PEOPLE } from "../../src/cli/heap.js";
import { tsxImportArgs } from "../support/cli.js";

const heapModule = pathToFileURL(path.resolve(import.meta.dirname, "../../src/cli/heap.ts")).href;

/** Peak heap (bytes) of a churn of short-lived objects around a ~40 MB live set, in a fresh node. */
async function peakHeap(options: { limit: boolean; planOf?: number; nodeFlags?: string[] }): Promise<number> {
  const script = `
    ${options.limit ? `(await import(${JSON.stringify(heapModule)})).limitHeapGrowth();` : ""}
    ${options.planOf !== undefined ? `(await import(${JSON.stringify(heapModule)})).fitHeapGrowthToPlan(${options.planOf});` : ""}
    let live = []; let peak = 0;
    for (let i = 0; i < 2_000_000; i++) {
      live.push({ name: "entry-" + i, values: [i, i + 1, i + 2] });
      if (live.length > 300_000) live = live.slice(150_000);
      if (i % 2000 === 0) peak = Math.max(peak, process.memoryUsage().heapTotal);
    }
    process.stdout.write(String(peak));`;
  const { stdout } = await promisify(execFile)(process.execPath, [...(options.nodeFlags ?? []), ...tsxImportArgs(), "--input-type=module", "-e", script], { encoding: "utf8" });
  return Number(stdout);
}

describe("heap growth", () => {
  it("peaks at a much smaller heap than V8's default for the same work", async () => {
    const [unlimited, limited] = await Promise.all([peakHeap({ limit: false }), peakHeap({ limit: true })]);
    expect(limited).toBeLessThan(unlimited * 0.75);
  });

  it("gives a plan of few people V8's own growth back, and keeps the limit for a large one", async () => {
    const [small, large, limited] = await Promise.all([
      peakHeap({ limit: true, planOf: SMALL_PLAN_PEOPLE - 1 }),
      peakHeap({ limit: true, planOf: SMALL_PLAN_PEOPLE }),
      peakHeap({ limit: true }),
    ]);
    expect(small).toBeGreaterThan(limited * 1.3);
    expect(large).toBeLessThan(small * 0.75);
  });

  it("leaves a growing percent given on the command line alone", async () => {
    const [given, limited] = await Promise.all([peakHeap({ limit: true, nodeFlags: ["--heap-growing-percent=300"] }), peakHeap({ limit: true })]);
    expect(given).toBeGreaterThan(limited * 1.3);
  });
});
