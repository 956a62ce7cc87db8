/**
 * Entra ID's part of the emulator that is not HTTP: signing keys, access tokens (RS256 JWTs like
 * Entra's v1 app-only tokens: aud, roles, tid, appid, appidacr, exp), and checks of client
 * credentials (secret, certificate-signed assertion, federated token).
 */
import { X509Certificate, createHash, createPublicKey, type KeyObject, type webcrypto } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SignJWT, createLocalJWKSet, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, jwtVerify, type JWK, type JWTPayload } from "jose";
import type { AppRecord, TenantConfig } from "./model.js";

type CryptoKey = webcrypto.CryptoKey;

export const GRAPH_RESOURCE = "https://graph.microsoft.com";
export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
export const SHAREPOINT_APP_ID = "00000003-0000-0ff1-ce00-000000000000";
/** Issuer of federated test tokens the emulator mints itself (admin API), standing in for e.g. GitHub. */
export const EMULATOR_FEDERATION_ISSUER = "https://federation.photosync-emulator.invalid";

export type Resource = "graph" | "sharepoint";
/** appidacr: 1 = client secret, 2 = certificate or federated assertion. */
export type CredentialKind = "secret" | "certificate" | "federated";

export interface AccessClaims extends JWTPayload {
  aud: string;
  tid: string;
  appid: string;
  appidacr: "1" | "2";
  roles: string[];
  idtyp: "app";
  exp: number;
}

interface KeyPair {
  privateKey: CryptoKey | KeyObject;
  publicKey: CryptoKey | KeyObject;
  kid: string;
  publicJwk: JWK;
}

export interface SigningKeys {
  token: KeyPair;
  federation: KeyPair;
}

async function newPair(kid: string): Promise<{ pair: KeyPair; privateJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, use: "sig", alg: "RS256" };
  return { pair: { privateKey, publicKey, kid, publicJwk }, privateJwk: { ...(await exportJWK(privateKey)), kid } };
}

async function pairFromJwk(privateJwk: JWK): Promise<KeyPair> {
  const kid = String(privateJwk.kid);
  const privateKey = await importJWK(privateJwk, "RS256");
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...rest } = privateJwk;
  const publicJwk = { ...rest, kid, use: "sig", alg: "RS256" };
  const publicKey = await importJWK(publicJwk, "RS256");
  return { privateKey: privateKey as CryptoKey, publicKey: publicKey as CryptoKey, kid, publicJwk };
}

/** Loads the signing keys from `dir` (so tokens stay valid across restarts) or creates them. */
export async function loadOrCreateSigningKeys(dir: string | undefined): Promise<SigningKeys> {
  const file = dir === undefined ? undefined : join(dir, "signing-keys.json");
  if (file !== undefined) {
    try {
      const saved = JSON.parse(await readFile(file, "utf8")) as { token: JWK; federation: JWK };
      return { token: await pairFromJwk(saved.token), federation: await pairFromJwk(saved.federation) };
    } catch {
      // Missing or unreadable: create below.
    }
  }
  const token = await newPair(`emu-${Date.now().toString(36)}`);
  const federation = await newPair(`fed-${Date.now().toString(36)}`);
  if (file !== undefined && dir !== undefined) {
    await mkdir(dir, { recursive: true });
    await writeFile(`${file}.tmp`, JSON.stringify({ token: token.privateJwk, federation: federation.privateJwk }), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
  }
  return { token: token.pair, federation: federation.pair };
}

/** An AADSTS error as the v2.0 token endpoint answers it. */
export class TokenError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly code: number,
    description: string,
  ) {
    super(`AADSTS${code}: ${description}`);
  }
}

export interface ResourceTarget {
  resource: Resource;
  /** The `aud` the token carries. */
  audience: string;
}

/**
 * Maps a client-credentials `scope` ("{resource}/.default") to a resource. Real resource ids are
 * accepted, and so are the emulator's own URLs (mapped to the real resource they stand for).
 */
export function resolveScope(scope: string, tenant: TenantConfig, aliases: ReadonlyMap<string, string>): ResourceTarget {
  const parts = scope.split(/\s+/).filter((part) => part !== "" && !["openid", "profile", "offline_access"].includes(part));
  if (parts.length !== 1 || !parts[0]?.endsWith("/.default")) {
    throw new TokenError(400, "invalid_scope", 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
  }
  const raw = parts[0].slice(0, -"/.default".length).replace(/\/+$/, "");
  const resource = (aliases.get(raw.toLowerCase()) ?? raw).toLowerCase();
  if (resource === GRAPH_RESOURCE || resource === GRAPH_APP_ID || resource === "https://graph.microsoft.com/") {
    return { resource: "graph", audience: GRAPH_RESOURCE };
  }
  const spoHosts = [`${tenant.name}.sharepoint.com`, `${tenant.name}-my.sharepoint.com`, `${tenant.name}-admin.sharepoint.com`];
  if (resource === SHAREPOINT_APP_ID) return { resource: "sharepoint", audience: SHAREPOINT_APP_ID };
  for (const host of spoHosts) if (resource === `https://${host}`) return { resource: "sharepoint", audience: `https://${host}` };
  throw new TokenError(400, "invalid_resource", 500011, `The resource principal named ${raw} was not found in the tenant named ${tenant.domain}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`);
}

function certThumbprints(pem: string): { sha1: string; sha256: string; key: KeyObject } {
  const cert = new X509Certificate(pem);
  return {
    sha1: createHash("sha1").update(cert.raw).digest("base64url"),
    sha256: createHash("sha256").update(cert.raw).digest("base64url"),
    key: createPublicKey(cert.publicKey.export({ type: "spki", format: "pem" })),
  };
}

export class TokenService {
  private readonly verified = new Map<string, AccessClaims>();
  private readonly certCache = new Map<string, ReturnType<typeof certThumbprints>>();

  constructor(
    private readonly keys: SigningKeys,
    private readonly tenant: () => TenantConfig,
    /** Lifetime of issued tokens, seconds (Entra: 3599 by default for app-only). */
    private readonly lifetime = 3599,
  ) {}

  /** JWKS of the token signing key, served at the discovery document's jwks_uri. */
  jwks(): { keys: JWK[] } {
    return { keys: [this.keys.token.publicJwk] };
  }

  issuer(): string {
    return `https://sts.windows.net/${this.tenant().tenantId}/`;
  }

  async issue(app: AppRecord, target: ResourceTarget, kind: CredentialKind, lifetime = this.lifetime): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const tenant = this.tenant();
    return new SignJWT({
      tid: tenant.tenantId,
      appid: app.clientId,
      app_displayname: app.displayName,
      appidacr: kind === "secret" ? "1" : "2",
      idp: this.issuer(),
      idtyp: "app",
      oid: app.clientId,
      sub: app.clientId,
      roles: target.resource === "graph" ? app.roles.graph : app.roles.sharepoint,
      ver: "1.0",
    })
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: this.keys.token.kid })
      .setIssuer(this.issuer())
      .setAudience(target.audience)
      .setIssuedAt(now)
      .setNotBefore(now - 300)
      .setExpirationTime(now + lifetime)
      .sign(this.keys.token.privateKey);
  }

  /** Checks a bearer token's signature and expiry; audience and roles are the caller's business. */
  async verify(token: string): Promise<{ ok: true; claims: AccessClaims } | { ok: false; reason: "invalid" | "expired" }> {
    let claims = this.verified.get(token);
    if (claims === undefined) {
      try {
        const result = await jwtVerify(token, this.keys.token.publicKey, { algorithms: ["RS256"], issuer: this.issuer() });
        claims = result.payload as AccessClaims;
      } catch (error) {
        return { ok: false, reason: (error as { code?: string }).code === "ERR_JWT_EXPIRED" ? "expired" : "invalid" };
      }
      if (this.verified.size > 2000) this.verified.clear();
      this.verified.set(token, claims);
    }
    if (claims.exp * 1000 <= Date.now()) return { ok: false, reason: "expired" };
    return { ok: true, claims };
  }

  // ---- client authentication at the token endpoint ---------------------------------------------

  checkSecret(app: AppRecord, secret: string): void {
    if (!app.secrets.includes(secret)) {
      throw new TokenError(401, "invalid_client", 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`);
    }
  }

  /** A client assertion: certificate-signed (iss = sub = client id) or a federated token. */
  async checkAssertion(app: AppRecord, assertion: string, tokenEndpoints: readonly string[]): Promise<CredentialKind> {
    let payload: JWTPayload;
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      payload = decodeJwt(assertion);
      header = decodeProtectedHeader(assertion);
    } catch {
      throw new TokenError(400, "invalid_request", 50027, "JWT token is invalid or malformed.");
    }
    if (payload.iss === app.clientId && payload.sub === app.clientId) {
      await this.checkCertificateAssertion(app, assertion, header, tokenEndpoints);
      return "certificate";
    }
    await this.checkFederatedAssertion(app, assertion, payload);
    return "federated";
  }

  private thumbprints(pem: string): ReturnType<typeof certThumbprints> {
    let entry = this.certCache.get(pem);
    if (entry === undefined) {
      entry = certThumbprints(pem);
      this.certCache.set(pem, entry);
    }
    return entry;
  }

  private async checkCertificateAssertion(app: AppRecord, assertion: string, header: ReturnType<typeof decodeProtectedHeader>, tokenEndpoints: readonly string[]): Promise<void> {
    const x5t = header.x5t;
    const x5tS256 = header["x5t#S256"] as string | undefined;
    const cert = app.certificates.map((pem) => this.thumbprints(pem)).find((entry) => entry.sha1 === x5t || entry.sha256 === x5tS256);
    if (cert === undefined) {
      throw new TokenError(401, "invalid_client", 700027, `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${x5t ?? x5tS256 ?? ""}'.]`);
    }
    try {
      await jwtVerify(assertion, cert.key, { algorithms: ["RS256", "PS256"], audience: [...tokenEndpoints], clockTolerance: 300 });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "ERR_JWT_EXPIRED") throw new TokenError(401, "invalid_client", 700024, "Client assertion is not within its valid time range.");
      if (code === "ERR_JWT_CLAIM_VALIDATION_FAILED") throw new TokenError(401, "invalid_client", 50027, "JWT token is invalid or malformed: the client assertion's audience must be the token endpoint.");
      throw new TokenError(401, "invalid_client", 700027, "Client assertion failed signature validation.");
    }
  }

  private async checkFederatedAssertion(app: AppRecord, assertion: string, payload: JWTPayload): Promise<void> {
    const audiences = typeof payload.aud === "string" ? [payload.aud] : (payload.aud ?? []);
    const match = app.federated.find((credential) => credential.issuer === payload.iss && credential.subject === payload.sub && credential.audiences.some((audience) => audiences.includes(audience)));
    if (match === undefined) {
      throw new TokenError(400, "invalid_request", 70021, `No matching federated identity record found for presented assertion. Assertion Issuer: '${String(payload.iss)}'. Assertion Subject: '${String(payload.sub)}'. Assertion Audience: '${audiences.join(",")}'.`);
    }
    const issuer = this.tenant().federatedIssuers.find((candidate) => candidate.issuer === match.issuer);
    const key = issuer?.jwks !== undefined ? createLocalJWKSet(issuer.jwks as { keys: JWK[] }) : this.keys.federation.publicKey;
    try {
      await jwtVerify(assertion, key as Parameters<typeof jwtVerify>[1], { issuer: match.issuer, subject: match.subject });
    } catch (error) {
      if ((error as { code?: string }).code === "ERR_JWT_EXPIRED") throw new TokenError(400, "invalid_request", 700024, "Client assertion is not within its valid time range.");
      throw new TokenError(401, "invalid_client", 700027, "Client assertion failed signature validation.");
    }
  }

  /** Mints a federated token (like GitHub's OIDC token) signed by the emulator's federation key. */
  async mintFederatedToken(options: { issuer?: string; subject: string; audience?: string; lifetime?: number }): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: this.keys.federation.kid })
      .setIssuer(options.issuer ?? EMULATOR_FEDERATION_ISSUER)
      .setSubject(options.subject)
      .setAudience(options.audience ?? "api://AzureADTokenExchange")
      .setIssuedAt(now)
      .setExpirationTime(now + (options.lifetime ?? 600))
      .sign(this.keys.federation.privateKey);
  }
}
