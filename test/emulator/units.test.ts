/** The emulator's pure pieces, without a server. */
import { describe, expect, it } from "vitest";
import { TokenError, resolveScope } from "../../src/emulator/auth.js";
import { endpointKey } from "../../src/emulator/counters.js";
import { parseFixture, stableGuid } from "../../src/emulator/fixture.js";
import { GraphFailure } from "../../src/emulator/graph/common.js";
import { routePhoto } from "../../src/emulator/graph/photos.js";
import { parseFilter } from "../../src/emulator/graph/users.js";
import { pathSegments } from "../../src/emulator/http.js";
import { availableSizes, renderSize, renderSizes } from "../../src/emulator/images.js";
import type { TenantConfig, UserRecord } from "../../src/emulator/model.js";
import { parseBatch } from "../../src/emulator/sharepoint/batch.js";
import { parseCall } from "../../src/emulator/sharepoint/odata.js";
import { Tenant, accountName, thumbnailBaseName } from "../../src/emulator/state.js";
import { BlobStore } from "../../src/emulator/blobs.js";
import { BytesLru } from "../../src/emulator/bytes-lru.js";
import { renderPortrait } from "../../src/demo/portrait.js";
import sharp from "sharp";
import { DEMO_TENANT_YAML } from "../../src/emulator/demo-tenant.js";

const tenant = { name: "contoso", domain: "contoso.onmicrosoft.com" } as TenantConfig;
const user = (mailbox: UserRecord["mailbox"], licensed = true) => ({ mailbox, licensed }) as UserRecord;

describe("BytesLru", () => {
  it("keeps the bytes used last within its bound, and none larger than an entry may be", () => {
    const lru = new BytesLru(10, 6);
    lru.set("a", Buffer.alloc(4));
    lru.set("b", Buffer.alloc(4));
    lru.get("a");
    lru.set("c", Buffer.alloc(4));
    // Twelve bytes against ten: "b", used longest ago, goes.
    expect([lru.get("a") !== undefined, lru.get("b") !== undefined, lru.get("c") !== undefined]).toEqual([true, false, true]);
    lru.set("big", Buffer.alloc(7));
    expect(lru.get("big")).toBeUndefined();
  });
});

describe("renditions", () => {
  it("renders a photo seen before to the same bytes, in the sizes and order asked for", async () => {
    const photo = await renderPortrait({ seed: "renditions", width: 300, height: 300 });
    const small = await renderSize(photo, 48, 48);
    const sizes = await renderSizes(photo, ["96x96", "48x48"]);
    expect([...sizes.keys()]).toEqual(["96x96", "48x48"]);
    expect(sizes.get("48x48")!.equals(small)).toBe(true);
    const meta = await sharp(sizes.get("96x96")!).metadata();
    expect([meta.width, meta.height, meta.format]).toEqual([96, 96, "jpeg"]);
    // Another photo is another rendition, not the one remembered.
    const other = await renderSize(await renderPortrait({ seed: "renditions-other", width: 300, height: 300 }), 48, 48);
    expect(other.equals(small)).toBe(false);
  });
});

describe("sizes (profilephoto-get.md)", () => {
  it("an upload of 504x504 makes every size but 648 available", () => {
    expect(availableSizes({ width: 504, height: 504 })).toEqual(["48x48", "64x64", "96x96", "120x120", "240x240", "360x360", "432x432", "504x504"]);
  });
  it("an Entra ID photo of any dimension is served as itself plus the HD sizes below it", () => {
    expect(availableSizes({ width: 100, height: 130 })).toEqual(["48x48", "64x64", "96x96", "100x130"]);
  });
});

describe("stored sizes", () => {
  const person = (): UserRecord => ({ id: "1", userPrincipalName: "ann@contoso.com", photos: {}, profile: {} }) as unknown as UserRecord;
  const newTenant = () => new Tenant({ version: 1, tenant, users: [], spoFiles: [], sequence: 0 }, new BlobStore(undefined));

  it("are made when the photo is set (Exchange stores them with it), once for Exchange and Entra ID", async () => {
    const t = newTenant();
    const ann = person();
    const bytes = await renderPortrait({ seed: "ann", width: 504, height: 504 }, "jpeg");
    await t.writePhoto(ann, "exo", { bytes, width: 504, height: 504 });
    const sizes = ["48x48", "64x64", "96x96", "120x120", "240x240", "360x360", "432x432"];
    expect(Object.keys(ann.photos.exo?.renditions ?? {}).sort()).toEqual([...sizes].sort());
    expect(ann.photos.aad?.renditions).toEqual(ann.photos.exo?.renditions);
    for (const id of sizes) {
      const served = await t.photoBytes(ann.photos.exo!, id);
      const info = await sharp(served).metadata();
      expect(`${info.width}x${info.height}`).toBe(id);
      expect(served).toEqual(await t.blobs.get(ann.photos.exo!.renditions![id]!));
    }
    expect(await t.photoBytes(ann.photos.exo!, "504x504")).toEqual(bytes);
    expect(await t.photoBytes(ann.photos.exo!, "648x648")).toBeUndefined();
  });

  it("of a photo persisted without them are made on first request", async () => {
    const t = newTenant();
    const ann = person();
    const bytes = await renderPortrait({ seed: "ann", width: 120, height: 120 }, "jpeg");
    const record = await t.storePhoto(ann, "aad", { bytes, width: 120, height: 120 });
    delete record.renditions;
    const info = await sharp(await t.photoBytes(record, "64x64")).metadata();
    expect([info.width, info.height]).toEqual([64, 64]);
    expect(Object.keys(record.renditions ?? {})).toEqual(["64x64"]);
  });
});

describe("which store answers", () => {
  it("beta reads Entra ID and writes through the mailbox when there is one", () => {
    expect(routePhoto("beta", user("cloud"), "read", "legacy")).toBe("aad");
    expect(routePhoto("beta", user("cloud"), "write", "legacy")).toBe("exo");
    expect(routePhoto("beta", user("none"), "write", "legacy")).toBe("aad");
  });
  it("v1.0: mailbox → Exchange; without one legacy refuses and current uses Entra ID", () => {
    expect(routePhoto("v1.0", user("cloud"), "write", "legacy")).toBe("exo");
    expect(() => routePhoto("v1.0", user("none"), "write", "legacy")).toThrow(GraphFailure);
    expect(() => routePhoto("v1.0", user("onPremises"), "read", "legacy")).toThrow(/on-premise/);
    expect(() => routePhoto("v1.0", user("cloud", false), "write", "legacy")).toThrow(/authenticating/);
    expect(routePhoto("v1.0", user("none"), "write", "current")).toBe("aad");
  });
});

describe("scopes", () => {
  const aliases = new Map([["https://127.0.0.1:5001", "https://graph.microsoft.com"]]);
  it("maps .default scopes to resources and audiences", () => {
    expect(resolveScope("https://graph.microsoft.com/.default", tenant, aliases)).toEqual({ resource: "graph", audience: "https://graph.microsoft.com" });
    expect(resolveScope("https://127.0.0.1:5001/.default", tenant, aliases).resource).toBe("graph");
    expect(resolveScope("https://contoso-admin.sharepoint.com/.default", tenant, aliases)).toEqual({ resource: "sharepoint", audience: "https://contoso-admin.sharepoint.com" });
    expect(() => resolveScope("User.Read", tenant, aliases)).toThrow(TokenError);
    expect(() => resolveScope("https://fabrikam.sharepoint.com/.default", tenant, aliases)).toThrow(/AADSTS500011/);
  });
});

describe("OData parsing", () => {
  it("splits paths without breaking quoted arguments and parses SharePoint calls with aliases", () => {
    expect(pathSegments("/_api/web/GetFolderByServerRelativePath(decodedurl='/a b/c')/Files")).toEqual(["_api", "web", "GetFolderByServerRelativePath(decodedurl='/a b/c')", "Files"]);
    const params = new URLSearchParams("@v='i:0#.f|membership|o''brien@contoso.com'");
    expect(parseCall("GetPropertiesFor(accountName=@v)", params)).toEqual({ name: "getpropertiesfor", args: { accountname: "i:0#.f|membership|o'brien@contoso.com" } });
    expect(parseCall("AddUsingPath(decodedurl='x,y.jpg',Overwrite=true)", params).args).toEqual({ decodedurl: "x,y.jpg", overwrite: true });
  });
  it("Graph $filter: eq, in, startswith, or/and; unsupported properties are refused", () => {
    const match = parseFilter("userPrincipalName in ('a@x.com','b@x.com') and accountEnabled eq true");
    expect(match({ userPrincipalName: "B@x.com", accountEnabled: true })).toBe(true);
    expect(match({ userPrincipalName: "b@x.com", accountEnabled: false })).toBe(false);
    expect(parseFilter("startswith(mail,'ad') or userType eq 'Guest'")({ mail: "x", userType: "Guest" })).toBe(true);
    expect(() => parseFilter("jobTitle eq 'x'")).toThrow(GraphFailure);
  });
  it("SharePoint $batch bodies as PnPjs writes them", () => {
    const body = [
      "--batch_1",
      "Content-Type: application/http",
      "Content-Transfer-Encoding: binary",
      "",
      "GET https://h/_api/web HTTP/1.1",
      "Accept: application/json",
      "",
      "--batch_1",
      'Content-Type: multipart/mixed; boundary="changeset_2"',
      "",
      "--changeset_2",
      "Content-Type: application/http",
      "Content-Transfer-Encoding: binary",
      "",
      "POST https://h/_api/x HTTP/1.1",
      "Content-Type: application/json;charset=utf-8",
      "",
      '{"a":1}',
      "",
      "--changeset_2--",
      "",
      "--batch_1--",
    ].join("\n");
    const outer = { method: "POST", url: new URL("https://h/_api/$batch"), headers: { authorization: "Bearer t" }, body: Buffer.alloc(0), via: "http" as const };
    const parts = parseBatch(body, outer);
    expect(parts.map((part) => `${part.method} ${part.url.pathname} ${part.body.toString()}`)).toEqual(["GET /_api/web ", 'POST /_api/x {"a":1}']);
    expect(parts[1]?.headers.authorization).toBe("Bearer t");
  });
});

describe("names", () => {
  it("thumbnail names, claims account names, endpoint keys, stable ids", () => {
    expect(thumbnailBaseName("alex.w@contoso.com")).toBe("alex_w_contoso_com");
    expect(accountName("Adele.Vance@contoso.com")).toBe("i:0#.f|membership|adele.vance@contoso.com");
    expect(endpointKey("graph", "GET", "/v1.0/users/abc/photos/48x48/$value?x=1")).toBe("graph GET /v1.0/users/{id}/photos/{size}/$value");
    expect(stableGuid("x")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });
  it("the demo tenant covers every case of the example repo", () => {
    const demo = parseFixture(DEMO_TENANT_YAML);
    const upns = (demo.users ?? []).map((entry) => entry.upn);
    for (const upn of ["adele.vance@contoso.com", "alex.wilber@contoso.com", "megan.bowen@contoso.com", "lee.gu@contoso.com", "nestor.wilke@contoso.com", "patti.fernandez_fabrikam.com#EXT#@contoso.onmicrosoft.com", "isaiah.langer@contoso.com", "pradeep.gupta@contoso.com", "svc-scanner@contoso.com"]) {
      expect(upns).toContain(upn);
    }
    expect(demo.apps?.map((app) => app.roles?.graph?.some((role) => role.includes("ReadWrite")))).toEqual([false, true]);
  });
});
