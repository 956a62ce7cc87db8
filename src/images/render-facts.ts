/**
 * The facts a plan needs from a render — each variant's edge and fingerprint, no image bytes —
 * cached next to the render cache's full entry under the same key. A plan of 10,000 people reads
 * 10,000 small files instead of 10,000 entries holding four base64 JPEGs each. Every read is
 * verified (format, key, checksum); anything off is a miss, and the caller renders (or reads the
 * verified full entry) again. Image bytes, when needed (apply, render), still come from the full
 * entry.
 */

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeAtomic } from "../files/write-atomic.js";
import { isFingerprint } from "./fingerprint.js";
import type { Fingerprint } from "./fingerprint.js";
import { VARIANT_NAMES } from "./settings.js";
import type { VariantName } from "./settings.js";
import { sha256 } from "./variants.js";
import type { RenderedPhoto } from "./variants.js";

const FORMAT = "photosync-render-facts";
const VERSION = 1;

export interface RenderFacts {
  variants: Record<VariantName, { edge: number; fingerprint: Fingerprint }>;
}

interface FactsEntry {
  format: string;
  version: number;
  key: string;
  /** sha256 of JSON.stringify(facts). */
  checksum: string;
  facts: RenderFacts;
}

export function factsOf(photo: Pick<RenderedPhoto, "variants">): RenderFacts {
  const variants = {} as RenderFacts["variants"];
  for (const name of VARIANT_NAMES) variants[name] = { edge: photo.variants[name].edge, fingerprint: photo.variants[name].fingerprint };
  return { variants };
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
    const variant = entry.facts.variants?.[name];
    if (!variant || !Number.isInteger(variant.edge) || variant.edge <= 0 || !isFingerprint(variant.fingerprint)) return undefined;
  }
  return entry.facts;
}

export class FactsCache {
  /** `dir`: the render cache's directory (RenderCache.dir). */
  constructor(readonly dir: string) {}

  entryPath(key: string): string {
    return join(this.dir, "render", key.slice(0, 2), `${key}.facts.json`);
  }

  /** The verified facts for a key, or undefined (missing, unreadable, corrupt, another key). */
  async read(key: string): Promise<RenderFacts | undefined> {
    try {
      return parse(await readFile(this.entryPath(key), "utf8"), key);
    } catch {
      return undefined;
    }
  }

  /** Writes through a temporary file and a rename, so readers never see half an entry. */
  async write(key: string, facts: RenderFacts): Promise<void> {
    const file = this.entryPath(key);
    const entry: FactsEntry = { format: FORMAT, version: VERSION, key, checksum: sha256(Buffer.from(JSON.stringify(facts))), facts };
    await writeAtomic(file, JSON.stringify(entry));
  }
}
