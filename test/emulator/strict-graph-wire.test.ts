/**
 * Graph's wire limits, as m365-facts.md cites them:
 * - 4 MB per request, a $batch envelope included (profilephoto-update.md; base64 bodies inflate by
 *   4/3): 413 RequestEntityTooLarge. Not disputed, so not a switch.
 * - $batch photo items run at most 4 at a time (Microsoft's answer on Q&A 1660054):
 *   tenant.graph.batchPhotoConcurrency, default 4; a larger number is the lenient reading.
 * - OData string literals double a single quote (query-parameters.md "Escaping single quotes"): an
 *   undoubled one is 400 BadRequest "Invalid filter clause" (azure-powershell #17368). Not a switch.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Fixture } from "../../src/emulator/index.js";
import { renderPortrait } from "../../src/demo/portrait.js";
import { harness } from "./helpers.js";

function fixture(batchPhotoConcurrency?: number): Fixture {
  return {
    tenant: { domain: "fabrikam.onmicrosoft.com", name: "fabrikam", behaviour: "current", ...(batchPhotoConcurrency ? { graph: { batchPhotoConcurrency } } : {}) },
    apps: [{ clientId: "app-reader", secrets: ["r"], roles: { graph: ["ProfilePhoto.Read.All"] } }, { clientId: "app-writer", secrets: ["w"], roles: { graph: ["ProfilePhoto.ReadWrite.All", "User.Read.All"] } }],
    users: [
      ...Array.from({ length: 20 }, (_, i) => ({ upn: `p${String(i).padStart(2, "0")}@fabrikam.com`, photo: { portrait: `p${i}`, size: 96 } })),
      { upn: "o'brien@fabrikam.com", displayName: "Pat O'Brien" },
    ],
  };
}

async function open(batchPhotoConcurrency?: number) {
  const h = await harness({ fixture: fixture(batchPhotoConcurrency) });
  const token = await h.token({ app: "writer" });
  const post = async (body: string) => {
    const response = await h.http.fetch(`${h.emu.endpoints.graphBaseUrl}/v1.0/$batch`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  const get = async (path: string) => {
    const response = await h.http.fetch(`${h.emu.endpoints.graphBaseUrl}/v1.0${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  return { h, post, get };
}

describe("4 MB per request, the $batch envelope included", () => {
  let t: Awaited<ReturnType<typeof open>>;
  beforeAll(async () => (t = await open()));
  afterAll(async () => t.h.close());

  it("refuses a batch whose envelope is over 4 MB with 413 RequestEntityTooLarge, though each photo is well under it", async () => {
    // 20 photos of ~220 KB each: 4.4 MB of bytes, ~5.9 MB base64; each item alone is far below 4 MB.
    const photo = Buffer.concat([await renderPortrait({ seed: "big", width: 300, height: 300 }), Buffer.alloc(220_000 - 1)]).subarray(0, 220_000);
    const requests = Array.from({ length: 20 }, (_, i) => ({ id: String(i), method: "PUT", url: `/users/p${String(i).padStart(2, "0")}@fabrikam.com/photo/$value`, headers: { "Content-Type": "image/jpeg" }, body: photo.toString("base64") }));
    const body = JSON.stringify({ requests });
    expect(body.length).toBeGreaterThan(4 * 1024 * 1024);
    const refused = await t.post(body);
    expect(refused.status).toBe(413);
    expect(refused.json).toMatchObject({ error: { code: "RequestEntityTooLarge" } });
    // Nothing of a refused batch was written.
    expect(t.h.emu.core.tenant.findUser("p00@fabrikam.com")!.photos.exo!.width).toBe(96);
  });

  it("accepts the same photos in batches under the limit", async () => {
    const photo = await renderPortrait({ seed: "small", width: 240, height: 240 });
    const requests = Array.from({ length: 5 }, (_, i) => ({ id: String(i), method: "PUT", url: `/users/p${String(i).padStart(2, "0")}@fabrikam.com/photo/$value`, headers: { "Content-Type": "image/jpeg" }, body: photo.toString("base64") }));
    const accepted = await t.post(JSON.stringify({ requests }));
    expect(accepted.status).toBe(200);
    expect((accepted.json.responses as Array<{ status: number }>).map((item) => item.status)).toEqual([200, 200, 200, 200, 200]);
  });
});

async function photoBatch(t: Awaited<ReturnType<typeof open>>) {
  t.h.emu.admin.setFaults({ rules: [{ match: { service: "graph", path: "/photo" }, itemLatencyMs: 40 }] });
  t.h.emu.admin.resetCounters();
  const requests = Array.from({ length: 20 }, (_, i) => ({ id: String(i), method: "GET", url: `/users/p${String(i).padStart(2, "0")}@fabrikam.com/photo` }));
  const answer = await t.post(JSON.stringify({ requests }));
  expect((answer.json.responses as Array<{ status: number }>).every((item) => item.status === 200)).toBe(true);
  return t.h.emu.admin.counters().endpoints["graph GET /v1.0/users/{id}/photo (batch item)"]?.count;
}

describe("batchPhotoConcurrency: 4 (default)", () => {
  let t: Awaited<ReturnType<typeof open>>;
  beforeAll(async () => (t = await open()));
  afterAll(async () => t.h.close());

  it("runs the 20 photo items of a batch 4 at a time (five rounds of service time)", async () => {
    expect(await photoBatch(t)).toBe(20);
    expect(t.h.emu.core.counters.batchPhotoPeak).toBe(4);
  });

  it("does not hold back other items: a user lookup batch is not limited", async () => {
    t.h.emu.admin.setFaults({});
    t.h.emu.admin.resetCounters();
    const requests = Array.from({ length: 20 }, (_, i) => ({ id: String(i), method: "GET", url: `/users/p${String(i).padStart(2, "0")}@fabrikam.com` }));
    expect((await t.post(JSON.stringify({ requests }))).status).toBe(200);
    expect(t.h.emu.core.counters.batchPhotoPeak).toBe(0);
  });
});

describe("batchPhotoConcurrency: 20 (lenient)", () => {
  let t: Awaited<ReturnType<typeof open>>;
  beforeAll(async () => (t = await open(20)));
  afterAll(async () => t.h.close());

  it("runs every photo item at once", async () => {
    expect(await photoBatch(t)).toBe(20);
    expect(t.h.emu.core.counters.batchPhotoPeak).toBe(20);
  });
});

describe("OData string literals in $filter", () => {
  let t: Awaited<ReturnType<typeof open>>;
  beforeAll(async () => (t = await open()));
  afterAll(async () => t.h.close());
  const users = (filter: string) => t.get(`/users?$filter=${encodeURIComponent(filter)}&$select=id,userPrincipalName`);

  it("refuses an undoubled quote with 400 BadRequest 'Invalid filter clause', in `in` and in `eq`", async () => {
    for (const filter of ["userPrincipalName in ('o'brien@fabrikam.com')", "userPrincipalName in ('p00@fabrikam.com','o'brien@fabrikam.com')", "userPrincipalName eq 'o'brien@fabrikam.com'"]) {
      const answer = await users(filter);
      expect(answer.status, filter).toBe(400);
      expect(answer.json).toMatchObject({ error: { code: "BadRequest", message: "Invalid filter clause" } });
    }
  });

  it("finds the person when the quote is doubled", async () => {
    for (const filter of ["userPrincipalName in ('o''brien@fabrikam.com')", "userPrincipalName eq 'o''brien@fabrikam.com'"]) {
      const answer = await users(filter);
      expect(answer.status, filter).toBe(200);
      expect((answer.json.value as Array<{ userPrincipalName: string }>).map((user) => user.userPrincipalName)).toEqual(["o'brien@fabrikam.com"]);
    }
  });
});
