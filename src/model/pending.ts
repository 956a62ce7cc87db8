/**
 * Pending writes: a Graph photo write that was accepted but, when apply stopped reading back, was
 * still served as the photo from before it. Graph can take minutes to serve a new photo (and up to
 * 48 h to show it everywhere, m365-facts.md), so the next plan must not take the old photo for
 * drift and upload again in a loop. Pure data and rules; reconcile/pending-writes.ts keeps them.
 */
import type { StoreName } from "./desired.js";
import { upnKey } from "./desired.js";

export interface PendingWrite {
  upn: string;
  store: StoreName;
  /** The perceptual hash of the photo written, or "remove" for a delete. */
  desired: string;
  /** The hash of the photo the store served before the write (null: none). */
  previous: string | null;
  /** When apply gave up waiting (ISO 8601). */
  since: string;
}

/** After this long a write that is still not served is drift again: "up to 48 h" (m365-facts.md). */
export const PENDING_LIMIT_MS = 48 * 60 * 60 * 1000;

/** What the planner is told: the recorded writes and the time the plan is made (ms since the epoch). */
export interface PendingInput {
  writes: readonly PendingWrite[];
  now: number;
}

/** `alex@contoso.com|exo`: one record per person and store. */
export function pendingKey(upn: string, store: StoreName): string {
  return `${upnKey(upn)}|${store}`;
}

/**
 * The record that explains a difference, when there is one: the same desired photo, the store still
 * serving exactly what it served before the write, and younger than the limit. Anything else (a new
 * photo in the manifest, a third photo in the store, an old record) is a change as usual.
 */
export function explainingWrite(
  input: PendingInput | undefined,
  upn: string,
  store: StoreName,
  desired: string,
  served: string | null,
): PendingWrite | undefined {
  if (input === undefined) return undefined;
  const key = pendingKey(upn, store);
  const write = input.writes.find((candidate) => pendingKey(candidate.upn, candidate.store) === key);
  if (write === undefined || write.desired !== desired || write.previous !== served) return undefined;
  const age = input.now - Date.parse(write.since);
  return Number.isFinite(age) && age >= 0 && age < PENDING_LIMIT_MS ? write : undefined;
}
