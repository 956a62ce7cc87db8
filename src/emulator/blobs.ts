/**
 * Content-addressed photo bytes: sha256 → bytes. In memory only, or on disk as one file per blob
 * (`{dir}/{aa}/{sha256}`), so a 10,000-user state file stays small and loads fast. Reads are
 * served from a bounded in-memory cache; blobs are immutable so the cache never goes stale.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeCacheEntry } from "../files/write-atomic.js";
import { BytesLru } from "./bytes-lru.js";

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export class BlobStore {
  /** Memory-only stores keep everything; on disk, `cacheBytes` of the blobs read or written last. */
  private readonly cache: BytesLru;
  private readonly known = new Set<string>();

  /** `dir` undefined: memory only. `cacheBytes`: how much to keep in memory when on disk. */
  constructor(
    private readonly dir: string | undefined,
    cacheBytes = 64 * 1024 * 1024,
  ) {
    this.cache = dir === undefined ? new BytesLru(Infinity) : new BytesLru(cacheBytes, cacheBytes / 4);
  }

  async put(bytes: Buffer): Promise<string> {
    const hash = sha256(bytes);
    if (this.dir !== undefined && !this.known.has(hash)) {
      // A temp file and a rename, without write-file-atomic's fsync: seeding a large tenant writes
      // a dozen blobs a person, and the emulator's state is for development, not for power cuts.
      await writeCacheEntry(join(this.dir, hash.slice(0, 2), hash), bytes);
    }
    this.known.add(hash);
    this.cache.set(hash, bytes);
    return hash;
  }

  async get(hash: string): Promise<Buffer> {
    const hit = this.cache.get(hash);
    if (hit !== undefined) return hit;
    if (this.dir === undefined) throw new Error(`blob ${hash} is missing`);
    const bytes = await readFile(join(this.dir, hash.slice(0, 2), hash));
    this.known.add(hash);
    this.cache.set(hash, bytes);
    return bytes;
  }
}
