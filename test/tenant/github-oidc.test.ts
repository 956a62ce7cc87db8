/** The GitHub OIDC ID token, fetched without @actions/core: nothing on standard output, clear errors without any token in them. */
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fetchGitHubIdToken } from "../../src/tenant/github-oidc.js";

const REQUEST_TOKEN = "runtime-request-token-0123456789";
const ID_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmNvbnRvc28vcGhvdG9zIn0.c2lnbmF0dXJl";

let close: (() => void) | undefined;
afterEach(() => {
  close?.();
  close = undefined;
  vi.restoreAllMocks();
});

async function endpoint(answer: (request: IncomingMessage, response: ServerResponse) => void): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(`${request.url} ${request.headers.authorization}`);
    answer(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  close = () => server.close();
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token?api-version=2.0`, requests };
}

describe("fetching GitHub's OIDC ID token", () => {
  it("asks the runtime for the Entra audience with the request token, and writes nothing to standard output", async () => {
    const { url, requests } = await endpoint((_, response) => {
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ value: ID_TOKEN }));
    });
    const write = vi.spyOn(process.stdout, "write");
    const token = await fetchGitHubIdToken({ requestUrl: url, requestToken: REQUEST_TOKEN });
    expect(token).toBe(ID_TOKEN);
    expect(requests).toEqual([`/token?api-version=2.0&audience=api%3A%2F%2FAzureADTokenExchange Bearer ${REQUEST_TOKEN}`]);
    expect(write).not.toHaveBeenCalled();
  });

  it("says the job needs id-token: write when the runtime's variables are missing", async () => {
    await expect(fetchGitHubIdToken({})).rejects.toThrow("the job needs `permissions: id-token: write`");
    await expect(fetchGitHubIdToken({ requestUrl: "http://127.0.0.1:9/token" })).rejects.toThrow("ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set");
  });

  it("reports a refusal or an answer without a token, never quoting either token", async () => {
    const refused = await endpoint((_, response) => {
      response.statusCode = 401;
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ message: `bad token ${REQUEST_TOKEN}` }));
    });
    const error = await fetchGitHubIdToken({ requestUrl: refused.url, requestToken: REQUEST_TOKEN }).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain("GitHub's OIDC token endpoint answered 401");
    expect((error as Error).message).not.toContain(REQUEST_TOKEN);
    close?.();

    const empty = await endpoint((_, response) => {
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ count: 1 }));
    });
    await expect(fetchGitHubIdToken({ requestUrl: empty.url, requestToken: REQUEST_TOKEN })).rejects.toThrow("answered without a token");
  });
});
