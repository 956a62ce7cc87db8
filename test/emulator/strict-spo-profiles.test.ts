/**
 * The emulator's SharePoint strictness on tokens and user profiles, each switch at its (harsh)
 * default and flipped, as the cited sources say:
 * - tokens are per host: pnp/powershell #5133 (an -admin token elsewhere: 401 AudienceUriValidationFailedException);
 * - profile reads need SharePoint's User.Read.All / User.ReadWrite.All: pnp/powershell #5084;
 * - app-only profile writes are refused: sp-dev-docs #3718, pnp/powershell #277 ("Access denied…");
 * - an unescaped quote in an OData string literal is a 400 (OData doubles quotes: `o''brien`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Fixture } from "../../src/emulator/index.js";
import { harness, type Harness } from "./helpers.js";

const READER = "00000000-0000-4000-a000-0000000000a1";
const WRITER = "00000000-0000-4000-a000-0000000000a2";
const SITES_ONLY = "00000000-0000-4000-a000-0000000000a3";

function fixture(sharepoint: NonNullable<NonNullable<Fixture["tenant"]>["sharepoint"]>): Fixture {
  return {
    tenant: { domain: "strict.onmicrosoft.com", name: "strict", sharepoint: { thumbnailFolder: "present", ...sharepoint } },
    apps: [
      { clientId: READER, displayName: "reader", certificates: ["generate"], roles: { sharepoint: ["Sites.Read.All", "User.Read.All"] } },
      { clientId: WRITER, displayName: "writer", certificates: ["generate"], roles: { sharepoint: ["Sites.ReadWrite.All", "User.ReadWrite.All"] } },
      { clientId: SITES_ONLY, displayName: "sites only", certificates: ["generate"], roles: { sharepoint: ["Sites.FullControl.All"] } },
    ],
    users: [
      { upn: "ann@strict.com", displayName: "Ann" },
      { upn: "o'brien@strict.com", displayName: "Pat O'Brien" },
    ],
  } as Fixture;
}

async function token(h: Harness, clientId: string, host: "mysite" | "admin"): Promise<string> {
  const response = await h.admin("/tokens", { method: "POST", body: { clientId, resource: "sharepoint", host } });
  return ((await response.json()) as { access_token: string }).access_token;
}

async function call(h: Harness, base: string, path: string, bearer: string, init: { method?: string; body?: string } = {}) {
  const response = await h.http.fetch(`${base}${path}`, {
    method: init.method ?? "GET",
    headers: { authorization: `Bearer ${bearer}`, accept: "application/json", ...(init.body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const text = await response.text();
  return { status: response.status, diagnostics: response.headers.get("x-ms-diagnostics") ?? "", body: text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>) };
}

const files = "/_api/web/GetFolderByServerRelativePath(decodedurl='%2FUser%20Photos%2FProfile%20Pictures')/Files";
const getProps = (account: string) => `/_api/SP.UserProfiles.PeopleManager/GetPropertiesFor(accountName=@v)?@v=${encodeURIComponent(account)}`;
const setProp = "/_api/SP.UserProfiles.PeopleManager/SetSingleValueProfileProperty";
const write = JSON.stringify({ accountName: "i:0#.f|membership|ann@strict.com", propertyName: "SPS-PicturePlaceholderState", propertyValue: "0" });
const ACCESS_DENIED = { "odata.error": { code: "-2147024891, System.UnauthorizedAccessException", message: { lang: "en-US", value: "Access denied. You do not have permission to perform this action or access this resource." } } };

describe("strict defaults (tokenAudience: host, profileReadPermission: user, appOnlyProfileWrites: denied)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({ fixture: fixture({}) });
  });
  afterAll(async () => h.close());

  it("a token is good only on the host it was issued for (pnp/powershell #5133)", async () => {
    const e = h.emu.endpoints;
    const [mySite, admin] = await Promise.all([token(h, READER, "mysite"), token(h, READER, "admin")]);
    expect((await call(h, e.mySiteUrl, files, mySite)).status).toBe(200);
    expect((await call(h, e.adminSiteUrl, getProps("'i:0#.f|membership|ann@strict.com'"), admin)).status).toBe(200);
    const wrongHost = await call(h, e.mySiteUrl, files, admin);
    expect(wrongHost.status).toBe(401);
    expect(wrongHost.body).toEqual({ error_description: "Exception of type 'Microsoft.IdentityModel.Tokens.AudienceUriValidationFailedException' was thrown." });
    expect(wrongHost.diagnostics).toContain("Invalid audience Uri 'https://strict-admin.sharepoint.com/'.");
    expect((await call(h, e.adminSiteUrl, getProps("'i:0#.f|membership|ann@strict.com'"), mySite)).status).toBe(401);
  });

  it("profile reads need SharePoint's User.Read.All: Sites.* alone is Access denied (pnp/powershell #5084); files still read", async () => {
    const e = h.emu.endpoints;
    const sites = await token(h, SITES_ONLY, "admin");
    const denied = await call(h, e.adminSiteUrl, getProps("'i:0#.f|membership|ann@strict.com'"), sites);
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual(ACCESS_DENIED);
    expect((await call(h, e.mySiteUrl, files, await token(h, SITES_ONLY, "mysite"))).status).toBe(200);
  });

  it("app-only profile writes are Access denied even with User.ReadWrite.All (sp-dev-docs #3718)", async () => {
    const denied = await call(h, h.emu.endpoints.adminSiteUrl, setProp, await token(h, WRITER, "admin"), { method: "POST", body: write });
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual(ACCESS_DENIED);
  });

  it("an account name's quote must be doubled in the OData literal; a lone one is a 400", async () => {
    const e = h.emu.endpoints;
    const admin = await token(h, READER, "admin");
    const lone = await call(h, e.adminSiteUrl, getProps("'i:0#.f|membership|o'brien@strict.com'"), admin);
    expect(lone.status).toBe(400);
    expect(JSON.stringify(lone.body)).toContain("Microsoft.SharePoint.Client.InvalidClientQueryException");
    const doubled = await call(h, e.adminSiteUrl, getProps("'i:0#.f|membership|o''brien@strict.com'"), admin);
    expect(doubled.status).toBe(200);
    expect(doubled.body).toMatchObject({ AccountName: "i:0#.f|membership|o'brien@strict.com" });
  });
});

describe("lenient switches (tokenAudience: any, profileReadPermission: sites, appOnlyProfileWrites: allowed)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({ fixture: fixture({ tokenAudience: "any", profileReadPermission: "sites", appOnlyProfileWrites: "allowed" }) });
  });
  afterAll(async () => h.close());

  it("any of the tenant's SharePoint hosts accepts the token", async () => {
    expect((await call(h, h.emu.endpoints.mySiteUrl, files, await token(h, READER, "admin"))).status).toBe(200);
  });

  it("Sites.* suffices to read profiles", async () => {
    expect((await call(h, h.emu.endpoints.adminSiteUrl, getProps("'i:0#.f|membership|ann@strict.com'"), await token(h, SITES_ONLY, "admin"))).status).toBe(200);
  });

  it("app-only profile writes go through with User.ReadWrite.All, and are still refused without it", async () => {
    const e = h.emu.endpoints;
    expect((await call(h, e.adminSiteUrl, setProp, await token(h, WRITER, "admin"), { method: "POST", body: write })).status).toBe(200);
    expect((await call(h, e.adminSiteUrl, setProp, await token(h, READER, "admin"), { method: "POST", body: write })).status).toBe(403);
  });

  it("a fixture value outside the switch's values is refused", async () => {
    await expect(harness({ fixture: fixture({ tokenAudience: "some" as "any" }) })).rejects.toThrow(/tenant.sharepoint.tokenAudience must be one of host, any/);
  });
});
