/**
 * Fingerprints of live photos, keyed by what the service says identifies their bytes (the Graph
 * photo's etag, the SharePoint file's ETag), so an unchanged photo is never downloaded again. It
 * makes runs fast; it never decides correctness: a wrong or unreadable entry is simply not used.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { writeAtomic } from "../files/write-atomic.js";
import { FINGERPRINT_VERSION, isFingerprint } from "../images/fingerprint.js";
import type { Fingerprint } from "../images/fingerprint.js";

const FORMAT = "photosync.live-cache/v1";

/** "store|owner|etag" → "store|owner|" (neither a store name nor an owner holds a "|"; an etag might). */
function ownerOf(key: string): string {
  return key.slice(0, key.indexOf("|", key.indexOf("|") + 1) + 1);
}

export class LiveCache {
  private entries = new Map<string, Fingerprint>();
  private byOwner: Map<string, string[]> | undefined;
  private dirty = false;

  constructor(private readonly file?: string) {}

  /** The cache at .photosync/cache/live.json under the repo root. */
  static forRepo(rootDir: string): LiveCache {
    return new LiveCache(path.join(rootDir, ".photosync", "cache", "live.json"));
  }

  async load(): Promise<void> {
    if (!this.file) return;
    try {
      const data = JSON.parse(await readFile(this.file, "utf8")) as { format?: string; entries?: Record<string, unknown> };
      if (data.format !== FORMAT || !data.entries) return;
      for (const [key, value] of Object.entries(data.entries)) {
        if (isFingerprint(value) && value.version === FINGERPRINT_VERSION) this.entries.set(key, value);
      }
    } catch {
      // Missing or corrupt: start empty; the next save rewrites it.
    }
  }

  /** The key of one stored photo: store, owner and the service's etag. No etag, no caching. */
  static key(store: string, owner: string, etag: string | undefined): string | undefined {
    return etag ? `${store}|${owner.toLowerCase()}|${etag}` : undefined;
  }

  get(key: string | undefined): Fingerprint | undefined {
    return key ? this.entries.get(key) : undefined;
  }

  /**
   * Stores a photo's fingerprint. A store keeps one photo per owner, so an entry for an older etag
   * of the same store and owner can never be used again: it is dropped, which keeps the file (and
   * memory) at one entry per photo however often photos change.
   */
  set(key: string | undefined, fingerprint: Fingerprint): void {
    if (!key) return;
    const owner = ownerOf(key);
    for (const stale of this.keysByOwner().get(owner) ?? []) if (stale !== key) this.entries.delete(stale);
    this.entries.set(key, fingerprint);
    this.byOwner?.set(owner, [key]);
    this.dirty = true;
  }

  /** "store|owner|" → the keys held for it (built once, on the first write). */
  private keysByOwner(): Map<string, string[]> {
    if (!this.byOwner) {
      this.byOwner = new Map();
      for (const key of this.entries.keys()) {
        const owner = ownerOf(key);
        const keys = this.byOwner.get(owner);
        if (keys) keys.push(key);
        else this.byOwner.set(owner, [key]);
      }
    }
    return this.byOwner;
  }

  /** Writes atomically (temp file + rename), only when something was added. */
  async save(): Promise<void> {
    if (!this.file || !this.dirty) return;
    await writeAtomic(this.file, JSON.stringify({ format: FORMAT, entries: Object.fromEntries(this.entries) }));
    this.dirty = false;
  }
}
