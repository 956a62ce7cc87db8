/**
 * SharePoint REST's OData $batch (POST /_api/$batch, multipart/mixed): each part is an
 * `application/http` request (changesets group the writes); the answer is a flat multipart/mixed
 * of `application/http` responses in request order, bounded by `--batchresponse_{guid}`, which is
 * what PnPjs v4's batching parses (sp/batching.js). Bodies travel as text (JSON): binary uploads
 * are not batchable, as in PnPjs.
 */
import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { EmuRequest, EmuResponse } from "../http.js";
import { SpoFailure } from "./odata.js";

const REQUEST_LINE = /^(GET|POST|PUT|PATCH|MERGE|DELETE)\s+(\S+)\s+HTTP\/1\.[01]$/i;
export const MAX_SPO_BATCH = 100;

/** Parses the parts of a multipart $batch body into requests (URL relative to `origin`). */
export function parseBatch(body: string, outer: EmuRequest): EmuRequest[] {
  const lines = body.split(/\r?\n/);
  const requests: EmuRequest[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = REQUEST_LINE.exec((lines[i] ?? "").trim());
    if (match === null) continue;
    const headers: Record<string, string> = {};
    const authorization = outer.headers.authorization;
    if (authorization !== undefined) headers.authorization = authorization;
    i++;
    for (; i < lines.length && (lines[i] ?? "").trim() !== ""; i++) {
      const line = lines[i] ?? "";
      const colon = line.indexOf(":");
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const bodyLines: string[] = [];
    for (i++; i < lines.length && !(lines[i] ?? "").startsWith("--"); i++) bodyLines.push(lines[i] ?? "");
    i--;
    while (bodyLines.length > 0 && bodyLines[bodyLines.length - 1]?.trim() === "") bodyLines.pop();
    const url = new URL(match[2] ?? "/", outer.url);
    let method = (match[1] ?? "GET").toUpperCase();
    if (method === "MERGE") method = "POST";
    requests.push({ method, url, headers, body: Buffer.from(bodyLines.join("\n")), via: "batch" });
  }
  return requests;
}

export function formatBatch(responses: EmuResponse[]): EmuResponse {
  const boundary = `batchresponse_${randomUUID()}`;
  const parts: string[] = [];
  for (const response of responses) {
    parts.push(`--${boundary}`, "Content-Type: application/http", "Content-Transfer-Encoding: binary", "");
    parts.push(`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ""}`);
    for (const [name, value] of Object.entries(response.headers)) {
      if (name === "content-type" || name === "etag" || name === "retry-after") parts.push(`${name.toUpperCase()}: ${value}`);
    }
    parts.push("");
    const body = response.body === undefined ? "" : typeof response.body === "string" ? response.body : response.body.toString("utf8");
    parts.push(body);
  }
  parts.push(`--${boundary}--`, "");
  return { status: 200, headers: { "content-type": `multipart/mixed; boundary=${boundary}` }, body: parts.join("\r\n") };
}

export async function handleSpoBatch(
  outer: EmuRequest,
  run: (request: EmuRequest) => Promise<EmuResponse>,
  item: (request: EmuRequest, run: (request: EmuRequest) => Promise<EmuResponse>) => Promise<EmuResponse>,
): Promise<EmuResponse> {
  const type = outer.headers["content-type"] ?? "";
  if (!type.toLowerCase().startsWith("multipart/mixed")) {
    throw new SpoFailure(400, "-1, Microsoft.SharePoint.Client.InvalidClientQueryException", "The $batch request must be multipart/mixed.");
  }
  const requests = parseBatch(outer.body.toString("utf8"), outer);
  if (requests.length > MAX_SPO_BATCH) {
    throw new SpoFailure(400, "-2146232832, Microsoft.SharePoint.SPException", `The batch contains more than ${MAX_SPO_BATCH} requests.`);
  }
  // Parts run in order (changesets are sequential in SharePoint).
  const responses: EmuResponse[] = [];
  for (const request of requests) responses.push(await item(request, run));
  return formatBatch(responses);
}
