/**
 * Tuning from the environment, for unusual networks and services (and fast tests). Unset, empty or
 * invalid values mean the default. A Retry-After from the service is always honoured.
 * - PHOTOSYNC_RETRY_ATTEMPTS: tries per request (default 5).
 * - PHOTOSYNC_RETRY_BACKOFF_MS: first back-off without a Retry-After (default 1000, doubling).
 * - PHOTOSYNC_VERIFY_ATTEMPTS / PHOTOSYNC_VERIFY_DELAY_MS: reads back after apply (default 3, 2000).
 */
import type { VerifyOptions } from "../apply/verify.js";
import type { ReadOptions } from "../stores/read-live.js";

function tryCount(value: string | undefined): number | undefined {
  const number = Number(value);
  return value?.trim() && Number.isInteger(number) && number > 0 ? number : undefined;
}

function milliseconds(value: string | undefined): number | undefined {
  const number = Number(value);
  return value?.trim() && Number.isFinite(number) && number >= 0 ? number : undefined;
}

export function readOptionsFromEnv(env: NodeJS.ProcessEnv): ReadOptions {
  const maxAttempts = tryCount(env.PHOTOSYNC_RETRY_ATTEMPTS);
  const backoffMs = milliseconds(env.PHOTOSYNC_RETRY_BACKOFF_MS);
  const tuning = { ...(maxAttempts !== undefined ? { maxAttempts } : {}), ...(backoffMs !== undefined ? { backoffMs } : {}) };
  return { graph: tuning, sharePoint: tuning };
}

export function verifyOptionsFromEnv(env: NodeJS.ProcessEnv): Pick<VerifyOptions, "attempts" | "delayMs"> {
  const attempts = tryCount(env.PHOTOSYNC_VERIFY_ATTEMPTS);
  const delayMs = milliseconds(env.PHOTOSYNC_VERIFY_DELAY_MS);
  return { ...(attempts !== undefined ? { attempts } : {}), ...(delayMs !== undefined ? { delayMs } : {}) };
}
