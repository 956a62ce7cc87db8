/**
 * SharePoint REST over raw HTTP: OData dialects (verbose / nometadata / minimal), error shapes,
 * form digest, file naming and the PeopleManager, as documented in sp-dev-docs
 * (Upload-user-profile-pictures-sample-app, security-apponly-azuread.md) and docs/microsoft-365.md.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { harness, type Harness } from "./helpers.js";

let h: Harness;
let writer: string;
let reader: string;
/** The same apps' tokens for the admin host (SharePoint tokens are per host). */
let writerAdmin: string;
let readerAdmin: string;
beforeAll(async () => {
  h = await harness();
  [writer, reader, writerAdmin, readerAdmin] = await Promise.all([
    h.token({ app: "writer", resource: "sharepoint" }),
    h.token({ app: "reader", resource: "sharepoint" }),
    h.token({ app: "writer", resource: "sharepoint", host: "admin" }),
    h.token({ app: "reader", resource: "sharepoint", host: "admin" }),
  ]);
});
afterAll(async () => h.close());

async function spo(base: string, path: string, init: { method?: string; accept?: string; token?: string | null; body?: Buffer | string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { accept: init.accept ?? "application/json", ...init.headers };
  const chosen = init.token === undefined ? writer : init.token;
  // The app's token for the host asked (tokens are per host).
  const token = base === h.emu.endpoints.adminSiteUrl && chosen === writer ? writerAdmin : base === h.emu.endpoints.adminSiteUrl && chosen === reader ? readerAdmin : chosen;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const response = await h.http.fetch(`${base}${path}`, { method: init.method ?? "GET", headers, ...(init.body !== undefined ? { body: init.body } : {}) });
  const buffer = Buffer.from(await response.arrayBuffer());
  const type = response.headers.get("content-type") ?? "";
  return { status: response.status, headers: response.headers, buffer, json: type.includes("json") && buffer.length > 0 ? (JSON.parse(buffer.toString("utf8")) as Record<string, unknown>) : undefined };
}

const folder = "/_api/web/GetFolderByServerRelativePath(decodedurl='%2FUser%20Photos%2FProfile%20Pictures')";
const adeleM = "/_api/web/GetFileByServerRelativePath(decodedurl='%2FUser%20Photos%2FProfile%20Pictures%2Fadele_vance_contoso_com_MThumb.jpg')";

describe("SharePoint REST", () => {
  it("contextinfo gives a form digest in each dialect", async () => {
    const e = h.emu.endpoints;
    const minimal = await spo(e.mySiteUrl, "/_api/contextinfo", { method: "POST" });
    expect(minimal.json).toMatchObject({ FormDigestTimeoutSeconds: 1800, WebFullUrl: e.mySiteUrl });
    const verbose = await spo(e.mySiteUrl, "/_api/contextinfo", { method: "POST", accept: "application/json;odata=verbose" });
    expect((verbose.json?.d as Record<string, unknown>).FormDigestValue).toMatch(/^0x/);
  });

  it("file naming: {upn with @ and . as _}_SThumb/_MThumb/_LThumb.jpg, listed in the folder", async () => {
    const list = await spo(h.emu.endpoints.mySiteUrl, `${folder}/Files`, { accept: "application/json;odata=nometadata" });
    const names = (list.json?.value as { Name: string }[]).map((file) => file.Name);
    expect(names).toEqual(expect.arrayContaining(["adele_vance_contoso_com_SThumb.jpg", "adele_vance_contoso_com_MThumb.jpg", "adele_vance_contoso_com_LThumb.jpg"]));
    const selected = await spo(h.emu.endpoints.mySiteUrl, `${folder}/Files?$select=Name,ETag`, { accept: "application/json;odata=nometadata" });
    expect(Object.keys((selected.json?.value as Record<string, unknown>[])[0] ?? {}).sort()).toEqual(["ETag", "Name"]);
    const verbose = await spo(h.emu.endpoints.mySiteUrl, `${folder}/Files`, { accept: "application/json;odata=verbose" });
    expect(Array.isArray((verbose.json?.d as { results: unknown[] }).results)).toBe(true);
  });

  it("file metadata in minimal metadata carries odata.type SP.File and Length as a string; $value gives the bytes", async () => {
    const meta = await spo(h.emu.endpoints.mySiteUrl, adeleM);
    expect(meta.json).toMatchObject({ "odata.type": "SP.File", Name: "adele_vance_contoso_com_MThumb.jpg", Exists: true });
    expect(typeof meta.json?.Length).toBe("string");
    const bytes = await spo(h.emu.endpoints.mySiteUrl, `${adeleM}/$value`);
    expect(bytes.buffer.length).toBe(Number(meta.json?.Length));
  });

  it("upload without overwrite onto an existing file fails; a missing file is a 404 SPException in SharePoint's error shape", async () => {
    const e = h.emu.endpoints;
    const clash = await spo(e.mySiteUrl, `${folder}/Files/AddUsingPath(decodedurl='adele_vance_contoso_com_MThumb.jpg')`, { method: "POST", body: Buffer.from([1, 2, 3]) });
    expect(clash.status).toBe(400);
    const missing = await spo(e.mySiteUrl, "/_api/web/GetFileByServerRelativePath(decodedurl='%2FUser%20Photos%2FProfile%20Pictures%2Fnobody_MThumb.jpg')");
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ "odata.error": { code: expect.stringMatching(/Microsoft\.SharePoint\.SPException$/), message: { lang: "en-US" } } });
    const verbose = await spo(e.mySiteUrl, "/_api/web/GetFileByServerRelativePath(decodedurl='%2FUser%20Photos%2FProfile%20Pictures%2Fnobody_MThumb.jpg')", { accept: "application/json;odata=verbose" });
    expect(verbose.json).toHaveProperty("error.message.value");
  });

  it("delete via X-HTTP-Method: DELETE", async () => {
    const e = h.emu.endpoints;
    const path = "/_api/web/GetFileByServerRelativePath(decodedurl='%2FUser%20Photos%2FProfile%20Pictures%2Fjoni_sherman_contoso_com_SThumb.jpg')";
    expect((await spo(e.mySiteUrl, path, { method: "POST", headers: { "x-http-method": "DELETE", "if-match": "*" } })).status).toBe(200);
    expect((await spo(e.mySiteUrl, path)).status).toBe(404);
  });

  it("GetPropertiesFor with an @v alias; SetSingleValueProfileProperty only on the admin host and with SharePoint write permission", async () => {
    const e = h.emu.endpoints;
    const get = `/_api/SP.UserProfiles.PeopleManager/GetPropertiesFor(accountName=@v)?@v=${encodeURIComponent("'i:0#.f|membership|adele.vance@contoso.com'")}`;
    const props = await spo(e.adminSiteUrl, get);
    expect(props.json).toMatchObject({ "odata.type": "SP.UserProfiles.PersonProperties", AccountName: "i:0#.f|membership|adele.vance@contoso.com" });
    const values = Object.fromEntries((props.json?.UserProfileProperties as { Key: string; Value: string }[]).map((entry) => [entry.Key, entry.Value]));
    expect(values.PictureURL).toBe("https://contoso-my.sharepoint.com:443/User%20Photos/Profile%20Pictures/adele_vance_contoso_com_MThumb.jpg");
    expect(values["SPS-PicturePlaceholderState"]).toBe("0");
    const verbose = await spo(e.adminSiteUrl, get, { accept: "application/json;odata=verbose" });
    expect(Array.isArray((verbose.json?.d as Record<string, { results: unknown[] }>).UserProfileProperties?.results)).toBe(true);

    const body = JSON.stringify({ accountName: "i:0#.f|membership|megan.bowen@contoso.com", propertyName: "SPS-PictureExchangeSyncState", propertyValue: "0" });
    const set = "/_api/SP.UserProfiles.PeopleManager/SetSingleValueProfileProperty";
    expect((await spo(e.adminSiteUrl, set, { method: "POST", body, headers: { "content-type": "application/json" } })).status).toBe(200);
    expect((await spo(e.mySiteUrl, set, { method: "POST", body, headers: { "content-type": "application/json" } })).status).toBe(403);
    const denied = await spo(e.adminSiteUrl, set, { method: "POST", body, token: reader, headers: { "content-type": "application/json" } });
    expect(denied.status).toBe(403);
    expect(denied.json).toMatchObject({ "odata.error": { code: "-2147024891, System.UnauthorizedAccessException" } });
    const unknown = await spo(e.adminSiteUrl, set, { method: "POST", body: JSON.stringify({ accountName: "i:0#.f|membership|ghost@contoso.com", propertyName: "PictureURL", propertyValue: "" }), headers: { "content-type": "application/json" } });
    expect(unknown.status).toBe(500);
    expect(JSON.stringify(unknown.json)).toMatch(/UserNotFoundException/);
  });

  it("401 without a token, with an expired one, and with a Graph token", async () => {
    const e = h.emu.endpoints;
    const none = await spo(e.mySiteUrl, `${folder}/Files`, { token: null });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer realm="/);
    const expiredToken = ((await (await h.admin("/tokens", { method: "POST", body: { clientId: e.apps[1]!.clientId, resource: "sharepoint", lifetimeSeconds: -120 } })).json()) as { access_token: string }).access_token;
    expect((await spo(e.mySiteUrl, `${folder}/Files`, { token: expiredToken })).json).toEqual({ error_description: "Invalid JWT token. The token is expired." });
    const graphToken = await h.token({ app: "writer", resource: "graph" });
    expect((await spo(e.mySiteUrl, `${folder}/Files`, { token: graphToken })).status).toBe(401);
  });

  it("tenants that disabled My Site photo uploads (MC653734) refuse them clearly", async () => {
    await h.admin("/tenant", { method: "PATCH", body: { uploadsDisabled: true } });
    try {
      const r = await spo(h.emu.endpoints.mySiteUrl, `${folder}/Files/AddUsingPath(decodedurl='megan_bowen_contoso_com_MThumb.jpg',overwrite=true)`, { method: "POST", body: Buffer.from([1]) });
      expect(r.status).toBe(403);
    } finally {
      await h.admin("/tenant", { method: "PATCH", body: { uploadsDisabled: false } });
    }
  });
});
