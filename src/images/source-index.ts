/**
 * A stat index in front of the render cache, like git's index: for each source photo, the file's
 * identity and timestamps (device, inode, size, mtime, ctime, in nanoseconds) when it was last
 * hashed, and its sha256. A photo whose stat is exactly unchanged is not read again; any difference
 * means reading and hashing it again. ctime cannot be set by tools (unlike mtime), so an edit that
 * restores the old mtime is still seen. An entry recorded less than RACY_NS after the file's last
 * change cannot tell a later change within the same timestamp tick apart ("racy" in git's terms):
 * it is never trusted, and the file is hashed again until the entry is old enough.
 *
 * The file is stat'ed before it is read, so a change while reading leaves a stat that differs from
 * the one recorded. Stored in `.photosync/cache/source-index.json`; deleting it is always safe.
 */
import { readFileSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { writeAtomic } from "../files/write-atomic.js";
import { sha256 } from "./variants.js";

const FORMAT = "photosync.source-index/v1";
/** Changes closer than this to the moment of hashing are not trusted to show in the stat. */
export const RACY_NS = 2_000_000_000n;

export interface StatKey {
  dev: string;
  ino: string;
  size: string;
  mtimeNs: string;
  ctimeNs: string;
}

interface Entry extends StatKey {
  sha256: string;
  /** When the file was hashed (wall clock, ns since the epoch). */
  hashedNs: string;
}

export interface HashedSource {
  sha256: string;
  /** The bytes, when they had to be read to hash them. */
  bytes?: Buffer;
  /** True when the sha256 came from the index without reading the file. */
  fromIndex: boolean;
}

// Synchronous: a stat is far cheaper than the promise an asynchronous one costs the main thread.
async function statKey(file: string): Promise<StatKey> {
  const s = statSync(file, { bigint: true });
  return { dev: String(s.dev), ino: String(s.ino), size: String(s.size), mtimeNs: String(s.mtimeNs), ctimeNs: String(s.ctimeNs) };
}

function sameStat(a: StatKey, b: StatKey): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

function isEntry(value: unknown): value is Entry {
  const entry = value as Entry;
  return (
    typeof entry === "object" &&
    entry !== null &&
    [entry.dev, entry.ino, entry.size, entry.mtimeNs, entry.ctimeNs, entry.hashedNs].every((field) => typeof field === "string" && /^\d+$/.test(field)) &&
    typeof entry.sha256 === "string" &&
    /^[0-9a-f]{64}$/.test(entry.sha256)
  );
}

export class SourceIndex {
  private entries = new Map<string, Entry>();
  private dirty = false;

  constructor(
    private readonly file?: string,
    private readonly now: () => bigint = () => BigInt(Date.now()) * 1_000_000n,
  ) {}

  /** The index next to the render cache (`<cacheDir>/source-index.json`). */
  static inCacheDir(cacheDir: string): SourceIndex {
    return new SourceIndex(path.join(cacheDir, "source-index.json"));
  }

  async load(): Promise<void> {
    if (!this.file) return;
    try {
      const data = JSON.parse(await readFile(this.file, "utf8")) as { format?: string; entries?: Record<string, unknown> };
      if (data.format !== FORMAT || typeof data.entries !== "object" || data.entries === null) return;
      for (const [file, entry] of Object.entries(data.entries)) if (isEntry(entry)) this.entries.set(file, entry);
    } catch {
      // Missing or corrupt: start empty (every photo is hashed once more).
    }
  }

  /** The sha256 of the file's current content; reads it only when the stat does not vouch for it. */
  async hash(file: string): Promise<HashedSource> {
    const absolute = path.resolve(file);
    const current = await statKey(absolute);
    const entry = this.entries.get(absolute);
    if (entry && sameStat(entry, current) && BigInt(entry.hashedNs) - BigInt(current.mtimeNs) > RACY_NS && BigInt(entry.hashedNs) - BigInt(current.ctimeNs) > RACY_NS) {
      return { sha256: entry.sha256, fromIndex: true };
    }
    const hashedNs = this.now();
    // Synchronous, like the stat: from the page cache a read is cheaper than the four promises
    // (open, stat, read, close) readFile costs the main thread.
    const bytes = readFileSync(absolute);
    // createHash on the main thread: WebCrypto's digest runs on the thread pool but first copies
    // the bytes, which costs the main thread more than hashing them here.
    const hash = sha256(bytes);
    this.entries.set(absolute, { ...current, sha256: hash, hashedNs: String(hashedNs) });
    this.dirty = true;
    return { sha256: hash, bytes, fromIndex: false };
  }

  /** Writes atomically, only when something changed. */
  async save(): Promise<void> {
    if (!this.file || !this.dirty) return;
    await writeAtomic(this.file, JSON.stringify({ format: FORMAT, entries: Object.fromEntries(this.entries) }));
    this.dirty = false;
  }
}
