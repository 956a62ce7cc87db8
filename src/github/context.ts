/**
 * The one place that reads GitHub Actions' environment: which event ran, on which repository and
 * pull request, where the API is, and the token. Everything else receives this as data.
 */
import { readFileSync } from "node:fs";

export interface PullRequestInfo {
  number: number;
  baseSha: string;
  headSha: string;
  /** A pull request from a fork: it must get validation only, never tenant access. */
  fromFork: boolean;
}

/** The job's files: where the step summary and the step outputs go (both unset outside a job step). */
export interface JobFiles {
  summary?: string;
  output?: string;
}

export interface GitHubContext {
  eventName: string;
  owner: string;
  repo: string;
  apiUrl: string;
  /** Link to this workflow run, for comments and issues. */
  runUrl: string;
  sha: string;
  token?: string;
  pullRequest?: PullRequestInfo;
  files: JobFiles;
}

interface PullRequestEvent {
  pull_request?: { number: number; base: { sha: string; repo: { full_name: string } }; head: { sha: string; repo: { full_name: string } | null } };
}

export function isGitHubActions(env: NodeJS.ProcessEnv): boolean {
  return env.GITHUB_ACTIONS === "true";
}

export function readJobFiles(env: NodeJS.ProcessEnv): JobFiles {
  return { ...(env.GITHUB_STEP_SUMMARY ? { summary: env.GITHUB_STEP_SUMMARY } : {}), ...(env.GITHUB_OUTPUT ? { output: env.GITHUB_OUTPUT } : {}) };
}

export function readGitHubContext(env: NodeJS.ProcessEnv): GitHubContext {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? "").split("/");
  if (!owner || !repo) throw new Error("GITHUB_REPOSITORY is not set: run this inside GitHub Actions");
  const event = env.GITHUB_EVENT_PATH ? (JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, "utf8")) as PullRequestEvent) : {};
  const pr = event.pull_request;
  const serverUrl = env.GITHUB_SERVER_URL ?? "https://github.com";
  return {
    eventName: env.GITHUB_EVENT_NAME ?? "",
    owner,
    repo,
    apiUrl: env.GITHUB_API_URL ?? "https://api.github.com",
    runUrl: `${serverUrl}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID ?? ""}`,
    sha: env.GITHUB_SHA ?? "",
    files: readJobFiles(env),
    ...(env.GITHUB_TOKEN ? { token: env.GITHUB_TOKEN } : {}),
    ...(pr
      ? {
          pullRequest: {
            number: pr.number,
            baseSha: pr.base.sha,
            headSha: pr.head.sha,
            fromFork: pr.head.repo?.full_name !== pr.base.repo.full_name,
          },
        }
      : {}),
  };
}
