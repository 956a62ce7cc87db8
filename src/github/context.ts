/**
 * GitHub Actions' context: which event ran, on which repository and pull request, where the API is,
 * and the token. Built from the variables cli/settings.ts read (and the event file they name);
 * everything else receives this as data.
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

/** GitHub Actions' variables, as cli/settings.ts read them (GITHUB_ACTIONS, GITHUB_REPOSITORY, ...). */
export interface GitHubEnvironment {
  /** GITHUB_ACTIONS is "true". */
  isActions: boolean;
  workspace?: string;
  token?: string;
  repository?: string;
  /** The event's JSON file; read here, by readGitHubContext. */
  eventPath?: string;
  eventName?: string;
  serverUrl?: string;
  apiUrl?: string;
  runId?: string;
  sha?: string;
  files: JobFiles;
}

export function readGitHubContext(github: GitHubEnvironment): GitHubContext {
  const [owner, repo] = (github.repository ?? "").split("/");
  if (!owner || !repo) throw new Error("GITHUB_REPOSITORY is not set: run this inside GitHub Actions");
  const event = github.eventPath ? (JSON.parse(readFileSync(github.eventPath, "utf8")) as PullRequestEvent) : {};
  const pr = event.pull_request;
  const serverUrl = github.serverUrl ?? "https://github.com";
  return {
    eventName: github.eventName ?? "",
    owner,
    repo,
    apiUrl: github.apiUrl ?? "https://api.github.com",
    runUrl: `${serverUrl}/${owner}/${repo}/actions/runs/${github.runId ?? ""}`,
    sha: github.sha ?? "",
    files: { ...github.files },
    ...(github.token ? { token: github.token } : {}),
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
