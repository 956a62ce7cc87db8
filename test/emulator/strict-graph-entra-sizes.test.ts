/**
 * tenant.graph.entraSizes: the sizes Graph serves of a photo stored in Entra ID.
 * Sources: beta api-reference profilephoto-get.md ("Photos can be any dimension if they're stored in
 * Microsoft Entra ID"; "If the specified size is unavailable ... the size 1x1 is returned with the
 * rest of the metadata"), microsoft-graph-docs #2319 (sometimes only one size exists: list /photos).
 * Default onePixel (the harshest); Exchange-stored photos keep their HD sizes in every mode.
 */
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EntraSizes } from "../../src/emulator/model.js";
import type { Fixture } from "../../src/emulator/index.js";
import { harness } from "./helpers.js";

function fixture(entraSizes?: EntraSizes, behaviour: "current" | "legacy" = "current"): Fixture {
  return {
    tenant: { domain: "fabrikam.onmicrosoft.com", name: "fabrikam", behaviour, ...(entraSizes ? { graph: { entraSizes } } : {}) },
    apps: [{ clientId: "app-reader", secrets: ["r"], roles: { graph: ["ProfilePhoto.Read.All", "User.Read.All"] } }],
    users: [
      // No mailbox: a current tenant keeps this photo in Entra ID.
      { upn: "entra@fabrikam.com", mailbox: "none", photos: { aad: { portrait: "entra", size: 240 } } },
      { upn: "mailbox@fabrikam.com", photo: { portrait: "mailbox", size: 240 } },
    ],
  };
}

async function open(entraSizes?: EntraSizes, behaviour: "current" | "legacy" = "current") {
  const h = await harness({ fixture: fixture(entraSizes, behaviour) });
  const token = await h.token({ app: "reader" });
  const get = async (path: string) => {
    const response = await h.http.fetch(`${h.emu.endpoints.graphBaseUrl}/v1.0/users/${path}`, { headers: { authorization: `Bearer ${token}` } });
    const buffer = Buffer.from(await response.arrayBuffer());
    const type = response.headers.get("content-type") ?? "";
    return { status: response.status, type, buffer, json: type.includes("json") ? (JSON.parse(buffer.toString("utf8")) as Record<string, unknown>) : undefined };
  };
  return { h, get };
}

const sizesOf = (json: Record<string, unknown> | undefined) => ((json?.value ?? []) as Array<{ id: string }>).map((item) => item.id);

describe("entraSizes: onePixel (default)", () => {
  let t: Awaited<ReturnType<typeof open>>;
  beforeAll(async () => (t = await open()));
  afterAll(async () => t.h.close());

  it("lists only the stored size, and serves the stored size as the photo", async () => {
    expect(sizesOf((await t.get("entra@fabrikam.com/photos")).json)).toEqual(["240x240"]);
    const meta = await t.get("entra@fabrikam.com/photo");
    expect(meta.json).toMatchObject({ id: "240x240", width: 240, height: 240 });
    expect((await sharp((await t.get("entra@fabrikam.com/photo/$value")).buffer).metadata()).width).toBe(240);
  });

  it("answers another size with 200 and a 1x1: metadata 1x1 with the photo's etag, bytes a 1x1 JPEG", async () => {
    const meta = await t.get("entra@fabrikam.com/photos/96x96");
    expect(meta.status).toBe(200);
    expect(meta.json).toMatchObject({ width: 1, height: 1, "@odata.mediaContentType": "image/jpeg" });
    expect(meta.json?.["@odata.mediaEtag"]).toMatch(/^"[0-9A-F]{8}"$/);
    const value = await t.get("entra@fabrikam.com/photos/96x96/$value");
    expect(value.status).toBe(200);
    expect(value.type).toBe("image/jpeg");
    const decoded = await sharp(value.buffer).metadata();
    expect([decoded.width, decoded.height, decoded.format]).toEqual([1, 1, "jpeg"]);
  });

  it("leaves Exchange photos their HD sizes (a legacy tenant, where a mailbox user's photo is Exchange's)", async () => {
    const legacy = await open(undefined, "legacy");
    try {
      expect(sizesOf((await legacy.get("mailbox@fabrikam.com/photos")).json)).toEqual(["48x48", "64x64", "96x96", "120x120", "240x240"]);
      expect((await sharp((await legacy.get("mailbox@fabrikam.com/photos/96x96/$value")).buffer).metadata()).width).toBe(96);
    } finally {
      await legacy.h.close();
    }
  });
});

describe("entraSizes: stored", () => {
  let t: Awaited<ReturnType<typeof open>>;
  beforeAll(async () => (t = await open("stored")));
  afterAll(async () => t.h.close());

  it("lists and serves only the stored size; another is 404 ImageNotFound", async () => {
    expect(sizesOf((await t.get("entra@fabrikam.com/photos")).json)).toEqual(["240x240"]);
    const other = await t.get("entra@fabrikam.com/photos/96x96/$value");
    expect(other.status).toBe(404);
    expect(other.json).toMatchObject({ error: { code: "ImageNotFound" } });
    expect((await t.get("entra@fabrikam.com/photos/240x240/$value")).status).toBe(200);
  });
});

describe("entraSizes: all (lenient)", () => {
  let t: Awaited<ReturnType<typeof open>>;
  beforeAll(async () => (t = await open("all")));
  afterAll(async () => t.h.close());

  it("serves every HD size up to the stored one", async () => {
    expect(sizesOf((await t.get("entra@fabrikam.com/photos")).json)).toEqual(["48x48", "64x64", "96x96", "120x120", "240x240"]);
    expect((await sharp((await t.get("entra@fabrikam.com/photos/96x96/$value")).buffer).metadata()).width).toBe(96);
  });
});

describe("the fixture refuses a value it does not know", () => {
  it("names the key and the values", async () => {
    await expect(harness({ fixture: fixture("some" as EntraSizes) })).rejects.toThrow(/tenant\.graph\.entraSizes must be all, stored or onePixel/);
  });
});
