/**
 * The render cache for the desired side: renders and fingerprints of each source photo, keyed by
 * everything that decides the output. Entries are verified on every read (format, key, checksum,
 * per-file sha256) and rebuilt when anything is off, so the cache makes runs fast but never
 * decides what is correct.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeCacheEntry } from "../files/write-atomic.js";
import type { RenderSettings, ThumbnailSizes } from "../model/desired.js";
import { FINGERPRINT_VERSION, isFingerprint } from "./fingerprint.js";
import { libraryVersions } from "./decode.js";
import { GRAPH_MAX_BYTES, GRAPH_MAX_EDGE } from "./graph-sizes.js";
import { ENCODER_SETTINGS, PIPELINE_VERSION, QUALITY_STEPS, VARIANT_NAMES } from "./settings.js";
import type { VariantName } from "./settings.js";
import { renderVariants, sha256 } from "./variants.js";
import type { RenderOptions, RenderedPhoto, Variant } from "./variants.js";

const ENTRY_FORMAT = "photosync-render-cache";
const ENTRY_VERSION = 1;

/** The default cache directory inside a repo (git-ignored through `.photosync/`). */
export function defaultCacheDir(rootDir: string): string {
  return join(rootDir, ".photosync", "cache");
}

/** What a batch of renders cost; `decodes` counts source photos actually decoded by sharp. */
export interface RenderStats {
  hits: number;
  misses: number;
  /** Entries found corrupt or stale and rendered again. */
  rebuilt: number;
  decodes: number;
  /** Cache entries that could not be written (the renders themselves were fine). */
  writeErrors: string[];
}

export function emptyStats(): RenderStats {
  return { hits: 0, misses: 0, rebuilt: 0, decodes: 0, writeErrors: [] };
}

/**
 * sha256 over the source bytes and everything else that changes the output: render settings,
 * thumbnail sizes, pipeline and fingerprint versions, encoder settings, sharp and libvips versions.
 */
export function cacheKey(
  source: Buffer,
  settings: RenderSettings,
  thumbnails: ThumbnailSizes,
  options: RenderOptions = {},
): string {
  return cacheKeyForHash(sha256(source), settings, thumbnails, options);
}

/** The same key from the source's sha256 (known from the stat index without reading the file). */
export function cacheKeyForHash(
  sourceSha256: string,
  settings: RenderSettings,
  thumbnails: ThumbnailSizes,
  options: RenderOptions = {},
): string {
  const crop = typeof settings.crop === "string" ? settings.crop : { x: settings.crop.x, y: settings.crop.y };
  // Built field by field so the JSON text (and the key) does not depend on the callers' key order.
  const inputs = {
    pipeline: PIPELINE_VERSION,
    fingerprint: FINGERPRINT_VERSION,
    encoder: ENCODER_SETTINGS,
    qualitySteps: QUALITY_STEPS,
    graphMaxEdge: GRAPH_MAX_EDGE,
    graphMaxBytes: options.maxGraphBytes ?? GRAPH_MAX_BYTES,
    libraries: libraryVersions(),
    settings: { crop, background: settings.background.trim().toLowerCase() },
    thumbnails: { small: thumbnails.small, medium: thumbnails.medium, large: thumbnails.large },
    source: sourceSha256,
  };
  return sha256(Buffer.from(JSON.stringify(inputs)));
}

interface StoredVariant extends Omit<Variant, "bytes"> {
  base64: string;
}
type StoredPhoto = Omit<RenderedPhoto, "variants"> & { variants: Record<VariantName, StoredVariant> };
interface Entry {
  format: string;
  version: number;
  key: string;
  /** sha256 of JSON.stringify(photo). */
  checksum: string;
  photo: StoredPhoto;
}

function toStored(photo: RenderedPhoto): StoredPhoto {
  const variants = {} as Record<VariantName, StoredVariant>;
  for (const name of VARIANT_NAMES) {
    const { bytes, ...rest } = photo.variants[name];
    variants[name] = { ...rest, base64: bytes.toString("base64") };
  }
  return { ...photo, variants };
}

/** Checks an entry read from disk; returns the photo or why it cannot be trusted. */
function fromEntry(text: string, key: string): RenderedPhoto | string {
  let entry: Entry;
  try {
    entry = JSON.parse(text) as Entry;
  } catch {
    return "not valid JSON";
  }
  if (typeof entry !== "object" || entry === null) return "not an object";
  if (entry.format !== ENTRY_FORMAT || entry.version !== ENTRY_VERSION) return "unknown format";
  if (entry.key !== key) return "written for another key";
  if (typeof entry.photo !== "object" || entry.photo === null) return "no photo";
  if (sha256(Buffer.from(JSON.stringify(entry.photo))) !== entry.checksum) return "checksum mismatch";
  const variants = {} as Record<VariantName, Variant>;
  for (const name of VARIANT_NAMES) {
    const stored = entry.photo.variants?.[name];
    if (!stored || typeof stored.base64 !== "string" || !isFingerprint(stored.fingerprint)) return `variant ${name} missing or malformed`;
    const { base64, ...rest } = stored;
    const bytes = Buffer.from(base64, "base64");
    if (sha256(bytes) !== stored.sha256) return `variant ${name} bytes do not match their sha256`;
    variants[name] = { ...rest, bytes };
  }
  return { ...entry.photo, variants };
}


export class RenderCache {
  constructor(readonly dir: string) {}

  /** Where the entry for a key lives (fanned out by the first two hex digits). */
  entryPath(key: string): string {
    return join(this.dir, "render", key.slice(0, 2), `${key}.json`);
  }

  /** The cached photo, "missing", or the reason the entry was rejected. */
  async read(key: string): Promise<{ photo: RenderedPhoto } | { missing: true } | { invalid: string }> {
    let text: string;
    try {
      text = await readFile(this.entryPath(key), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { missing: true };
      return { invalid: `unreadable: ${(error as Error).message}` };
    }
    const result = fromEntry(text, key);
    return typeof result === "string" ? { invalid: result } : { photo: result };
  }

  async write(key: string, photo: RenderedPhoto): Promise<void> {
    const stored = toStored(photo);
    const entry: Entry = {
      format: ENTRY_FORMAT,
      version: ENTRY_VERSION,
      key,
      checksum: sha256(Buffer.from(JSON.stringify(stored))),
      photo: stored,
    };
    await writeCacheEntry(this.entryPath(key), JSON.stringify(entry));
  }
}

/**
 * Renders a source photo, or returns its verified cached render. Without a cache it always renders.
 * A failure to write the cache is not a render failure: it is noted in stats.writeErrors.
 */
export async function renderCached(
  source: Buffer,
  settings: RenderSettings,
  thumbnails: ThumbnailSizes,
  cache: RenderCache | undefined,
  stats: RenderStats = emptyStats(),
  options: RenderOptions = {},
): Promise<RenderedPhoto> {
  const key = cacheKey(source, settings, thumbnails, options);
  if (cache) {
    const cached = await cache.read(key);
    if ("photo" in cached) {
      stats.hits++;
      // The key covers the settings, so the caller's objects equal the stored ones.
      return { ...cached.photo, settings, thumbnails };
    }
    if ("invalid" in cached) stats.rebuilt++;
  }
  stats.misses++;
  stats.decodes++;
  const photo = await renderVariants(source, settings, thumbnails, options);
  if (cache) {
    await cache.write(key, photo).catch((error: Error) => stats.writeErrors.push(`${cache.entryPath(key)}: ${error.message}`));
  }
  return photo;
}
