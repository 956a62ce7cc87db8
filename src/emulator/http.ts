/**
 * The emulator's request/response shapes, independent of node:http so that Graph's $batch can run
 * its items through the same handlers as real requests.
 */

export type Role = "login" | "graph" | "mysite" | "adminsite" | "admin";

export interface EmuRequest {
  method: string;
  /** Decoded-as-sent path (percent-encoding intact) and query. */
  url: URL;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Buffer;
  /** How it arrived: over HTTP, or as an item of a Graph or SharePoint $batch. */
  via: "http" | "batch";
}

export interface EmuResponse {
  status: number;
  headers: Record<string, string>;
  body?: Buffer | string;
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}, contentType = "application/json; charset=utf-8"): EmuResponse {
  return { status, headers: { "content-type": contentType, ...headers }, body: JSON.stringify(value) };
}

export function bytes(status: number, body: Buffer, contentType: string, headers: Record<string, string> = {}): EmuResponse {
  return { status, headers: { "content-type": contentType, ...headers }, body };
}

export function empty(status: number, headers: Record<string, string> = {}): EmuResponse {
  return { status, headers };
}

/** The bearer token of a request, if any. */
export function bearer(request: EmuRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1];
}

/** Splits "/a/b('x y')/c" into path segments without breaking quoted parentheses. */
export function pathSegments(pathname: string): string[] {
  const out: string[] = [];
  let current = "";
  let depth = 0;
  let quoted = false;
  for (const char of pathname) {
    if (char === "'") quoted = !quoted;
    if (!quoted && char === "(") depth++;
    if (!quoted && char === ")") depth--;
    if (char === "/" && depth === 0 && !quoted) {
      if (current !== "") out.push(current);
      current = "";
    } else current += char;
  }
  if (current !== "") out.push(current);
  return out;
}
