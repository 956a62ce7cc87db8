/** Job summary and step outputs through @actions/core (GITHUB_STEP_SUMMARY, GITHUB_OUTPUT). */
import * as core from "@actions/core";
import type { Plan } from "../plan/model.js";
import { hasChanges } from "../plan/plan.js";

export async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(markdown, true).write();
}

/** Outputs later jobs use: whether there are changes, the digest to apply, the counts. */
export function setPlanOutputs(plan: Plan): void {
  core.setOutput("changes", hasChanges(plan) ? "true" : "false");
  core.setOutput("unknown", String(plan.counts.unknown));
  core.setOutput("digest", plan.digest);
  core.setOutput("counts", JSON.stringify(plan.counts));
}
