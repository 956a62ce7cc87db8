/**
 * Sign-in and permission pre-flight: before any per-person work, photosync signs in once for each
 * service the run needs, reads which application permissions the token carries (its `roles` claim:
 * Entra puts the granted app roles there), and asks SharePoint once whether it accepts the token.
 * A failure here is one message that says what failed and what to do, and the run stops: a sign-in
 * or permission problem is the same for every person, so it must never become one "unknown" line
 * per person (those are for a transient failure of that person's read).
 *
 * The check is in two halves: `inspectAccess` signs in for every resource and asks every question
 * without throwing, and gives each resource's outcome (signed in or why not, the roles granted, the
 * permissions missing, SharePoint's refusal); `checkAccess` is "inspect, then throw the first
 * failure", which is what a run needs. `photosync doctor` reports every outcome instead.
 *
 * Tokens are decoded here, never verified (the service verifies them) and never printed.
 */
import type { TokenCredential } from "@azure/identity";
import { decodeJwt } from "jose";
import type { Response } from "undici";
import type { AuthMethod } from "./auth.js";
import { GITHUB_OIDC_AUDIENCE } from "./github-oidc.js";
import type { TenantEndpoints } from "./endpoints.js";
import type { TrustedHttp } from "./http.js";
import { AccessError } from "../model/errors.js";

/** Where the sign-in and permission failure has always been imported from; it lives in src/model. */
export { AccessError };


/** One permission the run needs: any of `anyOf` will do; `name` is the least privileged, the one to grant. */
export interface Permission {
  name: string;
  anyOf: readonly string[];
  /** What it is needed for, in words. */
  for: string;
  /** Doctor only: a permission a run can do without, and what it then does not do ("plans cannot tell …"). */
  withoutIt?: string;
}

// Least privilege first; the others are broader permissions that include it (Graph and SharePoint docs).
const GRAPH_READ_USERS: Permission = { name: "User.Read.All", anyOf: ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"], for: "looking people up" };
const GRAPH_READ_PHOTOS: Permission = {
  name: "ProfilePhoto.Read.All",
  anyOf: ["ProfilePhoto.Read.All", "ProfilePhoto.ReadWrite.All", "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  for: "reading photos",
};
const GRAPH_WRITE_PHOTOS: Permission = { name: "ProfilePhoto.ReadWrite.All", anyOf: ["ProfilePhoto.ReadWrite.All", "User.ReadWrite.All"], for: "writing photos" };
const GRAPH_READ_PEOPLE_SETTINGS: Permission = { name: "PeopleSettings.Read.All", anyOf: ["PeopleSettings.Read.All", "PeopleSettings.ReadWrite.All"], for: "reading the photo update settings" };
const GRAPH_WRITE_PEOPLE_SETTINGS: Permission = { name: "PeopleSettings.ReadWrite.All", anyOf: ["PeopleSettings.ReadWrite.All"], for: "changing who may change photos" };
const SPO_READ_FILES: Permission = { name: "Sites.Read.All", anyOf: ["Sites.Read.All", "Sites.ReadWrite.All", "Sites.Manage.All", "Sites.FullControl.All"], for: "reading thumbnails" };
const SPO_WRITE_FILES: Permission = { name: "Sites.ReadWrite.All", anyOf: ["Sites.ReadWrite.All", "Sites.Manage.All", "Sites.FullControl.All"], for: "writing thumbnails" };
const SPO_WRITE_PROFILES: Permission = { name: "User.ReadWrite.All", anyOf: ["User.ReadWrite.All", "Sites.FullControl.All"], for: "writing profile properties" };
// SharePoint's own User.* permissions: Sites.* does not let an app read user profiles (pnp/powershell #5084).
const SPO_READ_PROFILES: Permission = { name: "User.Read.All", anyOf: ["User.Read.All", "User.ReadWrite.All"], for: "reading user profiles" };

/** The application permissions a run needs, per service. Pure. */
export function neededPermissions(options: { writer: boolean; sharePoint: boolean; peopleSettings?: "read" | "write" | undefined }): { graph: Permission[]; sharePoint: Permission[] } {
  const graph = options.writer ? [GRAPH_READ_USERS, GRAPH_WRITE_PHOTOS] : [GRAPH_READ_USERS, GRAPH_READ_PHOTOS];
  // The manifest keeps tenant.photoUpdates: reading it is part of the plan, writing it of apply.
  if (options.peopleSettings) graph.push(options.peopleSettings === "write" ? GRAPH_WRITE_PEOPLE_SETTINGS : GRAPH_READ_PEOPLE_SETTINGS);
  const sharePoint = !options.sharePoint ? [] : options.writer ? [SPO_WRITE_FILES, SPO_WRITE_PROFILES] : [SPO_READ_FILES];
  return { graph, sharePoint };
}

/**
 * What `photosync doctor` checks: the run's permissions (neededPermissions, with the photo update
 * settings when the manifest keeps them), SharePoint profile reads, and the photo update settings
 * read, which a run can do without (`withoutIt`: a warning, not a failure). Pure.
 */
export function doctorPermissions(options: { writer: boolean; sharePoint: boolean; peopleSettings?: "read" | "write" | undefined }): { graph: Permission[]; sharePoint: Permission[] } {
  const run = neededPermissions(options);
  const graph = [...run.graph];
  if (!options.peopleSettings) {
    graph.push({ ...GRAPH_READ_PEOPLE_SETTINGS, withoutIt: "plans cannot tell whether the tenant refuses every Graph photo write (photoUpdateSettings source onPremises)" });
  }
  // Without SharePoint's User.Read.All no plan checks the profile properties the manifest asks for:
  // required here, although a run carries on without it (notice spo-profile-read-denied). The
  // writer's User.ReadWrite.All reads them too.
  const sharePoint = options.sharePoint && !options.writer ? [...run.sharePoint, SPO_READ_PROFILES] : [...run.sharePoint];
  return { graph, sharePoint };
}

/** The `roles` claim of an access token; undefined for a token without one (a person's delegated token). */
export function grantedRoles(token: string): string[] | undefined {
  try {
    const roles = decodeJwt(token).roles;
    return Array.isArray(roles) ? roles.filter((role): role is string => typeof role === "string") : undefined;
  } catch {
    return undefined;
  }
}

/** The app's display name from an access token's `app_displayname` claim (Entra v1 tokens carry it), if any. */
export function appDisplayName(token: string): string | undefined {
  try {
    const name = decodeJwt(token).app_displayname;
    return typeof name === "string" && name !== "" ? name : undefined;
  } catch {
    return undefined;
  }
}

/** The permissions of `needed` that `roles` lacks. Pure. */
export function missingPermissions(roles: readonly string[], needed: readonly Permission[]): Permission[] {
  return needed.filter((permission) => !permission.anyOf.some((role) => roles.includes(role)));
}

const JWT = /eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g;

/** The first line of a library's message, shortened, with anything shaped like a token cut out. */
function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split("\n").find((line) => line.trim() !== "") ?? text).replace(JWT, "[token]").slice(0, 400);
}

const AADSTS_FIXES: ReadonlyArray<[RegExp, (clientId: string) => string]> = [
  [/AADSTS7000215|AADSTS7000222/, () => "the client secret is wrong or expired: set AZURE_CLIENT_SECRET to the secret's value (not its id), or create a new one under the app's Certificates & secrets"],
  [/AADSTS700016/, (id) => `no app with client id ${id} in this tenant: check AZURE_CLIENT_ID and the tenant (tenant.id in photos.yaml, or AZURE_TENANT_ID), and that the app has been consented to in that tenant`],
  [/AADSTS90002|AADSTS900023/, () => "the tenant was not found: check tenant.id in photos.yaml (or AZURE_TENANT_ID)"],
  [/AADSTS70021|AADSTS700213|AADSTS700211/, (id) => `the app ${id} has no federated credential for this workflow: add one (issuer https://token.actions.githubusercontent.com, audience ${GITHUB_OIDC_AUDIENCE}) whose subject matches this job (see the README's "Adopting it")`],
  [/AADSTS700027|AADSTS700024/, (id) => `the certificate in AZURE_CLIENT_CERTIFICATE_PATH is not registered on app ${id} (or has expired): upload its public part under the app's Certificates & secrets`],
  [/AADSTS7000218/, () => "no secret, certificate or federated token was given: set AZURE_CLIENT_CERTIFICATE_PATH (or run in GitHub Actions with id-token: write)"],
];

/** One sentence of what went wrong signing in, and what to do about it. */
export function signInFailure(error: unknown, method: AuthMethod, clientId: string | undefined, resource: string): string {
  const detail = firstLine(error);
  const known = AADSTS_FIXES.find(([pattern]) => pattern.test(detail));
  if (known) return `sign-in to ${resource} failed: ${known[1](clientId ?? "(AZURE_CLIENT_ID)")} (${detail})`;
  if (method === "default") {
    return (
      `sign-in to ${resource} failed: no credentials were found (${detail}). ` +
      "Set AZURE_CLIENT_ID with AZURE_CLIENT_CERTIFICATE_PATH (or a federated credential in GitHub Actions), sign in with `az login`, " +
      "or try photosync against its built-in demo tenant with --emulator"
    );
  }
  return `sign-in to ${resource} with method ${method} failed: ${detail}. Check the settings in the README's "Signing in" section`;
}

function permissionSentence(service: string, clientId: string | undefined, roles: readonly string[], missing: readonly Permission[]): string {
  const app = clientId ? `the app ${clientId}` : "the app photosync signed in as";
  const lacking = missing.map((permission) => `${permission.name} (${permission.for})`).join(", ");
  return (
    `${app} lacks the ${service} application permission${missing.length > 1 ? "s" : ""} ${lacking}; it has ${roles.length > 0 ? roles.join(", ") : "none"}. ` +
    `Grant ${missing.map((permission) => permission.name).join(" and ")} (Entra admin center > App registrations > API permissions > ${service}, application permissions) and grant admin consent` +
    (missing.some((permission) => permission.name.includes("Write")) ? ", or run with the writer app's identity" : "")
  );
}

export interface AccessCheck {
  credential: TokenCredential;
  endpoints: TenantEndpoints;
  http: TrustedHttp;
  method: AuthMethod;
  clientId?: string;
  writer: boolean;
  sharePoint: boolean;
  /** The manifest keeps tenant.photoUpdates: PeopleSettings.Read.All (plan) or ReadWrite.All (apply). */
  peopleSettings?: "read" | "write" | undefined;
}

/** Which resource an outcome is about: Graph, or one of the two SharePoint hosts (tokens are per host). */
export type AccessResource = "graph" | "mySite" | "admin";

/** What SharePoint said when it refused a token it was given, and what to do about it. */
export interface SharePointRefusal {
  status: number;
  /** SharePoint's own words (error body or x-ms-diagnostics), any token cut out. */
  said: string;
  fix: string;
}

/** One resource's outcome. Nothing in it is a token. */
export interface ResourceAccess {
  resource: AccessResource;
  /** "Microsoft Graph", "SharePoint Online (My Site host)", "SharePoint Online (admin host)". */
  label: string;
  /** The API its permissions are granted on: "Microsoft Graph" or "SharePoint". */
  api: "Microsoft Graph" | "SharePoint";
  /** Where the token is used (the SharePoint hosts' URLs). */
  url: string;
  /** Signed in, or the one sentence of what failed and what to do. */
  signIn: { ok: true } | { ok: false; failure: string };
  /** The `roles` claim; undefined when not signed in, or for a person's own (delegated) token. */
  roles?: string[];
  /** The token's app_displayname, when it has one. */
  appName?: string;
  /** Which of the permissions asked about the token lacks (empty without roles to judge by). */
  missing: Permission[];
  /** SharePoint only: its refusal of the token at POST /_api/contextinfo. */
  refusal?: SharePointRefusal;
  /** SharePoint only: the question could not be asked (the network, not the token). */
  unreachable?: string;
}

export interface AccessInspection {
  graph: ResourceAccess;
  /** Present when SharePoint is part of the run. */
  mySite?: ResourceAccess;
  admin?: ResourceAccess;
}

type TokenOutcome = { ok: true; token: string } | { ok: false; failure: string };

async function tokenFor(check: AccessCheck, scope: string, resource: string): Promise<TokenOutcome> {
  try {
    const token = await check.credential.getToken(scope);
    if (token) return { ok: true, token: token.token };
    return { ok: false, failure: signInFailure(new Error("the credential returned no token"), check.method, check.clientId, resource) };
  } catch (error) {
    return { ok: false, failure: signInFailure(error, check.method, check.clientId, resource) };
  }
}

/** What SharePoint said when it refused a token, from its error body or x-ms-diagnostics header. */
async function sharePointRefusal(response: Response): Promise<string> {
  const diagnostics = /reason="([^"]+)"/.exec(response.headers.get("x-ms-diagnostics") ?? "")?.[1];
  const body = await response.text().catch(() => "");
  let described: string | undefined;
  try {
    const parsed = JSON.parse(body) as { error_description?: string; "odata.error"?: { message?: { value?: string } }; error?: { message?: string | { value?: string } } };
    const message = parsed.error?.message;
    described = parsed.error_description ?? parsed["odata.error"]?.message?.value ?? (typeof message === "string" ? message : message?.value);
  } catch {
    // Not JSON: the status says enough.
  }
  return (described ?? diagnostics ?? `HTTP ${response.status}`).replace(JWT, "[token]").slice(0, 300);
}

/** What to do about SharePoint's refusal of a token, from what it said. */
function refusalFix(refusal: string, check: AccessCheck, needed: readonly Permission[], siteUrl: string): string {
  if (/app only token/i.test(refusal)) {
    return "SharePoint Online accepts app-only tokens only from a certificate or a federated credential, never a client secret: set AZURE_CLIENT_CERTIFICATE_PATH, use GitHub OIDC, or drop spo from tenant.stores";
  }
  if (/AudienceUriValidationFailed|audience/i.test(refusal)) {
    return `${siteUrl} was given a token for another host (SharePoint tokens are per host; photosync asks for ${check.endpoints.mySiteScope} and ${check.endpoints.adminScope}): check that mySiteHost and adminHost in photos.yaml are this tenant's, and PHOTOSYNC_MYSITE_URL / PHOTOSYNC_ADMIN_URL if set`;
  }
  return `check that the app has the SharePoint application permission ${needed.map((permission) => permission.name).join(" and ")} with admin consent, and that mySiteHost and adminHost in photos.yaml are the tenant's`;
}

/** Asks one SharePoint host whether it accepts its token (one POST /_api/contextinfo). */
async function askSharePoint(check: AccessCheck, siteUrl: string, token: string, needed: readonly Permission[]): Promise<{ refusal?: SharePointRefusal; unreachable?: string }> {
  let response: Response;
  try {
    response = await check.http.fetch(`${siteUrl.replace(/\/$/, "")}/_api/contextinfo`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, accept: "application/json;odata=nometadata" },
    });
  } catch (error) {
    // The network, not the token: a run's reads retry and report it per person.
    return { unreachable: firstLine(error) };
  }
  if (response.status !== 401 && response.status !== 403) {
    await response.body?.cancel();
    return {};
  }
  const said = await sharePointRefusal(response);
  return { refusal: { status: response.status, said, fix: refusalFix(said, check, needed, siteUrl) } };
}

/**
 * Signs in for every resource the run needs and asks each question, without stopping at the first
 * failure. `permissions`: which permissions to judge the roles by (default: the run's,
 * neededPermissions). Costs one token per service and SharePoint host (reused by the run) and one
 * request per SharePoint host that signed in.
 */
export async function inspectAccess(check: AccessCheck, permissions = neededPermissions(check)): Promise<AccessInspection> {
  // All sign-ins at once (each is a round trip to Entra ID). SharePoint tokens are per host
  // (pnp/powershell #5133): the My Site host for thumbnails, the admin host for profile
  // properties, each asked for and checked on its own.
  const [graph, mySite, admin] = await Promise.all([
    tokenFor(check, check.endpoints.graphScope, "Microsoft Graph"),
    check.sharePoint ? tokenFor(check, check.endpoints.mySiteScope, "SharePoint Online (My Site host)") : undefined,
    check.sharePoint ? tokenFor(check, check.endpoints.adminScope, "SharePoint Online (admin host)") : undefined,
  ]);
  const outcome = (resource: AccessResource, label: string, api: ResourceAccess["api"], url: string, token: TokenOutcome, needed: readonly Permission[]): ResourceAccess => {
    if (!token.ok) return { resource, label, api, url, signIn: { ok: false, failure: token.failure }, missing: [] };
    const roles = grantedRoles(token.token);
    const appName = appDisplayName(token.token);
    return { resource, label, api, url, signIn: { ok: true }, ...(roles ? { roles } : {}), ...(appName ? { appName } : {}), missing: roles ? missingPermissions(roles, needed) : [] };
  };
  const inspection: AccessInspection = { graph: outcome("graph", "Microsoft Graph", "Microsoft Graph", check.endpoints.graphBaseUrl, graph, permissions.graph) };
  // SharePoint refuses some tokens Entra ID hands out (app-only tokens from a client secret, a
  // token for another host): one request per host to ask, before any person is read.
  const host = async (resource: "mySite" | "admin", label: string, url: string, token: TokenOutcome | undefined): Promise<ResourceAccess | undefined> => {
    if (!token) return undefined;
    const access = outcome(resource, label, "SharePoint", url, token, permissions.sharePoint);
    return token.ok ? { ...access, ...(await askSharePoint(check, url, token.token, permissions.sharePoint)) } : access;
  };
  const [mySiteAccess, adminAccess] = await Promise.all([
    host("mySite", "SharePoint Online (My Site host)", check.endpoints.mySiteUrl, mySite),
    host("admin", "SharePoint Online (admin host)", check.endpoints.adminSiteUrl, admin),
  ]);
  if (mySiteAccess) inspection.mySite = mySiteAccess;
  if (adminAccess) inspection.admin = adminAccess;
  return inspection;
}

/** The sentence a run stops with when the token lacks permissions. */
export function permissionFailure(access: ResourceAccess, clientId: string | undefined): string {
  return permissionSentence(access.api, clientId, access.roles ?? [], access.missing);
}

/** The sentence a run stops with when SharePoint refused a token. */
export function refusalFailure(refusal: SharePointRefusal): string {
  return `SharePoint Online refused photosync's token (${refusal.status}: ${refusal.said}): ${refusal.fix}`;
}

/**
 * The first failure of an inspection, as a run reports it, or undefined when the run may go on.
 * The order is the one runs have always told them in: Graph's sign-in, Graph's permissions, the
 * SharePoint sign-ins, their permissions, then SharePoint's refusals.
 */
export function firstAccessFailure(inspection: AccessInspection, clientId: string | undefined): string | undefined {
  const { graph, mySite, admin } = inspection;
  if (!graph.signIn.ok) return graph.signIn.failure;
  if (graph.missing.length > 0) return permissionFailure(graph, clientId);
  for (const host of [mySite, admin]) if (host && !host.signIn.ok) return host.signIn.failure;
  for (const host of [mySite, admin]) if (host && host.missing.length > 0) return permissionFailure(host, clientId);
  for (const host of [mySite, admin]) if (host?.refusal) return refusalFailure(host.refusal);
  return undefined;
}

/**
 * Signs in for every service the run needs and checks the permissions, or throws AccessError with
 * the first failure.
 */
export async function checkAccess(check: AccessCheck): Promise<void> {
  const failure = firstAccessFailure(await inspectAccess(check), check.clientId);
  if (failure !== undefined) throw new AccessError(failure);
}
