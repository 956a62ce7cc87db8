/**
 * Read-after-write propagation (m365-facts.md "Propagation"; graph-explorer-v4 #1269: a new photo
 * is not always served at once). Switch: tenant `propagation.graphSeconds` (default 3, the harsher
 * reading); SharePoint files are readable at once (`sharepointSeconds` 0, the only value modelled).
 * After a Graph photo write or delete, single or in $batch, every read (metadata, $value, /photos)
 * serves what was there before until the delay has passed; the admin view shows both.
 * A fake clock stands in for the seconds, except for one short real delay.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderPortrait } from "../../src/demo/portrait.js";
import type { Fixture } from "../../src/emulator/index.js";
import { parseFixture, seedState } from "../../src/emulator/fixture.js";
import { BlobStore } from "../../src/emulator/blobs.js";
import { harness, type Harness } from "./helpers.js";

const apps: Fixture["apps"] = [
  { clientId: "app-reader", secrets: ["r"], roles: { graph: ["ProfilePhoto.Read.All", "User.Read.All"] } },
  { clientId: "app-writer", secrets: ["w"], roles: { graph: ["ProfilePhoto.ReadWrite.All", "User.Read.All"] } },
];
const users: Fixture["users"] = [
  { upn: "ann@fabrikam.com", photo: { portrait: "ann-before", size: 360 } },
  { upn: "bob@fabrikam.com" },
  { upn: "cat@fabrikam.com", photo: { portrait: "cat-before", size: 360 } },
  { upn: "dan@fabrikam.com" },
  { upn: "eve@fabrikam.com", mailbox: "none", photos: { aad: { portrait: "eve-before", size: 360 } } },
];

interface Graph {
  h: Harness;
  writer: string;
  get(path: string): Promise<{ status: number; buffer: Buffer; json: Record<string, unknown> | undefined }>;
  send(path: string, method: string, body?: Buffer | string, type?: string): Promise<{ status: number; json: Record<string, unknown> | undefined }>;
}

async function open(fixture: Fixture): Promise<Graph> {
  const h = await harness({ fixture });
  const writer = await h.token({ app: "writer" });
  const call = async (path: string, method: string, body?: Buffer | string, type?: string) => {
    const headers: Record<string, string> = { authorization: `Bearer ${writer}`, ...(type ? { "content-type": type } : {}) };
    const response = await h.http.fetch(`${h.emu.endpoints.graphBaseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const buffer = Buffer.from(await response.arrayBuffer());
    const json = (response.headers.get("content-type") ?? "").includes("json") && buffer.length > 0 ? (JSON.parse(buffer.toString("utf8")) as Record<string, unknown>) : undefined;
    return { status: response.status, buffer, json };
  };
  return { h, writer, get: (path) => call(path, "GET"), send: call };
}

const etagOf = async (graph: Graph, upn: string, version = "v1.0") => (await graph.get(`/${version}/users/${upn}/photo`)).json?.["@odata.mediaEtag"];
const storedEtag = async (graph: Graph, upn: string, store: "exo" | "aad" = "exo") =>
  ((await (await graph.h.admin(`/users/${upn}`)).json()) as Record<"exo" | "aad", { etag: string } | null>)[store]?.etag;

describe("propagation: default (graphSeconds 3)", () => {
  let graph: Graph;
  let clock = 1_000_000;
  beforeAll(async () => {
    // A legacy tenant: an Exchange write reaches Entra ID too, so both stores are held back (in a
    // current tenant Entra ID alone is written, and held back the same way: the Entra-only case below).
    graph = await open({ tenant: { domain: "fabrikam.onmicrosoft.com", name: "fabrikam", behaviour: "legacy" }, apps, users });
    graph.h.emu.core.tenant.now = () => clock;
  });
  afterAll(async () => graph.h.close());

  it("is 3 seconds for Graph and 0 for SharePoint when the fixture says nothing", async () => {
    const config = (await (await graph.h.admin("/tenant")).json()) as { propagation: unknown };
    expect(config.propagation).toEqual({ graphSeconds: 3, sharepointSeconds: 0 });
  });

  it("after a PUT, metadata, $value and /photos serve the previous photo until the delay has passed; the admin view shows both", async () => {
    const before = await graph.get("/v1.0/users/ann@fabrikam.com/photo/$value");
    const beforeEtag = await etagOf(graph, "ann@fabrikam.com");
    const beforeList = (await graph.get("/v1.0/users/ann@fabrikam.com/photos")).json;
    expect((await graph.send("/v1.0/users/ann@fabrikam.com/photo/$value", "PUT", await renderPortrait({ seed: "ann-after", width: 504, height: 504 }), "image/jpeg")).status).toBe(200);

    clock += 2_900;
    expect(await etagOf(graph, "ann@fabrikam.com")).toBe(beforeEtag);
    expect((await graph.get("/v1.0/users/ann@fabrikam.com/photo/$value")).buffer.equals(before.buffer)).toBe(true);
    expect((await graph.get("/v1.0/users/ann@fabrikam.com/photos")).json).toEqual(beforeList);
    // Entra ID (beta reads it) got the Exchange write too, and is held back the same way.
    const view = (await (await graph.h.admin("/users/ann@fabrikam.com")).json()) as { exo: { etag: string; width: number }; propagating: Record<string, { served: { etag: string }; until: string }> };
    expect(view.exo.width).toBe(504);
    expect(`"${view.propagating.exo?.served.etag}"`).toBe(beforeEtag);
    expect(Object.keys(view.propagating).sort()).toEqual(["aad", "exo"]);

    clock += 200;
    const after = await etagOf(graph, "ann@fabrikam.com");
    expect(after).not.toBe(beforeEtag);
    expect(after).toBe(`"${view.exo.etag}"`);
    expect((await graph.get("/v1.0/users/ann@fabrikam.com/photo")).json).toMatchObject({ id: "504x504" });
    expect(((await (await graph.h.admin("/users/ann@fabrikam.com")).json()) as { propagating: object }).propagating).toEqual({});
  });

  it("a first photo stays absent (404 ImageNotFound) until the delay has passed", async () => {
    expect((await graph.send("/v1.0/users/bob@fabrikam.com/photo/$value", "PUT", await renderPortrait({ seed: "bob", width: 400, height: 400 }), "image/jpeg")).status).toBe(200);
    expect(await storedEtag(graph, "bob@fabrikam.com")).toBeDefined();
    const early = await graph.get("/v1.0/users/bob@fabrikam.com/photo/$value");
    expect(early.status).toBe(404);
    expect(early.json).toMatchObject({ error: { code: "ImageNotFound" } });
    expect((await graph.get("/v1.0/users/bob@fabrikam.com/photos")).json).toMatchObject({ value: [] });
    clock += 3_000;
    expect((await graph.get("/v1.0/users/bob@fabrikam.com/photo/$value")).status).toBe(200);
  });

  it("a deleted photo is still served until the delay has passed", async () => {
    const beforeEtag = await etagOf(graph, "cat@fabrikam.com");
    expect((await graph.send("/v1.0/users/cat@fabrikam.com/photo", "DELETE")).status).toBe(204);
    expect(await storedEtag(graph, "cat@fabrikam.com")).toBeUndefined();
    expect(await etagOf(graph, "cat@fabrikam.com")).toBe(beforeEtag);
    clock += 3_000;
    expect((await graph.get("/v1.0/users/cat@fabrikam.com/photo")).status).toBe(404);
  });

  it("a write inside a $batch is held back the same way; an Entra-only write too", async () => {
    const body = (await renderPortrait({ seed: "dan", width: 400, height: 400 })).toString("base64");
    const eveBefore = await etagOf(graph, "eve@fabrikam.com", "beta");
    const batchOf = (version: string, upn: string) =>
      graph.send(`/${version}/$batch`, "POST", JSON.stringify({ requests: [{ id: "1", method: "PUT", url: `/users/${upn}/photo/$value`, headers: { "content-type": "image/jpeg" }, body }] }), "application/json");
    // Eve has no mailbox: in this legacy tenant Graph beta writes her Entra ID photo.
    const statuses = [await batchOf("v1.0", "dan@fabrikam.com"), await batchOf("beta", "eve@fabrikam.com")].flatMap((batch) => (batch.json?.responses as { status: number }[]).map((item) => item.status));
    expect(statuses).toEqual([200, 200]);
    expect((await graph.get("/v1.0/users/dan@fabrikam.com/photo")).status).toBe(404);
    expect(await etagOf(graph, "eve@fabrikam.com", "beta")).toBe(eveBefore);
    expect(await storedEtag(graph, "eve@fabrikam.com", "aad")).not.toBe(String(eveBefore).replace(/"/g, ""));
    clock += 3_000;
    expect((await graph.get("/v1.0/users/dan@fabrikam.com/photo")).status).toBe(200);
    expect(await etagOf(graph, "eve@fabrikam.com", "beta")).not.toBe(eveBefore);
  });

  it("a change made by hand (admin API) is served at once: it is drift, not a Graph write", async () => {
    const before = await etagOf(graph, "ann@fabrikam.com");
    expect((await graph.h.admin("/photos/exo/ann@fabrikam.com", { method: "PUT", raw: await renderPortrait({ seed: "ann-by-hand", width: 400, height: 400 }) })).status).toBe(200);
    expect(await etagOf(graph, "ann@fabrikam.com")).not.toBe(before);
  });
});

describe("propagation: switched", () => {
  it("graphSeconds 0: a write is served at once", async () => {
    const graph = await open({ tenant: { domain: "fabrikam.onmicrosoft.com", name: "fabrikam", behaviour: "legacy", propagation: { graphSeconds: 0 } }, apps, users });
    try {
      expect((await graph.send("/v1.0/users/bob@fabrikam.com/photo/$value", "PUT", await renderPortrait({ seed: "bob", width: 400, height: 400 }), "image/jpeg")).status).toBe(200);
      expect((await graph.get("/v1.0/users/bob@fabrikam.com/photo/$value")).status).toBe(200);
      expect(await etagOf(graph, "bob@fabrikam.com")).toBe(`"${await storedEtag(graph, "bob@fabrikam.com")}"`);
    } finally {
      await graph.h.close();
    }
  });

  it("graphSeconds 0.3 on the real clock: the old photo for 0.3 s, then the new one", async () => {
    const graph = await open({ tenant: { domain: "fabrikam.onmicrosoft.com", name: "fabrikam", propagation: { graphSeconds: 0.3 } }, apps, users });
    try {
      const before = await etagOf(graph, "ann@fabrikam.com");
      expect((await graph.send("/v1.0/users/ann@fabrikam.com/photo/$value", "PUT", await renderPortrait({ seed: "ann-after", width: 400, height: 400 }), "image/jpeg")).status).toBe(200);
      expect(await etagOf(graph, "ann@fabrikam.com")).toBe(before);
      await new Promise((resolve) => setTimeout(resolve, 350));
      expect(await etagOf(graph, "ann@fabrikam.com")).not.toBe(before);
    } finally {
      await graph.h.close();
    }
  });

  it("refuses a delay that is not a number of seconds, and a SharePoint delay (not modelled)", async () => {
    const blobs = new BlobStore(undefined);
    const seed = (yaml: string) => seedState(parseFixture(yaml), blobs, { certificate: () => Promise.resolve("") });
    await expect(seed("tenant:\n  propagation:\n    graphSeconds: soon\n")).rejects.toThrow("propagation.graphSeconds must be a number of seconds");
    await expect(seed("tenant:\n  propagation:\n    sharepointSeconds: 5\n")).rejects.toThrow("only 0 is modelled");
  });
});
