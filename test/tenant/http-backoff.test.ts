/** The trusted fetch's shared back-off, against a loopback server that throttles once. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { graphBatch } from "../../src/stores/graph/batch.js";
import { batchRequestBody } from "../../src/stores/sharepoint/batch.js";
import { createTrustedHttp } from "../../src/tenant/http.js";
import type { TrustedHttp } from "../../src/tenant/http.js";
import type { Client } from "@microsoft/microsoft-graph-client";

let arrivals: Array<{ path: string; at: number }>;
let server: ReturnType<typeof createServer>;
let base: string;
let http: TrustedHttp;

beforeEach(async () => {
  arrivals = [];
  server = createServer((request, response) => {
    arrivals.push({ path: request.url ?? "", at: performance.now() });
    const throttle = request.url === "/a/throttle" || request.url === "/b/throttle";
    // The minute's budget, spent. The test sends it a second into the client's second minute
    // (by its fake clock), so the minute is back in 59 s.
    const spent = request.url === "/a/spent";
    const retryAfter = spent ? "59" : "1";
    // Near the limit: SharePoint's preview header says when the minute ends, and refuses nothing.
    const near = request.url === "/a/near" ? { "RateLimit-Limit": "1250", "RateLimit-Remaining": "100", "RateLimit-Reset": "5" } : {};
    response.writeHead(throttle || spent ? 429 : 200, throttle || spent ? { "Retry-After": retryAfter } : near);
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Two services on one server, told apart by path.
  http = createTrustedHttp({ serviceOf: (url) => url.pathname.split("/")[1] });
});
afterEach(async () => {
  await http.close();
  await new Promise((resolve) => server.close(resolve));
});

describe("shared back-off", () => {
  it("sends nothing more to a service that answered 429 until its Retry-After; other services go on", async () => {
    const throttled = await http.fetch(`${base}/a/throttle`);
    expect(throttled.status).toBe(429);
    const answeredAt = performance.now();
    const [other, next] = await Promise.all([http.fetch(`${base}/b/other`), http.fetch(`${base}/a/next`)]);
    expect([other.status, next.status]).toEqual([200, 200]);
    const at = (path: string) => arrivals.find((arrival) => arrival.path === path)!.at;
    expect(at("/b/other") - answeredAt).toBeLessThan(900);
    expect(at("/a/next") - answeredAt).toBeGreaterThanOrEqual(950);
  });

  it("holds a service's requests after one $batch item is throttled", async () => {
    // A Graph client whose $batch answers one item 429 with Retry-After: 1.
    const client = {
      api: () => ({
        version: () => ({
          post: async (body: { requests: Array<{ id: string }> }) => ({
            responses: body.requests.map((item) => ({ id: item.id, status: 429, headers: { "Retry-After": "1" }, body: { error: { code: "TooManyRequests", message: "slow down" } } })),
          }),
        }),
      }),
    } as unknown as Client;
    await graphBatch(client, "v1.0", [{ method: "GET", url: "/users/x/photo" }], { maxAttempts: 1, onThrottled: http.backoff.reporter("a") });
    const reportedAt = performance.now();
    await http.fetch(`${base}/a/after-item`);
    expect(arrivals[0]!.at - reportedAt).toBeGreaterThanOrEqual(950);
  });
});

describe("pacing through the trusted fetch", () => {
  it("counts the requests a service has under way and slows only the service that pushed back", async () => {
    expect(http.pacing.of("a").current).toBe(16);
    await http.fetch(`${base}/a/throttle`);
    expect(http.pacing.of("a").current).toBe(8);
    expect(http.pacing.of("b").current).toBe(16);
    // Sixteen at once to the other service: all answered, none held back.
    const answers = await Promise.all(Array.from({ length: 16 }, (_, index) => http.fetch(`${base}/b/${index}`)));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
  });

  it("a throttled $batch part slows its service as a throttled request does", () => {
    http.backoff.note("a", 0);
    expect(http.pacing.snapshot()).toMatchObject({ a: 8 });
  });
});

describe("SharePoint's learned budget through the trusted fetch", () => {
  it("follows the minute SharePoint's RateLimit-Reset names: a held request goes when that minute ends", async () => {
    const clock = { time: 0, now: () => clock.time, sleep: async (ms: number) => void (clock.time += ms) };
    const sharePoint = createTrustedHttp({ serviceOf: (url) => (url.pathname.startsWith("/a/") ? "sharepoint" : undefined), clock });
    try {
      sharePoint.sharePointBudget.assume(2);
      await sharePoint.fetch(`${base}/a/near`);
      await sharePoint.fetch(`${base}/a/one`);
      // Over the two a minute: held until the minute SharePoint named ends, 5 s on, not 60.
      await sharePoint.fetch(`${base}/a/two`);
      expect(clock.time).toBe(5_000);
    } finally {
      await sharePoint.close();
    }
  });

  it("counts every part of a $batch and learns the minute's budget from SharePoint's 429, not another service's", async () => {
    const clock = { time: 0, now: () => clock.time, sleep: async (ms: number) => void (clock.time += ms) };
    const sharePoint = createTrustedHttp({ serviceOf: (url) => (url.pathname.startsWith("/a/") ? "sharepoint" : "graph"), clock });
    try {
      // The first minute never teaches (it may be one the run before began): one send, then the next minute.
      await sharePoint.fetch(`${base}/a/first`);
      clock.time = 60_000;
      const parts = batchRequestBody("b1", Array.from({ length: 10 }, (_, index) => `${base}/a/_api/web/item${index}`));
      for (let batch = 0; batch < 2; batch++) {
        await sharePoint.fetch(`${base}/a/_api/$batch`, { method: "POST", body: parts, headers: { "Content-Type": "multipart/mixed; boundary=batch_b1" } });
      }
      await sharePoint.fetch(`${base}/b/throttle`);
      expect(sharePoint.sharePointBudget.estimate).toBeUndefined();
      clock.time = 61_000;
      await sharePoint.fetch(`${base}/a/spent`);
      // 21 operations sent, the last refused: 90% of the 20 SharePoint took.
      expect(sharePoint.sharePointBudget.estimate).toBe(18);
    } finally {
      await sharePoint.close();
    }
  });
});
