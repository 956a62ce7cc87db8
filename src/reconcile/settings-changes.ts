/**
 * The last change apply made to the tenant's photoUpdateSettings (model/photo-updates.ts), kept in
 * .photosync/cache/photo-updates-change.json next to the pending writes, so that a plan within 24
 * hours can say the change may not be in force yet. Losing the file is safe: the plan then says
 * nothing about it, and apply still stops at the first Graph photo write the tenant refuses.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { writeAtomic } from "../files/write-atomic.js";
import type { PhotoUpdatesChange } from "../model/photo-updates.js";

const FORMAT = "photosync.photo-updates-change/v1";

export function photoUpdatesChangeFile(rootDir: string): string {
  return path.join(rootDir, ".photosync", "cache", "photo-updates-change.json");
}

/** The recorded change; a missing, unreadable or foreign file is none (it only informs the plan). */
export async function loadPhotoUpdatesChange(file: string): Promise<PhotoUpdatesChange | undefined> {
  try {
    const document = JSON.parse(await readFile(file, "utf8")) as { format?: unknown; change?: { patch?: unknown; at?: unknown } };
    const change = document.change;
    if (document.format !== FORMAT || typeof change?.at !== "string" || change.patch === null || typeof change.patch !== "object") return undefined;
    return { at: change.at, patch: change.patch as PhotoUpdatesChange["patch"] };
  } catch {
    return undefined;
  }
}

export async function savePhotoUpdatesChange(file: string, change: PhotoUpdatesChange): Promise<void> {
  await writeAtomic(file, `${JSON.stringify({ format: FORMAT, change }, null, 2)}\n`);
}
