/**
 * Graph JSON batching (concepts/json-batching.md): up to 20 requests per POST /$batch, each
 * answered on its own. Items answered 429/5xx are sent again after their Retry-After (or a
 * back-off); the others are never held up. Binary bodies travel base64-encoded both ways.
 */
import type { Client } from "@microsoft/microsoft-graph-client";
import pLimit from "p-limit";
import type { ServiceError } from "../../model/observations.js";
import { isRetryableStatus, retryAfterSeconds, toServiceError } from "../../tenant/errors.js";

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

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

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
    error: { code: error?.code ?? `HTTP${item.status}`, message: error?.message ?? `status ${item.status}`, status: item.status },
  };
}

/** Sends requests through /$batch and resolves, in request order, to one result each. */
export async function graphBatch(client: Client, version: GraphVersion, requests: readonly GraphRequest[], options: BatchOptions = {}): Promise<GraphResult[]> {
  const maxAttempts = options.maxAttempts ?? 5;
  const backoffMs = options.backoffMs ?? 1000;
  const maxRetryAfter = options.maxRetryAfterSeconds ?? 120;
  const results: GraphResult[] = new Array(requests.length);
  const limit = pLimit(options.concurrency ?? 4);

  const runChunk = async (indexes: number[]): Promise<void> => {
    let pending = indexes;
    for (let attempt = 1; pending.length > 0; attempt++) {
      let answers: Map<string, GraphResult>;
      try {
        const body = { requests: pending.map((index) => encodeItem(String(index), requests[index]!)) };
        const response = (await client.api("/$batch").version(version).post(body)) as { responses?: BatchResponseItem[] };
        answers = new Map((response.responses ?? []).map((item) => [item.id, decodeItem(item)]));
      } catch (error) {
        // The batch itself failed (network, or 5xx after the client's own retries): all items share it.
        const failure = toServiceError(error);
        answers = new Map(pending.map((index) => [String(index), { ok: false, error: failure, ...(failure.status ? { status: failure.status } : {}) }]));
      }
      const retry: number[] = [];
      let waitSeconds = 0;
      for (const index of pending) {
        const result = answers.get(String(index)) ?? { ok: false, error: { code: "MissingBatchResponse", message: "the batch response had no answer for this request" } };
        results[index] = result;
        const retryable = !result.ok && (result.status === undefined || isRetryableStatus(result.status));
        const after = retryable ? retryAfterSeconds(result.ok ? undefined : result.headers?.["retry-after"]) : undefined;
        // Graph asked for quiet: every request to it waits, retried or not.
        if (after !== undefined) options.onThrottled?.(after);
        if (retryable && attempt < maxAttempts) {
          if (after !== undefined && after > maxRetryAfter) continue; // too long: report it as it is
          retry.push(index);
          waitSeconds = Math.max(waitSeconds, after ?? (backoffMs / 1000) * 2 ** (attempt - 1));
        }
      }
      pending = retry;
      if (pending.length > 0) await sleep(waitSeconds * 1000);
    }
  };

  const chunks: number[][] = [];
  for (let start = 0; start < requests.length; start += GRAPH_BATCH_LIMIT) {
    chunks.push(Array.from({ length: Math.min(GRAPH_BATCH_LIMIT, requests.length - start) }, (_, i) => start + i));
  }
  await Promise.all(chunks.map((chunk) => limit(() => runChunk(chunk))));
  return results;
}
