/** The review sheet's link: where the plan leaves its place, and how link-faces fills it (github/faces-link.ts). */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GitHubContext } from "../../src/github/context.js";
import { upsertPlanComment } from "../../src/github/comment.js";
import { syncDriftIssue } from "../../src/github/drift-issue.js";
import { linkFaces } from "../../src/github/faces-link.js";
import { gitHubClient } from "../../src/github/rest.js";
import type { Plan } from "../../src/model/plan.js";
import { FACES_MARKER, facesLink, formatPlanMarkdown, withFacesLink } from "../../src/plan/format-markdown.js";
import type { FakeGitHub } from "../support/fake-github.js";
import { startFakeGitHub } from "../support/fake-github.js";
import { linksOf } from "../support/markdown.js";

const URL = "https://github.com/contoso/photos/actions/runs/4242/artifacts/17";

const plan: Plan = {
  format: "photosync.plan/v1",
  tenant: "contoso.onmicrosoft.com",
  notices: [],
  users: [{ upn: "adele.vance@contoso.com", photo: "photos/adele.vance.jpg", steps: [{ store: "aad", action: "update", reason: "a different picture", before: { width: 648, height: 648, hash: "f0f0f0f0f0f0f0f0" }, after: { width: 648, height: 648, hash: "0f0f0f0f0f0f0f0f" } }] }],
  counts: { create: 0, update: 1, delete: 0, noop: 0, pending: 0, skip: 0, unknown: 0 },
  digest: "d".repeat(64),
};

describe("the link in the markdown", () => {
  it("reads as one link with the number of faces, singular or plural", () => {
    expect(linksOf(facesLink(3, "changed", URL))).toEqual([{ text: "Review the 3 changed faces", href: URL }]);
    expect(linksOf(facesLink(1, "drifted", URL))).toEqual([{ text: "Review the 1 drifted face", href: URL }]);
    // A parenthesis or space cannot end the destination early.
    expect(linksOf(facesLink(2, "changed", "https://example.com/a (b)"))).toEqual([{ text: "Review the 2 changed faces", href: "https://example.com/a%20%28b%29" }]);
  });

  it("has its place in a plan with pictures, invisible until linked; the place is kept so a later link replaces the first", () => {
    const body = formatPlanMarkdown(plan, { faces: { people: 1 } });
    expect(body).toContain(FACES_MARKER);
    expect(linksOf(body)).toEqual([]);
    expect(formatPlanMarkdown(plan)).not.toContain(FACES_MARKER);
    expect(formatPlanMarkdown(plan, { faces: { people: 0 } })).not.toContain(FACES_MARKER);
    const linked = withFacesLink(body, facesLink(1, "changed", URL))!;
    expect(linksOf(linked)).toEqual([{ text: "Review the 1 changed face", href: URL }]);
    const relinked = withFacesLink(linked, facesLink(1, "changed", `${URL}8`))!;
    expect(linksOf(relinked)).toEqual([{ text: "Review the 1 changed face", href: `${URL}8` }]);
    expect(withFacesLink(formatPlanMarkdown(plan), facesLink(1, "changed", URL))).toBeUndefined();
  });
});

describe("linkFaces", () => {
  let github: FakeGitHub;
  let scratch: string;
  let context: GitHubContext;
  beforeAll(async () => {
    github = await startFakeGitHub("contoso", "photos");
    scratch = await mkdtemp(path.join(tmpdir(), "faces-link-"));
    context = {
      eventName: "pull_request",
      owner: "contoso",
      repo: "photos",
      apiUrl: github.apiUrl,
      runUrl: "https://github.com/contoso/photos/actions/runs/4242",
      sha: "a".repeat(40),
      token: "ghs_test",
      pullRequest: { number: 7, baseSha: "b".repeat(40), headSha: "c".repeat(40), fromFork: false },
      files: { summary: path.join(scratch, "summary.md") },
    };
  });
  afterAll(async () => {
    await github.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it("says what it could not link: no comment yet, or a comment written without pictures", async () => {
    expect((await linkFaces(context, { url: URL, people: 1, comment: true, driftIssue: false })).problems).toEqual([
      "pull request #7 has no plan comment to link the sheet from (did the plan step run with --comment?)",
    ]);
    await upsertPlanComment(gitHubClient(context), { owner: "contoso", repo: "photos", issueNumber: 7 }, formatPlanMarkdown(plan));
    expect((await linkFaces(context, { url: URL, people: 1, comment: true, driftIssue: false })).problems).toEqual([
      "the plan comment on pull request #7 has no place for the link (did the plan step run with --pictures?)",
    ]);
  });

  it("edits the sticky comment in place and adds the link to the job summary", async () => {
    await upsertPlanComment(gitHubClient(context), { owner: "contoso", repo: "photos", issueNumber: 7 }, formatPlanMarkdown(plan, { faces: { people: 1 } }));
    const result = await linkFaces(context, { url: URL, people: 1, comment: true, driftIssue: false });
    expect(result).toEqual({ linked: ["the job summary", "the plan comment on pull request #7"], problems: [] });
    const comments = github.comments.filter((comment) => comment.user.type === "Bot");
    expect(comments).toHaveLength(1);
    expect(linksOf(comments[0]!.body)).toEqual([{ text: "Review the 1 changed face", href: URL }]);
    expect(linksOf(await readFile(context.files.summary!, "utf8")).at(-1)).toEqual({ text: "Review the 1 changed face", href: URL });
  });

  it("edits the open drift issue, with the drifted faces", async () => {
    const repo = { owner: "contoso", repo: "photos" };
    await syncDriftIssue(gitHubClient(context), repo, { drifted: true, title: "drift", body: formatPlanMarkdown(plan, { faces: { people: 1 } }), backInLine: "" });
    const result = await linkFaces(context, { url: URL, people: 1, comment: false, driftIssue: true });
    expect(result.problems).toEqual([]);
    expect(linksOf(github.issues[0]!.body)).toEqual([{ text: "Review the 1 drifted face", href: URL }]);
    expect(github.unexpected).toEqual([]);
  });
});
