/**
 * The facts a plan needs of a desired photo — each variant's edge and fingerprint, no image bytes —
 * taken from the source's analysis (analysis.ts), never from a render, so a plan only ever decodes
 * a source at a fraction of its size. Cached next to the render cache's entries under the same
 * key: a plan of 10,000 people reads 10,000 small files. Every read is verified (format, key,
 * checksum); anything off is a miss, and the caller analyses the source again. Image bytes, when
 * needed (apply, render), come from the render cache's full entry.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeSmallCacheEntry } from "../files/write-atomic.js";
import type { ThumbnailSizes } from "../manifest/types.js";
import type { SourceAnalysis } from "./analysis.js";
import { isFingerprint } from "./fingerprint.js";
import type { Fingerprint } from "./fingerprint.js";
import { VARIANT_NAMES } from "./settings.js";
import type { VariantName } from "./settings.js";
import { sha256 } from "./variants.js";

const FORMAT = "photosync-render-facts";
// 3: one fingerprint for all variants, from the analysis (1 took four from the rendered variants).
const VERSION = 3;

export interface RenderFacts {
  /** Each variant's square edge. */
  edges: Record<VariantName, number>;
  /** The cropped source's fingerprint (analysis.ts), sized as the master. */
  fingerprint: Fingerprint;
}

interface FactsEntry {
  format: string;
  version: number;
  key: string;
  /** sha256 of JSON.stringify(facts). */
  checksum: string;
  facts: RenderFacts;
}

/** Each variant's edge (thumbnails never enlarged beyond the master, as variants.ts renders them) and the analysis' fingerprint. Pure. */
export function factsOf(analysis: Pick<SourceAnalysis, "edge" | "fingerprint">, thumbnails: ThumbnailSizes): RenderFacts {
  const thumbnail = (wanted: number) => Math.min(wanted, analysis.edge);
  return {
    edges: { graph: analysis.edge, "spo-S": thumbnail(thumbnails.small), "spo-M": thumbnail(thumbnails.medium), "spo-L": thumbnail(thumbnails.large) },
    fingerprint: analysis.fingerprint,
  };
}

function parse(text: string, key: string): RenderFacts | undefined {
  let entry: FactsEntry;
  try {
    entry = JSON.parse(text) as FactsEntry;
  } catch {
    return undefined;
  }
  if (typeof entry !== "object" || entry === null || entry.format !== FORMAT || entry.version !== VERSION || entry.key !== key) return undefined;
  if (typeof entry.facts !== "object" || entry.facts === null || sha256(Buffer.from(JSON.stringify(entry.facts))) !== entry.checksum) return undefined;
  for (const name of VARIANT_NAMES) {
    const edge = entry.facts.edges?.[name];
    if (!Number.isInteger(edge) || (edge as number) <= 0) return undefined;
  }
  if (!isFingerprint(entry.facts.fingerprint)) return undefined;
  return entry.facts;
}

export class FactsCache {
  /** `dir`: the render cache's directory (RenderCache.dir). */
  constructor(readonly dir: string) {}

  entryPath(key: string): string {
    return join(this.dir, "render", key.slice(0, 2), `${key}.facts.json`);
  }

  /**
   * The verified facts for a key, or undefined (missing, unreadable, corrupt, another key). Read
   * synchronously: an entry is ~1 KB, and an asynchronous read (open, stat, read, close, each a
   * promise) cost several times the read itself on the main thread, 10,000 times per plan.
   */
  read(key: string): RenderFacts | undefined {
    try {
      return parse(readFileSync(this.entryPath(key), "utf8"), key);
    } catch {
      return undefined;
    }
  }

  /** Writes through a temporary file and a rename, so readers never see half an entry; synchronously, as it is read (~1 KB). */
  write(key: string, facts: RenderFacts): void {
    const file = this.entryPath(key);
    const entry: FactsEntry = { format: FORMAT, version: VERSION, key, checksum: sha256(Buffer.from(JSON.stringify(facts))), facts };
    writeSmallCacheEntry(file, JSON.stringify(entry));
  }
}
