/**
 * A person's store state before and after the plan, as a unified diff (via `diff`), so a reviewer
 * sees exactly which photo and which SharePoint profile property changes. Pure.
 */
import { createPatch } from "diff";
import type { PhotoSummary, StoreStep, UserPlan } from "../model/plan.js";

const photoLine = (photo: PhotoSummary | null | undefined): string =>
  photo ? `${photo.width}x${photo.height} #${photo.hash}` : "none";

function stateLines(step: StoreStep, side: "before" | "after"): string[] {
  const lines: string[] = [];
  if (step[side] !== undefined) lines.push(`${step.store}.photo: ${photoLine(step[side])}`);
  if (step.thumbnails) lines.push(`${step.store}.thumbnails: ${step.thumbnails[side].join(", ") || "none"}`);
  for (const [name, value] of Object.entries(step.properties?.[side] ?? {}).sort()) {
    lines.push(`${step.store}.${name}: ${value === "" ? '""' : value}`);
  }
  return lines;
}

/** The unified diff of one user's changing steps; undefined when nothing changes. */
export function userStateDiff(user: UserPlan): string | undefined {
  const changing = user.steps.filter((step) => step.action === "create" || step.action === "update" || step.action === "delete");
  if (changing.length === 0) return undefined;
  const before = changing.flatMap((step) => stateLines(step, "before"));
  const after = changing.flatMap((step) => stateLines(step, "after"));
  const patch = createPatch(user.upn, `${before.join("\n")}\n`, `${after.join("\n")}\n`, "tenant now", "after apply", { context: 3 });
  // Drop the "Index:" and "===" preamble: reviewers want the ---/+++ header and the hunks.
  return patch
    .split("\n")
    .filter((line) => !line.startsWith("Index: ") && !/^=+$/.test(line))
    .join("\n")
    .trimEnd();
}
