/**
 * The facts a plan needs of a desired photo — each variant's edge and fingerprint, no image bytes —
 * taken from the source's analysis (analysis.ts), never from a render, so a plan only ever decodes
 * a source at a fraction of its size. Image bytes, when needed (apply, render), come from the
 * render cache's full entries.
 *
 * All entries live in one JSON-lines file (`.photosync/cache/facts.jsonl`, a line per photo), read
 * once when a plan starts and written once when it ends: a file per entry would cost a cold plan
 * one file created per photo, a noticeable share of its time. Every line is checked (key, edges, fingerprint);
 * anything off is a miss, and the caller analyses the source again.
 */
import { join } from "node:path";
import { jsonLines, readJsonLines } from "../files/json-lines.js";
import { writeCacheEntry } from "../files/write-atomic.js";
import type { ThumbnailSizes } from "../model/desired.js";
import type { SourceAnalysis } from "./analysis.js";
import { isFingerprint } from "./fingerprint.js";
import type { Fingerprint } from "../model/fingerprint.js";
import { VARIANT_NAMES } from "./settings.js";
import type { VariantName } from "./settings.js";

// v5: facts carry the source's size (plan checks minSize from it without reading the photo).
// v4: one file of `[key, facts]` lines (v3 was a checksummed `<key>.facts.json` per entry).
const FORMAT = "photosync.render-facts/v5";

export interface RenderFacts {
  /** Each variant's square edge. */
  edges: Record<VariantName, number>;
  /** The cropped source's fingerprint (analysis.ts), sized as the master. */
  fingerprint: Fingerprint;
  /** The source's upright size: plan checks it against minSize as validate does. */
  source: { width: number; height: number };
}

/** Each variant's edge (thumbnails never enlarged beyond the master, as variants.ts renders them) and the analysis' fingerprint. Pure. */
export function factsOf(analysis: Pick<SourceAnalysis, "edge" | "fingerprint" | "source">, thumbnails: ThumbnailSizes): RenderFacts {
  const thumbnail = (wanted: number) => Math.min(wanted, analysis.edge);
  return {
    edges: { graph: analysis.edge, "spo-S": thumbnail(thumbnails.small), "spo-M": thumbnail(thumbnails.medium), "spo-L": thumbnail(thumbnails.large) },
    fingerprint: analysis.fingerprint,
    source: { width: analysis.source.width, height: analysis.source.height },
  };
}

/** True when a stored value has the shape of RenderFacts (a positive whole edge per variant, a current fingerprint). */
function isRenderFacts(value: unknown): value is RenderFacts {
  if (typeof value !== "object" || value === null) return false;
  const facts = value as Partial<RenderFacts>;
  if (typeof facts.edges !== "object" || facts.edges === null) return false;
  for (const name of VARIANT_NAMES) {
    const edge = facts.edges[name];
    if (!Number.isInteger(edge) || (edge as number) <= 0) return false;
  }
  const source = facts.source;
  if (typeof source !== "object" || source === null || !Number.isInteger(source.width) || !Number.isInteger(source.height) || source.width <= 0 || source.height <= 0) return false;
  return isFingerprint(facts.fingerprint);
}

export class FactsCache {
  private entries = new Map<string, RenderFacts>();
  /** Keys read or written since the load. */
  private used = new Set<string>();
  private dirty = false;

  constructor(readonly file: string) {}

  /** The facts file in a render cache's directory (RenderCache.dir). */
  static inCacheDir(dir: string): FactsCache {
    return new FactsCache(join(dir, "facts.jsonl"));
  }

  async load(): Promise<void> {
    for await (const line of readJsonLines(this.file, FORMAT)) {
      if (!Array.isArray(line) || typeof line[0] !== "string") continue;
      const facts: unknown = line[1];
      if (isRenderFacts(facts)) this.entries.set(line[0], facts);
    }
  }

  /** The facts for a key, or undefined. */
  read(key: string): RenderFacts | undefined {
    const facts = this.entries.get(key);
    if (facts) this.used.add(key);
    return facts;
  }

  write(key: string, facts: RenderFacts): void {
    this.entries.set(key, facts);
    this.used.add(key);
    this.dirty = true;
  }

  /**
   * Writes the file atomically when something changed. `onlyUsed`, for a run that looked up every
   * photo the manifest names: entries it did not use belong to photos no longer there (or to other
   * render settings) and are dropped, so the file holds one entry per photo however often they change.
   */
  async save(options: { onlyUsed?: boolean } = {}): Promise<void> {
    if (options.onlyUsed && this.used.size < this.entries.size) {
      for (const key of this.entries.keys()) if (!this.used.has(key)) this.entries.delete(key);
      this.dirty = true;
    }
    if (!this.dirty) return;
    await writeCacheEntry(this.file, jsonLines(FORMAT, this.entries));
    this.dirty = false;
  }
}
