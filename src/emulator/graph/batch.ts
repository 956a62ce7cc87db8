/**
 * POST /$batch as in `concepts/json-batching.md`: at most 20 requests; `dependsOn` orders them
 * (a failed dependency answers 424); a binary body travels base64-encoded with its Content-Type;
 * a binary answer (a photo) comes back base64-encoded; each item gets its own status, headers and
 * may be throttled on its own (429 + Retry-After).
 */
import type { EmuRequest, EmuResponse } from "../http.js";
import { GraphFailure, graphJson } from "./common.js";

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

interface BatchAnswer {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export const MAX_BATCH = 20;

/** Runs one item: the server wraps `run` with per-item faults and counters. */
export type BatchItemRunner = (request: EmuRequest, run: (request: EmuRequest) => Promise<EmuResponse>) => Promise<EmuResponse>;

function itemRequest(outer: EmuRequest, version: string, item: BatchItem): EmuRequest {
  const headers: Record<string, string> = {};
  for (const name of ["authorization", "client-request-id"]) {
    const value = outer.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  for (const [name, value] of Object.entries(item.headers ?? {})) headers[name.toLowerCase()] = String(value);
  let body = Buffer.alloc(0);
  if (item.body !== undefined && item.body !== null) {
    const type = headers["content-type"] ?? "";
    if (typeof item.body === "string" && !type.includes("json")) body = Buffer.from(item.body, "base64");
    else body = Buffer.from(typeof item.body === "string" ? item.body : JSON.stringify(item.body));
  }
  let relative = item.url.startsWith("/") ? item.url : `/${item.url}`;
  // The Graph client's BatchRequestContent sends absolute URLs stripped to "/v1.0/…": tolerate the batch's own version.
  if (relative.startsWith(`/${version}/`)) relative = relative.slice(version.length + 1);
  return { method: item.method.toUpperCase(), url: new URL(`https://graph.invalid/${version}${relative}`), headers, body, via: "batch" };
}

/** Batch answers spell header names as Graph does ("Content-Type", "Retry-After"); the Graph client relies on it. */
function headerName(name: string): string {
  if (name.toLowerCase() === "etag") return "ETag";
  return name.split("-").map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join("-");
}

function answer(id: string, response: EmuResponse): BatchAnswer {
  const { "request-id": _requestId, "client-request-id": _clientRequestId, ...rest } = response.headers;
  const headers = Object.fromEntries(Object.entries(rest).map(([name, value]) => [headerName(name), value]));
  const out: BatchAnswer = { id, status: response.status, headers };
  if (response.body !== undefined && response.body.length > 0) {
    const type = response.headers["content-type"] ?? "";
    const text = typeof response.body === "string" ? response.body : undefined;
    if (type.includes("json")) out.body = JSON.parse(text ?? (response.body as Buffer).toString("utf8")) as unknown;
    else out.body = (typeof response.body === "string" ? Buffer.from(response.body) : response.body).toString("base64");
  }
  return out;
}

export interface BatchLimits {
  /**
   * Photo items handed to the photo service at once (Microsoft's answer on Q&A 1660054: Graph
   * passes at most 4 items of a batch to Outlook at a time, whatever their mailboxes).
   */
  photoConcurrency: number;
  /** Told how many photo items of this batch are running, each time one starts (counters). */
  onPhotoItems?: (running: number) => void;
}

const isPhotoItem = (request: EmuRequest): boolean => /\/users\/[^/]+\/photos?(\/|$)/i.test(request.url.pathname);

/** A counting semaphore: at most `size` holders at once, the others wait in order. */
function semaphore(size: number): { acquire(): Promise<number>; release(): void } {
  let running = 0;
  const waiting: Array<() => void> = [];
  return {
    async acquire() {
      if (running >= size) await new Promise<void>((resolve) => waiting.push(resolve));
      running += 1;
      return running;
    },
    release() {
      running -= 1;
      waiting.shift()?.();
    },
  };
}

export async function handleBatch(
  outer: EmuRequest,
  version: string,
  run: (request: EmuRequest) => Promise<EmuResponse>,
  runner: BatchItemRunner,
  limits: BatchLimits = { photoConcurrency: Number.POSITIVE_INFINITY },
): Promise<EmuResponse> {
  let payload: { requests?: BatchItem[] };
  try {
    payload = JSON.parse(outer.body.toString("utf8")) as { requests?: BatchItem[] };
  } catch {
    throw new GraphFailure(400, "BadRequest", "Invalid batch payload format.");
  }
  const items = payload.requests;
  if (!Array.isArray(items) || items.length === 0) throw new GraphFailure(400, "BadRequest", "Invalid batch payload format.");
  if (items.length > MAX_BATCH) throw new GraphFailure(400, "BadRequest", `Number of requests in a batch exceeds the limit of ${MAX_BATCH}.`);
  const ids = new Set<string>();
  for (const item of items) {
    if (typeof item.id !== "string" || typeof item.method !== "string" || typeof item.url !== "string") {
      throw new GraphFailure(400, "BadRequest", "Each batch request needs an id, a method and a url.");
    }
    if (ids.has(item.id)) throw new GraphFailure(400, "BadRequest", `Batch request ids must be unique: '${item.id}'.`);
    ids.add(item.id);
  }
  for (const item of items) {
    for (const dependency of item.dependsOn ?? []) {
      if (!ids.has(dependency)) throw new GraphFailure(400, "BadRequest", `Depends-on request id '${dependency}' is not found in the batch.`);
    }
  }

  // dependsOn must not loop (Graph refuses such a batch as a whole).
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (id: string): void => {
    if (done.has(id)) return;
    if (visiting.has(id)) throw new GraphFailure(400, "BadRequest", "The dependsOn graph of the batch has a cycle.");
    visiting.add(id);
    for (const dependency of items.find((candidate) => candidate.id === id)?.dependsOn ?? []) visit(dependency);
    visiting.delete(id);
    done.add(id);
  };
  for (const item of items) visit(item.id);

  const photoSlots = semaphore(limits.photoConcurrency);
  const results = new Map<string, Promise<BatchAnswer>>();
  const runItem = (item: BatchItem): Promise<BatchAnswer> => {
    let pending = results.get(item.id);
    if (pending !== undefined) return pending;
    pending = (async () => {
      const dependencies = await Promise.all((item.dependsOn ?? []).map((id) => runItem(items.find((candidate) => candidate.id === id) as BatchItem)));
      if (dependencies.some((dependency) => dependency.status >= 400)) {
        return { id: item.id, status: 424, headers: {}, body: { error: { code: "FailedDependency", message: "Failed dependency." } } };
      }
      const request = itemRequest(outer, version, item);
      if (!isPhotoItem(request)) return answer(item.id, await runner(request, run));
      limits.onPhotoItems?.(await photoSlots.acquire());
      try {
        return answer(item.id, await runner(request, run));
      } finally {
        photoSlots.release();
      }
    })();
    results.set(item.id, pending);
    return pending;
  };
  const responses = await Promise.all(items.map(runItem));
  return graphJson(outer, 200, { responses });
}
