/**
 * Fingerprints of live photos, keyed by what the service says identifies their bytes (the Graph
 * photo's etag, the SharePoint file's ETag), so an unchanged photo is never downloaded again. It
 * makes runs fast; it never decides correctness: a wrong or unreadable entry is simply not used.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { FINGERPRINT_VERSION, isFingerprint } from "../images/fingerprint.js";
import type { Fingerprint } from "../images/fingerprint.js";

const FORMAT = "photosync.live-cache/v1";

export class LiveCache {
  private entries = new Map<string, Fingerprint>();
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

  set(key: string | undefined, fingerprint: Fingerprint): void {
    if (!key) return;
    this.entries.set(key, fingerprint);
    this.dirty = true;
  }

  /** Writes atomically (temp file + rename), only when something was added. */
  async save(): Promise<void> {
    if (!this.file || !this.dirty) return;
    await mkdir(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify({ format: FORMAT, entries: Object.fromEntries(this.entries) }));
    await rename(temporary, this.file);
    this.dirty = false;
  }
}
