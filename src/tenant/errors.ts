/** Turning whatever a client library threw into a ServiceError: code, message, status. Never a token. */
import type { ServiceError } from "../model/observations.js";

export function toServiceError(error: unknown): ServiceError {
  if (error && typeof error === "object") {
    const record = error as { statusCode?: unknown; status?: unknown; code?: unknown; message?: unknown; cause?: { code?: unknown } };
    const status = typeof record.statusCode === "number" && record.statusCode > 0 ? record.statusCode : typeof record.status === "number" ? record.status : undefined;
    const transport = typeof record.cause?.code === "string" ? record.cause.code : undefined;
    const code = typeof record.code === "string" && record.code !== "" ? record.code : (transport ?? (status ? `HTTP${status}` : "Error"));
    const message = typeof record.message === "string" && record.message !== "" ? record.message : String(error);
    return { code, message: message.split("\n")[0]!.slice(0, 500), ...(status !== undefined ? { status } : {}) };
  }
  return { code: "Error", message: String(error) };
}

/** Statuses worth retrying: throttled, or the service said it is (temporarily) unavailable. */
export function isRetryableStatus(status: number | undefined): boolean {
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

/** Seconds from a Retry-After header (delta-seconds or HTTP date); undefined when absent or invalid. */
export function retryAfterSeconds(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value == null || value.trim() === "") return undefined;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}
