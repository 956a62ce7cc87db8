/**
 * The distances between two fingerprints (compare.ts's measure), remembered between runs. Fitting
 * one pair costs most of a millisecond, and a plan compares every photo of every store; a drift
 * plan of an unchanged tenant compares the very same pairs as the run before, so it measures
 * nothing. Like the other caches it only makes runs faster: the key is a digest of both
 * fingerprints and of MEASURE_VERSION, so a changed photo, render or measure is simply a miss.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { jsonLines, readJsonLines } from "../files/json-lines.js";
import { writeCacheEntry } from "../files/write-atomic.js";
import type { Fingerprint } from "../model/fingerprint.js";
import { MEASURE_VERSION, measure } from "./compare.js";
import type { Distances } from "./compare.js";

/** JSON lines: one `[key, [hash, colour, pixels, tone, structure, lost, fine, moved, texture, blocks]]` per line. */
const FORMAT = "photosync.measure-cache/v2";
/** The order of a stored entry's numbers. */
const FIELDS = ["hash", "colour", "pixels", "tone", "structure", "lost", "fine", "moved", "texture", "blocks"] as const satisfies ReadonlyArray<keyof Distances>;

/** Each fingerprint's own digest, once per object: a plan compares our fingerprint with up to four stores' copies. */
const fingerprintDigests = new WeakMap<Fingerprint, string>();

function fingerprintDigest(fingerprint: Fingerprint): string {
  let known = fingerprintDigests.get(fingerprint);
  if (known === undefined) {
    known = createHash("sha256").update(JSON.stringify(fingerprint)).digest("base64url");
    fingerprintDigests.set(fingerprint, known);
  }
  return known;
}

function digest(expected: Fingerprint, actual: Fingerprint): string {
  return createHash("sha256").update(`${MEASURE_VERSION}\n${fingerprintDigest(expected)}\n${fingerprintDigest(actual)}`).digest("base64url");
}

function fromStored(value: unknown): Distances | undefined {
  if (!Array.isArray(value) || value.length !== FIELDS.length || !value.every((v) => typeof v === "number" && Number.isFinite(v))) return undefined;
  return Object.fromEntries(FIELDS.map((field, i) => [field, value[i] as number])) as unknown as Distances;
}

export class MeasureCache {
  private stored = new Map<string, Distances>();
  /** The entries this run used or added. */
  private used = new Map<string, Distances>();
  private added = false;

  constructor(private readonly file?: string) {}

  /** The cache at .photosync/cache/measures.jsonl under the repo root. */
  static forRepo(rootDir: string): MeasureCache {
    return new MeasureCache(path.join(rootDir, ".photosync", "cache", "measures.jsonl"));
  }

  async load(): Promise<void> {
    if (!this.file) return;
    for await (const entry of readJsonLines(this.file, FORMAT)) {
      if (!Array.isArray(entry) || typeof entry[0] !== "string") continue;
      const distances = fromStored(entry[1]);
      if (distances) this.stored.set(entry[0], distances);
    }
  }

  /** measure(expected, actual), from the cache when this pair was measured before. */
  readonly measure = (expected: Fingerprint, actual: Fingerprint): Distances => {
    const key = digest(expected, actual);
    const known = this.used.get(key) ?? this.stored.get(key);
    if (known) {
      this.used.set(key, known);
      return { ...known };
    }
    const distances = measure(expected, actual);
    this.used.set(key, distances);
    this.added = true;
    return { ...distances };
  };

  /**
   * Writes the cache atomically, when that changes it. `onlyUsed` (a run that compared everyone):
   * keep just the pairs this run used, so the file holds one run's pairs, not every pair ever.
   */
  async save(options: { onlyUsed: boolean }): Promise<void> {
    if (!this.file) return;
    const dropping = options.onlyUsed && [...this.used.keys()].filter((key) => this.stored.has(key)).length < this.stored.size;
    if (!this.added && !dropping) return;
    const kept = options.onlyUsed ? this.used : new Map([...this.stored, ...this.used]);
    await writeCacheEntry(
      this.file,
      jsonLines(
        FORMAT,
        [...kept].map(([key, distances]) => [key, FIELDS.map((field) => distances[field])]),
      ),
    );
    this.stored = new Map(kept);
    this.added = false;
  }
}
