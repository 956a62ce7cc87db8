/**
 * Fingerprints of live photos, keyed by what the service says identifies their bytes (the Graph
 * photo's etag, the SharePoint file's ETag), so an unchanged photo is never downloaded again. It
 * makes runs fast; it never decides correctness: a wrong or unreadable entry is simply not used.
 */
import { rm } from "node:fs/promises";
import path from "node:path";
import { jsonLines, readJsonLines } from "../files/json-lines.js";
import { writeCacheEntry } from "../files/write-atomic.js";
import { FINGERPRINT_VERSION, isFingerprint } from "../images/fingerprint.js";
import type { Fingerprint } from "../model/fingerprint.js";

/** JSON lines (json-lines.ts): one `[key, fingerprint]` per line, four a person (its size: docs/performance.md). */
const FORMAT = "photosync.live-cache/v2";

/** "store|owner|etag" → "store|owner|" (neither a store name nor an owner holds a "|"; an etag might). */
function ownerOf(key: string): string {
  return key.slice(0, key.indexOf("|", key.indexOf("|") + 1) + 1);
}

export class LiveCache {
  private entries = new Map<string, Fingerprint>();
  private byOwner: Map<string, string[]> | undefined;
  private dirty = false;

  /** `replaces`: a file of an older format this one supersedes, deleted on the first save. */
  constructor(
    private readonly file?: string,
    private readonly replaces?: string,
  ) {}

  /** The cache at .photosync/cache/live.jsonl under the repo root (v1 was live.json). */
  static forRepo(rootDir: string): LiveCache {
    const dir = path.join(rootDir, ".photosync", "cache");
    return new LiveCache(path.join(dir, "live.jsonl"), path.join(dir, "live.json"));
  }

  async load(): Promise<void> {
    if (!this.file) return;
    for await (const entry of readJsonLines(this.file, FORMAT)) {
      if (!Array.isArray(entry) || typeof entry[0] !== "string") continue;
      const value: unknown = entry[1];
      if (isFingerprint(value) && value.version === FINGERPRINT_VERSION) this.entries.set(entry[0], value);
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
    await writeCacheEntry(this.file, jsonLines(FORMAT, this.entries));
    this.dirty = false;
    if (this.replaces) await rm(this.replaces, { force: true });
  }
}
