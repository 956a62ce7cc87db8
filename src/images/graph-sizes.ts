/** The photo sizes Microsoft Graph accepts and serves (docs/microsoft-365.md). Pure: the planner uses them. */

/** The largest Graph (Exchange Online / Entra ID) photo size; the Graph render never exceeds it. */
export const GRAPH_MAX_EDGE = 648;

/** Square sizes Exchange Online serves a photo in (Graph `/photos/{size}`). */
export const GRAPH_HD_SIZES: readonly number[] = [48, 64, 96, 120, 240, 360, 432, 504, 648];

/** Graph refuses photo uploads larger than 4 MB per request. */
export const GRAPH_MAX_BYTES = 4 * 1024 * 1024;

/** The largest Graph HD size not above edge: what Exchange Online can serve for a photo of that edge. */
export function largestGraphSizeAtMost(edge: number): number | undefined {
  let best: number | undefined;
  for (const size of GRAPH_HD_SIZES) if (size <= edge) best = size;
  return best;
}
