/**
 * startEmulator: the whole emulator in this process. Each role of the real service runs on its own
 * loopback HTTPS port, because fake host names cannot be resolved on loopback while the real URL
 * paths (e.g. SharePoint's "/User Photos/Profile Pictures") must stay intact:
 *   base+0 login (authority), base+1 Graph, base+2 My Site host, base+3 admin site, base+4 admin API.
 * With port 0 (the default) every role gets a free port.
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import sharp from "sharp";
import { handleAdmin } from "./admin.js";
import { GRAPH_RESOURCE, TokenService, loadOrCreateSigningKeys } from "./auth.js";
import { BlobStore } from "./blobs.js";
import type { EmulatorApp, EmulatorCore, EmulatorEndpoints } from "./core.js";
import { Counters } from "./counters.js";
import { DEMO_TENANT_YAML } from "./demo-tenant.js";
import { Faults, type FaultConfig, type FaultDecision, type FaultRequest, type Service } from "./faults.js";
import { parseFixture, readFixture, seedState, type Fixture, type FixtureApp } from "./fixture.js";
import { handleGraph, type GraphContext } from "./graph/router.js";
import { graphError } from "./graph/common.js";
import type { EmuRequest, EmuResponse, Role } from "./http.js";
import { json } from "./http.js";
import { handleLogin, type LoginContext } from "./login.js";
import { MAX_REQUEST_BYTES, type TenantState } from "./model.js";
import { StateWriter, blobDir, loadState, saveState } from "./persistence.js";
import { handleSharePoint, type SharePointContext } from "./sharepoint/router.js";
import { SpoFailure, spoError } from "./sharepoint/odata.js";
import { Tenant } from "./state.js";
import { createClientCertificate, prepareTls } from "./tls.js";

export interface EmulatorOptions {
  /** A fixture object, a path to a fixture YAML file, or undefined for the demo tenant. */
  fixture?: Fixture | string;
  /** Directory photo files of the fixture are relative to (default: the fixture file's, or cwd). */
  fixtureBaseDir?: string;
  /** Directory for state.json, blobs/ and tls/. Without it the tenant lives in memory only. */
  statePath?: string;
  /** Discard saved state and seed from the fixture again. */
  reset?: boolean;
  /** Where the CA, keys and app certificates live (default: {statePath}/tls, else memory). */
  tlsDir?: string;
  /** First of five consecutive ports (0: any free ports). */
  port?: number;
  /** Loopback address to listen on (default 127.0.0.1). */
  host?: string;
  faults?: FaultConfig;
  /** Seed for fault decisions (overrides faults.seed). */
  seed?: number;
  /** Lifetime of issued access tokens, seconds (default 3599). */
  tokenLifetimeSeconds?: number;
  /**
   * Replaces the fixture's `tenant.propagation` when seeding: for tests that are not about
   * read-after-write propagation and should not wait for it (the fidelity tests set it themselves).
   */
  propagation?: { graphSeconds?: number; sharepointSeconds?: number };
}

export interface RunningEmulator {
  endpoints: EmulatorEndpoints;
  /** In-process access for tests: the tenant model, faults and counters. */
  core: EmulatorCore;
  admin: {
    /** Counters by endpoint (same as GET /admin/counters). */
    counters(): ReturnType<Counters["snapshot"]>;
    resetCounters(): void;
    setFaults(config: FaultConfig): void;
    /** "The user views their profile": SharePoint's own sync copies their Graph photo (Tenant.viewProfile). */
    syncSpo(upnOrId: string): Promise<string>;
  };
  /** Writes pending state to disk. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

const ROLES: Role[] = ["login", "graph", "mysite", "adminsite", "admin"];

function serviceOf(role: Role): Service {
  if (role === "mysite" || role === "adminsite") return "sharepoint";
  return role;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error("request body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolvePromise(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function appOf(headers: Record<string, string>): string | undefined {
  const token = /^Bearer\s+(\S+)/i.exec(headers.authorization ?? "")?.[1];
  const payload = token?.split(".")[1];
  if (payload === undefined) return undefined;
  try {
    return (JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { appid?: string }).appid;
  } catch {
    return undefined;
  }
}

function userKeyOf(service: Service, url: URL): string | undefined {
  if (service === "graph") {
    const match = /\/users\/([^/?]+)/i.exec(url.pathname);
    return match?.[1] === undefined ? undefined : decodeURIComponent(match[1]).toLowerCase();
  }
  if (service === "sharepoint") {
    const alias = url.searchParams.get("@v");
    if (alias !== null) return alias.replace(/^'|'$/g, "").replace(/^i:0#\.f\|membership\|/i, "").toLowerCase();
    const file = /decodedurl='([^']*)'/i.exec(decodeURIComponent(url.pathname));
    return file?.[1]?.toLowerCase();
  }
  return undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

function faultResponse(service: Service, request: EmuRequest, action: NonNullable<FaultDecision["action"]>): EmuResponse | undefined {
  if (action.kind === "drop") return undefined;
  if (action.kind === "throttle") {
    const retry = { "retry-after": String(action.retryAfter) };
    if (service === "graph") return graphError(request, 429, "TooManyRequests", "Please retry again later.", retry);
    if (service === "sharepoint") {
      const response = spoError(request, new SpoFailure(429, "-2147024860, Microsoft.SharePoint.SPQueryThrottledException", "The request has been throttled. Please retry after the interval given in Retry-After."));
      return { ...response, headers: { ...response.headers, ...retry } };
    }
    return json(429, { error: "temporarily_unavailable", error_description: "AADSTS50196: The server terminated an operation because it encountered a client request loop." }, retry);
  }
  const status = action.status;
  if (service === "graph") {
    if (status === 503) return graphError(request, 503, "serviceNotAvailable", "The service is temporarily unavailable for maintenance or is overloaded. You may repeat the request after a delay, which may be specified in a Retry-After header.");
    if (status === 504) return graphError(request, 504, "UnknownError", "");
    // Exchange's answer to an app the mailbox refuses (a missing permission or an application access policy).
    if (status === 403) return graphError(request, 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
    return graphError(request, status, "generalException", "An unspecified error has occurred.");
  }
  if (service === "sharepoint") return spoError(request, new SpoFailure(status, "-2146232832, Microsoft.SharePoint.SPException", "The server is temporarily unavailable."));
  return json(status, { error: "temporarily_unavailable", error_description: "AADSTS90033: A transient error has occurred. Please try again." });
}

async function writeResponse(res: ServerResponse, response: EmuResponse, slowBytesPerSecond: number | undefined): Promise<number> {
  const body = response.body === undefined ? Buffer.alloc(0) : typeof response.body === "string" ? Buffer.from(response.body) : response.body;
  res.writeHead(response.status, { ...response.headers, "content-length": String(body.length) });
  if (slowBytesPerSecond === undefined || body.length === 0) {
    res.end(body);
    return body.length;
  }
  // A slow body: chunks every 100 ms at the configured rate.
  const chunk = Math.max(1, Math.floor(slowBytesPerSecond / 10));
  for (let offset = 0; offset < body.length; offset += chunk) {
    if (res.destroyed) return offset;
    res.write(body.subarray(offset, offset + chunk));
    await sleep(100);
  }
  res.end();
  return body.length;
}

async function appCertificate(tlsDir: string | undefined, app: FixtureApp): Promise<{ certPem: string; keyAndCertPem: string }> {
  const file = tlsDir === undefined ? undefined : join(tlsDir, "apps", `${app.clientId}.pem`);
  if (file !== undefined && existsSync(file)) {
    const keyAndCertPem = await readFile(file, "utf8");
    const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/.exec(keyAndCertPem)?.[0];
    if (cert !== undefined) return { certPem: cert, keyAndCertPem };
  }
  const created = await createClientCertificate(app.displayName ?? app.clientId);
  if (file !== undefined && tlsDir !== undefined) {
    await mkdir(join(tlsDir, "apps"), { recursive: true });
    await writeFile(file, created.keyAndCertPem, { mode: 0o600 });
  }
  return created;
}

/** Starts the emulator in this process. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const dataDir = options.statePath === undefined ? undefined : resolve(options.statePath);
  const tlsDir = options.tlsDir !== undefined ? resolve(options.tlsDir) : dataDir === undefined ? undefined : join(dataDir, "tls");
  const host = options.host ?? "127.0.0.1";
  const [tls, keys] = await Promise.all([prepareTls(tlsDir), loadOrCreateSigningKeys(tlsDir)]);
  const blobs = new BlobStore(dataDir === undefined ? undefined : blobDir(dataDir));

  const fixtureBaseDir = options.fixtureBaseDir ?? (typeof options.fixture === "string" ? resolve(options.fixture, "..") : process.cwd());
  const fixtureAsGiven = async (): Promise<Fixture> =>
    options.fixture === undefined ? parseFixture(DEMO_TENANT_YAML) : typeof options.fixture === "string" ? readFixture(options.fixture) : options.fixture;
  const loadFixture = async (): Promise<Fixture> => {
    const given = await fixtureAsGiven();
    return options.propagation === undefined ? given : { ...given, tenant: { ...given.tenant, propagation: options.propagation } };
  };
  const generated = new Map<string, { certPem: string; keyAndCertPem: string }>();
  const certificate = async (app: FixtureApp): Promise<string> => {
    const made = await appCertificate(tlsDir, app);
    generated.set(app.clientId, made);
    return made.certPem;
  };
  const fixture = await loadFixture();
  const seed = async (): Promise<TenantState> => seedState(await loadFixture(), blobs, { baseDir: fixtureBaseDir, certificate });

  let state = dataDir !== undefined && options.reset !== true ? await loadState(dataDir) : undefined;
  const fresh = state === undefined;
  state ??= await seed();
  if (!fresh) {
    // Generated app keys are not part of the state: reload them for the endpoints' app list.
    for (const app of fixture.apps ?? []) if (app.certificates?.includes("generate") === true) await certificate(app);
  }

  let writer: StateWriter | undefined;
  const counters = new Counters();
  const live: { tenant: Tenant } = { tenant: new Tenant(state, blobs, () => writer?.schedule()) };
  const faults = new Faults({ ...options.faults, ...(options.seed !== undefined ? { seed: options.seed } : {}) }, () => live.tenant.users().length);
  const tokens = new TokenService(keys, () => live.tenant.config, options.tokenLifetimeSeconds);
  if (dataDir !== undefined) {
    writer = new StateWriter(dataDir, () => live.tenant.state);
    if (fresh) await saveState(dataDir, state);
  }

  // Listen first: URLs are needed by the handlers.
  const servers = new Map<Role, Server>();
  const origins = new Map<Role, string>();
  const handlers = new Map<Role, (request: EmuRequest) => Promise<EmuResponse>>();
  for (const [index, role] of ROLES.entries()) {
    const server = createServer({ cert: tls.certPem, key: tls.keyPem, keepAliveTimeout: 30_000 }, (req, res) => {
      void handle(role, req, res);
    });
    await new Promise<void>((done, fail) => {
      server.once("error", fail);
      server.listen(options.port === undefined || options.port === 0 ? 0 : options.port + index, host, () => done());
    });
    servers.set(role, server);
    const port = (server.address() as AddressInfo).port;
    origins.set(role, `https://${host.includes(":") ? `[${host}]` : host}:${port}`);
  }
  const origin = (role: Role): string => origins.get(role) as string;

  const appsView = (): EmulatorApp[] =>
    live.tenant.config.apps.map((app) => {
      const made = generated.get(app.clientId);
      const view: EmulatorApp = {
        clientId: app.clientId,
        displayName: app.displayName,
        federatedSubjects: app.federated.map(({ issuer, subject }) => ({ issuer, subject })),
        roles: app.roles,
      };
      if (app.secrets[0] !== undefined) view.secret = app.secrets[0];
      if (made !== undefined) {
        view.certificatePem = made.keyAndCertPem;
        if (tlsDir !== undefined) view.certificatePath = join(tlsDir, "apps", `${app.clientId}.pem`);
      }
      return view;
    });
  const config = live.tenant.config;
  const endpoints: EmulatorEndpoints = {
    tenantId: config.tenantId,
    tenantDomain: config.domain,
    authorityHost: origin("login"),
    graphBaseUrl: origin("graph"),
    graphCustomHosts: [host],
    graphScope: `${GRAPH_RESOURCE}/.default`,
    mySiteUrl: origin("mysite"),
    adminSiteUrl: origin("adminsite"),
    sharePointScope: `https://${config.name}.sharepoint.com/.default`,
    mySiteScope: `https://${config.name}-my.sharepoint.com/.default`,
    adminScope: `https://${config.name}-admin.sharepoint.com/.default`,
    sharePointHosts: { mySite: `${config.name}-my.sharepoint.com`, admin: `${config.name}-admin.sharepoint.com`, root: `${config.name}.sharepoint.com` },
    adminApiUrl: `${origin("admin")}/admin`,
    caCertPem: tls.caCertPem,
    ...(tls.caFile !== undefined ? { caFile: tls.caFile } : {}),
    apps: appsView(),
  };

  const core: EmulatorCore = {
    get tenant() {
      return live.tenant;
    },
    tokens,
    faults,
    counters,
    endpoints,
    async reset() {
      const seeded = await seed();
      live.tenant = new Tenant(seeded, blobs, () => writer?.schedule());
      endpoints.apps = appsView();
      faults.configure({});
      counters.reset();
      writer?.schedule();
    },
  };

  const aliases = new Map<string, string>([
    [origin("graph").toLowerCase(), GRAPH_RESOURCE],
    [origin("mysite").toLowerCase(), `https://${config.name}-my.sharepoint.com`],
    [origin("adminsite").toLowerCase(), `https://${config.name}-admin.sharepoint.com`],
  ]);
  const loginContext: LoginContext = {
    get tenant() {
      return core.tenant;
    },
    tokens,
    authorityHost: origin("login"),
    aliases,
  };
  const corrupt = async (photo: { bytes: Buffer; width: number; height: number }): Promise<{ bytes: Buffer; width: number; height: number }> => ({
    ...photo,
    bytes: await sharp(photo.bytes).negate({ alpha: false }).jpeg({ quality: 85 }).toBuffer(),
  });
  /** One item of a Graph or SharePoint $batch: its own faults (e.g. a per-item 429) and counters. */
  async function runBatchItem(service: "graph" | "sharepoint", item: EmuRequest, run: (request: EmuRequest) => Promise<EmuResponse>): Promise<EmuResponse> {
    let response: EmuResponse | undefined;
    if (faults.active) {
      const request: FaultRequest = { service, method: item.method, target: decodeURIComponent(item.url.pathname + item.url.search), batchItem: true };
      const userKey = userKeyOf(service, item.url);
      if (userKey !== undefined) request.userKey = userKey;
      const app = appOf(item.headers);
      if (app !== undefined) request.app = app;
      const decision = faults.decide(request);
      // An item's own service time (itemLatencyMs): paid inside the batch's concurrency limit.
      if (decision.delayMs > 0) await sleep(decision.delayMs);
      if (decision.action !== undefined) response = faultResponse(service, item, decision.action);
      response ??= await run(item);
      if (decision.headers !== undefined) response = { ...response, headers: { ...response.headers, ...decision.headers } };
    }
    response ??= await run(item);
    const size = response.body === undefined ? 0 : typeof response.body === "string" ? Buffer.byteLength(response.body) : response.body.length;
    counters.record({ time: Date.now(), service, method: item.method, path: item.url.pathname + item.url.search, status: response.status, bytesSent: size, batchItem: true }, item.body.length);
    return response;
  }

  const graphContext: GraphContext = {
    get tenant() {
      return core.tenant;
    },
    tokens,
    graphBaseUrl: origin("graph"),
    corruptWrite: (_store, user) => faults.corrupts("graph", [user.userPrincipalName, user.id]),
    corrupt,
    batchItem: (item, run) => runBatchItem("graph", item, run),
    onBatchPhotoItems: (running) => counters.notePhotoItems(running),
  };
  const spoContext: SharePointContext = {
    get tenant() {
      return core.tenant;
    },
    tokens,
    mySiteUrl: origin("mysite"),
    adminSiteUrl: origin("adminsite"),
    async corruptUpload(path, bytes) {
      if (!faults.corrupts("sharepoint", [path])) return undefined;
      try {
        return await sharp(bytes).negate({ alpha: false }).jpeg({ quality: 85 }).toBuffer();
      } catch {
        return Buffer.from(bytes).reverse();
      }
    },
    batchItem: (item, run) => runBatchItem("sharepoint", item, run),
  };
  handlers.set("login", (request) => handleLogin(request, loginContext));
  // Graph refuses any body above 4 MB before looking at it, a $batch envelope included (m365-facts).
  handlers.set("graph", async (request) =>
    request.body.length > MAX_REQUEST_BYTES
      ? graphError(request, 413, "RequestEntityTooLarge", `The request body is ${request.body.length} bytes; the maximum is ${MAX_REQUEST_BYTES} bytes (4 MB) per request, a $batch included.`)
      : handleGraph(request, graphContext),
  );
  handlers.set("mysite", (request) => handleSharePoint(request, spoContext, "mysite"));
  handlers.set("adminsite", (request) => handleSharePoint(request, spoContext, "adminsite"));
  handlers.set("admin", (request) => handleAdmin(request, core));

  async function handle(role: Role, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const service = serviceOf(role);
    const started = Date.now();
    let request: EmuRequest | undefined;
    try {
      const body = await readBody(req, 128 * 1024 * 1024);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
      request = { method: (req.method ?? "GET").toUpperCase(), url: new URL(req.url ?? "/", origin(role)), headers, body, via: "http" };
      if (role !== "admin") {
        counters.noteUserAgent(service, headers["user-agent"]);
        counters.noteThrottlePriority(service, headers["x-ms-throttle-priority"]);
      }
      let decision: FaultDecision = { delayMs: 0, corruptWrites: false };
      let leave = (): void => undefined;
      if (faults.active) {
        const faultRequest: FaultRequest = { service, method: request.method, target: decodeURIComponent(request.url.pathname + request.url.search), batchItem: false };
        const userKey = userKeyOf(service, request.url);
        if (userKey !== undefined) faultRequest.userKey = userKey;
        const app = appOf(headers);
        if (app !== undefined) faultRequest.app = app;
        decision = faults.decide(faultRequest);
        leave = faults.enter(faultRequest);
      }
      try {
        if (decision.delayMs > 0) await sleep(decision.delayMs);
        let response: EmuResponse | undefined;
        if (decision.action !== undefined) {
          response = faultResponse(service, request, decision.action);
          if (response === undefined) {
            counters.record({ time: started, service, method: request.method, path: request.url.pathname + request.url.search, status: 0, bytesSent: 0, batchItem: false }, body.length);
            req.socket.destroy();
            return;
          }
        } else {
          response = await (handlers.get(role) as (request: EmuRequest) => Promise<EmuResponse>)(request);
        }
        if (decision.headers !== undefined) response = { ...response, headers: { ...response.headers, ...decision.headers } };
        const sent = await writeResponse(res, response, decision.slowBodyBytesPerSecond);
        counters.record({ time: started, service, method: request.method, path: request.url.pathname + request.url.search, status: response.status, bytesSent: sent, batchItem: false }, body.length);
      } finally {
        leave();
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: "generalException", message: `emulator error: ${message}`, innerError: { "request-id": randomUUID() } } }));
      } else res.destroy();
      counters.record({ time: started, service, method: request?.method ?? "?", path: request?.url.pathname ?? "?", status: 500, bytesSent: 0, batchItem: false }, 0);
    }
  }

  return {
    endpoints,
    core,
    admin: {
      counters: () => counters.snapshot(),
      resetCounters: () => counters.reset(),
      setFaults: (configuration) => faults.configure(configuration),
      async syncSpo(upnOrId) {
        const user = core.tenant.findUser(upnOrId);
        if (user === undefined) throw new Error(`no user ${upnOrId}`);
        return core.tenant.viewProfile(user);
      },
    },
    flush: async () => writer?.flush(),
    async close() {
      await Promise.all(
        [...servers.values()].map(
          (server) =>
            new Promise<void>((done) => {
              server.close(() => done());
              server.closeAllConnections();
            }),
        ),
      );
      await writer?.flush();
    },
  };
}
