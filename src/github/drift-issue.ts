/**
 * The drift issue's lifecycle, as Terraform drift workflows do it: one open issue while the tenant
 * differs from the repo (opened once, then updated), closed with a comment when it is back in line.
 * A failed read is never drift: the caller does not come here then.
 */
import type { GitHubClient } from "./rest.js";

export const DRIFT_LABEL = "photosync-drift";
export const DRIFT_MARKER = "<!-- photosync:drift -->";

export type DriftAction = "opened" | "updated" | "closed" | "none";

export interface Repo {
  owner: string;
  repo: string;
}

/** The open drift issue, if there is one. */
export async function openDriftIssue(client: GitHubClient, repo: Repo): Promise<{ number: number; body?: string | null } | undefined> {
  const issues = await client.paginate(client.rest.issues.listForRepo, { ...repo, state: "open", labels: DRIFT_LABEL, per_page: 100 });
  return issues.find((issue) => !issue.pull_request && issue.body?.includes(DRIFT_MARKER));
}

export async function syncDriftIssue(
  client: GitHubClient,
  repo: Repo,
  drift: { drifted: boolean; title: string; body: string; backInLine: string },
): Promise<{ action: DriftAction; number?: number }> {
  const open = await openDriftIssue(client, repo);
  if (drift.drifted) {
    const body = `${DRIFT_MARKER}\n${drift.body}`;
    if (open) {
      await client.rest.issues.update({ ...repo, issue_number: open.number, title: drift.title, body });
      return { action: "updated", number: open.number };
    }
    const created = await client.rest.issues.create({ ...repo, title: drift.title, body, labels: [DRIFT_LABEL] });
    return { action: "opened", number: created.data.number };
  }
  if (!open) return { action: "none" };
  await client.rest.issues.createComment({ ...repo, issue_number: open.number, body: drift.backInLine });
  await client.rest.issues.update({ ...repo, issue_number: open.number, state: "closed", state_reason: "completed" });
  return { action: "closed", number: open.number };
}
