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
import { availableParallelism } from "node:os";
import pLimit from "p-limit";
import { cacheKeyForHash, emptyStats } from "../images/cache.js";
import type { RenderCache, RenderStats } from "../images/cache.js";
import { FactsCache, factsOf } from "../images/render-facts.js";
import type { RenderFacts } from "../images/render-facts.js";
import { SourceIndex } from "../images/source-index.js";
import { sha256 } from "../images/variants.js";
import type { Problem } from "../manifest/problems.js";
import { sortProblems } from "../manifest/problems.js";
import type { DesiredState, DesiredUser } from "../model/desired.js";
import type { PhotoFinding } from "../validate/photo-content.js";
import { checkPhotoBytes, checkPhotoFile, photoProblem, sizeFindings, unreadable } from "../validate/photo-content.js";
import { upnKey } from "../model/desired.js";
import type { DesiredImage } from "../model/plan.js";
import type { AnalysedSource } from "../model/record.js";

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

/** `sha256`: of the source bytes the analysis describes (apply renders only from the same bytes). */
type DesiredOutcome = { image: DesiredImage; findings: PhotoFinding[]; sha256?: string };

/**
 * One user's desired image through the index and the facts cache (no cache: always analysed), with
 * what validate would find wrong with the photo. A cached entry exists only for a photo that
 * decoded; its size is checked again here, since minSize is not part of the key.
 */
async function desiredImage(
  user: DesiredUser,
  state: DesiredState,
  caches: { facts: FactsCache; index: SourceIndex } | undefined,
  stats: RenderStats,
): Promise<DesiredOutcome | { findings: PhotoFinding[] }> {
  if (user.photo.kind === "remove") return { image: { state: "remove" }, findings: [] };
  const { thumbnails } = state.tenant.sharepoint;
  const photoPath = user.photo.path;
  const absolutePath = user.photo.absolutePath;
  // The bytes, when hashing them for the index read them, and their sha256.
  let read: { bytes: Buffer; sha256: string } | undefined;
  if (caches) {
    let hashed: Awaited<ReturnType<SourceIndex["hash"]>>;
    try {
      hashed = await caches.index.hash(absolutePath);
    } catch (error) {
      return { findings: [unreadable(error)] };
    }
    if (hashed.bytes) read = { bytes: hashed.bytes, sha256: hashed.sha256 };
    const facts = caches.facts.read(cacheKeyForHash(hashed.sha256, user.render, thumbnails));
    if (facts) {
      stats.hits++;
      return { image: toDesiredImage(photoPath, facts), findings: sizeFindings(facts.source.width, facts.source.height, state.defaults.minSize), sha256: hashed.sha256 };
    }
  }
  stats.misses++;
  stats.decodes++;
  const options = { minSize: state.defaults.minSize, render: user.render };
  const checked = read ? { ...(await checkPhotoBytes(read.bytes, photoPath, options)), bytes: read.bytes } : await checkPhotoFile(absolutePath, photoPath, options);
  if (!checked.analysis || !checked.bytes) return { findings: checked.findings };
  const facts = factsOf(checked.analysis, thumbnails);
  // Keyed by what was analysed (if the file changed since its stat was indexed, that is its own key).
  const analysed = read?.sha256 ?? sha256(checked.bytes);
  if (caches) caches.facts.write(cacheKeyForHash(analysed, user.render, thumbnails), facts);
  return { image: toDesiredImage(photoPath, facts), findings: checked.findings, sha256: analysed };
}

/**
 * The desired photos of `users`, and the problems validate would report for them (errors and
 * warnings, positioned). A user whose photo has an error has no desired image: the caller must
 * not plan (plan-run.ts refuses before signing in).
 */
export async function analyseDesired(
  state: DesiredState,
  users: readonly DesiredUser[],
  cache: RenderCache | undefined,
  onProgress?: (done: number, total: number) => void,
): Promise<{ desired: Map<string, DesiredImage>; sources: Map<string, AnalysedSource>; problems: Problem[]; stats: RenderStats }> {
  const stats = emptyStats();
  const desired = new Map<string, DesiredImage>();
  const sources = new Map<string, AnalysedSource>();
  const problems: Problem[] = [];
  const placeholderSaid = new Set<string>();
  let placeholderOutcome: ReturnType<typeof desiredImage> | undefined;
  const caches = cache ? { facts: FactsCache.inCacheDir(cache.dir), index: SourceIndex.inCacheDir(cache.dir) } : undefined;
  await Promise.all([caches?.facts.load(), caches?.index.load()]);
  // Twice the cores: each analysis waits on file reads and the main thread between its libvips steps.
  const limit = pLimit(2 * Math.max(1, availableParallelism()));
  let done = 0;
  await Promise.all(
    users.map((user) =>
      limit(async () => {
        // Everyone set to default shows one file with one set of render settings: analysed once.
        const outcome = await (user.photo.kind === "default" ? (placeholderOutcome ??= desiredImage(user, state, caches, stats)) : desiredImage(user, state, caches, stats));
        for (const finding of outcome.findings) {
          const problem = photoProblem(user, finding);
          // The default picture's problem is the same for everyone set to default: said once.
          if (user.photo.kind === "default") {
            const key = `${problem.code}|${problem.message}`;
            if (placeholderSaid.has(key)) continue;
            placeholderSaid.add(key);
          }
          problems.push(problem);
        }
        if ("image" in outcome) desired.set(upnKey(user.upn), outcome.image);
        if ("sha256" in outcome && outcome.sha256) sources.set(upnKey(user.upn), { sha256: outcome.sha256 });
        onProgress?.(++done, users.length);
      }),
    ),
  );
  // Only optimisations: a failure to save means hashing and analysing again next time. A run over
  // everyone the manifest names keeps only the facts it used (see FactsCache.save).
  const everyone = users.length === state.users.length;
  await Promise.all([caches?.index.save().catch(() => undefined), caches?.facts.save({ onlyUsed: everyone }).catch(() => undefined)]);
  return { desired, sources, problems: sortProblems(problems), stats };
}
