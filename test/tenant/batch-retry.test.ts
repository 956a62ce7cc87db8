/** The one HTTP policy: one retry loop per batch item, the session's RetryPolicy everywhere, nothing stacked. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@microsoft/microsoft-graph-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { graphBatch } from "../../src/stores/graph/batch.js";
import { sharePointSite } from "../../src/stores/sharepoint/site.js";
import { sendBatchWithRetries } from "../../src/tenant/batch-retry.js";
import { classifyFailure, isRetryable } from "../../src/tenant/errors.js";
import { createTrustedHttp, graphFetchMiddleware } from "../../src/tenant/http.js";
import type { TrustedHttp } from "../../src/tenant/http.js";

let requests: Array<{ method: string; path: string }>;
let answer: (path: string) => { status: number; headers?: Record<string, string>; body?: string };
let server: ReturnType<typeof createServer>;
let base: string;
let http: TrustedHttp | undefined;

beforeEach(async () => {
  requests = [];
  server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      requests.push({ method: request.method ?? "", path: request.url ?? "" });
      const { status, headers, body } = answer(request.url ?? "");
      response.writeHead(status, { "Content-Type": "application/json", ...headers });
      response.end(body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await http?.close();
  http = undefined;
  await new Promise((resolve) => server.close(resolve));
});

describe("the retry rule", () => {
  it("retries throttling, 5xx and transport errors, never a verdict", () => {
    expect([429, 500, 502, 503, 504, "ECONNRESET", undefined].map(isRetryable)).toEqual([true, true, true, true, true, true, true]);
    expect([400, 401, 403, 404, 409].map(isRetryable)).toEqual([false, false, false, false, false]);
  });

  it("classifies access, transient, not-found and rejected failures from status and code", () => {
    expect(classifyFailure(401, "InvalidAuthenticationToken")).toBe("access");
    expect(classifyFailure(403, "Authorization_RequestDenied")).toBe("access");
    expect(classifyFailure(403, "ErrorAccessDenied")).toBe("access");
    expect(classifyFailure(403, "accessDenied")).toBe("access");
    expect(classifyFailure(503, "ServiceUnavailable")).toBe("transient");
    expect(classifyFailure(undefined, "ECONNRESET")).toBe("transient");
    expect(classifyFailure(404, "ImageNotFound")).toBe("not-found");
    expect(classifyFailure(400, "BadRequest")).toBe("rejected");
  });
});

describe("sendBatchWithRetries", () => {
  it("sends again only the retryable items, at most maxAttempts times, after the longest Retry-After", async () => {
    const sent: number[][] = [];
    const waits: number[] = [];
    const throttled: number[] = [];
    const results = await sendBatchWithRetries(
      [0, 1, 2],
      async (pending) => {
        sent.push([...pending]);
        return pending.map((index) =>
          index === 0 ? { kind: "ok" as const, result: "a" } : index === 1 ? { kind: "final" as const, result: "b" } : { kind: "retryable" as const, result: `c${sent.length}`, retryAfter: 2 },
        );
      },
      { policy: { maxAttempts: 3, backoffMs: 10 }, onThrottled: (seconds) => throttled.push(seconds), sleep: async (ms) => void waits.push(ms) },
    );
    expect(sent).toEqual([[0, 1, 2], [2], [2]]);
    expect(waits).toEqual([2000, 2000]);
    expect(throttled).toEqual([2, 2, 2]);
    expect([...results.entries()].sort()).toEqual([
      [0, "a"],
      [1, "b"],
      [2, "c3"],
    ]);
  });

  it("backs off by the policy, doubling, when the service gives no Retry-After", async () => {
    const waits: number[] = [];
    await sendBatchWithRetries([0], async (pending) => pending.map(() => ({ kind: "retryable" as const, result: null })), {
      policy: { maxAttempts: 4, backoffMs: 100 },
      sleep: async (ms) => void waits.push(ms),
    });
    expect(waits).toEqual([100, 200, 400]);
  });
});

describe("one retry loop per request", () => {
  it("sends one Graph $batch with a throttled item at most maxAttempts times in all (no SDK RetryHandler under it)", async () => {
    // The batch itself is throttled on its first send, its item on every send after.
    let batches = 0;
    answer = () => {
      batches++;
      if (batches === 1) return { status: 429, headers: { "Retry-After": "0" }, body: JSON.stringify({ error: { code: "TooManyRequests", message: "slow down" } }) };
      return { status: 200, body: JSON.stringify({ responses: [{ id: "0", status: 429, headers: { "Retry-After": "0" }, body: { error: { code: "TooManyRequests", message: "slow down" } } }] }) };
    };
    http = createTrustedHttp({ retry: { maxAttempts: 3, backoffMs: 1 } });
    const client = Client.initWithMiddleware({
      middleware: graphFetchMiddleware({ getAccessToken: async () => "token" }, http.fetch),
      baseUrl: base,
      customHosts: new Set(["127.0.0.1"]),
      defaultVersion: "v1.0",
    });
    const [result] = await graphBatch(client, "v1.0", [{ method: "GET", url: "/users/x/photo" }], { maxAttempts: 3, backoffMs: 1 });
    expect(requests.filter((request) => request.path.endsWith("/$batch"))).toHaveLength(3);
    expect(result).toMatchObject({ ok: false, status: 429, error: { code: "TooManyRequests", kind: "transient" } });
  });

  it("SharePoint requests follow the session's RetryPolicy (2 tries), not a fixed one", async () => {
    answer = () => ({ status: 503, body: JSON.stringify({ "odata.error": { code: "ServiceUnavailable", message: { value: "busy" } } }) });
    http = createTrustedHttp({ retry: { maxAttempts: 2, backoffMs: 1 } });
    const credential = { getToken: async () => ({ token: "token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const site = sharePointSite(`${base}/personal`, credential, `${base}/.default`, http);
    await expect(site.web.select("Title")()).rejects.toThrow();
    expect(requests.filter((request) => request.path.startsWith("/personal/_api/web"))).toHaveLength(2);
    requests = [];
    await expect(site.download("/personal/file.jpg")).rejects.toMatchObject({ status: 503 });
    expect(requests).toHaveLength(2);
  });
});
