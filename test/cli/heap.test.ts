/**
 * The CLI's heap-growth setting (src/cli/heap.ts): which flag it gives V8 for which run, and that a
 * growing percent given on the command line wins. What the setting does to memory is measured by
 * the benchmark's peak-RSS targets (`npm run bench`), not here: a peak heap depends on the V8
 * version (Node 24's V8 follows a growing percent set at run time less closely than Node 20's) and
 * on what else the machine is doing, so a test of it could only be flaky or loose.
 */
import { describe, expect, it } from "vitest";
import { HEAP_GROWING_PERCENT, SMALL_PLAN_PEOPLE, commandLimitsHeap, fitHeapGrowthToPlan, limitHeapGrowth } from "../../src/cli/heap.js";

function flagsSet(run: (setFlags: (flags: string) => void) => void): string[] {
  const flags: string[] = [];
  run((flag) => flags.push(flag));
  return flags;
}

describe("heap growth", () => {
  it("limits V8's heap growth for every command that plans", () => {
    expect(flagsSet((setFlags) => limitHeapGrowth([], setFlags))).toEqual([`--heap-growing-percent=${HEAP_GROWING_PERCENT}`]);
    for (const argv of [["plan"], ["apply", "--yes"], ["drift"], ["validate"], []]) expect(commandLimitsHeap(argv), argv.join(" ")).toBe(true);
  });

  it("leaves the emulator command's heap to V8", () => {
    expect(commandLimitsHeap(["emulator", "--port", "0"])).toBe(false);
  });

  it("gives a plan of few people V8's own growth back, and keeps the limit for a large one", () => {
    expect(flagsSet((setFlags) => fitHeapGrowthToPlan(SMALL_PLAN_PEOPLE - 1, [], setFlags))).toEqual(["--heap-growing-percent=0"]);
    expect(flagsSet((setFlags) => fitHeapGrowthToPlan(SMALL_PLAN_PEOPLE, [], setFlags))).toEqual([`--heap-growing-percent=${HEAP_GROWING_PERCENT}`]);
  });

  it("leaves a growing percent given on the command line alone, in either spelling", () => {
    for (const given of ["--heap-growing-percent=300", "--heap_growing_percent=300"]) {
      expect(flagsSet((setFlags) => limitHeapGrowth([given], setFlags))).toEqual([]);
      expect(flagsSet((setFlags) => fitHeapGrowthToPlan(10, [given], setFlags))).toEqual([]);
    }
  });
});
