/**
 * Graph's error envelope and token checks, as documented in microsoft-graph-docs
 * `concepts/errors.md`: `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`.
 */
import { randomUUID } from "node:crypto";
import { GRAPH_APP_ID, GRAPH_RESOURCE, type AccessClaims, type TokenService } from "../auth.js";
import { bearer, json, type EmuRequest, type EmuResponse } from "../http.js";

export const GRAPH_JSON = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

export function graphHeaders(request: EmuRequest): Record<string, string> {
  const id = request.headers["client-request-id"] ?? randomUUID();
  return { "request-id": id, "client-request-id": id };
}

export function graphError(request: EmuRequest, status: number, code: string, message: string, headers: Record<string, string> = {}): EmuResponse {
  const ids = graphHeaders(request);
  return json(
    status,
    { error: { code, message, innerError: { date: new Date().toISOString().replace(/\.\d{3}Z$/, ""), "request-id": ids["request-id"], "client-request-id": ids["client-request-id"] } } },
    { ...ids, ...headers },
  );
}

export function graphJson(request: EmuRequest, status: number, value: unknown): EmuResponse {
  return json(status, value, graphHeaders(request), GRAPH_JSON);
}

/** Thrown by handlers to answer with a Graph error. */
export class GraphFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The documented 401 answers of Graph for a missing, broken, expired or mis-addressed token. */
export async function authenticateGraph(request: EmuRequest, tokens: TokenService): Promise<AccessClaims> {
  const token = bearer(request);
  const challenge = { "www-authenticate": `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="${GRAPH_APP_ID}"` };
  if (token === undefined || token === "") throw new GraphFailure(401, "InvalidAuthenticationToken", "Access token is empty.", challenge);
  const result = await tokens.verify(token);
  if (!result.ok) {
    if (result.reason === "expired") throw new GraphFailure(401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.", challenge);
    throw new GraphFailure(401, "InvalidAuthenticationToken", "Access token validation failure.", challenge);
  }
  if (result.claims.aud !== GRAPH_RESOURCE && result.claims.aud !== GRAPH_APP_ID) {
    throw new GraphFailure(401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.", challenge);
  }
  return result.claims;
}

export const PERMISSIONS = {
  readUsers: ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  readPhoto: ["ProfilePhoto.Read.All", "ProfilePhoto.ReadWrite.All", "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  writePhoto: ["ProfilePhoto.ReadWrite.All", "User.ReadWrite.All"],
  readPeopleSettings: ["PeopleSettings.Read.All", "PeopleSettings.ReadWrite.All"],
  writePeopleSettings: ["PeopleSettings.ReadWrite.All"],
} as const;

/** 403 in the shape of the service that owns the resource: Exchange (ErrorAccessDenied) or Entra ID. */
export function requireRole(claims: AccessClaims, allowed: readonly string[], owner: "exchange" | "directory"): void {
  if (claims.roles.some((role) => allowed.includes(role))) return;
  if (owner === "exchange") throw new GraphFailure(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
  throw new GraphFailure(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
}
