/**
 * SharePoint Online REST on the My Site host ({tenant}-my.sharepoint.com) and the tenant admin host
 * ({tenant}-admin.sharepoint.com): /_api/contextinfo, files in the `User Photos/Profile Pictures`
 * folder (AddUsingPath upload with overwrite, $value download, delete/recycle, list) and
 * SP.UserProfiles.PeopleManager GetPropertiesFor / SetSingleValueProfileProperty.
 * Paths are the real server-relative ones; only scheme, host and port differ.
 */
import { createHash } from "node:crypto";
import { SHAREPOINT_APP_ID, type AccessClaims, type TokenService } from "../auth.js";
import { bearer, bytes, json, pathSegments, type EmuRequest, type EmuResponse } from "../http.js";
import type { SpoFileRecord } from "../model.js";
import { accountName, type Tenant } from "../state.js";
import { handleSpoBatch } from "./batch.js";
import { LIST_VIEW_THRESHOLD, listItems, thresholdExceeded } from "./list-items.js";
import { ACCESS_DENIED, SpoFailure, collection, entity, nullResult, parseCall, spoError, spoHeaders, type Call } from "./odata.js";

export interface SharePointContext {
  tenant: Tenant;
  tokens: TokenService;
  /** Fault hook: an upload that is accepted but stored as something else (apply verification tests). */
  corruptUpload(serverRelativeUrl: string, bytes: Buffer): Promise<Buffer | undefined>;
  /** Runs one $batch part (the server adds per-item faults and counters). */
  batchItem(request: EmuRequest, run: (request: EmuRequest) => Promise<EmuResponse>): Promise<EmuResponse>;
  /** Emulator URLs of the hosts. */
  mySiteUrl: string;
  adminSiteUrl: string;
}

type Host = "mysite" | "adminsite";

const READ = ["Sites.Read.All", "Sites.ReadWrite.All", "Sites.Manage.All", "Sites.FullControl.All"];
const WRITE = ["Sites.ReadWrite.All", "Sites.Manage.All", "Sites.FullControl.All"];
/** Writing another user's profile needs SharePoint's own application permissions. */
const PROFILE_WRITE = ["Sites.FullControl.All", "User.ReadWrite.All"];
/** Reading profiles needs SharePoint's own User.* application permissions (pnp/powershell #5084). */
const PROFILE_READ = ["User.Read.All", "User.ReadWrite.All"];

class Unauthorized extends Error {
  constructor(
    readonly description: string,
    /** The x-ms-diagnostics reason when SharePoint gives a different one from the body's. */
    readonly reason = description,
  ) {
    super(description);
  }
}

async function authenticate(request: EmuRequest, context: SharePointContext, host: Host): Promise<AccessClaims> {
  const token = bearer(request);
  if (token === undefined) throw new Unauthorized("Invalid JWT token. No token provided.");
  const result = await context.tokens.verify(token);
  if (!result.ok) throw new Unauthorized(result.reason === "expired" ? "Invalid JWT token. The token is expired." : "Invalid issuer or signature.");
  const name = context.tenant.config.name;
  const hosts = [`https://${name}.sharepoint.com`, `https://${name}-my.sharepoint.com`, `https://${name}-admin.sharepoint.com`];
  // A Graph token presented to SharePoint: reported as "Invalid issuer or signature." (sp-dev-docs#5889).
  if (![SHAREPOINT_APP_ID, ...hosts].includes(result.claims.aud)) throw new Unauthorized("Invalid issuer or signature.");
  // A token is for one host (pnp/powershell #5133: an -admin token on the root host is refused);
  // older saved states without the switch count as the strict default.
  const own = `https://${name}${host === "mysite" ? "-my" : "-admin"}.sharepoint.com`;
  if (context.tenant.config.spo.tokenAudience !== "any" && result.claims.aud !== own) {
    throw new Unauthorized("Exception of type 'Microsoft.IdentityModel.Tokens.AudienceUriValidationFailedException' was thrown.", `Invalid audience Uri '${result.claims.aud}/'.`);
  }
  // Entra app-only tokens from a client secret are refused (security-apponly-azuread.md FAQ).
  if (result.claims.appidacr === "1") throw new Unauthorized("Unsupported app only token.");
  return result.claims;
}

function unauthorized(context: SharePointContext, description: string, reason = description): EmuResponse {
  return json(401, { error_description: description }, {
    ...spoHeaders(),
    "www-authenticate": `Bearer realm="${context.tenant.config.tenantId}",client_id="${SHAREPOINT_APP_ID}",trusted_issuers="00000001-0000-0000-c000-000000000000@*,https://sts.windows.net/*/,https://login.microsoftonline.com/*/v2.0",authorization_uri="https://login.windows.net/common/oauth2/authorize"`,
    "x-ms-diagnostics": `3000003;reason="${reason}";category="invalid_client"`,
  });
}

function requireRole(claims: AccessClaims, allowed: readonly string[]): void {
  if (!claims.roles.some((role) => allowed.includes(role))) throw ACCESS_DENIED();
}

function fileProperties(file: SpoFileRecord): Record<string, unknown> {
  const name = file.serverRelativeUrl.slice(file.serverRelativeUrl.lastIndexOf("/") + 1);
  return {
    CheckInComment: "",
    CheckOutType: 2,
    ContentTag: `{${file.uniqueId.toUpperCase()}},${file.version},${file.version}`,
    CustomizedPageStatus: 0,
    ETag: `"{${file.uniqueId.toUpperCase()}},${file.version}"`,
    Exists: true,
    IrmEnabled: false,
    // Int64 travels as a string in SharePoint's JSON.
    Length: String(file.length),
    Level: 1,
    LinkingUri: null,
    LinkingUrl: "",
    MajorVersion: file.version,
    MinorVersion: 0,
    Name: name,
    ServerRelativeUrl: file.serverRelativeUrl,
    TimeCreated: file.created.replace(/\.\d{3}Z$/, "Z"),
    TimeLastModified: file.modified.replace(/\.\d{3}Z$/, "Z"),
    Title: null,
    UIVersion: file.version * 512,
    UIVersionLabel: `${file.version}.0`,
    UniqueId: file.uniqueId,
  };
}

function fileEntity(request: EmuRequest, context: SharePointContext, file: SpoFileRecord, status = 200): EmuResponse {
  const encoded = encodeURIComponent(file.serverRelativeUrl.replace(/'/g, "''"));
  return entity(
    request,
    {
      type: "SP.File",
      id: `${context.mySiteUrl}/_api/Web/GetFileByServerRelativePath(decodedurl='${encoded}')`,
      editLink: `Web/GetFileByServerRelativePath(decodedurl='${encoded}')`,
      metadata: `${context.mySiteUrl}/_api/$metadata#SP.ApiData.Files12/@Element`,
    },
    fileProperties(file),
    status,
  );
}

function pathArg(call: Call): string {
  const value = call.args.decodedurl ?? call.args.serverrelativeurl ?? call.args["0"];
  if (typeof value !== "string") throw new SpoFailure(400, "-1, Microsoft.SharePoint.Client.InvalidClientQueryException", "A path argument is required.");
  return value;
}

/** "Profile Pictures/x.jpg" relative to a folder, or an absolute server-relative path. */
function resolvePath(folder: string, name: string): string {
  if (name.startsWith("/")) return name;
  return `${folder.replace(/\/+$/, "")}/${name}`;
}

function fileMissing(path: string): SpoFailure {
  return new SpoFailure(404, "-2130575338, Microsoft.SharePoint.SPException", `The file ${path} does not exist.`);
}

function libraryPath(context: SharePointContext): string {
  return `/${context.tenant.config.spo.library}`;
}

function isLibrary(context: SharePointContext, folder: string): boolean {
  return folder.replace(/\/+$/, "").toLowerCase() === libraryPath(context).toLowerCase();
}

/** The library, and its thumbnail folder once it exists (switch `sharepoint.thumbnailFolder`). */
function folderExists(context: SharePointContext, folder: string): boolean {
  const wanted = folder.replace(/\/+$/, "").toLowerCase();
  return isLibrary(context, folder) || (context.tenant.photoFolderExists() && wanted === context.tenant.photoFolder().toLowerCase());
}

function folderProperties(context: SharePointContext, path: string, itemCount: number): Record<string, unknown> {
  const name = path.replace(/\/+$/, "").split("/").pop() ?? "";
  return { Exists: true, IsWOPIEnabled: false, ItemCount: itemCount, Name: name, ProgID: null, ServerRelativeUrl: path, TimeCreated: "2020-01-01T00:00:00Z", TimeLastModified: "2020-01-01T00:00:00Z", UniqueId: stableUuid(path), WelcomePage: "" };
}

function stableUuid(text: string): string {
  const hex = createHash("sha256").update(text.toLowerCase()).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The library's folders, as SharePoint lists them: every document library has its `Forms` folder
 * (the views), and the thumbnail folder once it exists. A client must tell them apart.
 */
function libraryFolders(context: SharePointContext): Record<string, unknown>[] {
  const library = libraryPath(context);
  const folders = [folderProperties(context, `${library}/Forms`, 0)];
  const photos = context.tenant.photoFolder();
  if (context.tenant.photoFolderExists()) folders.push(folderProperties(context, photos, context.tenant.spoFilesIn(photos).length));
  return folders;
}

/**
 * Folders/AddUsingPath: the emulator models one folder in the library, the thumbnail folder, so a
 * client creating it under another name (English in a French tenant) is told, instead of a folder
 * SharePoint's own sync would never use.
 */
function createFolder(context: SharePointContext, claims: AccessClaims, path: string): Record<string, unknown> {
  requireRole(claims, WRITE);
  const wanted = context.tenant.photoFolder();
  if (path.replace(/\/+$/, "").toLowerCase() !== wanted.toLowerCase()) {
    throw new SpoFailure(400, "-1, Microsoft.SharePoint.Client.InvalidClientQueryException", `The emulator models only the thumbnail folder ${wanted} in ${libraryPath(context)}, not ${path}.`);
  }
  context.tenant.createPhotoFolder();
  return folderProperties(context, wanted, context.tenant.spoFilesIn(wanted).length);
}

function folderEntity(request: EmuRequest, context: SharePointContext, properties: Record<string, unknown>): EmuResponse {
  const path = String(properties.ServerRelativeUrl);
  return entity(
    request,
    { type: "SP.Folder", id: `${context.mySiteUrl}/_api/Web/GetFolderByServerRelativePath(decodedurl='${encodeURIComponent(path.replace(/'/g, "''"))}')`, editLink: "", metadata: `${context.mySiteUrl}/_api/$metadata#SP.ApiData.Folders/@Element` },
    properties,
  );
}

/** The web of the My Site host: `Language` (LCID) follows the fixture's `sharepoint.locale`. */
function webEntity(request: EmuRequest, context: SharePointContext, claims: AccessClaims): EmuResponse {
  requireRole(claims, READ);
  return entity(
    request,
    { type: "SP.Web", id: `${context.mySiteUrl}/_api/Web`, editLink: "Web", metadata: `${context.mySiteUrl}/_api/$metadata#SP.ApiData.Webs/@Element` },
    { Id: stableUuid(`web:${context.tenant.config.name}`), Language: context.tenant.webLanguage(), ServerRelativeUrl: "/", Title: "", Url: `https://${context.tenant.config.name}-my.sharepoint.com`, WebTemplate: "SPSMSITEHOST" },
  );
}

async function handleFiles(request: EmuRequest, context: SharePointContext, claims: AccessClaims, calls: Call[]): Promise<EmuResponse> {
  const [target, ...rest] = calls;
  if (target === undefined) throw ACCESS_DENIED();
  const method = request.headers["x-http-method"]?.toUpperCase() ?? request.method;
  const tenant = context.tenant;

  // web/folders/AddUsingPath(DecodedUrl='/User Photos/…'): a folder made from its full path.
  if (target.name === "folders" && rest.length === 1 && rest[0]?.name === "addusingpath" && method === "POST") {
    return folderEntity(request, context, createFolder(context, claims, resolvePath("/", pathArg(rest[0]))));
  }

  // web/getList('/User Photos')/items: the library's files as list items, paged (list-items.ts).
  if (target.name === "getlist" && rest.length === 1 && rest[0]?.name === "items" && method === "GET") {
    requireRole(claims, READ);
    if (!isLibrary(context, pathArg(target))) throw new SpoFailure(404, "-2147024894, System.IO.FileNotFoundException", "List does not exist.");
    return listItems(request, {
      folder: tenant.photoFolderExists() ? tenant.photoFolder() : undefined,
      files: tenant.spoLibraryFiles(),
      fileProperties,
      siteUrl: context.mySiteUrl,
      pageLimit: tenant.config.spo.listPageLimit,
    });
  }

  if (target.name === "getfolderbyserverrelativepath" || target.name === "getfolderbyserverrelativeurl") {
    const folder = pathArg(target);
    if (!folderExists(context, folder)) {
      throw new SpoFailure(404, "-2147024894, System.IO.FileNotFoundException", "File Not Found.");
    }
    if (rest.length === 1 && rest[0]?.name === "files" && method === "GET") {
      requireRole(claims, READ);
      if (tenant.spoFilesIn(folder).length > LIST_VIEW_THRESHOLD) throw thresholdExceeded();
      return collection(
        request,
        `${context.mySiteUrl}/_api/$metadata#SP.ApiData.Files12`,
        tenant.spoFilesIn(folder).map((file) => fileProperties(file)),
      );
    }
    if (rest.length === 2 && rest[0]?.name === "files" && (rest[1]?.name === "addusingpath" || rest[1]?.name === "add") && method === "POST") {
      requireRole(claims, WRITE);
      if (tenant.config.spo.uploadsDisabled) {
        throw new SpoFailure(403, "-2147024891, System.UnauthorizedAccessException", "Uploading profile pictures to this site has been disabled by the administrator.");
      }
      const call = rest[1];
      const name = String(call.args.decodedurl ?? call.args.url ?? call.args["0"] ?? "");
      const overwrite = call.args.overwrite === true;
      const path = resolvePath(folder, name);
      const existing = tenant.spoFile(path);
      if (existing !== undefined && !overwrite) {
        throw new SpoFailure(400, "-2130575257, Microsoft.SharePoint.SPException", `A file with the name ${path.slice(1)} already exists. It was last modified by SHAREPOINTAPP on ${existing.modified}.`);
      }
      const stored = (await context.corruptUpload(path, request.body)) ?? request.body;
      const file = await tenant.putSpoFile(existing?.serverRelativeUrl ?? path, stored);
      return fileEntity(request, context, file);
    }
    if (rest.length === 0 && method === "GET") {
      requireRole(claims, READ);
      return folderEntity(request, context, folderProperties(context, isLibrary(context, folder) ? libraryPath(context) : tenant.photoFolder(), tenant.spoFilesIn(folder).length));
    }
    if (isLibrary(context, folder) && rest.length === 1 && rest[0]?.name === "folders" && method === "GET") {
      requireRole(claims, READ);
      return collection(request, `${context.mySiteUrl}/_api/$metadata#SP.ApiData.Folders`, libraryFolders(context));
    }
    if (isLibrary(context, folder) && rest.length === 2 && rest[0]?.name === "folders" && rest[1]?.name === "addusingpath" && method === "POST") {
      return folderEntity(request, context, createFolder(context, claims, resolvePath(libraryPath(context), pathArg(rest[1]))));
    }
  }

  if (target.name === "getfilebyserverrelativepath" || target.name === "getfilebyserverrelativeurl") {
    const path = pathArg(target);
    const file = tenant.spoFile(path);
    if (rest.length === 0 && (method === "DELETE")) {
      requireRole(claims, WRITE);
      if (file === undefined) throw fileMissing(path);
      tenant.deleteSpoFile(path);
      return { status: 200, headers: spoHeaders() };
    }
    if (rest.length === 1 && rest[0]?.name === "recycle" && method === "POST") {
      requireRole(claims, WRITE);
      if (file === undefined) throw fileMissing(path);
      tenant.deleteSpoFile(path);
      return entity(request, { type: "Edm.Guid", id: "", editLink: "", metadata: `${context.mySiteUrl}/_api/$metadata#Edm.Guid` }, { value: file.uniqueId });
    }
    if (method === "GET") {
      requireRole(claims, READ);
      if (file === undefined) throw fileMissing(path);
      if (rest.length === 0) return fileEntity(request, context, file);
      if (rest.length === 1 && rest[0]?.name === "$value") {
        return bytes(200, await tenant.blobs.get(file.blob), "application/octet-stream", { ...spoHeaders(), etag: `"{${file.uniqueId.toUpperCase()}},${file.version}"` });
      }
    }
  }
  throw new SpoFailure(400, "-1, Microsoft.SharePoint.Client.InvalidClientQueryException", `The request ${method} ${request.url.pathname} is not supported by the emulator.`);
}

function profileResponse(request: EmuRequest, context: SharePointContext, account: string): EmuResponse {
  const upn = account.replace(/^i:0#\.f\|membership\|/i, "");
  const user = context.tenant.findUser(upn);
  if (user === undefined || account.toLowerCase() !== accountName(user.userPrincipalName)) {
    // An unknown account answers a null entity rather than an error.
    return json(200, { "odata.null": true }, spoHeaders());
  }
  const props: Record<string, string> = {
    AccountName: accountName(user.userPrincipalName),
    FirstName: user.displayName.split(" ")[0] ?? "",
    LastName: user.displayName.split(" ").slice(1).join(" "),
    PreferredName: user.displayName,
    UserName: user.userPrincipalName,
    WorkEmail: user.mail ?? "",
    "SPS-UserPrincipalName": user.userPrincipalName,
    "msOnline-ObjectId": user.id,
    PictureURL: "",
    "SPS-PicturePlaceholderState": "",
    "SPS-PictureExchangeSyncState": "",
    "SPS-PictureTimestamp": "",
    ...user.profile,
  };
  const name = context.tenant.config.name;
  const keyValues = Object.entries(props).map(([Key, Value]) => ({ Key, Value, ValueType: "Edm.String" }));
  return entity(
    request,
    {
      type: "SP.UserProfiles.PersonProperties",
      id: `${context.adminSiteUrl}/_api/SP.UserProfiles.PeopleManager/GetPropertiesFor(accountName=@v)`,
      editLink: "SP.UserProfiles.PeopleManager/GetPropertiesFor(accountName=@v)",
      metadata: `${context.adminSiteUrl}/_api/$metadata#SP.UserProfiles.PersonProperties/@Element`,
    },
    {
      AccountName: props.AccountName,
      DirectReports: [],
      DisplayName: user.displayName,
      Email: user.mail,
      ExtendedManagers: [],
      ExtendedReports: [props.AccountName],
      IsFollowed: false,
      LatestPost: null,
      Peers: [],
      PersonalSiteHostUrl: `https://${name}-my.sharepoint.com:443/`,
      PersonalUrl: `https://${name}-my.sharepoint.com/personal/${user.userPrincipalName.toLowerCase().replace(/[@.]/g, "_")}/`,
      PictureUrl: props.PictureURL === "" ? null : props.PictureURL,
      Title: null,
      UserProfileProperties: keyValues,
      UserUrl: `https://${name}-my.sharepoint.com:443/Person.aspx?accountname=${encodeURIComponent(props.AccountName ?? "")}`,
    },
  );
}

async function handleProfiles(request: EmuRequest, context: SharePointContext, claims: AccessClaims, host: Host, call: Call): Promise<EmuResponse> {
  if (call.name === "getpropertiesfor" && request.method === "GET") {
    // Strict (default): Sites.* alone is "Access denied"; `sites`: the lenient reports where it sufficed.
    requireRole(claims, context.tenant.config.spo.profileReadPermission === "sites" ? [...READ, ...PROFILE_READ] : PROFILE_READ);
    const account = call.args.accountname ?? call.args["0"];
    if (typeof account !== "string") throw new SpoFailure(400, "-1, Microsoft.SharePoint.Client.InvalidClientQueryException", "accountName is required.");
    return profileResponse(request, context, account);
  }
  if (call.name === "setsinglevalueprofileproperty" && request.method === "POST") {
    // Other people's profiles are written through the tenant admin site.
    if (host !== "adminsite") throw ACCESS_DENIED();
    requireRole(claims, PROFILE_WRITE);
    // Every token the emulator issues is app-only: sp-dev-docs #3718 says those cannot write profiles.
    if (claims.idtyp === "app" && context.tenant.config.spo.appOnlyProfileWrites !== "allowed") throw ACCESS_DENIED();
    const body = JSON.parse(request.body.toString("utf8") || "{}") as { accountName?: string; propertyName?: string; propertyValue?: unknown };
    const upn = String(body.accountName ?? "").replace(/^i:0#\.f\|membership\|/i, "");
    const user = context.tenant.findUser(upn);
    if (user === undefined || typeof body.propertyName !== "string") {
      throw new SpoFailure(500, "-2146233088, Microsoft.Office.Server.UserProfiles.UserNotFoundException", "User Profile Error 1000: User Not Found: Could not load profile data from the database.");
    }
    context.tenant.setProfileProperty(user, body.propertyName, body.propertyValue === null || body.propertyValue === undefined ? "" : String(body.propertyValue));
    return nullResult(request);
  }
  throw new SpoFailure(400, "-1, Microsoft.SharePoint.Client.InvalidClientQueryException", `PeopleManager.${call.name} is not supported by the emulator.`);
}

function contextInfo(request: EmuRequest, siteUrl: string): EmuResponse {
  const info = {
    FormDigestTimeoutSeconds: 1800,
    FormDigestValue: `0x${Buffer.from(siteUrl).toString("hex").slice(0, 32).toUpperCase()},${new Date().toUTCString()}`,
    LibraryVersion: "16.0.0.0",
    SiteFullUrl: siteUrl,
    SupportedSchemaVersions: ["14.0.0.0", "15.0.0.0"],
    WebFullUrl: siteUrl,
  };
  return entity(request, { type: "SP.ContextWebInformation", id: `${siteUrl}/_api/contextinfo`, editLink: "contextinfo", metadata: `${siteUrl}/_api/$metadata#SP.ContextWebInformation` }, info);
}

export async function handleSharePoint(request: EmuRequest, context: SharePointContext, host: Host): Promise<EmuResponse> {
  try {
    const claims = await authenticate(request, context, host);
    const raw = pathSegments(request.url.pathname);
    if (raw[0]?.toLowerCase() !== "_api") throw new SpoFailure(404, "-2147024894, System.IO.FileNotFoundException", "File Not Found.");
    const calls = raw.slice(1).map((segment) => parseCall(decodeURIComponent(segment), request.url.searchParams));
    const first = calls[0]?.name;
    if (first === "$batch" && request.method === "POST" && calls.length === 1) {
      return await handleSpoBatch(request, (item) => handleSharePoint(item, context, host), context.batchItem);
    }
    if (first === "contextinfo" && request.method === "POST" && calls.length === 1) {
      return contextInfo(request, host === "mysite" ? context.mySiteUrl : context.adminSiteUrl);
    }
    if (first === "sp.userprofiles.peoplemanager" && calls.length === 2 && calls[1] !== undefined) {
      return await handleProfiles(request, context, claims, host, calls[1]);
    }
    if (first === "web" && calls.length === 1 && request.method === "GET" && host === "mysite") {
      return webEntity(request, context, claims);
    }
    if (first === "web" && calls.length >= 2) {
      if (host !== "mysite") throw new SpoFailure(404, "-2147024894, System.IO.FileNotFoundException", "File Not Found.");
      return await handleFiles(request, context, claims, calls.slice(1));
    }
    throw new SpoFailure(400, "-1, Microsoft.SharePoint.Client.InvalidClientQueryException", `The request ${request.method} ${request.url.pathname} is not supported by the emulator.`);
  } catch (error) {
    if (error instanceof Unauthorized) return unauthorized(context, error.description, error.reason);
    if (error instanceof SpoFailure) return spoError(request, error);
    if (error instanceof SyntaxError) return spoError(request, new SpoFailure(400, "-1, Microsoft.SharePoint.Client.InvalidClientQueryException", "Invalid JSON. A token was not recognized in the JSON content."));
    throw error;
  }
}
