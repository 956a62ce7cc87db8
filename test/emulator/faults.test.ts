/**
 * Fault modes: latency, throttling (Graph's documented 429 + Retry-After + TooManyRequests body,
 * concepts/throttling.md), concurrency and rate limits, 5xx storms, dropped connections, slow
 * bodies, and writes that are accepted but stored as something else. Decisions are seeded.
 */
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Faults, type FaultConfig } from "../../src/emulator/faults.js";
import type { Fixture } from "../../src/emulator/index.js";
import { renderPortrait } from "../../src/demo/portrait.js";
import { pnpFetch } from "../../src/tenant/http.js";
import { harness, type Harness } from "./helpers.js";

const fixture: Fixture = {
  tenant: { domain: "faulty.onmicrosoft.com", name: "faulty", propagation: { graphSeconds: 0 }, sharepoint: { thumbnailFolder: "present" } },
  apps: [{ clientId: "app", secrets: ["s"], roles: { graph: ["ProfilePhoto.ReadWrite.All", "User.Read.All"], sharepoint: ["Sites.FullControl.All"] } }],
  users: [
    { upn: "a@faulty.com", photo: { portrait: "a", size: 240 } },
    { upn: "b@faulty.com", photo: { portrait: "b", size: 240 } },
    { upn: "c@faulty.com" },
  ],
};

let h: Harness;
let token: string;
beforeAll(async () => {
  h = await harness({ fixture });
  const response = await h.admin("/tokens", { method: "POST", body: { clientId: "app" } });
  token = ((await response.json()) as { access_token: string }).access_token;
});
afterAll(async () => h.close());
afterEach(async () => {
  await h.admin("/faults", { method: "DELETE" });
});

async function setFaults(config: FaultConfig): Promise<void> {
  expect((await h.admin("/faults", { method: "PUT", body: config })).status).toBe(200);
}

async function get(path: string) {
  const response = await h.http.fetch(`${h.emu.endpoints.graphBaseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const buffer = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, buffer, text: buffer.toString("utf8") };
}

describe("decisions are a pure function of the seed (no timing involved)", () => {
  const config: FaultConfig = { seed: 42, rules: [{ errorRate: 0.5, latencyMs: 10, jitterMs: 50 }] };
  const run = (faults: Faults) =>
    Array.from({ length: 40 }, (_, i) => {
      const decision = faults.decide({ service: "graph", method: "GET", target: `/v1.0/users/u${i % 4}/photo`, userKey: `u${i % 4}`, batchItem: false }, 0);
      return `${decision.delayMs}:${decision.action?.kind ?? "ok"}`;
    });

  it("same seed, same misbehaviour; another seed, another", () => {
    const first = run(new Faults(config));
    expect(run(new Faults(config))).toEqual(first);
    expect(run(new Faults({ ...config, seed: 43 }))).not.toEqual(first);
    const errors = first.filter((entry) => entry.endsWith("error")).length;
    expect(errors).toBeGreaterThan(5);
    expect(errors).toBeLessThan(35);
    expect(first.every((entry) => Number(entry.split(":")[0]) >= 10 && Number(entry.split(":")[0]) < 60)).toBe(true);
  });

  it("the documented preset fills in Graph's published limits; per-mailbox photo limits count per app and user", () => {
    const preset = new Faults({ preset: "documented" }).current();
    expect(preset).toMatchObject({ concurrencyPerUser: 4, photoRateLimitPerUser: { requests: 10_000, windowSeconds: 600 }, rateLimit: { requests: 3_500, windowSeconds: 10 } });
    const faults = new Faults({ photoRateLimitPerUser: { requests: 2, windowSeconds: 60 } });
    const ask = (user: string, at: number) => faults.decide({ service: "graph", method: "GET", target: `/v1.0/users/${user}/photo`, userKey: user, app: "app", batchItem: false }, at).action?.kind ?? "ok";
    expect([ask("u1", 0), ask("u1", 1), ask("u1", 2), ask("u2", 3)]).toEqual(["ok", "ok", "throttle", "ok"]);
    // After the Retry-After and the window, u1 is served again.
    expect(ask("u1", 61_000)).toBe("ok");
  });

  it("off by default", () => {
    const faults = new Faults();
    expect(faults.active).toBe(false);
    expect(faults.decide({ service: "graph", method: "GET", target: "/x", batchItem: false })).toEqual({ delayMs: 0, corruptWrites: false });
  });
});

describe("over HTTP", () => {
  it("latency: the answer does not come before the configured delay", async () => {
    await setFaults({ rules: [{ match: { service: "graph", path: "/users/a@" }, latencyMs: 300 }] });
    const started = Date.now();
    expect((await get("/v1.0/users/a@faulty.com")).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("throttling: 429, Retry-After and the TooManyRequests body; an early retry is counted and throttled again", async () => {
    await setFaults({ rules: [{ match: { user: "b@faulty.com" }, throttleFirst: 1, retryAfterSeconds: 30 }] });
    const first = await get("/v1.0/users/b@faulty.com/photo");
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("30");
    expect(JSON.parse(first.text)).toMatchObject({ error: { code: "TooManyRequests", message: "Please retry again later." } });
    const early = await get("/v1.0/users/b@faulty.com/photo");
    expect(early.status).toBe(429);
    const counters = (await (await h.admin("/counters")).json()) as { throttling: { earlyRetries: number } };
    expect(counters.throttling.earlyRetries).toBe(1);
    // Other users are not affected.
    expect((await get("/v1.0/users/a@faulty.com/photo")).status).toBe(200);
  });

  it("a client honouring Retry-After (PnPjs behaviour from src/tenant/http.ts) sends nothing before it", async () => {
    await setFaults({ rules: [{ match: { service: "graph", user: "a@faulty.com" }, throttleFirst: 1, retryAfterSeconds: 1 }] });
    await h.admin("/counters", { method: "DELETE" });
    let send: ((url: URL, init: RequestInit) => Promise<Response>) | undefined;
    const fake = { on: { send: Object.assign((fn: typeof send) => (send = fn), { clear: () => undefined }) } };
    pnpFetch(h.http.fetch, { maxAttempts: 3, backoffMs: 200 })(fake as never);
    const response = await send!(new URL(`${h.emu.endpoints.graphBaseUrl}/v1.0/users/a@faulty.com/photo`), { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const log = ((await (await h.admin("/requests")).json()) as { requests: { time: number; status: number; service: string }[] }).requests.filter((entry) => entry.service === "graph");
    expect(log.map((entry) => entry.status)).toEqual([429, 200]);
    expect(log[1]!.time - log[0]!.time).toBeGreaterThanOrEqual(1000);
    const counters = (await (await h.admin("/counters")).json()) as { throttling: { earlyRetries: number } };
    expect(counters.throttling.earlyRetries).toBe(0);
  });

  it("concurrency limit per mailbox (Graph photo API: 4 concurrent requests) answers 429 past the limit", async () => {
    await setFaults({ concurrencyPerUser: 2, rules: [{ match: { path: "/photo" }, latencyMs: 200 }] });
    const statuses = (await Promise.all(Array.from({ length: 5 }, () => get("/v1.0/users/a@faulty.com/photo")))).map((r) => r.status);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(1);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(2);
  });

  it("rate limit per app: the request past the quota is throttled", async () => {
    await setFaults({ rateLimit: { requests: 3, windowSeconds: 60, retryAfterSeconds: 5 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await get("/v1.0/users/c@faulty.com")).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it("a 503 storm on one user: Graph's serviceNotAvailable body, then recovery", async () => {
    await setFaults({ rules: [{ match: { user: "a@faulty.com" }, failFirst: 2 }] });
    const first = await get("/v1.0/users/a@faulty.com/photo");
    expect(first.status).toBe(503);
    expect(JSON.parse(first.text)).toMatchObject({ error: { code: "serviceNotAvailable" } });
    expect((await get("/v1.0/users/b@faulty.com/photo")).status).toBe(200);
    expect((await get("/v1.0/users/a@faulty.com/photo")).status).toBe(503);
    expect((await get("/v1.0/users/a@faulty.com/photo")).status).toBe(200);
  });

  it("dropped connections: the socket closes without an answer", async () => {
    await setFaults({ rules: [{ match: { service: "graph", user: "c@faulty.com" }, dropRate: 1 }] });
    await expect(get("/v1.0/users/c@faulty.com")).rejects.toThrow();
  });

  it("slow bodies arrive complete, just late", async () => {
    const normal = await get("/v1.0/users/a@faulty.com/photo/$value");
    await setFaults({ rules: [{ match: { path: "/photo/\\$value" }, slowBodyBytesPerSecond: Math.ceil(normal.buffer.length * 2) }] });
    const started = Date.now();
    const slow = await get("/v1.0/users/a@faulty.com/photo/$value");
    expect(slow.buffer.equals(normal.buffer)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it("SharePoint throttling uses SharePoint's error shape", async () => {
    await setFaults({ rules: [{ match: { service: "sharepoint" }, throttleRate: 1, retryAfterSeconds: 3 }] });
    const spoToken = ((await (await h.admin("/tokens", { method: "POST", body: { clientId: "app", resource: "sharepoint" } })).json()) as { access_token: string }).access_token;
    const response = await h.http.fetch(`${h.emu.endpoints.mySiteUrl}/_api/web/GetFolderByServerRelativePath(decodedurl='%2FUser%20Photos%2FProfile%20Pictures')/Files`, { headers: { authorization: `Bearer ${spoToken}`, accept: "application/json" } });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("3");
    expect(await response.json()).toHaveProperty(["odata.error", "code"]);
  });

  it("SharePoint too: an uploaded thumbnail is stored as something else", async () => {
    await setFaults({ rules: [{ match: { service: "sharepoint", user: "c@faulty.com" }, corruptWrites: true }] });
    const spoToken = ((await (await h.admin("/tokens", { method: "POST", body: { clientId: "app", resource: "sharepoint" } })).json()) as { access_token: string }).access_token;
    const thumb = await renderPortrait({ seed: "c-thumb", width: 72, height: 72 });
    const path = "/_api/web/GetFolderByServerRelativePath(decodedurl='%2FUser%20Photos%2FProfile%20Pictures')/Files/AddUsingPath(decodedurl='c_faulty_com_MThumb.jpg',overwrite=true)";
    const upload = await h.http.fetch(`${h.emu.endpoints.mySiteUrl}${path}`, { method: "POST", body: thumb, headers: { authorization: `Bearer ${spoToken}`, accept: "application/json" } });
    expect(upload.status).toBe(200);
    await upload.arrayBuffer();
    const served = await h.http.fetch(`${h.emu.endpoints.mySiteUrl}/_api/web/GetFileByServerRelativePath(decodedurl='%2FUser%20Photos%2FProfile%20Pictures%2Fc_faulty_com_MThumb.jpg')/$value`, { headers: { authorization: `Bearer ${spoToken}` } });
    expect(Buffer.from(await served.arrayBuffer()).equals(thumb)).toBe(false);
  });

  it("a store that accepts a write but serves something else", async () => {
    await setFaults({ rules: [{ match: { service: "graph", user: "c@faulty.com" }, corruptWrites: true }] });
    const upload = await renderPortrait({ seed: "c", width: 240, height: 240 });
    const response = await h.http.fetch(`${h.emu.endpoints.graphBaseUrl}/v1.0/users/c@faulty.com/photo/$value`, { method: "PUT", body: upload, headers: { authorization: `Bearer ${token}`, "content-type": "image/jpeg" } });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    const served = await get("/v1.0/users/c@faulty.com/photo/$value");
    const mean = async (bytes: Buffer) => (await sharp(bytes).stats()).channels.slice(0, 3).map((channel) => channel.mean);
    const [up, down] = [await mean(upload), await mean(served.buffer)];
    expect(Math.abs(up[0]! - down[0]!) + Math.abs(up[1]! - down[1]!) + Math.abs(up[2]! - down[2]!)).toBeGreaterThan(60);
  });
});
