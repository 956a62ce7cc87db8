/**
 * HTTP plumbing shared by every client photosync builds (Graph, SharePoint, Entra sign-in), with
 * one job: trust an extra certificate authority without ever turning TLS verification off.
 *
 * The extra CA is the emulator's local CA in tests and demos, or a corporate TLS-inspecting proxy's
 * private CA in real tenants. It is added to Node's bundled public roots, never instead of them.
 *
 * Everything goes through undici 7's own `fetch` with an undici 7 `Agent`: mixing an undici 7
 * dispatcher with Node 20's bundled global fetch (an older undici) is fragile, so we never do it.
 *
 * Three adapters plug that fetch into the three client libraries:
 * - `azureHttpClient(fetch)`: the `httpClient` option of @azure/identity credentials;
 * - `graphFetchMiddleware(authProvider, fetch)`: a middleware chain for
 *   `Client.initWithMiddleware({ middleware, customHosts })` of @microsoft/microsoft-graph-client v3,
 *   whose default last handler calls the global fetch;
 * - `pnpFetch(fetch)`: a PnPjs behaviour replacing the `send` moment (SPBrowser's
 *   BrowserFetchWithRetry also calls the global fetch).
 */
import { createSecureContext, rootCertificates } from "node:tls";
import { Agent, Headers, fetch as undiciFetch } from "undici";
import type { Dispatcher, RequestInit as UndiciRequestInit, Response as UndiciResponse } from "undici";
import type { TokenCredentialOptions } from "@azure/identity";
import type { AuthenticationProvider, Context, Middleware } from "@microsoft/microsoft-graph-client";
import { AuthenticationHandler, RedirectHandler, RedirectHandlerOptions, TelemetryHandler } from "@microsoft/microsoft-graph-client";
import type { Queryable } from "@pnp/queryable";
import { ServiceBackoff, realClock } from "./backoff.js";
import type { Clock } from "./backoff.js";
import { ServicePacing, budgetLow, requestKind } from "./pacing.js";
import { LearnedBudget, operationsIn } from "./budget.js";
import { isRetryable, retryAfterSeconds } from "./errors.js";

/** The fetch every photosync client uses: undici 7's, bound to a dispatcher that trusts our CAs. */
export type TrustedFetch = (input: string | URL, init?: UndiciRequestInit) => Promise<UndiciResponse>;

export interface TrustOptions {
  /** Extra CA certificate(s), PEM. Added to Node's public roots. */
  caPem?: string | readonly string[];
  /** Keep-alive connections per origin (default: unlimited, as undici). */
  connections?: number;
  /**
   * The service a URL belongs to ("graph", "sharepoint"), for the shared back-off: requests to a
   * service wait while it has asked for quiet. Undefined: no back-off for that URL.
   */
  serviceOf?: (url: URL) => string | undefined;
  /** How every request through this agent is retried (default DEFAULT_RETRY_POLICY). */
  retry?: RetryPolicy;
  /**
   * Sent as User-Agent on every request to a service `serviceOf` names (Graph, SharePoint): the
   * decorated `NONISV|photosync|photosync/<version>` (user-agent.ts), which the services throttle last.
   */
  userAgent?: string;
  /** `x-ms-throttle-priority` on Graph requests: "low" marks background traffic (the scheduled drift check). */
  graphPriority?: "low";
  /** The time the back-off waits by and the budget counts minutes in (default: the real one; tests pass their own). */
  clock?: Clock;
}

export interface TrustedHttp {
  fetch: TrustedFetch;
  /**
   * A plain GET on the same agent and back-off as `fetch`, without fetch's web streams: for bytes
   * downloaded by the thousand (download.ts), where the streams cost more than the bytes.
   */
  get(url: string, headers: Record<string, string>): Promise<Dispatcher.ResponseData>;
  dispatcher: Dispatcher;
  /** The services' Retry-After windows, noted by `fetch` and by batch readers for their items. */
  backoff: ServiceBackoff;
  /** How many requests each service gets at once, adapted to its answers (pacing.ts). */
  pacing: ServicePacing;
  /** The operations a minute of SharePoint may take, learned from its 429s (budget.ts). */
  sharePointBudget: LearnedBudget;
  /** The one retry policy for every request of the session: PnPjs, downloads and batch items. */
  retry: RetryPolicy;
  /** Closes pooled connections (tests and short-lived CLI runs). */
  close(): Promise<void>;
}

/** What pacing and back-off need of an answer, whichever client got it. */
interface AnswerView {
  status: number;
  header(name: string): string | null;
}

/** Builds the trusted fetch. Without `caPem` it is a plain fetch with Node's public roots. */
export function createTrustedHttp(options: TrustOptions = {}): TrustedHttp {
  const extra = options.caPem === undefined ? [] : typeof options.caPem === "string" ? [options.caPem] : [...options.caPem];
  // One secure context for every connection: given `ca`, each TLS connection would parse the
  // public roots again (tens of milliseconds of CPU per connection).
  const agent = new Agent({
    connect: extra.length > 0 ? { secureContext: createSecureContext({ ca: [...rootCertificates, ...extra] }) } : {},
    ...(options.connections !== undefined ? { connections: options.connections } : {}),
  });
  const pacing = new ServicePacing();
  // Only SharePoint meters by the minute; Graph's limits are per few seconds and its Retry-After is enough.
  const clock = options.clock ?? realClock;
  const sharePointBudget = new LearnedBudget(clock);
  const budgetOf = (service: string): LearnedBudget | undefined => (service === "sharepoint" ? sharePointBudget : undefined);
  // A throttled $batch part (noted by the batch readers) slows its service down like a 429.
  const backoff = new ServiceBackoff(clock, (service, seconds, operations) => {
    pacing.of(service).throttled();
    budgetOf(service)?.throttled(seconds, operations);
  });
  const serviceOf = options.serviceOf;
  /**
   * Sends once the URL's service allows it (its Retry-After window is over, its pacing has room
   * and its minute's budget has `operations` left), notes the quiet a 429 or 503 asks for, and
   * tells the pacing how the answer went.
   */
  async function withBackoff<A>(url: URL, method: string, operations: number, send: () => Promise<A>, view: (answer: A) => AnswerView, body?: string): Promise<A> {
    const service = serviceOf?.(url);
    if (service === undefined) return send();
    const limit = pacing.of(service);
    await backoff.ready(service);
    // Before a place in the pacing: a request held for the next minute must not block the others.
    await budgetOf(service)?.take(operations);
    await limit.acquire();
    const kind = requestKind(method, url, body);
    const started = performance.now();
    let answer: A;
    try {
      // Another answer may have asked for quiet while this one waited for room.
      await backoff.ready(service);
      answer = await send();
    } catch (error) {
      limit.release({ kind, latencyMs: performance.now() - started, throttled: false });
      throw error;
    }
    const { status, header } = view(answer);
    const throttled = status === 429 || status === 503;
    if (throttled) {
      const seconds = retryAfterSeconds(header("retry-after"));
      if (seconds !== undefined) backoff.note(service, seconds, operations);
    } else {
      // SharePoint's preview header, near the minute's limit: when that minute ends.
      const reset = header("ratelimit-reset");
      if (reset !== null && /^\d+$/.test(reset.trim())) budgetOf(service)?.resets(Number(reset));
    }
    limit.release({ kind, latencyMs: performance.now() - started, throttled, budgetLow: budgetLow(header("ratelimit-limit"), header("ratelimit-remaining")) });
    return answer;
  }
  /** The headers this session adds for a URL's service (User-Agent, throttle priority). */
  const decoration = (url: URL): Record<string, string> => {
    const service = serviceOf?.(url);
    if (service === undefined) return {};
    return {
      ...(options.userAgent !== undefined ? { "user-agent": options.userAgent } : {}),
      ...(options.graphPriority !== undefined && service === "graph" ? { "x-ms-throttle-priority": options.graphPriority } : {}),
    };
  };
  const decorate = (url: URL, init: UndiciRequestInit | undefined): UndiciRequestInit | undefined => {
    const extra = Object.entries(decoration(url));
    if (extra.length === 0) return init;
    // The clients pass headers as a record or a Headers object; both are read the same way here.
    const headers = new Headers(init?.headers as ConstructorParameters<typeof Headers>[0]);
    for (const [name, value] of extra) headers.set(name, value);
    return { ...init, headers };
  };
  // Only a request with a text body can be a $batch of many operations.
  const textBody = (init: UndiciRequestInit | undefined): string | undefined => (typeof init?.body === "string" ? init.body : undefined);
  const operationsOf = (init: UndiciRequestInit | undefined, body: string | undefined): number =>
    body === undefined ? 1 : operationsIn(new Headers(init?.headers as ConstructorParameters<typeof Headers>[0]).get("content-type"), body);
  const trusted: TrustedFetch = (input, init) => {
    const url = new URL(input);
    const body = textBody(init);
    return withBackoff(
      url,
      init?.method ?? "GET",
      operationsOf(init, body),
      () => undiciFetch(input, { ...decorate(url, init), dispatcher: agent }),
      (response) => ({ status: response.status, header: (name) => response.headers.get(name) }),
      body,
    );
  };
  const get = (url: string, headers: Record<string, string>): Promise<Dispatcher.ResponseData> => {
    const target = new URL(url);
    return withBackoff(
      target,
      "GET",
      1,
      () => agent.request({ origin: target.origin, path: `${target.pathname}${target.search}`, method: "GET", headers: { ...headers, ...decoration(target) } }),
      (answer) => ({ status: answer.statusCode, header: (name) => headerValue(answer.headers[name]) }),
    );
  };
  return { fetch: trusted, get, dispatcher: agent, backoff, pacing, sharePointBudget, retry: options.retry ?? DEFAULT_RETRY_POLICY, close: () => agent.close() };
}

/** A header's value as one string (undici gives repeated headers as an array). */
export function headerValue(value: string | string[] | undefined): string | null {
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

/**
 * How requests are retried, the same for Graph, SharePoint and downloads: tuned in one place (the
 * session, from PHOTOSYNC_RETRY_ATTEMPTS and PHOTOSYNC_RETRY_BACKOFF_MS).
 */
export interface RetryPolicy {
  /** Tries in all, the first included (1: no retry). */
  maxAttempts: number;
  /** Wait before the first retry when the answer has no Retry-After, in ms; doubles each time. */
  backoffMs: number;
}

/** Five tries, 1 s doubling: the README's PHOTOSYNC_RETRY_* defaults. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, backoffMs: 1000 };

/** An answer as sendWithRetries sees it. */
export interface RetryView {
  status: number;
  retryAfter: string | null;
  /** Frees the answer that will not be used (its body). */
  discard(): Promise<void>;
}

/**
 * Sends until the answer is not retryable (errors.ts isRetryable), or the tries run out (the last
 * answer is returned as it is): waits as Retry-After says (seconds or an HTTP date), else
 * `backoffMs`, doubling each time. A transport error is retried the same way, except an abort.
 */
export async function sendWithRetries<A>(send: () => Promise<A>, view: (answer: A) => RetryView, policy: RetryPolicy): Promise<A> {
  let wait = policy.backoffMs;
  for (let attempt = 1; ; attempt++) {
    let answer: A | undefined;
    try {
      answer = await send();
    } catch (error) {
      if (attempt >= policy.maxAttempts || (error instanceof Error && error.name === "AbortError")) throw error;
    }
    if (answer !== undefined) {
      const seen = view(answer);
      if (!isRetryable(seen.status) || attempt >= policy.maxAttempts) return answer;
      const seconds = retryAfterSeconds(seen.retryAfter);
      if (seconds !== undefined) wait = seconds * 1000;
      await seen.discard();
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
    wait *= 2;
  }
}

// ---------------------------------------------------------------------------------------------
// @azure/identity: an HttpClient (the @azure/core-rest-pipeline interface) over the trusted fetch.

type AzureHttpClient = NonNullable<TokenCredentialOptions["httpClient"]>;
type PipelineRequest = Parameters<AzureHttpClient["sendRequest"]>[0];
type PipelineResponse = Awaited<ReturnType<AzureHttpClient["sendRequest"]>>;
type HttpHeaders = PipelineResponse["headers"];

/** A case-insensitive header bag implementing core-rest-pipeline's HttpHeaders. */
class SimpleHeaders implements HttpHeaders {
  private readonly map = new Map<string, { name: string; value: string }>();
  get(name: string): string | undefined {
    return this.map.get(name.toLowerCase())?.value;
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  set(name: string, value: string | number | boolean): void {
    this.map.set(name.toLowerCase(), { name, value: String(value) });
  }
  delete(name: string): void {
    this.map.delete(name.toLowerCase());
  }
  toJSON(options?: { preserveCase?: boolean }): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, entry] of this.map) out[options?.preserveCase === true ? entry.name : key] = entry.value;
    return out;
  }
  *[Symbol.iterator](): Iterator<[string, string]> {
    for (const [key, entry] of this.map) yield [key, entry.value];
  }
}

function requestBody(request: PipelineRequest): UndiciRequestInit["body"] {
  if (request.formData !== undefined) {
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(request.formData)) {
      for (const item of Array.isArray(value) ? value : [value]) if (typeof item === "string") form.append(key, item);
    }
    return form.toString();
  }
  const body = request.body;
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string" || body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
    return body as UndiciRequestInit["body"];
  }
  throw new Error("azureHttpClient: only string and binary request bodies are supported");
}

/** An @azure/identity `httpClient` that sends every token request through `fetch`. */
export function azureHttpClient(fetch: TrustedFetch): AzureHttpClient {
  return {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const headers: Record<string, string> = {};
      for (const [name, value] of request.headers) headers[name] = value;
      const controller = new AbortController();
      const abort = (): void => controller.abort();
      request.abortSignal?.addEventListener("abort", abort);
      const timer = request.timeout > 0 ? setTimeout(abort, request.timeout) : undefined;
      try {
        const response = await fetch(request.url, {
          method: request.method,
          headers,
          body: requestBody(request),
          signal: controller.signal,
        });
        const responseHeaders = new SimpleHeaders();
        response.headers.forEach((value, name) => responseHeaders.set(name, value));
        return { request, status: response.status, headers: responseHeaders, bodyAsText: await response.text() };
      } finally {
        if (timer !== undefined) clearTimeout(timer);
        request.abortSignal?.removeEventListener("abort", abort);
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// @microsoft/microsoft-graph-client v3: its HTTPMessageHandler calls the global fetch; this one
// calls ours. Pass the result as `middleware` to Client.initWithMiddleware, together with
// `customHosts` listing the emulator's host name (the auth handler only attaches tokens to Graph
// hosts and custom hosts; a custom host is a host name without port, e.g. "127.0.0.1").

class FetchHandler implements Middleware {
  constructor(private readonly fetch: TrustedFetch) {}
  async execute(context: Context): Promise<void> {
    const url = typeof context.request === "string" ? context.request : (context.request as { url: string }).url;
    const response = await this.fetch(url, context.options as UndiciRequestInit);
    context.response = response as unknown as Context["response"];
  }
}

/**
 * The Graph client's default middleware chain without its RetryHandler, ending in a handler that
 * uses `fetch`. Graph requests go in $batch, whose items graphBatch retries (batch-retry.ts); the
 * SDK retrying the batch under that loop would multiply the tries (5 x 4 sends of one batch).
 */
export function graphFetchMiddleware(authProvider: AuthenticationProvider, fetch: TrustedFetch): Middleware[] {
  return [
    new AuthenticationHandler(authProvider),
    new RedirectHandler(new RedirectHandlerOptions()),
    new TelemetryHandler(),
    new FetchHandler(fetch),
  ];
}

// ---------------------------------------------------------------------------------------------
// PnPjs v4: replaces the `send` moment so requests go through `fetch`, retried by the session's
// policy (sendWithRetries) instead of PnPjs's own BrowserFetchWithRetry.

export function pnpFetch(fetch: TrustedFetch, policy: RetryPolicy = DEFAULT_RETRY_POLICY): (instance: Queryable) => Queryable {
  return (instance) => {
    instance.on.send.clear();
    instance.on.send(
      async (url: URL, init: RequestInit): Promise<Response> =>
        (await sendWithRetries(
          () => fetch(url.toString(), init as UndiciRequestInit),
          (response) => ({ status: response.status, retryAfter: response.headers.get("retry-after"), discard: async () => void (await response.body?.cancel()) }),
          policy,
        )) as unknown as Response,
    );
    return instance;
  };
}
