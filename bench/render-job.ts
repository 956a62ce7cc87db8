/**
 * The render scenario's program: renders the first COUNT people of a manifest through the render
 * cache in the repo (.photosync/cache), as plan does, and prints the cache statistics as JSON.
 * `render-job.js MANIFEST COUNT`
 */
import { RenderCache, defaultCacheDir } from "../src/images/cache.js";
import { renderAll, renderJobs } from "../src/images/batch.js";
import { loadManifest } from "../src/manifest/load.js";

const [manifest, count] = process.argv.slice(2);
const loaded = await loadManifest(manifest!);
if (!loaded.state) throw new Error(`cannot load ${manifest}`);
const { jobs } = renderJobs(loaded.state, loaded.state.users.slice(0, Number(count)).map((user) => user.upn));
const { outcomes, stats } = await renderAll(jobs, { cache: new RenderCache(defaultCacheDir(loaded.state.rootDir)) });
const failed = outcomes.filter((outcome) => !outcome.ok).length;
process.stdout.write(`${JSON.stringify({ photos: jobs.length, failed, hits: stats.hits, misses: stats.misses })}\n`);
process.exitCode = failed > 0 ? 1 : 0;
