/**
 * The job summary and step outputs, written to the files the runner names (GITHUB_STEP_SUMMARY,
 * GITHUB_OUTPUT) and nowhere else. Not through @actions/core: without GITHUB_OUTPUT its setOutput
 * falls back to `::set-output` on standard output, which may be the plan document itself, and it
 * reads the process's own environment, where the commands are given theirs as settings (cli/settings.ts).
 */
import { randomUUID } from "node:crypto";
import { appendFile } from "node:fs/promises";
import type { Plan } from "../model/plan.js";
import { hasChanges } from "../plan/plan.js";
import type { JobFiles } from "./context.js";

/** Where a warning goes: standard error, never the document on standard output. */
export type Warn = (message: string) => void;

const warnOnStderr: Warn = (message) => process.stderr.write(`photosync: warning: ${message}\n`);

export async function writeSummary(files: JobFiles, markdown: string): Promise<void> {
  if (!files.summary) return;
  await appendFile(files.summary, `${markdown}\n`);
}

/**
 * Step outputs in the runner's multi-line form (name<<DELIMITER, value, DELIMITER), as @actions/core
 * writes them; the delimiter is random so that no value can end the block early.
 */
export function formatOutputs(outputs: Readonly<Record<string, string>>, delimiter = `ghadelimiter_${randomUUID()}`): string {
  return Object.entries(outputs)
    .map(([name, value]) => {
      if (name.includes(delimiter) || value.includes(delimiter)) throw new Error(`step output ${name} contains its delimiter`);
      return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
    })
    .join("");
}

export async function writeOutputs(files: JobFiles, outputs: Readonly<Record<string, string>>, warn: Warn = warnOnStderr): Promise<void> {
  if (!files.output) {
    warn(`GITHUB_OUTPUT is not set, so the step outputs (${Object.keys(outputs).join(", ")}) were not written`);
    return;
  }
  await appendFile(files.output, formatOutputs(outputs));
}

/** Outputs later jobs use: whether there are changes, the digest to apply, the counts. */
export function planOutputs(plan: Plan): Record<string, string> {
  return {
    changes: hasChanges(plan) ? "true" : "false",
    unknown: String(plan.counts.unknown),
    digest: plan.digest,
    counts: JSON.stringify(plan.counts),
  };
}
