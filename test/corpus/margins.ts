/**
 * The corpus's margins: for each class, the value of each distance closest to its limit, next to
 * that limit. The limits are compare.ts's own (limitsFor), so the table shows what decided.
 */
import { SMALL_EDGE, limitsFor } from "../../src/images/compare.js";
import type { Comparison, Distances } from "../../src/images/compare.js";

/** The distances with a limit of their own (`moved` only chooses the limit of `lost`, with `blocks`). */
const TRACKED = ["hash", "pixels", "colour", "tone", "structure", "lost", "texture", "fine", "blocks"] as const;
type Tracked = (typeof TRACKED)[number];

/** One side of a limit: a distance must stay at most (max) or at least (min) this for "same picture". */
interface Bound {
  kind: "max" | "min";
  value: number;
}

interface Closest {
  value: number;
  bound: Bound;
  /** How far the value is inside the bound (negative: outside). */
  margin: number;
}

export type Worst = Map<string, Map<Tracked, Closest>>;

function band(size: number): string {
  return size < SMALL_EDGE ? `48–${SMALL_EDGE - 1} px` : `${SMALL_EDGE}–648 px`;
}

/** Which distances the verdict applied, as compare() decided for this pair. */
function checkedOf(result: Comparison): Record<Tracked, boolean> {
  return {
    hash: result.method === "hash",
    pixels: result.method === "pixels",
    colour: true,
    tone: true,
    structure: result.checked.structure,
    lost: result.checked.texture,
    texture: result.checked.texture,
    fine: result.checked.texture,
    // Shown against its limit for every pair, though only a moved copy over it is judged by it.
    blocks: result.checked.texture,
  };
}

/** The nearer bound of a distance's limit, and the margin to it. */
function closestBound(name: Tracked, value: number, actualEdge: number, distances: Distances): Closest {
  const limit = limitsFor(actualEdge, distances)[name];
  // The hash may reach the vouched limit when the structure vouches: that is its real limit.
  const max = name === "hash" ? limit.vouched?.max : limit.max;
  const bounds: Bound[] = [...(max !== undefined ? [{ kind: "max" as const, value: max }] : []), ...(limit.min !== undefined ? [{ kind: "min" as const, value: limit.min }] : [])];
  const withMargin = bounds.map((bound) => ({ value, bound, margin: bound.kind === "max" ? bound.value - value : value - bound.value }));
  return withMargin.reduce((a, b) => (b.margin < a.margin ? b : a));
}

/**
 * Keeps, per class and band of served size, the value of each checked distance closest to its
 * limit. The limits are those of the actual edge (a 2 px crop of a 96 px read is a 94 px read).
 */
export function recordWorst(worst: Worst, kind: string, size: number, actualEdge: number, result: Comparison): void {
  const key = `${kind.replace(/ q\d+/, "")} (${band(size)})`;
  const row = worst.get(key) ?? new Map<Tracked, Closest>();
  const checked = checkedOf(result);
  for (const name of TRACKED) {
    if (!checked[name]) continue;
    const closest = closestBound(name, result.distances[name as keyof Distances], actualEdge, result.distances);
    const previous = row.get(name);
    if (!previous || closest.margin < previous.margin) row.set(name, closest);
  }
  worst.set(key, row);
}

/** A plain-text table: class, then "worst bound (margin)" per distance; "—" where it was not checked. */
export function marginTable(worst: Worst): string {
  const classWidth = Math.max(5, ...[...worst.keys()].map((key) => key.length)) + 2;
  const cellWidth = 22;
  const lines = [`${"class".padEnd(classWidth)}${TRACKED.map((n) => n.padEnd(cellWidth)).join("")}`.trimEnd()];
  for (const [key, row] of [...worst].sort(([a], [b]) => a.localeCompare(b))) {
    const cells = TRACKED.map((name) => {
      const entry = row.get(name);
      if (!entry) return "—".padEnd(cellWidth);
      const sign = entry.bound.kind === "max" ? "≤" : "≥";
      const margin = `${entry.margin >= 0 ? "+" : ""}${entry.margin.toFixed(2)}`;
      return `${entry.value} ${sign}${Number(entry.bound.value.toFixed(2))} (${margin})`.padEnd(cellWidth);
    });
    lines.push(`${key.padEnd(classWidth)}${cells.join("")}`.trimEnd());
  }
  return lines.join("\n");
}
