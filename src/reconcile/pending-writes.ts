/**
 * The pending writes (model/pending.ts) kept between runs, in .photosync/cache/pending.json next to
 * the render and live caches (the plan and drift workflows restore that folder). Losing the file is
 * safe: the next plan shows the old photo as an update again, and apply writes it once more.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { writeAtomic } from "../files/write-atomic.js";
import { STORE_NAMES, upnKey } from "../model/desired.js";
import type { PendingWrite } from "../model/pending.js";
import { pendingKey } from "../model/pending.js";

const FORMAT = "photosync.pending/v1";

export function pendingFile(rootDir: string): string {
  return path.join(rootDir, ".photosync", "cache", "pending.json");
}

function isPendingWrite(value: unknown): value is PendingWrite {
  if (value === null || typeof value !== "object") return false;
  const write = value as Record<string, unknown>;
  return (
    typeof write.upn === "string" &&
    typeof write.store === "string" &&
    (STORE_NAMES as readonly string[]).includes(write.store) &&
    typeof write.desired === "string" &&
    (write.previous === null || typeof write.previous === "string") &&
    typeof write.since === "string"
  );
}

/** The recorded writes; a missing, unreadable or foreign file is no records (never an error: it only informs the plan). */
export async function loadPendingWrites(file: string): Promise<PendingWrite[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return [];
  }
  try {
    const document = JSON.parse(text) as { format?: unknown; writes?: unknown };
    if (document.format !== FORMAT || !Array.isArray(document.writes)) return [];
    return document.writes.filter(isPendingWrite);
  } catch {
    return [];
  }
}

/** Writes the records, sorted; no records and no file: nothing is written. */
export async function savePendingWrites(file: string, writes: readonly PendingWrite[], existed: boolean): Promise<void> {
  if (writes.length === 0 && !existed) return;
  const sorted = [...writes].sort((a, b) => pendingKey(a.upn, a.store).localeCompare(pendingKey(b.upn, b.store)));
  await writeAtomic(file, `${JSON.stringify({ format: FORMAT, writes: sorted }, null, 2)}\n`);
}

/**
 * The records to keep after a plan: a planned person's record stays only while their step is still
 * pending (served: done; expired or superseded: drift again) or could not be read (unknown is not
 * an answer); everyone else's is untouched.
 */
export function keepAfterPlan(
  writes: readonly PendingWrite[],
  planned: ReadonlyMap<string, ReadonlyMap<string, string>>,
): PendingWrite[] {
  return writes.filter((write) => {
    const steps = planned.get(upnKey(write.upn));
    const action = steps?.get(write.store);
    return action === undefined || action === "pending" || action === "unknown";
  });
}

/** After an apply: drop the records of every step the apply wrote, then add the ones still pending. */
export function mergeAfterApply(writes: readonly PendingWrite[], written: ReadonlySet<string>, added: readonly PendingWrite[]): PendingWrite[] {
  const addedKeys = new Set(added.map((write) => pendingKey(write.upn, write.store)));
  return [...writes.filter((write) => !written.has(pendingKey(write.upn, write.store)) && !addedKeys.has(pendingKey(write.upn, write.store))), ...added];
}
