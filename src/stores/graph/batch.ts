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

  const chunks: number[][] = [];
  for (let start = 0; start < requests.length; start += GRAPH_BATCH_LIMIT) {
    chunks.push(Array.from({ length: Math.min(GRAPH_BATCH_LIMIT, requests.length - start) }, (_, i) => start + i));
  }
  await Promise.all(chunks.map((chunk) => limit(() => runChunk(chunk))));
  return results;
}
