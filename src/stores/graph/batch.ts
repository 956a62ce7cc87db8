/**
 * Graph JSON batching (concepts/json-batching.md): up to 20 requests per POST /$batch, each
 * answered on its own. This module is the wire format; which items are sent again, and when, is
 * the session's one retry loop (tenant/batch-retry.ts). Binary bodies travel base64-encoded both ways.
 */
import type { Client } from "@microsoft/microsoft-graph-client";
import pLimit from "p-limit";
import type { ServiceError } from "../../model/observations.js";
import { sendBatchWithRetries } from "../../tenant/batch-retry.js";
import type { ItemOutcome } from "../../tenant/batch-retry.js";
import { isRetryable, retryAfterSeconds, serviceError, toServiceError } from "../../tenant/errors.js";
import { DEFAULT_RETRY_POLICY } from "../../tenant/http.js";

export const GRAPH_BATCH_LIMIT = 20;
/**
 * Graph refuses any request over 4 MB, a $batch envelope included (413), and base64 makes a
 * binary body 4/3 larger: a batch body is kept under 3.5 MB, the rest is margin for the envelope.
 */
export const GRAPH_BATCH_BYTES = 3.5 * 1024 * 1024;

export type GraphVersion = "v1.0" | "beta";

export interface GraphRequest {
  method: "GET" | "PUT" | "PATCH" | "DELETE" | "POST";
  /** Relative to the version root, e.g. /users/{id}/photo. */
  url: string;
  headers?: Record<string, string>;
  /** JSON body, or bytes (sent base64-encoded with the request's Content-Type). */
  body?: unknown;
}

export type GraphResult =
  | { ok: true; status: number; headers: Record<string, string>; body: unknown }
  | { ok: false; status?: number; headers?: Record<string, string>; error: ServiceError };

export interface BatchOptions {
  /** Batch requests in flight at once. */
  concurrency?: number;
  /** Tries per item, the first included. */
  maxAttempts?: number;
  /** Back-off before a retry when the service gives no Retry-After, in ms (doubles each time). */
  backoffMs?: number;
  /** Longest wait honoured for one Retry-After, in seconds; longer waits fail the item instead. */
  maxRetryAfterSeconds?: number;
  /** Told each item's Retry-After, so other requests to Graph wait too (TrustedHttp's back-off). */
  onThrottled?: (seconds: number) => void;
}

interface BatchResponseItem {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

function lowerKeys(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
}

function encodeItem(id: string, request: GraphRequest): Record<string, unknown> {
  const item: Record<string, unknown> = { id, method: request.method, url: request.url };
  const headers = { ...request.headers };
  if (Buffer.isBuffer(request.body)) {
    item.body = request.body.toString("base64");
    headers["Content-Type"] ??= "application/octet-stream";
  } else if (request.body !== undefined) {
    item.body = request.body;
    headers["Content-Type"] ??= "application/json";
  }
  if (Object.keys(headers).length > 0) item.headers = headers;
  return item;
}

function decodeItem(item: BatchResponseItem): GraphResult {
  const headers = lowerKeys(item.headers);
  const contentType = headers["content-type"] ?? "";
  const isJson = contentType === "" || contentType.includes("json");
  const body = !isJson && typeof item.body === "string" ? Buffer.from(item.body, "base64") : item.body;
  if (item.status >= 200 && item.status < 300) return { ok: true, status: item.status, headers, body };
  const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return {
    ok: false,
    status: item.status,
    headers,
    error: serviceError(item.status, error?.code ?? `HTTP${item.status}`, error?.message ?? `status ${item.status}`),
  };
}

/** The bytes an item adds to a $batch body, computed without base64-encoding its body. */
export function encodedItemBytes(id: string, request: GraphRequest): number {
  if (!Buffer.isBuffer(request.body)) return Buffer.byteLength(JSON.stringify(encodeItem(id, request))) + 1;
  const shell = Buffer.byteLength(JSON.stringify(encodeItem(id, { ...request, body: Buffer.alloc(0) })));
  return shell + 4 * Math.ceil(request.body.length / 3) + 1;
}

/**
 * Groups item indexes into batches of at most `count` items and `bytes` of encoded items, in
 * order. An item larger than `bytes` on its own is left out and returned in `oversized`.
 */
export function batchChunks(sizes: readonly number[], count = GRAPH_BATCH_LIMIT, bytes = GRAPH_BATCH_BYTES): { chunks: number[][]; oversized: number[] } {
  const chunks: number[][] = [];
  const oversized: number[] = [];
  let current: number[] = [];
  let used = 0;
  sizes.forEach((size, index) => {
    if (size > bytes) {
      oversized.push(index);
      return;
    }
    if (current.length >= count || used + size > bytes) {
      chunks.push(current);
      current = [];
      used = 0;
    }
    current.push(index);
    used += size;
  });
  if (current.length > 0) chunks.push(current);
  return { chunks, oversized };
}

/** One item's result as the retry loop sees it. */
function outcome(result: GraphResult): ItemOutcome<GraphResult> {
  if (result.ok) return { kind: "ok", result };
  if (!isRetryable(result.status ?? result.error.code)) return { kind: "final", result };
  const after = retryAfterSeconds(result.headers?.["retry-after"]);
  return { kind: "retryable", result, ...(after !== undefined ? { retryAfter: after } : {}) };
}

/** Sends requests through /$batch and resolves, in request order, to one result each. */
export async function graphBatch(client: Client, version: GraphVersion, requests: readonly GraphRequest[], options: BatchOptions = {}): Promise<GraphResult[]> {
  const policy = { maxAttempts: options.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts, backoffMs: options.backoffMs ?? DEFAULT_RETRY_POLICY.backoffMs };
  const results: GraphResult[] = new Array(requests.length);
  const limit = pLimit(options.concurrency ?? 4);

  const sendOnce = async (pending: readonly number[]): Promise<Array<ItemOutcome<GraphResult>>> => {
    let answers: Map<string, GraphResult>;
    try {
      const body = { requests: pending.map((index) => encodeItem(String(index), requests[index]!)) };
      const response = (await client.api("/$batch").version(version).post(body)) as { responses?: BatchResponseItem[] };
      answers = new Map((response.responses ?? []).map((item) => [item.id, decodeItem(item)]));
    } catch (error) {
      // The batch itself failed (the network, or the whole request was refused): all items share it.
      const failure = toServiceError(error);
      answers = new Map(pending.map((index) => [String(index), { ok: false, error: failure, ...(failure.status ? { status: failure.status } : {}) }]));
    }
    return pending.map((index) =>
      outcome(answers.get(String(index)) ?? { ok: false, error: serviceError(undefined, "MissingBatchResponse", "the batch response had no answer for this request") }),
    );
  };
  const runChunk = async (indexes: number[]): Promise<void> => {
    const chunk = await sendBatchWithRetries(indexes, sendOnce, {
      policy,
      ...(options.onThrottled ? { onThrottled: options.onThrottled } : {}),
      ...(options.maxRetryAfterSeconds !== undefined ? { maxRetryAfterSeconds: options.maxRetryAfterSeconds } : {}),
    });
    for (const [index, result] of chunk) results[index] = result;
  };

  // Bounded by count and by bytes: 20 photos of 200 KB would be a 5.3 MB envelope, which Graph refuses whole.
  const { chunks, oversized } = batchChunks(requests.map((request, index) => encodedItemBytes(String(index), request)));
  for (const index of oversized) {
    // Refused before sending: no batch can carry it, and sending it would only earn a 413.
    const size = Buffer.isBuffer(requests[index]!.body) ? (requests[index]!.body as Buffer).length : 0;
    const message = `not sent: this ${size}-byte photo is more than ${GRAPH_BATCH_BYTES} bytes once base64-encoded in a Graph $batch, and Graph refuses requests over 4 MB; export the source photo smaller (photosync's own renders stay far below this)`;
    // The service's verdict known in advance: final ("rejected"), never retried.
    results[index] = { ok: false, error: { ...serviceError(undefined, "RequestTooLarge", message), kind: "rejected" } };
  }
  await Promise.all(chunks.map((chunk) => limit(() => runChunk(chunk))));
  return results;
}
