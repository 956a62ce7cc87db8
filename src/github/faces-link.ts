/**
 * The review sheet's link, added once the workflow has uploaded the sheet (`photosync link-faces`):
 * the plan step posts the sticky comment (or the drift issue) first, with a place for the link
 * (FACES_MARKER), so a failed upload still leaves the plan there; this step then edits that body
 * and adds the link to the job summary. Nothing is planned again: the body the plan step wrote is
 * kept as it is, the link put after its marker.
 */
import type { FacesWord } from "../plan/format-markdown.js";
import { facesLink, withFacesLink } from "../plan/format-markdown.js";
import { findPlanComment, updatePlanComment } from "./comment.js";
import type { GitHubContext } from "./context.js";
import { openDriftIssue } from "./drift-issue.js";
import { writeSummary } from "./job.js";
import { gitHubClient } from "./rest.js";

export interface FacesLinkRequest {
  url: string;
  /** People on the sheet (the plan step's `faces` output). */
  people: number;
  /** Edit the pull request's sticky plan comment. */
  comment: boolean;
  /** Edit the open drift issue. */
  driftIssue: boolean;
}

/** What was linked, in words, or why a body could not be (no such comment or issue, no marker in it). */
export async function linkFaces(context: GitHubContext, request: FacesLinkRequest): Promise<{ linked: string[]; problems: string[] }> {
  const word: FacesWord = request.driftIssue ? "drifted" : "changed";
  const link = facesLink(request.people, word, request.url);
  await writeSummary(context.files, link);
  const linked = ["the job summary"];
  const problems: string[] = [];
  const client = request.comment || request.driftIssue ? gitHubClient(context) : undefined;
  if (request.comment && client) {
    if (!context.pullRequest) problems.push("--comment needs a pull_request event");
    else {
      const target = { owner: context.owner, repo: context.repo, issueNumber: context.pullRequest.number };
      const comment = await findPlanComment(client, target);
      const body = comment && withFacesLink(comment.body, link);
      if (!comment) problems.push(`pull request #${target.issueNumber} has no plan comment to link the sheet from (did the plan step run with --comment?)`);
      else if (!body) problems.push(`the plan comment on pull request #${target.issueNumber} has no place for the link (did the plan step run with --pictures?)`);
      else {
        await updatePlanComment(client, target, comment.id, body);
        linked.push(`the plan comment on pull request #${target.issueNumber}`);
      }
    }
  }
  if (request.driftIssue && client) {
    const repo = { owner: context.owner, repo: context.repo };
    const issue = await openDriftIssue(client, repo);
    const body = issue && withFacesLink(issue.body ?? "", link);
    if (!issue) problems.push("there is no open drift issue to link the sheet from");
    else if (!body) problems.push(`drift issue #${issue.number} has no place for the link (did the drift step run with --pictures?)`);
    else {
      await client.rest.issues.update({ ...repo, issue_number: issue.number, body });
      linked.push(`drift issue #${issue.number}`);
    }
  }
  return { linked, problems };
}
