/**
 * How many requests go to one service at once, adapted to its answers the way TCP paces a link
 * (additive increase, multiplicative decrease). A 429 halves the limit, an answer of a kind that
 * takes well over twice as long as that kind used to (the service queueing our work) or that says
 * its rate budget is nearly spent takes a quarter off, and each answer that is none of these adds
 * 1/limit, so the limit grows by one per round of answers: fast to back off, slow to recover.
 * One decrease per round: the answers already under way when the service pushed back carry the
 * same news and must not halve the limit again. The stores' own limits stay the ceiling.
 */

export interface PacingOptions {
  /** Where the limit starts and the most it grows to. */
  ceiling?: number;
  /** How much slower than its best an answer's smoothed latency may grow before it counts as pushback. */
  latencyFactor?: number;
}

export interface Answer {
  /** Requests of one kind are compared with each other (a 100-part $batch is not a file read). */
  kind: string;
  latencyMs: number;
  throttled: boolean;
  /** The service said (RateLimit-Remaining) that little of its budget is left. */
  budgetLow?: boolean;
}

const DEFAULT_CEILING = 16;
const DEFAULT_LATENCY_FACTOR = 2;
/** Smoothing of each kind's latency: about the last ten answers. */
const SMOOTHING = 0.2;
/** Answers of a kind before its latency is judged (the first ones set its best). */
const WARM_UP = 8;

interface Latency {
  samples: number;
  smoothed: number;
  /** The lowest smoothed latency seen: the kind's uncongested time. */
  best: number;
}

export class AdaptiveLimit {
  private limit: number;
  private readonly ceiling: number;
  private readonly latencyFactor: number;
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly latencies = new Map<string, Latency>();
  /** Answers so far, and how many there were when the limit last came down (one decrease per round). */
  private answers = 0;
  private calmAfter = 0;

  constructor(options: PacingOptions = {}) {
    this.ceiling = Math.max(1, Math.floor(options.ceiling ?? DEFAULT_CEILING));
    this.latencyFactor = options.latencyFactor ?? DEFAULT_LATENCY_FACTOR;
    this.limit = this.ceiling;
  }

  /** Requests allowed at once now. */
  get current(): number {
    return Math.max(1, Math.floor(this.limit));
  }

  /** Resolves when one more request may be sent; pair with `release`. */
  async acquire(): Promise<void> {
    if (this.inFlight < this.current && this.waiting.length === 0) {
      this.inFlight += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** A request sent after `acquire` was answered (or failed: `throttled` false, its latency as it was). */
  release(answer: Answer): void {
    const congested = this.noteLatency(answer.kind, answer.latencyMs);
    if (answer.throttled) this.decrease(0.5);
    else if (congested || answer.budgetLow === true) this.decrease(0.75);
    else this.limit = Math.min(this.ceiling, this.limit + 1 / this.limit);
    this.answers += 1;
    this.inFlight -= 1;
    this.wake();
  }

  /** A throttled part of a $batch (its request was answered 200): the service pushed back all the same. */
  throttled(): void {
    this.decrease(0.5);
  }

  private decrease(factor: number): void {
    if (this.answers < this.calmAfter) return;
    this.limit = Math.max(1, this.limit * factor);
    // The answers to requests already sent were decided before this one: wait them out.
    this.calmAfter = this.answers + this.inFlight;
  }

  /** Whether `kind` now answers well over `latencyFactor` times slower than it did at its best. */
  private noteLatency(kind: string, latencyMs: number): boolean {
    const seen = this.latencies.get(kind);
    if (seen === undefined) {
      this.latencies.set(kind, { samples: 1, smoothed: latencyMs, best: Number.POSITIVE_INFINITY });
      return false;
    }
    seen.samples += 1;
    seen.smoothed += SMOOTHING * (latencyMs - seen.smoothed);
    if (seen.samples < WARM_UP) return false;
    seen.best = Math.min(seen.best, seen.smoothed);
    return seen.smoothed > this.latencyFactor * seen.best;
  }

  private wake(): void {
    while (this.inFlight < this.current && this.waiting.length > 0) {
      this.inFlight += 1;
      this.waiting.shift()!();
    }
  }
}

/** One AdaptiveLimit per service, made on first use. */
export class ServicePacing {
  private readonly limits = new Map<string, AdaptiveLimit>();

  constructor(private readonly options: PacingOptions = {}) {}

  of(service: string): AdaptiveLimit {
    let limit = this.limits.get(service);
    if (limit === undefined) {
      limit = new AdaptiveLimit(this.options);
      this.limits.set(service, limit);
    }
    return limit;
  }

  /** Each service's current limit (diagnostics and the bench). */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.limits].map(([service, limit]) => [service, limit.current]));
  }
}

/** A path with the parts that name one person or file taken out (`getFileByServerRelativePath(…)`, `/users/{id}`). */
function pathShape(pathname: string): string {
  return pathname
    .replace(/\([^)]*\)/g, "()")
    .split("/")
    .map((segment) => (/[@%]|^[0-9a-f-]{16,}$/i.test(segment) ? "{id}" : segment))
    .join("/");
}

/**
 * What a `$batch` holds, as "[count × method shape, …]": a Graph JSON batch's `requests`, or the
 * request lines of an OData multipart one. Undefined for anything else or a body it cannot read.
 */
function batchContents(body: string): string | undefined {
  let targets: Array<[verb: string, address: string]>;
  if (body.trimStart().startsWith("{")) {
    try {
      const requests = (JSON.parse(body) as { requests?: Array<{ method?: unknown; url?: unknown }> }).requests;
      if (!Array.isArray(requests)) return undefined;
      targets = requests.map((request) => [String(request.method ?? "GET"), String(request.url ?? "")]);
    } catch {
      return undefined;
    }
  } else {
    targets = [...body.matchAll(/^(GET|POST|PUT|PATCH|MERGE|DELETE) (\S+) HTTP\/1\.1\s*$/gim)].map((line) => [line[1]!, line[2]!]);
  }
  if (targets.length === 0) return undefined;
  // Absolute (multipart) or relative (Graph JSON) addresses: the path alone, without origin or query.
  const shapeOf = ([verb, address]: [string, string]): string => `${verb.toUpperCase()} ${pathShape(address.replace(/^[a-z]+:\/\/[^/]*/i, "").replace(/[?#].*$/, ""))}`;
  const shapes = [...new Set(targets.map(shapeOf))].sort();
  return `[${targets.length} × ${shapes.join(", ")}]`;
}

/**
 * A request's kind for latency comparison: method and path shape (pathShape), so every file read
 * is one kind; a `$batch` also by what it holds (`body`), as twenty photo reads that Graph runs
 * four at a time take several times as long as a page of users and are no sign of congestion.
 */
export function requestKind(method: string, url: URL, body?: string): string {
  const shape = pathShape(url.pathname);
  const contents = body !== undefined && shape.endsWith("/$batch") ? batchContents(body) : undefined;
  return `${method.toUpperCase()} ${url.host} ${shape}${contents !== undefined ? ` ${contents}` : ""}`;
}

/** `RateLimit-Remaining` below a fifth of `RateLimit-Limit` (SharePoint sends both once 80% is used). */
export function budgetLow(limit: string | null, remaining: string | null): boolean {
  const total = Number(limit);
  const left = Number(remaining);
  if (limit === null || remaining === null || !Number.isFinite(total) || !Number.isFinite(left) || total <= 0) return false;
  return left < total / 5;
}
