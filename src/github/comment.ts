/**
 * One sticky plan comment per pull request: found by its hidden marker among the comments the bot
 * wrote, edited in place on every push, created only when there is none.
 */
import { PLAN_COMMENT_MARKER } from "../plan/format-markdown.js";
import type { GitHubClient } from "./rest.js";

export interface Target {
  owner: string;
  repo: string;
  issueNumber: number;
}

/** The sticky plan comment, if there is one. */
export async function findPlanComment(client: GitHubClient, target: Target): Promise<{ id: number; body: string } | undefined> {
  const comments = await client.paginate(client.rest.issues.listComments, { owner: target.owner, repo: target.repo, issue_number: target.issueNumber, per_page: 100 });
  // Only a bot's comment counts: a person quoting the marker must not have their comment edited.
  const ours = comments.find((comment) => comment.body?.includes(PLAN_COMMENT_MARKER) && comment.user?.type === "Bot");
  return ours ? { id: ours.id, body: ours.body ?? "" } : undefined;
}

/** Edits the sticky comment's body (found by findPlanComment). */
export async function updatePlanComment(client: GitHubClient, target: Target, id: number, body: string): Promise<void> {
  await client.rest.issues.updateComment({ owner: target.owner, repo: target.repo, comment_id: id, body });
}

export async function upsertPlanComment(client: GitHubClient, target: Target, body: string): Promise<{ action: "created" | "updated"; id: number }> {
  const ours = await findPlanComment(client, target);
  if (ours) {
    await client.rest.issues.updateComment({ owner: target.owner, repo: target.repo, comment_id: ours.id, body });
    return { action: "updated", id: ours.id };
  }
  const created = await client.rest.issues.createComment({ owner: target.owner, repo: target.repo, issue_number: target.issueNumber, body });
  return { action: "created", id: created.data.id };
}
