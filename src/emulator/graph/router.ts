/**
 * graph.microsoft.com: /v1.0 and /beta. Dispatches to users, photos, people settings and $batch.
 */
import type { TokenService } from "../auth.js";
import type { EmuRequest, EmuResponse } from "../http.js";
import { GRAPH_DEFAULTS, type UserRecord } from "../model.js";
import { handleBatch, type BatchItemRunner } from "./batch.js";
import { GraphFailure, PERMISSIONS, authenticateGraph, graphError, graphJson, requireRole } from "./common.js";
import { handlePhoto, type PhotoContext } from "./photos.js";
import { parseFilter, parseSelect, project, userResource } from "./users.js";

export interface GraphContext extends PhotoContext {
  tokens: TokenService;
  /** Runs one $batch item (the server adds per-item faults such as 429, and counters). */
  batchItem: BatchItemRunner;
  /** Told how many photo items of a $batch run at once (the counters keep the peak). */
  onBatchPhotoItems?: (running: number) => void;
}

const PAGE_DEFAULT = 100;
const PAGE_MAX = 999;

/**
 * Users a simple key filter names (`userPrincipalName`/`id` with `eq` or `in`), looked up through
 * the index instead of scanning every user: photosync resolves people 15 at a time this way.
 */
function indexedCandidates(filterText: string, context: GraphContext): UserRecord[] | undefined {
  const match = /^\s*(userPrincipalName|id)\s+(?:eq\s+('(?:[^']|'')*')|in\s*\(((?:\s*'(?:[^']|'')*'\s*,?)*)\))\s*$/i.exec(filterText);
  if (match === null) return undefined;
  const literals = (match[2] ?? match[3] ?? "").match(/'(?:[^']|'')*'/g) ?? [];
  const seen = new Set<UserRecord>();
  for (const literal of literals) {
    const user = context.tenant.findUser(literal.slice(1, -1).replace(/''/g, "'"));
    if (user !== undefined) seen.add(user);
  }
  return [...seen];
}

function usersPage(request: EmuRequest, context: GraphContext, version: string): EmuResponse {
  const select = parseSelect(request);
  const filterText = request.url.searchParams.get("$filter");
  const filter = filterText === null ? undefined : parseFilter(filterText);
  const topText = request.url.searchParams.get("$top");
  const top = topText === null ? PAGE_DEFAULT : Number(topText);
  if (!Number.isInteger(top) || top < 1 || top > PAGE_MAX) {
    throw new GraphFailure(400, "Request_BadRequest", `Invalid page size specified: '${topText ?? ""}'. Must be between 1 and ${PAGE_MAX} inclusive.`);
  }
  const skipToken = request.url.searchParams.get("$skiptoken");
  const offset = skipToken === null ? 0 : Number.parseInt(Buffer.from(skipToken, "base64url").toString("utf8").replace(/^offset:/, ""), 10);
  if (!Number.isInteger(offset) || offset < 0) throw new GraphFailure(400, "Request_BadRequest", "Invalid $skiptoken.");

  // The matching users, in tenant order; computed cheaply when possible.
  const all = context.tenant.users();
  const indexed = filterText === null ? undefined : indexedCandidates(filterText, context);
  let total: number;
  let page: UserRecord[];
  if (filter === undefined) {
    total = all.length;
    page = all.slice(offset, offset + top);
  } else {
    const matching = (indexed ?? all).filter((user) => filter(userResource(user)));
    total = matching.length;
    page = matching.slice(offset, offset + top);
  }
  const contextUrl = `${context.graphBaseUrl}/${version}/$metadata#users${select === undefined ? "" : `(${select.join(",")})`}`;
  const body: Record<string, unknown> = { "@odata.context": contextUrl };
  // $count=true (Graph wants ConsistencyLevel: eventual with it; not enforced here).
  if (request.url.searchParams.get("$count") === "true") body["@odata.count"] = total;
  if (offset + top < total) {
    const url = new URL(`${context.graphBaseUrl}/${version}/users`);
    for (const [key, value] of request.url.searchParams) if (key !== "$skiptoken") url.searchParams.set(key, value);
    url.searchParams.set("$skiptoken", Buffer.from(`offset:${offset + top}`).toString("base64url"));
    body["@odata.nextLink"] = url.toString();
  }
  body.value = page.map((user) => project(userResource(user), select, version));
  return graphJson(request, 200, body);
}

async function route(request: EmuRequest, context: GraphContext): Promise<EmuResponse> {
  const segments = request.url.pathname.split("/").filter((part) => part !== "");
  const version = segments[0];
  if (version !== "v1.0" && version !== "beta") {
    throw new GraphFailure(400, "BadRequest", `Invalid version: ${version ?? ""}`);
  }
  const claims = await authenticateGraph(request, context.tokens);
  const path = segments.slice(1).map((part) => decodeURIComponent(part));

  if (path.length === 1 && path[0] === "$batch" && request.method === "POST") {
    const photoConcurrency = context.tenant.config.graph?.batchPhotoConcurrency ?? GRAPH_DEFAULTS.batchPhotoConcurrency;
    return handleBatch(request, version, (item) => dispatch(item, context), context.batchItem, {
      photoConcurrency,
      ...(context.onBatchPhotoItems ? { onPhotoItems: context.onBatchPhotoItems } : {}),
    });
  }
  if (path[0] === "admin" && path[1] === "people" && path[2] === "photoUpdateSettings" && path.length === 3) {
    if (version !== "beta") throw new GraphFailure(400, "BadRequest", "Resource not found for the segment 'admin'.");
    const entity = () => ({ "@odata.context": `${context.graphBaseUrl}/beta/$metadata#admin/people/photoUpdateSettings/$entity`, ...context.tenant.photoUpdateSettings() });
    if (request.method === "GET") {
      requireRole(claims, PERMISSIONS.readPeopleSettings, "directory");
      return graphJson(request, 200, entity());
    }
    if (request.method === "PATCH") {
      requireRole(claims, PERMISSIONS.writePeopleSettings, "directory");
      const patch = JSON.parse(request.body.toString("utf8") || "{}") as { source?: unknown; allowedRoles?: unknown };
      // The docs PATCH "onpremises" and GET answers "onPremises": the value is taken case-insensitively.
      const source = patch.source === undefined ? undefined : (["cloud", "onPremises"] as const).find((value) => typeof patch.source === "string" && value.toLowerCase() === patch.source.toLowerCase());
      if (patch.source !== undefined && source === undefined) throw new GraphFailure(400, "BadRequest", `Invalid value '${String(patch.source)}' for source.`);
      if (patch.allowedRoles !== undefined && patch.allowedRoles !== null && !Array.isArray(patch.allowedRoles)) throw new GraphFailure(400, "BadRequest", "Invalid value for allowedRoles.");
      const allowedRoles = patch.allowedRoles === undefined ? undefined : Array.isArray(patch.allowedRoles) ? patch.allowedRoles.map(String) : null;
      context.tenant.setPhotoUpdateSettings({ ...(source ? { source } : {}), ...(allowedRoles !== undefined ? { allowedRoles } : {}) }, { delayed: true });
      return graphJson(request, 200, entity());
    }
  }
  if (path[0] === "users") {
    if (path.length === 1 && request.method === "GET") {
      requireRole(claims, PERMISSIONS.readUsers, "directory");
      return usersPage(request, context, version);
    }
    const key = path[1] ?? "";
    const user = context.tenant.findUser(key);
    if (user === undefined) {
      throw new GraphFailure(404, "Request_ResourceNotFound", `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`);
    }
    const rest = path.slice(2);
    // mailboxSettings exists only for a usable Exchange Online mailbox; otherwise Graph answers
    // 404 MailboxNotEnabledForRESTAPI, also when selected on the user (msgraph-sdk-powershell#3531).
    const mailboxSettings = (): Record<string, unknown> => {
      requireRole(claims, ["MailboxSettings.Read", "MailboxSettings.ReadWrite"], "exchange");
      if (user.mailbox !== "cloud" || !user.licensed) {
        throw new GraphFailure(404, "MailboxNotEnabledForRESTAPI", "The mailbox is either inactive, soft-deleted, or is hosted on-premise.");
      }
      return { timeZone: "UTC", language: { locale: "en-US", displayName: "English (United States)" }, userPurpose: "user" };
    };
    if (rest.length === 0 && request.method === "GET") {
      requireRole(claims, PERMISSIONS.readUsers, "directory");
      const select = parseSelect(request);
      const wantsSettings = select?.some((name) => name.toLowerCase() === "mailboxsettings") === true;
      const resource = wantsSettings ? { ...userResource(user), mailboxSettings: mailboxSettings() } : userResource(user);
      return graphJson(request, 200, { "@odata.context": `${context.graphBaseUrl}/${version}/$metadata#users/$entity`, ...project(resource, select, version) });
    }
    if (rest.length === 1 && rest[0]?.toLowerCase() === "mailboxsettings" && request.method === "GET") {
      const settings = mailboxSettings();
      return graphJson(request, 200, { "@odata.context": `${context.graphBaseUrl}/${version}/$metadata#users('${user.id}')/mailboxSettings`, ...settings });
    }
    if (rest[0] === "photo" || rest[0] === "photos") return handlePhoto(request, context, claims, version, user, rest);
  }
  throw new GraphFailure(400, "BadRequest", `Resource not found for the segment '${path[0] ?? ""}'.`);
}

/** Handles one Graph request (also used for $batch items). Never throws for expected failures. */
export async function dispatch(request: EmuRequest, context: GraphContext): Promise<EmuResponse> {
  try {
    return await route(request, context);
  } catch (error) {
    if (error instanceof GraphFailure) return graphError(request, error.status, error.code, error.message, error.headers);
    if (error instanceof SyntaxError) return graphError(request, 400, "BadRequest", "Unable to read JSON request payload.");
    throw error;
  }
}

export const handleGraph = dispatch;
