/** The GitHub REST client: Octokit from @actions/github, with retries on 5xx and rate limits. */
import { getOctokit } from "@actions/github";
import { retry } from "@octokit/plugin-retry";
import type { GitHubContext } from "./context.js";

export type GitHubClient = ReturnType<typeof getOctokit>;

export function gitHubClient(context: GitHubContext): GitHubClient {
  if (!context.token) throw new Error("GITHUB_TOKEN is not set: pass it to this step (env: GITHUB_TOKEN: ${{ github.token }})");
  return getOctokit(context.token, { baseUrl: context.apiUrl, request: { retries: 3 } }, retry);
}
