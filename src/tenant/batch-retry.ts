/**
 * The one per-item retry loop for batched requests (Graph's JSON $batch, SharePoint's OData
 * $batch). The stores keep their wire formats; this decides what is sent again and when: only the
 * items that answered retryably, after the longest Retry-After among them (or the policy's
 * doubling back-off), while the service's shared back-off gate holds every other request too.
 */
import type { RetryPolicy } from "./http.js";

/** One item's answer to one send. */
export type ItemOutcome<R> =
  | { kind: "ok"; result: R }
  /** Worth another try; `retryAfter` in seconds when the service said how long to wait. */
  | { kind: "retryable"; result: R; retryAfter?: number }
  | { kind: "final"; result: R };

export interface BatchRetryOptions {
  policy: RetryPolicy;
  /** Told each Retry-After, so every request to the service waits (ServiceBackoff.reporter). */
  onThrottled?: (seconds: number) => void;
  /** A Retry-After longer than this fails the item as it is instead of holding the batch (seconds). */
  maxRetryAfterSeconds?: number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends `indexes` (one batch's items) with `send`, which resolves to one outcome per index given,
 * in order (a batch that failed as a whole answers every item with the same outcome). Returns each
 * index's last result. At most `policy.maxAttempts` sends in all.
 */
export async function sendBatchWithRetries<R>(
  indexes: readonly number[],
  send: (pending: readonly number[]) => Promise<Array<ItemOutcome<R>>>,
  options: BatchRetryOptions,
): Promise<Map<number, R>> {
  const { policy } = options;
  const sleep = options.sleep ?? realSleep;
  const maxRetryAfter = options.maxRetryAfterSeconds ?? 120;
  const results = new Map<number, R>();
  let pending = [...indexes];
  for (let attempt = 1; pending.length > 0; attempt++) {
    const outcomes = await send(pending);
    const retry: number[] = [];
    let waitSeconds = 0;
    pending.forEach((index, i) => {
      const outcome = outcomes[i]!;
      results.set(index, outcome.result);
      if (outcome.kind !== "retryable") return;
      // The service asked for quiet: every request to it waits, retried or not.
      if (outcome.retryAfter !== undefined) options.onThrottled?.(outcome.retryAfter);
      if (attempt >= policy.maxAttempts) return;
      if (outcome.retryAfter !== undefined && outcome.retryAfter > maxRetryAfter) return; // too long: report it as it is
      retry.push(index);
      waitSeconds = Math.max(waitSeconds, outcome.retryAfter ?? (policy.backoffMs / 1000) * 2 ** (attempt - 1));
    });
    pending = retry;
    if (pending.length > 0) await sleep(waitSeconds * 1000);
  }
  return results;
}
