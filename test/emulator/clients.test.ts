/**
 * Conformance with the real client libraries: @azure/identity credentials, the Graph client and
 * PnPjs work against the emulator with only endpoint configuration and CA trust changed.
 */
import { ClientAssertionCredential, ClientCertificateCredential, ClientSecretCredential } from "@azure/identity";
import { BatchRequestContent, BatchResponseContent, Client } from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js";
import { BearerToken } from "@pnp/queryable";
import { SPBrowser, spfi } from "@pnp/sp";
import "@pnp/sp/webs/index.js";
import "@pnp/sp/files/index.js";
import "@pnp/sp/folders/index.js";
import "@pnp/sp/profiles/index.js";
import "@pnp/sp/batching.js";
import type { IWeb } from "@pnp/sp/webs/index.js";
import type { IProfiles } from "@pnp/sp/profiles/index.js";
import type { IFolder } from "@pnp/sp/folders/index.js";
import type { IFile, IFiles } from "@pnp/sp/files/index.js";

/** PnPjs's module augmentations (`declare module "../fi"`) do not apply under NodeNext: name the parts used. */
type Web = IWeb & { getFolderByServerRelativePath(path: string): IFolder & { files: IFiles }; getFileByServerRelativePath(path: string): IFile };
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { azureHttpClient, graphFetchMiddleware, pnpFetch } from "../../src/tenant/http.js";
import { renderPortrait } from "../../src/demo/portrait.js";
import { harness, type Harness } from "./helpers.js";

let h: Harness;
beforeAll(async () => {
  // The demo tenant, its writes served at once (strict-propagation.test.ts is about the delay).
  h = await harness({ propagation: { graphSeconds: 0 } });
});
afterAll(async () => h.close());

function credentialOptions() {
  return { authorityHost: h.emu.endpoints.authorityHost, disableInstanceDiscovery: true, httpClient: azureHttpClient(h.http.fetch) };
}

function graphClient(credential: ClientSecretCredential | ClientCertificateCredential) {
  const e = h.emu.endpoints;
  const authProvider = new TokenCredentialAuthenticationProvider(credential, { scopes: [e.graphScope] });
  return Client.initWithMiddleware({ middleware: graphFetchMiddleware(authProvider, h.http.fetch), baseUrl: e.graphBaseUrl, customHosts: new Set(e.graphCustomHosts) });
}

describe("@azure/identity against the emulated Entra ID", () => {
  it("client secret: token carries aud, roles, tid, appid (Entra v1 app-only token claims)", async () => {
    const e = h.emu.endpoints;
    const reader = e.apps[0]!;
    const credential = new ClientSecretCredential(e.tenantId, reader.clientId, reader.secret!, credentialOptions());
    const token = await credential.getToken(e.graphScope);
    const claims = decodeJwt(token.token);
    expect(claims.aud).toBe("https://graph.microsoft.com");
    expect(claims.tid).toBe(e.tenantId);
    expect(claims.appid).toBe(reader.clientId);
    expect(claims.appidacr).toBe("1");
    expect(claims.roles).toEqual(["ProfilePhoto.Read.All", "User.Read.All", "PeopleSettings.Read.All"]);
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now());
  });

  it("MSAL asks only for the tenant's OpenID configuration and the token endpoint (disableInstanceDiscovery)", async () => {
    const e = h.emu.endpoints;
    const since = Date.now();
    const credential = new ClientSecretCredential(e.tenantId, e.apps[0]!.clientId, e.apps[0]!.secret!, credentialOptions());
    await credential.getToken(e.graphScope);
    const log = ((await (await h.admin(`/requests?since=${since}`)).json()) as { requests: { service: string; method: string; path: string }[] }).requests.filter((entry) => entry.service === "login");
    expect(log.map((entry) => `${entry.method} ${entry.path.split("?")[0]}`)).toEqual([`GET /${e.tenantId}/v2.0/.well-known/openid-configuration`, `POST /${e.tenantId}/oauth2/v2.0/token`]);
  });

  it("the emulator's own Graph URL works as a scope too (mapped to the real resource)", async () => {
    const e = h.emu.endpoints;
    const credential = new ClientSecretCredential(e.tenantId, e.apps[0]!.clientId, e.apps[0]!.secret!, credentialOptions());
    expect(decodeJwt((await credential.getToken(`${e.graphBaseUrl}/.default`)).token).aud).toBe("https://graph.microsoft.com");
    await expect(credential.getToken("https://unknown.example.com/.default")).rejects.toThrow(/AADSTS500011/);
  });

  it("certificate: a client assertion signed with the registered certificate", async () => {
    const e = h.emu.endpoints;
    const writer = e.apps[1]!;
    const credential = new ClientCertificateCredential(e.tenantId, writer.clientId, { certificate: writer.certificatePem! }, credentialOptions());
    const token = await credential.getToken(e.sharePointScope);
    const claims = decodeJwt(token.token);
    expect(claims.aud).toBe("https://contoso.sharepoint.com");
    expect(claims.appidacr).toBe("2");
    expect(claims.roles).toContain("Sites.FullControl.All");
  });

  it("certificate not registered on the app: AADSTS700027", async () => {
    const e = h.emu.endpoints;
    const credential = new ClientCertificateCredential(e.tenantId, e.apps[0]!.clientId, { certificate: e.apps[1]!.certificatePem! }, credentialOptions());
    await expect(credential.getToken(e.graphScope)).rejects.toThrow(/AADSTS700027/);
  });

  it("wrong secret: AADSTS7000215, as Entra answers", async () => {
    const e = h.emu.endpoints;
    const credential = new ClientSecretCredential(e.tenantId, e.apps[0]!.clientId, "not-the-secret", credentialOptions());
    await expect(credential.getToken(e.graphScope)).rejects.toThrow(/AADSTS7000215/);
  });

  it("federated: a GitHub-style OIDC token matching the app's federated credential", async () => {
    const e = h.emu.endpoints;
    const writer = e.apps[1]!;
    const subject = writer.federatedSubjects[0]!;
    const mint = async (): Promise<string> => {
      const response = await h.admin("/federated-token", { method: "POST", body: subject });
      return ((await response.json()) as { token: string }).token;
    };
    const credential = new ClientAssertionCredential(e.tenantId, writer.clientId, mint, credentialOptions());
    const token = await credential.getToken(e.graphScope);
    expect(decodeJwt(token.token).roles).toContain("ProfilePhoto.ReadWrite.All");

    const wrong = new ClientAssertionCredential(e.tenantId, writer.clientId, async () => {
      const response = await h.admin("/federated-token", { method: "POST", body: { issuer: subject.issuer, subject: "repo:evil/fork:pull_request" } });
      return ((await response.json()) as { token: string }).token;
    }, credentialOptions());
    await expect(wrong.getToken(e.graphScope)).rejects.toThrow(/AADSTS70021/);
  });
});

describe("@microsoft/microsoft-graph-client against the emulated Graph", () => {
  it("lists users with $select, $filter and @odata.nextLink paging (user-list.md)", async () => {
    const e = h.emu.endpoints;
    const graph = graphClient(new ClientSecretCredential(e.tenantId, e.apps[0]!.clientId, e.apps[0]!.secret!, credentialOptions()));
    const first = (await graph.api("/users").select("id,userPrincipalName,userType").top(5).get()) as { value: { userPrincipalName: string }[]; "@odata.nextLink"?: string };
    expect(first.value).toHaveLength(5);
    expect(Object.keys(first.value[0]!).sort()).toEqual(["id", "userPrincipalName", "userType"]);
    expect(first["@odata.nextLink"]).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\.0\/users\?/);
    const second = (await graph.api(first["@odata.nextLink"]!).get()) as { value: unknown[]; "@odata.nextLink"?: string };
    expect(second.value.length).toBeGreaterThan(0);
    const filtered = (await graph.api("/users").filter("userPrincipalName in ('adele.vance@contoso.com','LEE.GU@contoso.com')").select("userPrincipalName").get()) as { value: { userPrincipalName: string }[] };
    expect(filtered.value.map((user) => user.userPrincipalName).sort()).toEqual(["adele.vance@contoso.com", "lee.gu@contoso.com"]);
  });

  it("reads photo metadata in the documented shape and bytes of one size", async () => {
    const e = h.emu.endpoints;
    const graph = graphClient(new ClientSecretCredential(e.tenantId, e.apps[0]!.clientId, e.apps[0]!.secret!, credentialOptions()));
    // profilephoto-get.md: {"@odata.context","@odata.mediaContentType","@odata.mediaEtag":"\"BA09D118\"","id":"240x240","width","height"}
    const meta = (await graph.api("/users/adele.vance@contoso.com/photo").get()) as Record<string, unknown>;
    expect(meta["@odata.mediaContentType"]).toBe("image/jpeg");
    expect(meta["@odata.mediaEtag"]).toMatch(/^"[0-9A-F]{8}"$/);
    expect(meta).toMatchObject({ id: "648x648", width: 648, height: 648 });
    const blob = (await graph.api("/users/adele.vance@contoso.com/photos/48x48/$value").get()) as Blob;
    const bytes = Buffer.from(await blob.arrayBuffer());
    expect(bytes.subarray(0, 2).toString("hex")).toBe("ffd8");
  });

  it("writes a photo with the write app, and the read-only app is refused (the demo tenant is current: Entra ID's Authorization_RequestDenied)", async () => {
    const e = h.emu.endpoints;
    const writer = graphClient(new ClientCertificateCredential(e.tenantId, e.apps[1]!.clientId, { certificate: e.apps[1]!.certificatePem! }, credentialOptions()));
    const photo = await renderPortrait({ seed: "megan-new", width: 504, height: 504 });
    await writer.api("/users/megan.bowen@contoso.com/photo/$value").header("Content-Type", "image/jpeg").put(photo);
    const meta = (await writer.api("/users/megan.bowen@contoso.com/photo").get()) as { id: string };
    expect(meta.id).toBe("504x504");
    const reader = graphClient(new ClientSecretCredential(e.tenantId, e.apps[0]!.clientId, e.apps[0]!.secret!, credentialOptions()));
    await expect(reader.api("/users/megan.bowen@contoso.com/photo/$value").header("Content-Type", "image/jpeg").put(photo)).rejects.toMatchObject({ statusCode: 403, code: "Authorization_RequestDenied" });
  });
});

describe("the Graph client's own batching (BatchRequestContent / BatchResponseContent)", () => {
  it("builds a batch the emulator accepts and reads its answers back, per item", async () => {
    const e = h.emu.endpoints;
    const graph = graphClient(new ClientSecretCredential(e.tenantId, e.apps[0]!.clientId, e.apps[0]!.secret!, credentialOptions()));
    const batch = new BatchRequestContent([
      { id: "1", request: new Request(`${e.graphBaseUrl}/v1.0/users/adele.vance@contoso.com/photo`, { method: "GET" }) },
      { id: "2", request: new Request(`${e.graphBaseUrl}/v1.0/users/nestor.wilke@contoso.com/photos/48x48/$value`, { method: "GET" }) },
      { id: "3", request: new Request(`${e.graphBaseUrl}/v1.0/users/adele.vance@contoso.com/photos/48x48/$value`, { method: "GET" }) },
    ]);
    const answer = new BatchResponseContent(await graph.api("/$batch").post(await batch.getContent()));
    const first = answer.getResponseById("1");
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ id: "648x648", "@odata.mediaContentType": "image/jpeg" });
    const missing = answer.getResponseById("2");
    expect(missing.status).toBe(404);
    const bytes = answer.getResponseById("3");
    expect(bytes.headers.get("content-type")).toBe("image/jpeg");
    // json-batching.md: binary answers travel base64-encoded in the body.
    expect(Buffer.from(await bytes.text(), "base64").subarray(0, 2).toString("hex")).toBe("ffd8");
  });
});

describe("PnPjs against the emulated SharePoint", () => {
  async function sp(url: string, kind: "certificate" | "secret") {
    const e = h.emu.endpoints;
    const app = e.apps[1]!;
    const credential = kind === "certificate" ? new ClientCertificateCredential(e.tenantId, app.clientId, { certificate: app.certificatePem! }, credentialOptions()) : new ClientSecretCredential(e.tenantId, app.clientId, app.secret!, credentialOptions());
    // SharePoint tokens are per host.
    const token = await credential.getToken(url === e.adminSiteUrl ? e.adminScope : e.mySiteScope);
    const sp = spfi(url).using(SPBrowser(), pnpFetch(h.http.fetch, { maxAttempts: 1, backoffMs: 0 }), BearerToken(token.token));
    return sp as typeof sp & { web: Web; profiles: IProfiles; batched(): [typeof sp & { web: Web; profiles: IProfiles }, () => Promise<void>] };
  }

  it("uploads, lists, downloads and deletes thumbnails in User Photos/Profile Pictures", async () => {
    const e = h.emu.endpoints;
    const web = (await sp(e.mySiteUrl, "certificate")).web;
    const folder = web.getFolderByServerRelativePath("/User Photos/Profile Pictures");
    const thumb = await renderPortrait({ seed: "nestor", width: 72, height: 72 });
    const added = (await folder.files.addUsingPath("nestor_wilke_contoso_com_MThumb.jpg", thumb.buffer.slice(thumb.byteOffset, thumb.byteOffset + thumb.byteLength) as ArrayBuffer, { Overwrite: true })) as unknown as { ServerRelativeUrl: string; Length: string };
    expect(added.ServerRelativeUrl).toBe("/User Photos/Profile Pictures/nestor_wilke_contoso_com_MThumb.jpg");
    expect(added.Length).toBe(String(thumb.length));
    const names = (await folder.files()).map((file: { Name: string }) => file.Name);
    expect(names).toContain("nestor_wilke_contoso_com_MThumb.jpg");
    const file = web.getFileByServerRelativePath("/User Photos/Profile Pictures/nestor_wilke_contoso_com_MThumb.jpg");
    expect(Buffer.from(await file.getBuffer()).equals(thumb)).toBe(true);
    await file.delete();
    await expect(file.getBuffer()).rejects.toThrow(/404/);
  });

  it("reads and writes profile properties through the admin host's PeopleManager", async () => {
    const e = h.emu.endpoints;
    const admin = await sp(e.adminSiteUrl, "certificate");
    const account = "i:0#.f|membership|nestor.wilke@contoso.com";
    await admin.profiles.setSingleValueProfileProperty(account, "SPS-PicturePlaceholderState", "0");
    const props = (await admin.profiles.getPropertiesFor(account)) as { AccountName: string; UserProfileProperties: { Key: string; Value: string }[] };
    expect(props.AccountName).toBe(account);
    expect(props.UserProfileProperties.find((entry) => entry.Key === "SPS-PicturePlaceholderState")?.Value).toBe("0");
  });

  it("batches profile reads and writes with PnPjs's $batch (one HTTP request, answers in order)", async () => {
    const e = h.emu.endpoints;
    const admin = await sp(e.adminSiteUrl, "certificate");
    const [batched, execute] = admin.batched();
    const accounts = ["adele.vance", "alex.wilber", "megan.bowen"].map((name) => `i:0#.f|membership|${name}@contoso.com`);
    const reads = accounts.map((account) => batched.profiles.getPropertiesFor(account) as Promise<{ AccountName: string }>);
    const write = batched.profiles.setSingleValueProfileProperty(accounts[2]!, "SPS-PictureExchangeSyncState", "0");
    h.emu.admin.resetCounters();
    await execute();
    expect((await Promise.all(reads)).map((props) => props.AccountName)).toEqual(accounts);
    await write;
    const counts = h.emu.admin.counters();
    expect(counts.endpoints["sharepoint POST /_api/$batch"]?.count).toBe(1);
    expect(counts.endpoints["sharepoint GET /_api/sp.userprofiles.peoplemanager/getpropertiesfor(@v) (batch item)"]?.count).toBe(3);
    const user = (await (await h.admin("/users/megan.bowen@contoso.com")).json()) as { spo: { profile: Record<string, string> } };
    expect(user.spo.profile["SPS-PictureExchangeSyncState"]).toBe("0");
  });

  it("refuses a token obtained with a client secret (security-apponly-azuread.md FAQ)", async () => {
    const e = h.emu.endpoints;
    const web = (await sp(e.mySiteUrl, "secret")).web;
    await expect(web.getFolderByServerRelativePath("/User Photos/Profile Pictures").files()).rejects.toThrow(/401.*Unsupported app only token/s);
  });
});
