/**
 * What the plan, apply and drift commands publish inside GitHub Actions: the job summary, step
 * outputs, the sticky pull-request comment and the drift issue. The CLI calls these; no logic
 * lives in the workflow files.
 */
import type { ApplyReport } from "../model/apply.js";
import { formatApplyMarkdown } from "../apply/format.js";
import { formatPlanMarkdown } from "../plan/format-markdown.js";
import { countPeople } from "../plan/format-text.js";
import type { Plan } from "../model/plan.js";
import { hasChanges } from "../plan/plan.js";
import { upsertPlanComment } from "./comment.js";
import type { GitHubContext, JobFiles } from "./context.js";
import { syncDriftIssue } from "./drift-issue.js";
import type { DriftAction } from "./drift-issue.js";
import { planOutputs, writeOutputs, writeSummary } from "./job.js";
import { gitHubClient } from "./rest.js";

/** A review sheet was written (`--pictures`): how many people it shows (the `faces` step output). */
export interface FacesWritten {
  people: number;
}

const facesOutput = (faces: FacesWritten | undefined): Record<string, string> => (faces ? { faces: String(faces.people) } : {});

export async function publishPlan(plan: Plan, context: GitHubContext, options: { comment: boolean; scopeNote?: string; faces?: FacesWritten }): Promise<string | undefined> {
  const where = context.pullRequest ? `Pull request #${context.pullRequest.number} at \`${context.pullRequest.headSha.slice(0, 12)}\`` : `Commit \`${context.sha.slice(0, 12)}\``;
  const markdown = formatPlanMarkdown(plan, { context: `${where}${options.scopeNote ? ` — ${options.scopeNote}` : ""} · [run](${context.runUrl})`, ...(options.faces ? { faces: options.faces } : {}) });
  await writeSummary(context.files, markdown);
  await writeOutputs(context.files, { ...planOutputs(plan), ...facesOutput(options.faces) });
  if (!options.comment) return undefined;
  if (!context.pullRequest) throw new Error("--comment needs a pull_request event");
  const result = await upsertPlanComment(gitHubClient(context), { owner: context.owner, repo: context.repo, issueNumber: context.pullRequest.number }, markdown);
  return `plan comment ${result.action} on pull request #${context.pullRequest.number}`;
}

export async function publishApply(report: ApplyReport, files: JobFiles): Promise<void> {
  await writeSummary(files, formatApplyMarkdown(report));
  await writeOutputs(files, { failed: String(report.counts.failed), done: String(report.counts.done) });
}

export interface DriftOutcome {
  drifted: boolean;
  issue: DriftAction;
  number?: number;
}

/** "photosync: 1 person's photo differs from the repo"; a differing tenant setting is named too. */
export function driftTitle(plan: Plan): string {
  const people = countPeople(plan).change;
  const settings = (plan.settings ?? []).filter((step) => step.action === "update").length > 0;
  const photos = `${people} ${people === 1 ? "person's photo differs" : "people's photos differ"}`;
  if (!settings) return `photosync: ${photos} from the repo`;
  return people === 0 ? "photosync: who may change photos differs from the repo" : `photosync: ${photos}, and who may change photos differs, from the repo`;
}

/** Drift detection's result: the issue opened, updated or closed, plus summary and outputs. */
export async function publishDrift(plan: Plan, context: GitHubContext, faces?: FacesWritten): Promise<DriftOutcome> {
  const drifted = hasChanges(plan);
  const markdown = formatPlanMarkdown(plan, { context: `Scheduled drift check of every managed person · [run](${context.runUrl})`, ...(faces ? { faces } : {}) });
  await writeSummary(context.files, markdown);
  await writeOutputs(context.files, { ...planOutputs(plan), drifted: drifted ? "true" : "false", ...facesOutput(faces) });
  const result = await syncDriftIssue(gitHubClient(context), { owner: context.owner, repo: context.repo }, {
    drifted,
    title: driftTitle(plan),
    body: `${markdown}\n\nThe tenant no longer matches the repo. Someone may have changed a photo or a tenant setting by hand, or an apply failed. Merge a change to the repo, or run the drift workflow with self-heal to put the repo's photos back. This issue is updated on every check and closed when the tenant is back in line.`,
    backInLine: `The tenant is back in line with the repo ([run](${context.runUrl})). Closing.`,
  });
  return { drifted, issue: result.action, ...(result.number !== undefined ? { number: result.number } : {}) };
}
