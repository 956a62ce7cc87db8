/**
 * Graph conformance over raw HTTP, checked against Microsoft's documentation:
 * - api-reference/v1.0/api/profilephoto-get.md / -update.md / -delete.md (metadata shape, sizes, 4 MB)
 * - concepts/errors.md (error envelope), concepts/json-batching.md (batch envelope, base64, dependsOn)
 * - docs/microsoft-365.md (legacy vs current mailbox behaviour, propagation, "no photo" answers)
 */
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Fixture } from "../../src/emulator/index.js";
import { renderPortrait } from "../../src/demo/portrait.js";
import { harness, type Harness } from "./helpers.js";

const fixture: Fixture = {
  // Writes are served at once here (strict-propagation.test.ts is about the delay).
  tenant: { domain: "fabrikam.onmicrosoft.com", name: "fabrikam", behaviour: "legacy", propagation: { graphSeconds: 0 } },
  apps: [
    { clientId: "app-reader", secrets: ["r"], roles: { graph: ["ProfilePhoto.Read.All", "User.Read.All"], sharepoint: ["Sites.Read.All"] } },
    { clientId: "app-writer", secrets: ["w"], roles: { graph: ["ProfilePhoto.ReadWrite.All", "User.Read.All", "PeopleSettings.ReadWrite.All", "MailboxSettings.Read"], sharepoint: ["Sites.FullControl.All"] } },
    { clientId: "app-none", secrets: ["n"], roles: {} },
  ],
  users: [
    { upn: "ann@fabrikam.com", displayName: "Ann Example", photo: { portrait: "ann", size: 360 } },
    { upn: "bob@fabrikam.com", displayName: "Bob Example" },
    { upn: "cloudless@fabrikam.com", mailbox: "none" },
    { upn: "onprem@fabrikam.com", mailbox: "onPremises", onPremisesSyncEnabled: true },
    { upn: "unlicensed@fabrikam.com", licensed: false },
    { upn: "guest_contoso.com#EXT#@fabrikam.onmicrosoft.com", displayName: "Guest Example", mail: "guest@contoso.com" },
    ...Array.from({ length: 12 }, (_, i) => ({ upn: `filler${String(i).padStart(2, "0")}@fabrikam.com` })),
  ],
};

let h: Harness;
let reader: string;
let writer: string;
let none: string;

beforeAll(async () => {
  h = await harness({ fixture });
  [reader, writer] = await Promise.all([h.token({ app: "reader" }), h.token({ app: "writer" })]);
  const response = await h.admin("/tokens", { method: "POST", body: { clientId: "app-none" } });
  none = ((await response.json()) as { access_token: string }).access_token;
});
afterAll(async () => h.close());

async function graph(path: string, init: { method?: string; token?: string | null; body?: Buffer | string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  const token = init.token === undefined ? writer : init.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const response = await h.http.fetch(`${h.emu.endpoints.graphBaseUrl}${path}`, { method: init.method ?? "GET", headers, ...(init.body !== undefined ? { body: init.body } : {}) });
  const buffer = Buffer.from(await response.arrayBuffer());
  const type = response.headers.get("content-type") ?? "";
  return { status: response.status, headers: response.headers, buffer, json: type.includes("json") && buffer.length > 0 ? (JSON.parse(buffer.toString("utf8")) as Record<string, unknown>) : undefined };
}

async function put(path: string, body: Buffer, type = "image/jpeg") {
  return graph(path, { method: "PUT", body, headers: { "content-type": type } });
}

async function adminUser(upn: string): Promise<{ exo: { etag: string; width: number } | null; aad: { etag: string; width: number } | null; spo: { files: { exists: boolean }[]; profile: Record<string, string> } }> {
  return (await (await h.admin(`/users/${encodeURIComponent(upn)}`)).json()) as never;
}

describe("authentication and authorisation (concepts/errors.md, docs/microsoft-365.md)", () => {
  it("401 InvalidAuthenticationToken without a token, with innerError ids", async () => {
    const r = await graph("/v1.0/users", { token: null });
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({ error: { code: "InvalidAuthenticationToken", message: "Access token is empty." } });
    const inner = (r.json?.error as { innerError: Record<string, string> }).innerError;
    expect(inner["request-id"]).toBeTruthy();
    expect(inner.date).toBeTruthy();
    expect(r.headers.get("www-authenticate")).toMatch(/^Bearer /);
  });

  it("401 for an expired token", async () => {
    const response = await h.admin("/tokens", { method: "POST", body: { clientId: "app-writer", lifetimeSeconds: -120 } });
    const expired = ((await response.json()) as { access_token: string }).access_token;
    const r = await graph("/v1.0/users", { token: expired });
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({ error: { code: "InvalidAuthenticationToken", message: "Access token has expired or is not yet valid." } });
  });

  it("401 for a token whose audience is SharePoint, and for a forged token", async () => {
    const spoToken = await h.token({ app: "writer", resource: "sharepoint" });
    const r = await graph("/v1.0/users", { token: spoToken });
    expect(r.status).toBe(401);
    expect((r.json?.error as { message: string }).message).toMatch(/Invalid audience/);
    const [header, payload] = writer.split(".");
    const forged = await graph("/v1.0/users", { token: `${header}.${payload}.AAAA` });
    expect(forged.status).toBe(401);
  });

  it("403 Authorization_RequestDenied for users without User.Read.All; ErrorAccessDenied for Exchange photos", async () => {
    const users = await graph("/v1.0/users", { token: none });
    expect(users.status).toBe(403);
    expect(users.json).toMatchObject({ error: { code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." } });
    const photo = await graph("/v1.0/users/ann@fabrikam.com/photo", { token: none });
    expect(photo.status).toBe(403);
    expect(photo.json).toMatchObject({ error: { code: "ErrorAccessDenied" } });
    const write = await graph("/v1.0/users/ann@fabrikam.com/photo/$value", { token: reader, method: "PUT", body: Buffer.from("x"), headers: { "content-type": "image/jpeg" } });
    expect(write.status).toBe(403);
  });
});

describe("users", () => {
  it("GET /users/{upn} returns the v1.0 default property set; $select adds photosync's facts", async () => {
    const plain = await graph("/v1.0/users/ann@fabrikam.com");
    expect(plain.status).toBe(200);
    expect(Object.keys(plain.json ?? {})).toEqual(expect.arrayContaining(["@odata.context", "id", "userPrincipalName", "displayName", "mail", "businessPhones"]));
    expect(plain.json).not.toHaveProperty("userType");
    const selected = await graph("/v1.0/users/ann@fabrikam.com?$select=id,userType,accountEnabled,assignedLicenses,assignedPlans,onPremisesSyncEnabled");
    expect(selected.json).toMatchObject({ userType: "Member", accountEnabled: true, onPremisesSyncEnabled: null });
    expect((selected.json?.assignedPlans as { service: string }[]).map((plan) => plan.service)).toContain("exchange");
    const byId = await graph(`/v1.0/users/${String(plain.json?.id)}`);
    expect(byId.json?.userPrincipalName).toBe("ann@fabrikam.com");
  });

  it("a guest is addressed with its #EXT# UPN percent-encoded and has userType Guest and no mailbox", async () => {
    const r = await graph(`/v1.0/users/${encodeURIComponent("guest_contoso.com#EXT#@fabrikam.onmicrosoft.com")}?$select=userType,mail,assignedLicenses`);
    expect(r.json).toMatchObject({ userType: "Guest", mail: "guest@contoso.com", assignedLicenses: [] });
    expect((await graph(`/v1.0/users/${encodeURIComponent("guest_contoso.com#EXT#@fabrikam.onmicrosoft.com")}/photo`)).json).toMatchObject({ error: { code: "ErrorNonExistentMailbox" } });
  });

  it("unknown user: 404 Request_ResourceNotFound; unknown $select property: 400", async () => {
    expect((await graph("/v1.0/users/nobody@fabrikam.com")).json).toMatchObject({ error: { code: "Request_ResourceNotFound" } });
    expect((await graph("/v1.0/users?$select=nonsense")).status).toBe(400);
  });

  it("pages with $top and @odata.nextLink until every user was seen once", async () => {
    const seen: string[] = [];
    let next: string | undefined = "/v1.0/users?$select=userPrincipalName&$top=4";
    let pages = 0;
    while (next !== undefined) {
      const r = await graph(next.replace(h.emu.endpoints.graphBaseUrl, ""));
      seen.push(...(r.json?.value as { userPrincipalName: string }[]).map((user) => user.userPrincipalName));
      next = r.json?.["@odata.nextLink"] as string | undefined;
      pages++;
    }
    expect(pages).toBe(5);
    expect(new Set(seen).size).toBe(18);
    expect(seen).toHaveLength(18);
  });

  it("$filter: eq, in, startswith, or", async () => {
    const values = async (filter: string) => ((await graph(`/v1.0/users?$select=userPrincipalName&$filter=${encodeURIComponent(filter)}`)).json?.value as { userPrincipalName: string }[]).map((user) => user.userPrincipalName).sort();
    expect(await values("userPrincipalName eq 'ANN@fabrikam.com'")).toEqual(["ann@fabrikam.com"]);
    expect(await values("userPrincipalName in ('nobody@fabrikam.com')")).toEqual([]);
    const counted = await graph(`/v1.0/users?$count=true&$top=1&$filter=${encodeURIComponent("startswith(userPrincipalName,'filler')")}`, { headers: { consistencylevel: "eventual" } });
    expect(counted.json?.["@odata.count"]).toBe(12);
    expect(await values("userPrincipalName in ('ann@fabrikam.com', 'bob@fabrikam.com')")).toEqual(["ann@fabrikam.com", "bob@fabrikam.com"]);
    expect(await values("startswith(userPrincipalName,'filler0')")).toHaveLength(10);
    expect(await values("userPrincipalName eq 'ann@fabrikam.com' or userPrincipalName eq 'bob@fabrikam.com'")).toEqual(["ann@fabrikam.com", "bob@fabrikam.com"]);
    expect((await graph(`/v1.0/users?$filter=${encodeURIComponent("jobTitle eq 'x'")}`)).status).toBe(400);
  });

  it("mailboxSettings fails for users without an Exchange Online mailbox", async () => {
    expect((await graph("/v1.0/users/ann@fabrikam.com/mailboxSettings")).status).toBe(200);
    const r = await graph("/v1.0/users/cloudless@fabrikam.com/mailboxSettings");
    expect(r.status).toBe(404);
    expect(r.json).toMatchObject({ error: { code: "MailboxNotEnabledForRESTAPI" } });
    expect((await graph("/v1.0/users/ann@fabrikam.com?$select=id,mailboxSettings")).json).toHaveProperty("mailboxSettings.timeZone");
    expect((await graph("/v1.0/users/onprem@fabrikam.com?$select=id,mailboxSettings")).status).toBe(404);
  });
});

describe("profile photos (profilephoto-get/update/delete.md)", () => {
  it("metadata of the largest photo, /photos lists the HD sizes up to it, /photos/{size}/$value serves one size", async () => {
    const meta = await graph("/v1.0/users/ann@fabrikam.com/photo");
    expect(meta.status).toBe(200);
    expect(meta.json).toMatchObject({ "@odata.mediaContentType": "image/jpeg", id: "360x360", width: 360, height: 360 });
    expect(String(meta.json?.["@odata.context"])).toMatch(/\/v1\.0\/\$metadata#users\('[^']+'\)\/photo\/\$entity$/);
    const list = await graph("/v1.0/users/ann@fabrikam.com/photos");
    expect((list.json?.value as { id: string }[]).map((item) => item.id)).toEqual(["48x48", "64x64", "96x96", "120x120", "240x240", "360x360"]);
    const small = await graph("/v1.0/users/ann@fabrikam.com/photos/96x96/$value");
    expect(small.headers.get("content-type")).toBe("image/jpeg");
    const info = await sharp(small.buffer).metadata();
    expect([info.format, info.width, info.height]).toEqual(["jpeg", 96, 96]);
    expect((await graph("/v1.0/users/ann@fabrikam.com/photos/648x648/$value")).status).toBe(404);
  });

  it("an upload of 504x504 makes every size but 648 available; bytes are re-encoded; the etag changes on every write", async () => {
    const upload = await renderPortrait({ seed: "bob", width: 504, height: 504 }, "png");
    const first = await put("/v1.0/users/bob@fabrikam.com/photo/$value", upload, "image/png");
    expect(first.status).toBe(200);
    const meta1 = await graph("/v1.0/users/bob@fabrikam.com/photo");
    expect(meta1.json).toMatchObject({ id: "504x504", "@odata.mediaContentType": "image/jpeg" });
    const ids = ((await graph("/v1.0/users/bob@fabrikam.com/photos")).json?.value as { id: string }[]).map((item) => item.id);
    expect(ids).toContain("432x432");
    expect(ids).not.toContain("648x648");
    const stored = await graph("/v1.0/users/bob@fabrikam.com/photo/$value");
    expect(stored.buffer.equals(upload)).toBe(false);
    expect((await sharp(stored.buffer).metadata()).format).toBe("jpeg");
    await put("/v1.0/users/bob@fabrikam.com/photo/$value", upload, "image/png");
    const meta2 = await graph("/v1.0/users/bob@fabrikam.com/photo");
    expect(meta2.json?.["@odata.mediaEtag"]).not.toBe(meta1.json?.["@odata.mediaEtag"]);
  });

  it("a large, non-square upload is stored square at 648 by Exchange", async () => {
    await put("/v1.0/users/bob@fabrikam.com/photo/$value", await renderPortrait({ seed: "bob-big", width: 1200, height: 900 }));
    expect((await graph("/v1.0/users/bob@fabrikam.com/photo")).json).toMatchObject({ id: "648x648", width: 648, height: 648 });
  });

  it("refuses more than 4 MB, non-images and non-image content types", async () => {
    const big = Buffer.alloc(4 * 1024 * 1024 + 1, 1);
    expect((await put("/v1.0/users/bob@fabrikam.com/photo/$value", big)).status).toBe(413);
    const text = await put("/v1.0/users/bob@fabrikam.com/photo/$value", Buffer.from("definitely not a picture"));
    expect(text.status).toBe(400);
    expect(text.json).toHaveProperty("error.code");
    expect((await put("/v1.0/users/bob@fabrikam.com/photo/$value", await renderPortrait({ seed: "x" }), "application/octet-stream")).status).toBe(400);
  });

  it("delete, then 404 ImageNotFound with the documented message", async () => {
    await put("/v1.0/users/filler00@fabrikam.com/photo/$value", await renderPortrait({ seed: "f0", width: 240, height: 240 }));
    expect((await graph("/v1.0/users/filler00@fabrikam.com/photo/$value", { method: "DELETE" })).status).toBe(204);
    const missing = await graph("/v1.0/users/filler00@fabrikam.com/photo/$value");
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ error: { code: "ImageNotFound", message: "Exception of type 'Microsoft.Fast.Profile.Core.Exception.ImageNotFoundException' was thrown." } });
  });

  it("older tenants answer 'no photo' with a 1x1 GIF and an empty etag (fixture switch)", async () => {
    await h.admin("/tenant", { method: "PATCH", body: { noPhoto: "gif" } });
    try {
      const meta = await graph("/v1.0/users/filler01@fabrikam.com/photo");
      expect(meta.json).toMatchObject({ "@odata.mediaContentType": "image/gif", "@odata.mediaEtag": "", width: 1, height: 1 });
      const bytes = await graph("/v1.0/users/filler01@fabrikam.com/photo/$value");
      expect(bytes.status).toBe(200);
      expect(bytes.headers.get("content-type")).toBe("image/gif");
      expect(bytes.buffer.subarray(0, 6).toString("latin1")).toBe("GIF89a");
    } finally {
      await h.admin("/tenant", { method: "PATCH", body: { noPhoto: "imageNotFound" } });
    }
  });
});

describe("legacy and current tenant behaviour (docs/microsoft-365.md: MC678855)", () => {
  it("legacy: v1.0 write for a user without a cloud mailbox fails with the mailbox error; beta falls back to Entra ID", async () => {
    const photo = await renderPortrait({ seed: "cloudless", width: 300, height: 300 });
    const v1 = await put("/v1.0/users/cloudless@fabrikam.com/photo/$value", photo);
    expect(v1.status).toBe(404);
    expect(v1.json).toMatchObject({ error: { code: "ErrorNonExistentMailbox", message: "The SMTP address has no mailbox associated with it." } });
    const onPrem = await put("/v1.0/users/onprem@fabrikam.com/photo/$value", photo);
    expect(onPrem.json).toMatchObject({ error: { code: "MailboxNotHostedInExchangeOnline" } });
    const unlicensed = await put("/v1.0/users/unlicensed@fabrikam.com/photo/$value", photo);
    expect(unlicensed.json).toMatchObject({ error: { code: "AuthenticationError" } });
    const beta = await put("/beta/users/cloudless@fabrikam.com/photo/$value", photo);
    expect(beta.status).toBe(200);
    const state = await adminUser("cloudless@fabrikam.com");
    expect(state.exo).toBeNull();
    expect(state.aad?.width).toBe(300);
    expect((await graph("/beta/users/cloudless@fabrikam.com/photo")).json).toMatchObject({ id: "300x300" });
  });

  it("current: v1.0 writes a user without a mailbox to Entra ID", async () => {
    await h.admin("/tenant", { method: "PATCH", body: { behaviour: "current" } });
    try {
      const photo = await renderPortrait({ seed: "onprem", width: 240, height: 240 });
      expect((await put("/v1.0/users/onprem@fabrikam.com/photo/$value", photo)).status).toBe(200);
      const state = await adminUser("onprem@fabrikam.com");
      expect(state.exo).toBeNull();
      expect(state.aad?.width).toBe(240);
    } finally {
      await h.admin("/tenant", { method: "PATCH", body: { behaviour: "legacy" } });
    }
  });

  it("an Exchange write reaches Entra ID; SharePoint copies it only when the user opens their profile", async () => {
    const photo = await renderPortrait({ seed: "filler02", width: 648, height: 648 });
    await put("/v1.0/users/filler02@fabrikam.com/photo/$value", photo);
    const before = await adminUser("filler02@fabrikam.com");
    expect(before.exo?.width).toBe(648);
    expect(before.aad?.width).toBe(648);
    expect(before.spo.files.every((file) => !file.exists)).toBe(true);
    const sync = await h.admin("/spo-sync/filler02@fabrikam.com", { method: "POST" });
    expect(((await sync.json()) as { result: string }).result).toBe("copied");
    const after = await adminUser("filler02@fabrikam.com");
    expect(after.spo.files.every((file) => file.exists)).toBe(true);
    expect(after.spo.profile.PictureURL).toBe("https://fabrikam-my.sharepoint.com:443/User%20Photos/Profile%20Pictures/filler02_fabrikam_com_MThumb.jpg");
    expect(after.spo.profile["SPS-PicturePlaceholderState"]).toBe("0");
  });
});

describe("admin API: changes made by hand", () => {
  it("a photo replaced by hand (drift) gets a new etag and new bytes that Graph serves", async () => {
    await put("/v1.0/users/filler06@fabrikam.com/photo/$value", await renderPortrait({ seed: "f6", width: 240, height: 240 }));
    const before = await graph("/v1.0/users/filler06@fabrikam.com/photo");
    const drift = await renderPortrait({ seed: "f6-by-hand", width: 400, height: 400 });
    expect((await h.admin("/photos/exo/filler06@fabrikam.com", { method: "PUT", raw: drift })).status).toBe(200);
    const after = await graph("/v1.0/users/filler06@fabrikam.com/photo");
    expect(after.json?.["@odata.mediaEtag"]).not.toBe(before.json?.["@odata.mediaEtag"]);
    expect(after.json).toMatchObject({ id: "400x400" });
    const served = await graph("/v1.0/users/filler06@fabrikam.com/photo/$value");
    const viaAdmin = Buffer.from(await (await h.admin("/photos/exo/filler06@fabrikam.com")).arrayBuffer());
    expect(served.buffer.equals(viaAdmin)).toBe(true);
  });
});

describe("photoUpdateSettings (beta)", () => {
  it("GET and PATCH on beta; not on v1.0", async () => {
    const got = await graph("/beta/admin/people/photoUpdateSettings");
    // Graph's default: everyone (null, not an empty list); nothing of the emulator's own bookkeeping.
    const { "@odata.context": _context, ...entity } = got.json as Record<string, unknown>;
    expect(entity).toEqual({ source: "cloud", allowedRoles: null });
    const patched = await graph("/beta/admin/people/photoUpdateSettings", { method: "PATCH", body: JSON.stringify({ allowedRoles: ["fe930be7-5e62-47db-91af-98c3a49a38b1"] }), headers: { "content-type": "application/json" } });
    expect(patched.json).toMatchObject({ source: "cloud", allowedRoles: ["fe930be7-5e62-47db-91af-98c3a49a38b1"] });
    // The docs PATCH "onpremises" in lower case; GET answers "onPremises". null resets the roles.
    const lower = await graph("/beta/admin/people/photoUpdateSettings", { method: "PATCH", body: JSON.stringify({ source: "onpremises", allowedRoles: null }), headers: { "content-type": "application/json" } });
    expect(lower.json).toMatchObject({ source: "onPremises", allowedRoles: null });
    const bad = await graph("/beta/admin/people/photoUpdateSettings", { method: "PATCH", body: JSON.stringify({ source: "hybrid" }), headers: { "content-type": "application/json" } });
    expect(bad.status).toBe(400);
    await graph("/beta/admin/people/photoUpdateSettings", { method: "PATCH", body: JSON.stringify({ source: "cloud" }), headers: { "content-type": "application/json" } });
    expect((await graph("/beta/admin/people/photoUpdateSettings", { token: reader, method: "PATCH", body: "{}" })).status).toBe(403);
    expect((await graph("/v1.0/admin/people/photoUpdateSettings")).status).toBe(400);
  });
});

describe("JSON batching (concepts/json-batching.md)", () => {
  async function batch(requests: unknown[], token = writer) {
    return graph("/v1.0/$batch", { method: "POST", token, body: JSON.stringify({ requests }), headers: { "content-type": "application/json" } });
  }

  it("answers each request with its own id, status, headers and body; photo bytes come back base64-encoded", async () => {
    const r = await batch([
      { id: "1", method: "GET", url: "/users/ann@fabrikam.com/photo" },
      { id: "2", method: "GET", url: "/users/ann@fabrikam.com/photos/48x48/$value" },
      { id: "3", method: "GET", url: "users/filler03@fabrikam.com/photo" },
    ]);
    expect(r.status).toBe(200);
    const responses = r.json?.responses as { id: string; status: number; headers: Record<string, string>; body: unknown }[];
    const byId = Object.fromEntries(responses.map((item) => [item.id, item]));
    expect(byId["1"]).toMatchObject({ status: 200, body: { id: "360x360" } });
    expect(byId["2"]?.headers["Content-Type"]).toBe("image/jpeg");
    const bytes = Buffer.from(byId["2"]?.body as string, "base64");
    expect((await sharp(bytes).metadata()).width).toBe(48);
    expect(byId["3"]).toMatchObject({ status: 404, body: { error: { code: "ImageNotFound" } } });
  });

  it("takes base64 binary bodies with their Content-Type and orders by dependsOn; a failed dependency answers 424", async () => {
    const photo = (await renderPortrait({ seed: "batch", width: 240, height: 240 })).toString("base64");
    const r = await batch([
      { id: "get", method: "GET", url: "/users/filler04@fabrikam.com/photo", dependsOn: ["put"] },
      { id: "put", method: "PUT", url: "/users/filler04@fabrikam.com/photo/$value", headers: { "Content-Type": "image/jpeg" }, body: photo },
      { id: "bad", method: "PUT", url: "/users/cloudless@fabrikam.com/photo/$value", headers: { "Content-Type": "image/jpeg" }, body: photo },
      { id: "after-bad", method: "GET", url: "/users/ann@fabrikam.com/photo", dependsOn: ["bad"] },
    ]);
    const byId = Object.fromEntries((r.json?.responses as { id: string; status: number; body: unknown }[]).map((item) => [item.id, item]));
    expect(byId.put?.status).toBe(200);
    expect(byId.get).toMatchObject({ status: 200, body: { id: "240x240" } });
    expect(byId.bad?.status).toBe(404);
    expect(byId["after-bad"]?.status).toBe(424);
  });

  it("refuses more than 20 requests", async () => {
    const requests = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: "GET", url: "/users/ann@fabrikam.com" }));
    const r = await batch(requests);
    expect(r.status).toBe(400);
    expect(r.json).toHaveProperty("error.code", "BadRequest");
  });

  it("throttles items on their own: per-item 429 with Retry-After while the batch answers 200", async () => {
    await h.admin("/faults", { method: "PUT", body: { seed: 1, rules: [{ match: { service: "graph", user: "filler05" }, throttleRate: 1, retryAfterSeconds: 7 }] } });
    try {
      const r = await batch([
        { id: "a", method: "GET", url: "/users/filler05@fabrikam.com/photo" },
        { id: "b", method: "GET", url: "/users/ann@fabrikam.com/photo" },
      ]);
      expect(r.status).toBe(200);
      const byId = Object.fromEntries((r.json?.responses as { id: string; status: number; headers: Record<string, string>; body: unknown }[]).map((item) => [item.id, item]));
      expect(byId.a).toMatchObject({ status: 429, headers: { "Retry-After": "7" }, body: { error: { code: "TooManyRequests", message: "Please retry again later." } } });
      expect(byId.b?.status).toBe(200);
    } finally {
      await h.admin("/faults", { method: "DELETE" });
    }
  });
});
