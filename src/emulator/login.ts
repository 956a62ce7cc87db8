/**
 * login.microsoftonline.com: the OpenID discovery documents MSAL fetches and the v2.0 token
 * endpoint's client-credentials grant (client secret, or a client assertion: certificate-signed or
 * federated). Errors use Entra's shape: { error, error_description "AADSTSnnn: …", error_codes, … }.
 */
import { randomUUID } from "node:crypto";
import { TokenError, resolveScope, type TokenService } from "./auth.js";
import { json, type EmuRequest, type EmuResponse } from "./http.js";
import type { Tenant } from "./state.js";

export interface LoginContext {
  tenant: Tenant;
  tokens: TokenService;
  /** https://127.0.0.1:{port}: the emulator's authority host. */
  authorityHost: string;
  /** Emulator URL origin (lower case) → the real resource it stands for. */
  aliases: ReadonlyMap<string, string>;
}

function tenantMatches(segment: string, context: LoginContext): boolean {
  const config = context.tenant.config;
  const value = segment.toLowerCase();
  return value === config.tenantId.toLowerCase() || value === config.domain.toLowerCase() || value === "organizations";
}

function aadError(error: TokenError): EmuResponse {
  const traceId = randomUUID();
  return json(error.status, {
    error: error.error,
    error_description: `${error.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${randomUUID()}\r\nTimestamp: ${new Date().toISOString()}`,
    error_codes: [error.code],
    timestamp: new Date().toISOString().replace("T", " ").replace("Z", "Z"),
    trace_id: traceId,
    correlation_id: randomUUID(),
    error_uri: `https://login.microsoftonline.com/error?code=${error.code}`,
  });
}

function openIdConfiguration(context: LoginContext, tenantSegment: string): unknown {
  const base = `${context.authorityHost}/${tenantSegment}`;
  const tid = context.tenant.config.tenantId;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: `${context.authorityHost}/${tid}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${context.authorityHost}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ["sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "tid", "ver", "oid", "roles"],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: "EU",
    cloud_instance_name: "microsoftonline.com",
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: "graph.microsoft.com",
  };
}

async function token(request: EmuRequest, context: LoginContext, tenantSegment: string): Promise<EmuResponse> {
  const form = new URLSearchParams(request.body.toString("utf8"));
  const grant = form.get("grant_type");
  if (grant !== "client_credentials") {
    throw new TokenError(400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grant ?? ""}'.`);
  }
  const clientId = form.get("client_id") ?? "";
  const config = context.tenant.config;
  const app = config.apps.find((candidate) => candidate.clientId.toLowerCase() === clientId.toLowerCase());
  if (app === undefined) {
    throw new TokenError(400, "unauthorized_client", 700016, `Application with identifier '${clientId}' was not found in the directory '${config.domain}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`);
  }
  const target = resolveScope(form.get("scope") ?? "", config, context.aliases);
  const secret = form.get("client_secret");
  const assertion = form.get("client_assertion");
  let kind: "secret" | "certificate" | "federated";
  if (secret !== null) {
    context.tokens.checkSecret(app, secret);
    kind = "secret";
  } else if (assertion !== null && form.get("client_assertion_type") === "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") {
    const endpoints = [
      `${context.authorityHost}/${tenantSegment}/oauth2/v2.0/token`,
      `${context.authorityHost}/${config.tenantId}/oauth2/v2.0/token`,
      `${context.authorityHost}/${config.domain}/oauth2/v2.0/token`,
      `https://login.microsoftonline.com/${config.tenantId}/oauth2/v2.0/token`,
      `https://login.microsoftonline.com/${config.domain}/oauth2/v2.0/token`,
    ];
    kind = await context.tokens.checkAssertion(app, assertion, endpoints);
  } else {
    throw new TokenError(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
  }
  const accessToken = await context.tokens.issue(app, target, kind);
  return json(200, { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: accessToken });
}

export async function handleLogin(request: EmuRequest, context: LoginContext): Promise<EmuResponse> {
  const path = request.url.pathname;
  try {
    if (request.method === "GET" && path === "/common/discovery/instance") {
      const host = new URL(context.authorityHost).host;
      return json(200, {
        tenant_discovery_endpoint: `${context.authorityHost}/${context.tenant.config.tenantId}/v2.0/.well-known/openid-configuration`,
        "api-version": "1.1",
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      });
    }
    const match = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|\.well-known\/openid-configuration|discovery\/v2\.0\/keys|discovery\/keys|oauth2\/v2\.0\/token)$/.exec(path);
    if (match === null) return json(404, { error: "not_found", error_description: `No login endpoint at ${path}` });
    const [, tenantSegment = "", endpoint] = match;
    if (!tenantMatches(tenantSegment, context)) {
      throw new TokenError(400, "invalid_tenant", 90002, `Tenant '${tenantSegment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    }
    if (endpoint?.includes("openid-configuration")) return json(200, openIdConfiguration(context, tenantSegment));
    if (endpoint?.includes("keys")) return json(200, context.tokens.jwks());
    if (request.method !== "POST") return json(405, { error: "invalid_request", error_description: "AADSTS900561: The endpoint only accepts POST requests." });
    return await token(request, context, tenantSegment);
  } catch (error) {
    if (error instanceof TokenError) return aadError(error);
    throw error;
  }
}
