/**
 * Fault and load modelling. Off by default. Every random choice is a pure function of
 * (seed, rule, request key, how many matching requests came before), so a run with the same seed
 * and the same requests per key misbehaves the same way whatever the interleaving across keys.
 *
 * Throttling follows Graph's documented answer (`concepts/throttling.md`): 429, `Retry-After` in
 * seconds and `{"error":{"code":"TooManyRequests","message":"Please retry again later."}}`; the
 * photo API's limit of 4 concurrent requests per mailbox (`throttling-limits.md`, Outlook service)
 * is modelled by `concurrencyPerUser`. Requests that come back before their Retry-After has passed
 * are counted as `earlyRetries` (and throttled again), so tests can prove a client waited.
 */
import { ResourceUnits, operationKind } from "./resource-units.js";
import type { SharePointBudget } from "./resource-units.js";

export type Service = "login" | "graph" | "sharepoint" | "admin";

export interface FaultMatch {
  service?: Service | "any";
  method?: string;
  /** Regular expression tested against the decoded path (and query). */
  path?: string;
  /** UPN or id (case-insensitive substring of the decoded path). */
  user?: string;
}

export interface FaultRule {
  match?: FaultMatch;
  /** Added latency: fixed + uniform jitter in [0, jitterMs). */
  latencyMs?: number;
  jitterMs?: number;
  /** Probability (0..1) of answering 429 TooManyRequests. */
  throttleRate?: number;
  retryAfterSeconds?: number;
  /** Probability of a 5xx (`errorStatus`, default 503). */
  errorRate?: number;
  errorStatus?: number;
  /** Probability of destroying the socket without an answer. */
  dropRate?: number;
  /** The first N matching requests (per rule and user) answer `errorStatus` (storms); then normal. */
  failFirst?: number;
  /** The first N matching requests (per rule and user) answer 429 with `retryAfterSeconds`. */
  throttleFirst?: number;
  /**
   * Service time of each matching $batch item (latencyMs is paid by whole requests only): with
   * Graph handing at most 4 photo items at a time to the photo service, a 20-item photo batch takes
   * about 5 x this (tenant.graph.batchPhotoConcurrency).
   */
  itemLatencyMs?: number;
  /** Send the answer body at this many bytes per second. */
  slowBodyBytesPerSecond?: number;
  /** Photo writes (Graph) and SPO uploads are accepted but something else is stored. */
  corruptWrites?: boolean;
  /** Also apply to each Graph $batch item (default true for throttle/error rules). */
  batchItems?: boolean;
}

export interface RateLimit {
  requests: number;
  windowSeconds: number;
  retryAfterSeconds?: number;
  /** Which service it counts (default: Graph and SharePoint). */
  service?: "graph" | "sharepoint";
}

export interface FaultConfig {
  seed?: number;
  rules?: FaultRule[];
  /** 429 when more than N requests for one user's photo are in flight (Graph: 4). */
  concurrencyPerUser?: number;
  /** 429 when an app sends more than `requests` within a fixed window of `windowSeconds`. */
  rateLimit?: RateLimit;
  /** 429 when an app sends more than `requests` for one user's photo within the window. */
  photoRateLimitPerUser?: RateLimit;
  /**
   * "documented": Graph's published limits as defaults (throttling-limits.md): 4 concurrent photo
   * requests per mailbox; 10,000 photo requests per 10 minutes per app per mailbox; and, as a
   * request-count stand-in for Entra ID's resource units, 3,500 Graph requests per 10 s per app
   * (the smallest tenant tier).
   */
  /**
   * "realistic": the documented limits, plus what a real tenant costs in time and budget
   * (docs/emulator.md): latency (Graph 150 ± 50 ms, SharePoint 200 ± 80 ms, sign-in 150 ± 50 ms,
   * uploads 200 ± 100 ms more), each photo item of a Graph $batch 60 ms of Outlook's time (4 at a
   * time), each SharePoint $batch part 10 ms (in order), Entra ID's request limit by tenant size,
   * and SharePoint's resource-unit budget (`sharePointBudget`, Microsoft's tier for the tenant's
   * users). Explicit settings win; `rules` are added to the preset's.
   */
  preset?: "documented" | "realistic";
  /** SharePoint's per-app resource-unit budget (resource-units.ts); off unless set or realistic. */
  sharePointBudget?: SharePointBudget;
}

/** Entra ID's limit per app per tenant per 10 s by tenant size (throttling-limits.md), as requests. */
function identityLimit(users: number): number {
  return users < 50 ? 3_500 : users <= 500 ? 5_000 : 8_000;
}

/** The realistic preset's latency and service time, before any rules of the caller's. */
const REALISTIC_RULES: FaultRule[] = [
  { match: { service: "graph" }, latencyMs: 100, jitterMs: 100 },
  { match: { service: "sharepoint" }, latencyMs: 120, jitterMs: 160 },
  { match: { service: "login" }, latencyMs: 100, jitterMs: 100 },
  { match: { service: "graph", method: "PUT", path: "/photo/\\$value" }, latencyMs: 150, jitterMs: 100 },
  { match: { service: "sharepoint", path: "addusingpath" }, latencyMs: 150, jitterMs: 100 },
  { match: { service: "graph", path: "/photos?\\b" }, itemLatencyMs: 60 },
  { match: { service: "sharepoint" }, itemLatencyMs: 10 },
];

/** Fills in the documented limits of a preset; explicit settings win. `users`: the tenant's. */
export function withPreset(config: FaultConfig, users = 0): FaultConfig {
  if (config.preset !== "documented" && config.preset !== "realistic") return config;
  const documented: FaultConfig = {
    ...config,
    concurrencyPerUser: config.concurrencyPerUser ?? 4,
    photoRateLimitPerUser: config.photoRateLimitPerUser ?? { requests: 10_000, windowSeconds: 600, retryAfterSeconds: 60, service: "graph" },
    rateLimit: config.rateLimit ?? { requests: config.preset === "realistic" ? identityLimit(users) : 3_500, windowSeconds: 10, retryAfterSeconds: 10, service: "graph" },
  };
  if (config.preset === "documented") return documented;
  return { ...documented, rules: [...REALISTIC_RULES, ...(config.rules ?? [])], sharePointBudget: config.sharePointBudget ?? {} };
}

export interface FaultDecision {
  delayMs: number;
  action?: { kind: "throttle"; retryAfter: number; reason: string } | { kind: "error"; status: number } | { kind: "drop" };
  slowBodyBytesPerSecond?: number;
  corruptWrites: boolean;
  /** Extra answer headers (SharePoint's RateLimit-* preview headers). */
  headers?: Record<string, string>;
}

export interface FaultRequest {
  service: Service;
  method: string;
  /** Decoded path + query. */
  target: string;
  /** Per-user key (a UPN or id found in the path), if any. */
  userKey?: string;
  /** The calling app (appid claim), if known. */
  app?: string;
  batchItem: boolean;
}

/** FNV-1a + mulberry32 step: a uniform number in [0, 1) from a string. */
export function unitHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  let t = (h + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function matches(rule: FaultRule, request: FaultRequest): boolean {
  const match = rule.match ?? {};
  if (match.service !== undefined && match.service !== "any" && match.service !== request.service) return false;
  if (request.service === "admin" && match.service !== "admin") return false;
  if (match.method !== undefined && match.method.toUpperCase() !== request.method.toUpperCase()) return false;
  if (match.path !== undefined && !new RegExp(match.path, "i").test(request.target)) return false;
  if (match.user !== undefined && !request.target.toLowerCase().includes(match.user.toLowerCase())) return false;
  return true;
}

export class Faults {
  private config: FaultConfig = {};
  private readonly counts = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly blockedUntil = new Map<string, number>();
  private budget: ResourceUnits | undefined;
  earlyRetries = 0;
  throttled = 0;

  constructor(
    config?: FaultConfig,
    /** The tenant's users (the realistic preset sizes its limits by them). */
    private readonly tenantUsers: () => number = () => 0,
  ) {
    if (config !== undefined) this.configure(config);
  }

  configure(config: FaultConfig): void {
    this.config = withPreset(structuredClone(config), this.tenantUsers());
    this.budget = this.config.sharePointBudget !== undefined ? new ResourceUnits(this.config.sharePointBudget, this.tenantUsers()) : undefined;
    this.counts.clear();
    this.windows.clear();
    this.blockedUntil.clear();
    this.earlyRetries = 0;
    this.throttled = 0;
  }

  current(): FaultConfig {
    return structuredClone(this.config);
  }

  get active(): boolean {
    return (
      (this.config.rules?.length ?? 0) > 0 ||
      this.config.concurrencyPerUser !== undefined ||
      this.config.rateLimit !== undefined ||
      this.config.photoRateLimitPerUser !== undefined ||
      this.budget !== undefined
    );
  }

  /** Starts the tally of units spent anew (the budget's windows run on, as SharePoint's do). */
  resetUsage(): void {
    this.budget?.used.clear();
    this.throttled = 0;
    this.earlyRetries = 0;
  }

  /** SharePoint's budget and what each app has spent of it (undefined: no budget configured). */
  budgetUse(): { perMinute: number; perDay: number; used: Record<string, number> } | undefined {
    if (this.budget === undefined) return undefined;
    return { perMinute: this.budget.perMinute, perDay: this.budget.perDay, used: Object.fromEntries(this.budget.used) };
  }

  private count(key: string): number {
    const n = this.counts.get(key) ?? 0;
    this.counts.set(key, n + 1);
    return n;
  }

  private throttleKey(request: FaultRequest): string {
    return `${request.app ?? "anonymous"}|${request.userKey ?? request.target}`;
  }

  /** Decides what happens to a request. Call `release` when it is answered. */
  decide(request: FaultRequest, now = Date.now()): FaultDecision {
    const decision: FaultDecision = { delayMs: 0, corruptWrites: false };
    if (!this.active) return decision;
    const seed = this.config.seed ?? 0;
    const key = this.throttleKey(request);
    const blocked = this.blockedUntil.get(key);
    if (blocked !== undefined && now < blocked) {
      this.earlyRetries += 1;
      this.throttled += 1;
      decision.action = { kind: "throttle", retryAfter: Math.max(1, Math.ceil((blocked - now) / 1000)), reason: "early retry" };
      return decision;
    }
    (this.config.rules ?? []).forEach((rule, index) => {
      if (!matches(rule, request)) return;
      if (request.batchItem && rule.batchItems === false) return;
      const n = this.count(`${index}|${request.userKey ?? request.target}`);
      const roll = (what: string): number => unitHash(`${seed}|${index}|${what}|${request.method}|${request.target}|${n}`);
      if (!request.batchItem) {
        decision.delayMs += (rule.latencyMs ?? 0) + (rule.jitterMs !== undefined ? Math.floor(roll("jitter") * rule.jitterMs) : 0);
        if (rule.slowBodyBytesPerSecond !== undefined) decision.slowBodyBytesPerSecond = rule.slowBodyBytesPerSecond;
      } else decision.delayMs += rule.itemLatencyMs ?? 0;
      if (rule.corruptWrites === true) decision.corruptWrites = true;
      if (decision.action !== undefined) return;
      if (rule.throttleFirst !== undefined && n < rule.throttleFirst) decision.action = { kind: "throttle", retryAfter: rule.retryAfterSeconds ?? 1, reason: "rule" };
      else if (rule.failFirst !== undefined && n < rule.failFirst) decision.action = { kind: "error", status: rule.errorStatus ?? 503 };
      else if (!request.batchItem && rule.dropRate !== undefined && roll("drop") < rule.dropRate) decision.action = { kind: "drop" };
      else if (rule.throttleRate !== undefined && roll("throttle") < rule.throttleRate) decision.action = { kind: "throttle", retryAfter: rule.retryAfterSeconds ?? 1, reason: "rule" };
      else if (rule.errorRate !== undefined && roll("error") < rule.errorRate) decision.action = { kind: "error", status: rule.errorStatus ?? 503 };
    });
    const isPhoto = /\/photos?\b/.test(request.target);
    if (decision.action === undefined && this.config.photoRateLimitPerUser !== undefined && isPhoto && request.userKey !== undefined) {
      decision.action = this.overLimit(`photo|${request.app ?? "anonymous"}|${request.userKey}`, this.config.photoRateLimitPerUser, request, now);
    }
    if (decision.action === undefined && this.config.rateLimit !== undefined) {
      decision.action = this.overLimit(`app|${request.app ?? "anonymous"}`, this.config.rateLimit, request, now);
    }
    // Every SharePoint operation spends units (a $batch envelope none: its parts are charged one by
    // one), throttled or not, as SharePoint counts them.
    if (this.budget !== undefined && request.service === "sharepoint" && !/\/_api\/\$batch$/i.test(request.target.split("?")[0]!)) {
      const charge = this.budget.charge(request.app ?? "anonymous", operationKind(request.method.toUpperCase(), request.target), now);
      if (charge.headers !== undefined) decision.headers = charge.headers;
      if (decision.action === undefined && charge.retryAfter !== undefined) decision.action = { kind: "throttle", retryAfter: charge.retryAfter, reason: `budget (${charge.exhausted})` };
    }
    if (decision.action === undefined && this.config.concurrencyPerUser !== undefined && request.userKey !== undefined && isPhoto) {
      const flight = this.inFlight.get(request.userKey) ?? 0;
      if (flight >= this.config.concurrencyPerUser) decision.action = { kind: "throttle", retryAfter: 1, reason: "concurrency" };
    }
    if (decision.action?.kind === "throttle") {
      this.throttled += 1;
      this.blockedUntil.set(key, now + decision.action.retryAfter * 1000);
    }
    return decision;
  }

  /**
   * Whether a write is to be stored as something else. `names` are what identifies the target:
   * a user's UPN and id (Graph) or a file's server-relative path (SharePoint; a UPN in
   * `match.user` also matches its thumbnail name, "a.b@c.com" → "a_b_c_com").
   */
  corrupts(service: Service, names: readonly string[]): boolean {
    return (this.config.rules ?? []).some((rule) => {
      if (rule.corruptWrites !== true) return false;
      const match = rule.match ?? {};
      if (match.service !== undefined && match.service !== "any" && match.service !== service) return false;
      if (match.user === undefined) return true;
      const wanted = match.user.toLowerCase();
      const asFileName = wanted.replace(/[@.]/g, "_");
      return names.some((name) => name.toLowerCase().includes(wanted) || name.toLowerCase().includes(asFileName));
    });
  }

  /** Fixed-window counting (cheap at 10,000 users); undefined while under the limit. */
  private overLimit(key: string, limit: RateLimit, request: FaultRequest, now: number): FaultDecision["action"] {
    if (request.service !== "graph" && request.service !== "sharepoint") return undefined;
    if (limit.service !== undefined && limit.service !== request.service) return undefined;
    let window = this.windows.get(key);
    if (window === undefined || now - window.start >= limit.windowSeconds * 1000) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    if (window.count >= limit.requests) {
      const left = Math.ceil((window.start + limit.windowSeconds * 1000 - now) / 1000);
      return { kind: "throttle", retryAfter: limit.retryAfterSeconds ?? Math.max(1, left), reason: "rate" };
    }
    window.count += 1;
    return undefined;
  }

  /** Marks a request for a user's photo as in flight (concurrency limit). */
  enter(request: FaultRequest): () => void {
    if (this.config.concurrencyPerUser === undefined || request.userKey === undefined) return () => undefined;
    const key = request.userKey;
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    return () => {
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left <= 0) this.inFlight.delete(key);
      else this.inFlight.set(key, left);
    };
  }
}
