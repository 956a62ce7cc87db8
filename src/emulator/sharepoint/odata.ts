/**
 * SharePoint REST's OData dialects and error shape. The answer follows the Accept header:
 * `application/json;odata=verbose` → `{"d":{…,"__metadata":{…}}}`, `odata=nometadata` → bare
 * properties, plain `application/json` → minimal metadata (`odata.metadata`, `odata.type`, …).
 * Errors: `{"odata.error":{"code":"-2147024891, System.UnauthorizedAccessException","message":{"lang":"en-US","value":…}}}`
 * (verbose: `{"error":{…}}`).
 */
import { randomUUID } from "node:crypto";
import { json, type EmuRequest, type EmuResponse } from "../http.js";

export type Dialect = "verbose" | "nometadata" | "minimalmetadata";

export function dialect(request: EmuRequest): Dialect {
  const accept = (request.headers.accept ?? "").toLowerCase();
  if (accept.includes("odata=verbose")) return "verbose";
  if (accept.includes("odata=nometadata")) return "nometadata";
  return "minimalmetadata";
}

function contentType(kind: Dialect): string {
  return `application/json;odata=${kind};streaming=true;charset=utf-8`;
}

export function spoHeaders(): Record<string, string> {
  return { "request-id": randomUUID(), sprequestguid: randomUUID(), "x-sharepointhealthscore": "0", microsoftsharepointteamservices: "16.0.0.0" };
}

/** Applies `$select` (case-insensitive property names) to an entity's properties. */
export function select(request: EmuRequest, properties: Record<string, unknown>): Record<string, unknown> {
  const text = request.url.searchParams.get("$select");
  if (text === null || text.trim() === "" || text.trim() === "*") return properties;
  const wanted = new Set(text.split(",").map((name) => name.trim().toLowerCase()));
  return Object.fromEntries(Object.entries(properties).filter(([key]) => wanted.has(key.toLowerCase())));
}

export interface EntityMeta {
  type: string;
  /** Absolute URL of the entity (odata.id / __metadata.uri). */
  id: string;
  editLink: string;
  metadata: string;
}

export function entity(request: EmuRequest, meta: EntityMeta, all: Record<string, unknown>, status = 200): EmuResponse {
  const kind = dialect(request);
  const properties = select(request, all);
  if (kind === "verbose") {
    const d: Record<string, unknown> = { __metadata: { id: meta.id, uri: meta.id, type: meta.type } };
    for (const [key, value] of Object.entries(properties)) d[key] = Array.isArray(value) ? { results: value } : value;
    return json(status, { d }, spoHeaders(), contentType(kind));
  }
  if (kind === "nometadata") return json(status, properties, spoHeaders(), contentType(kind));
  return json(status, { "odata.metadata": meta.metadata, "odata.type": meta.type, "odata.id": meta.id, "odata.editLink": meta.editLink, ...properties }, spoHeaders(), contentType(kind));
}

export function collection(request: EmuRequest, metadata: string, all: Record<string, unknown>[]): EmuResponse {
  return page(request, metadata, all.map((item) => select(request, item)));
}

/** One page of a collection, already selected; `nextLink` is where the next page is (none on the last). */
export function page(request: EmuRequest, metadata: string, items: Record<string, unknown>[], nextLink?: string): EmuResponse {
  const kind = dialect(request);
  if (kind === "verbose") return json(200, { d: { results: items, ...(nextLink !== undefined ? { __next: nextLink } : {}) } }, spoHeaders(), contentType(kind));
  const next = nextLink !== undefined ? { "odata.nextLink": nextLink } : {};
  if (kind === "nometadata") return json(200, { value: items, ...next }, spoHeaders(), contentType(kind));
  return json(200, { "odata.metadata": metadata, value: items, ...next }, spoHeaders(), contentType(kind));
}

/** A method answering null (e.g. SetSingleValueProfileProperty). */
export function nullResult(request: EmuRequest): EmuResponse {
  const kind = dialect(request);
  if (kind === "verbose") return json(200, { d: { SetSingleValueProfileProperty: null } }, spoHeaders(), contentType(kind));
  return json(200, { "odata.null": true }, spoHeaders(), contentType(kind));
}

export class SpoFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function spoError(request: EmuRequest, failure: SpoFailure): EmuResponse {
  const error = { code: failure.code, message: { lang: "en-US", value: failure.message } };
  const kind = dialect(request);
  return json(failure.status, kind === "verbose" ? { error } : { "odata.error": error }, spoHeaders(), contentType(kind));
}

export const ACCESS_DENIED = (): SpoFailure =>
  new SpoFailure(403, "-2147024891, System.UnauthorizedAccessException", "Access denied. You do not have permission to perform this action or access this resource.");

/** One path segment as a call: `GetFolderByServerRelativePath(decodedurl='/a b')` → name + args. */
export interface Call {
  name: string;
  /** Named arguments (lower-case names) and positional ones under "0", "1"… */
  args: Record<string, string | boolean | number>;
}

function argValue(raw: string, aliases: URLSearchParams): string | boolean | number {
  const text = raw.trim();
  if (text.startsWith("@")) {
    const alias = aliases.get(text);
    if (alias === null) throw new SpoFailure(400, "-1, Microsoft.SharePoint.Client.InvalidClientQueryException", `The parameter alias ${text} is not defined.`);
    return argValue(alias, aliases);
  }
  if (/^'.*'$/s.test(text)) {
    // OData doubles a quote inside a string literal; a lone one ends the literal early, and
    // SharePoint's parser refuses the rest (an account name like o'brien must travel as o''brien).
    const inner = text.slice(1, -1);
    if (inner.replace(/''/g, "").includes("'")) {
      throw new SpoFailure(400, "-1, Microsoft.SharePoint.Client.InvalidClientQueryException", `The expression "${text}" is not valid.`);
    }
    return inner.replace(/''/g, "'");
  }
  if (/^(true|false)$/i.test(text)) return text.toLowerCase() === "true";
  if (/^-?\d+$/.test(text)) return Number(text);
  throw new SpoFailure(400, "-1, Microsoft.SharePoint.Client.InvalidClientQueryException", `The expression "${text}" is not valid.`);
}

/** Parses a decoded path segment; `aliases` are the query's @-parameters. */
export function parseCall(segment: string, aliases: URLSearchParams): Call {
  const open = segment.indexOf("(");
  if (open === -1 || !segment.endsWith(")")) return { name: segment.toLowerCase(), args: {} };
  const name = segment.slice(0, open).toLowerCase();
  const inner = segment.slice(open + 1, -1);
  const args: Record<string, string | boolean | number> = {};
  let current = "";
  let quoted = false;
  const parts: string[] = [];
  for (let i = 0; i < inner.length; i++) {
    const char = inner[i] as string;
    if (char === "'") {
      if (quoted && inner[i + 1] === "'") {
        current += "''";
        i++;
        continue;
      }
      quoted = !quoted;
    }
    if (char === "," && !quoted) {
      parts.push(current);
      current = "";
    } else current += char;
  }
  if (current.trim() !== "") parts.push(current);
  parts.forEach((part, index) => {
    const eq = /^\s*([A-Za-z_][\w.]*)\s*=(.*)$/s.exec(part);
    if (eq !== null && !part.trim().startsWith("'")) args[(eq[1] ?? "").toLowerCase()] = argValue(eq[2] ?? "", aliases);
    else args[String(index)] = argValue(part, aliases);
  });
  return { name, args };
}
