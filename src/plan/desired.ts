/**
 * The desired side of a plan: what the planner compares of each user's photo — each variant's
 * size and the fingerprint of the cropped source (images/analysis.ts). A plan never renders: the
 * analysis decodes a source at a fraction of its size, and rendering is left to apply, for the
 * people it writes.
 *
 * With a cache, a warm run does not even read a photo: the stat index (source-index.ts) gives the
 * source's sha256 when the file is unchanged, and the facts (render-facts.ts) are looked up by the
 * cache key. A changed file is hashed again, and a missing or damaged facts entry means analysing
 * the photo again.
 */
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import pLimit from "p-limit";
import { analyseSource } from "../images/analysis.js";
import { cacheKeyForHash, emptyStats } from "../images/cache.js";
import type { RenderCache, RenderStats } from "../images/cache.js";
import { FactsCache, factsOf } from "../images/render-facts.js";
import type { RenderFacts } from "../images/render-facts.js";
import { SourceIndex } from "../images/source-index.js";
import { sha256 } from "../images/variants.js";
import type { DesiredState, DesiredUser } from "../manifest/types.js";
import { upnKey } from "../manifest/types.js";
import type { DesiredImage } from "./model.js";

export function toDesiredImage(path: string, photo: RenderFacts): DesiredImage {
  // One fingerprint sized per variant; the copies share its colour and pixel data.
  const facts = (name: keyof RenderFacts["edges"]) => {
    const edge = photo.edges[name];
    return { edge, fingerprint: { ...photo.fingerprint, width: edge, height: edge } };
  };
  return {
    state: "rendered",
    path,
    graph: facts("graph"),
    thumbnails: { small: facts("spo-S"), medium: facts("spo-M"), large: facts("spo-L") },
  };
}

/** One user's desired image through the index and the facts cache (no cache: always analysed). */
async function desiredImage(
  user: DesiredUser,
  thumbnails: DesiredState["tenant"]["sharepoint"]["thumbnails"],
  caches: { facts: FactsCache; index: SourceIndex } | undefined,
  stats: RenderStats,
): Promise<DesiredImage> {
  if (user.photo.kind === "remove") return { state: "remove" };
  const photoPath = user.photo.path;
  const absolutePath = user.photo.absolutePath;
  try {
    // The bytes, when hashing them for the index read them, and their sha256.
    let read: { bytes: Buffer; sha256: string } | undefined;
    if (caches) {
      const hashed = await caches.index.hash(absolutePath);
      if (hashed.bytes) read = { bytes: hashed.bytes, sha256: hashed.sha256 };
      const facts = caches.facts.read(cacheKeyForHash(hashed.sha256, user.render, thumbnails));
      if (facts) {
        stats.hits++;
        return toDesiredImage(photoPath, facts);
      }
    }
    const source = read?.bytes ?? (await readFile(absolutePath));
    stats.misses++;
    stats.decodes++;
    const facts = factsOf(await analyseSource(source, user.render), thumbnails);
    // Keyed by what was analysed (if the file changed since its stat was indexed, that is its own key).
    if (caches) caches.facts.write(cacheKeyForHash(read?.sha256 ?? sha256(source), user.render, thumbnails), facts);
    return toDesiredImage(photoPath, facts);
  } catch (error) {
    return { state: "failed", path: photoPath, error: error instanceof Error ? error.message : String(error) };
  }
}

export async function analyseDesired(
  state: DesiredState,
  users: readonly DesiredUser[],
  cache: RenderCache | undefined,
  onProgress?: (done: number, total: number) => void,
): Promise<{ desired: Map<string, DesiredImage>; stats: RenderStats }> {
  const stats = emptyStats();
  const desired = new Map<string, DesiredImage>();
  const caches = cache ? { facts: FactsCache.inCacheDir(cache.dir), index: SourceIndex.inCacheDir(cache.dir) } : undefined;
  await Promise.all([caches?.facts.load(), caches?.index.load()]);
  // Twice the cores: each analysis waits on file reads and the main thread between its libvips steps.
  const limit = pLimit(2 * Math.max(1, availableParallelism()));
  let done = 0;
  await Promise.all(
    users.map((user) =>
      limit(async () => {
        desired.set(upnKey(user.upn), await desiredImage(user, state.tenant.sharepoint.thumbnails, caches, stats));
        onProgress?.(++done, users.length);
      }),
    ),
  );
  // Only optimisations: a failure to save means hashing and analysing again next time. A run over
  // everyone the manifest names keeps only the facts it used (see FactsCache.save).
  const everyone = users.length === state.users.length;
  await Promise.all([caches?.index.save().catch(() => undefined), caches?.facts.save({ onlyUsed: everyone }).catch(() => undefined)]);
  return { desired, stats };
}
