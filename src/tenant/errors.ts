/**
 * The HTTP policy's two rules, in one place: which failures are worth another try (isRetryable),
 * and what kind a failure is (classifyFailure, used by toServiceError). Never a token in a message.
 */
import type { ServiceError, ServiceErrorKind } from "../model/errors.js";
import { AccessError } from "../model/errors.js";

/**
 * Worth another try: throttled (429), the service failing or unavailable (500, 502, 503, 504), or
 * no answer at all (a transport error code such as ECONNRESET, or no status). Everything else is
 * the service's verdict and is final.
 */
export function isRetryable(failure: number | string | undefined): boolean {
  if (failure === undefined || typeof failure === "string") return true;
  return failure === 429 || failure === 500 || failure === 502 || failure === 503 || failure === 504;
}

/** Codes Graph and SharePoint give for "this token may not do that" (docs/microsoft-365.md). */
const ACCESS_CODES = new Set([
  "Authorization_RequestDenied",
  "ErrorAccessDenied",
  "accessDenied",
  "AccessDenied",
  "InvalidAuthenticationToken",
  "Unauthorized",
  "System.UnauthorizedAccessException",
  "UnauthorizedAccessException",
  "Forbidden",
]);

/**
 * The kind of a failure, from its status and code: 401 always, and 403 with an access code, are
 * "access" (the same for every person: stop the run); retryable ones are "transient" (unknown for
 * that person); 404 is "not-found"; anything else the service "rejected".
 */
export function classifyFailure(status: number | undefined, code: string): ServiceErrorKind {
  if (status === 401) return "access";
  // SharePoint's codes carry a number first: "-2147024891, System.UnauthorizedAccessException".
  const name = code.includes(", ") ? code.slice(code.lastIndexOf(", ") + 2) : code;
  if (status === 403 && (ACCESS_CODES.has(name) || code === "HTTP403")) return "access";
  if (status === undefined || isRetryable(status)) return "transient";
  if (status === 404) return "not-found";
  return "rejected";
}

/** A ServiceError from a status and the service's code and message, classified. */
export function serviceError(status: number | undefined, code: string, message: string): ServiceError {
  return { code, message, ...(status !== undefined ? { status } : {}), kind: classifyFailure(status, code) };
}

export function toServiceError(error: unknown): ServiceError {
  if (error && typeof error === "object") {
    const record = error as { statusCode?: unknown; status?: unknown; code?: unknown; message?: unknown; cause?: { code?: unknown } };
    const status = typeof record.statusCode === "number" && record.statusCode > 0 ? record.statusCode : typeof record.status === "number" ? record.status : undefined;
    const transport = typeof record.cause?.code === "string" ? record.cause.code : undefined;
    const code = typeof record.code === "string" && record.code !== "" ? record.code : (transport ?? (status ? `HTTP${status}` : "Error"));
    const message = typeof record.message === "string" && record.message !== "" ? record.message : String(error);
    return serviceError(status, code, message.split("\n")[0]!.slice(0, 500));
  }
  return serviceError(undefined, "Error", String(error));
}

/**
 * Stops the run when a per-person answer says the token may not do this: that is the same for
 * everyone, so it is one message naming the fix, never one "unknown" per person.
 */
export function throwIfAccessDenied(error: ServiceError, service: string, permission: string, doing: string): void {
  if (error.kind !== "access") return;
  throw new AccessError(
    `${service} refused photosync's token while ${doing} (${error.status ?? "no status"} ${error.code}: ${error.message}). ` +
      `Grant the ${service} application permission ${permission} (Entra admin center > App registrations > API permissions > ${service}, application permissions) and grant admin consent, then run again`,
  );
}

/** Seconds from a Retry-After header (delta-seconds or HTTP date); undefined when absent or invalid. */
export function retryAfterSeconds(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value == null || value.trim() === "") return undefined;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}
