/**
 * Many SharePoint REST GETs in one `$batch` request (OData batch, multipart/mixed), sent through
 * PnPjs's request pipeline (auth, retries, our fetch) as a single POST. PnPjs's own batching runs
 * a full request timeline and builds a Response object for every operation inside a batch; for a
 * plan's 40,000 operations (10,000 people's thumbnail ETags and profile properties) that was most
 * of a warm plan's CPU. The parts are written and read the way PnPjs's batching.js does, which is
 * what SharePoint Online accepts; the URLs inside come from PnPjs's fluent API.
 */
import { getGUID } from "@pnp/core";
import { TextParse, parseODataJSON } from "@pnp/queryable";
import { SPQueryable, spPost } from "@pnp/sp";
import type { ISPQueryable } from "@pnp/sp";

export interface BatchPart {
  status: number;
  statusText: string;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string;
}

/** An operation inside a batch that SharePoint answered with an error status. */
export class BatchPartError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfter: string | undefined;

  /** `problem`: what was wrong when the status was not (a success whose body was not JSON). */
  constructor(part: BatchPart, problem?: { code: string; message: string }) {
    const { code, message } = problem ?? odataError(part.body);
    super(message ?? `${part.status} ${part.statusText}`.trim());
    this.status = part.status;
    this.code = code ?? `HTTP${part.status}`;
    this.retryAfter = part.headers["retry-after"];
  }
}

/** Code and message of a SharePoint error body (`odata.error` or verbose `error`), when it has one. */
function odataError(body: string): { code?: string; message?: string } {
  try {
    const json = JSON.parse(body) as Record<string, { code?: unknown; message?: { value?: unknown } | unknown }>;
    const error = json["odata.error"] ?? json.error;
    const message = typeof error?.message === "object" ? (error.message as { value?: unknown }).value : error?.message;
    return {
      ...(typeof error?.code === "string" ? { code: error.code } : {}),
      ...(typeof message === "string" ? { message } : {}),
    };
  } catch {
    return {};
  }
}

/**
 * The multipart body of a batch of GETs (absolute URLs). Pure. Each part asks for JSON without
 * metadata (`odata=nometadata`, SharePoint's "JSON light"): just the properties, not the two
 * absolute URLs (odata.id, odata.editLink) and type names minimal metadata adds to every answer.
 */
export function batchRequestBody(batchId: string, urls: readonly string[]): string {
  const parts = urls.map(
    (url) =>
      `--batch_${batchId}\nContent-Type: application/http\nContent-Transfer-Encoding: binary\n\nGET ${url} HTTP/1.1\nAccept: application/json;odata=nometadata\nContent-Type: application/json;charset=utf-8\n\n`,
  );
  return `${parts.join("")}--batch_${batchId}--\n`;
}

const STATUS_LINE = /^HTTP\/[0-9.]+ +([0-9]+) *(.*)$/i;
const PART_BOUNDARY = "--batchresponse_";

/** The parts of a batch response, in order. Throws on text that is not one. Pure. */
export function parseBatchResponse(text: string): BatchPart[] {
  const lines = text.split(/\r?\n/);
  const parts: BatchPart[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`invalid $batch response: ${what} at line ${i + 1}`);
  };
  while (i < lines.length) {
    const line = lines[i]!;
    if (!line.startsWith(PART_BOUNDARY)) {
      if (line.trim() !== "") fail("text outside a part");
      i++;
      continue;
    }
    if (line.trimEnd().endsWith("--")) break; // the closing boundary
    // The part's own headers (Content-Type: application/http …), then the HTTP status line.
    for (i++; i < lines.length && lines[i]!.trim() !== ""; i++);
    i++;
    const status = STATUS_LINE.exec(lines[i] ?? "") ?? fail("no status line");
    const headers: Record<string, string> = {};
    for (i++; i < lines.length && lines[i]!.trim() !== ""; i++) {
      const colon = lines[i]!.indexOf(":");
      if (colon > 0) headers[lines[i]!.slice(0, colon).trim().toLowerCase()] = lines[i]!.slice(colon + 1).trim();
    }
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith(PART_BOUNDARY); i++) body.push(lines[i]!);
    if (i >= lines.length) fail("unterminated part");
    parts.push({ status: Number(status[1]), statusText: status[2]!.trim(), headers, body: body.join("\n").trim() });
  }
  return parts;
}

/** The value of a successful part, as PnPjs would have parsed it; a BatchPartError otherwise. */
export function partResult(part: BatchPart): PromiseSettledResult<unknown> {
  if (part.status < 200 || part.status >= 300) return { status: "rejected", reason: new BatchPartError(part) };
  if (part.status === 204 || part.body === "") return { status: "fulfilled", value: null };
  try {
    return { status: "fulfilled", value: parseODataJSON(JSON.parse(part.body)) };
  } catch {
    return { status: "rejected", reason: new BatchPartError(part, { code: "UnexpectedResponse", message: "the answer was not JSON" }) };
  }
}

/**
 * Sends absolute GET URLs (of the site `base` belongs to) as one `$batch` and returns one settled
 * result per URL, in order. Rejects when the batch request itself fails.
 */
export async function sendGetBatch(base: ISPQueryable, urls: readonly string[]): Promise<Array<PromiseSettledResult<unknown>>> {
  const siteUrl = base.toUrl().replace(/_api[\\/].*$/i, "");
  const batchId = getGUID();
  const query = SPQueryable([base, siteUrl], "_api/$batch").using(TextParse());
  const text = (await spPost(query, { body: batchRequestBody(batchId, urls), headers: { "Content-Type": `multipart/mixed; boundary=batch_${batchId}` } })) as string;
  const parts = parseBatchResponse(text);
  if (parts.length !== urls.length) throw new Error(`the $batch answered ${parts.length} parts for ${urls.length} requests`);
  return parts.map(partResult);
}
