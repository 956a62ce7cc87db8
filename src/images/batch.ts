/** Rendering many photos: bounded concurrency over both cores, per-photo errors, progress callbacks. */
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import pLimit from "p-limit";
import type { DesiredState, RenderSettings, ThumbnailSizes } from "../model/desired.js";
import { upnKey } from "../model/desired.js";
import { emptyStats, renderCached } from "./cache.js";
import type { RenderCache, RenderStats } from "./cache.js";
import type { RenderOptions, RenderedPhoto } from "./variants.js";

export interface RenderJob {
  upn: string;
  /** Path as written in the manifest (for messages). */
  path: string;
  absolutePath: string;
  settings: RenderSettings;
  thumbnails: ThumbnailSizes;
}

export type RenderOutcome =
  | { job: RenderJob; ok: true; photo: RenderedPhoto }
  | { job: RenderJob; ok: false; error: string };

export interface RenderJobSelection {
  jobs: RenderJob[];
  /** Users whose entry is "remove": nothing to render. */
  removed: string[];
  /** Requested UPNs that are not in the manifest. */
  unknown: string[];
}

/** The render jobs of a desired state, optionally only for some UPNs (case-insensitive). Pure. */
export function renderJobs(state: DesiredState, onlyUpns?: readonly string[]): RenderJobSelection {
  const wanted = onlyUpns ? new Set(onlyUpns.map(upnKey)) : undefined;
  const known = new Set(state.users.map((user) => upnKey(user.upn)));
  const jobs: RenderJob[] = [];
  const removed: string[] = [];
  for (const user of state.users) {
    if (wanted && !wanted.has(upnKey(user.upn))) continue;
    if (user.photo.kind === "remove") {
      removed.push(user.upn);
      continue;
    }
    jobs.push({
      upn: user.upn,
      path: user.photo.path,
      absolutePath: user.photo.absolutePath,
      settings: user.render,
      thumbnails: state.tenant.sharepoint.thumbnails,
    });
  }
  const unknown = onlyUpns ? onlyUpns.filter((upn) => !known.has(upnKey(upn))) : [];
  return { jobs, removed, unknown };
}

export interface RenderAllOptions extends RenderOptions {
  cache?: RenderCache;
  /** Photos rendered at once; default: the number of CPUs available. */
  concurrency?: number;
  /** Called after each photo, in completion order. */
  onProgress?: (done: number, total: number, outcome: RenderOutcome) => void;
}

/**
 * Renders every job. sharp works on libuv's thread pool, so running several photos at once keeps
 * every core busy (sharp's own per-image concurrency is 1 on glibc Linux). A failing photo never
 * stops the others. Outcomes come back in job order.
 */
export async function renderAll(
  jobs: readonly RenderJob[],
  options: RenderAllOptions = {},
): Promise<{ outcomes: RenderOutcome[]; stats: RenderStats }> {
  const stats = emptyStats();
  const limit = pLimit(Math.max(1, options.concurrency ?? availableParallelism()));
  let done = 0;
  const outcomes = await Promise.all(
    jobs.map((job) =>
      limit(async (): Promise<RenderOutcome> => {
        let outcome: RenderOutcome;
        try {
          const source = await readFile(job.absolutePath);
          const photo = await renderCached(source, job.settings, job.thumbnails, options.cache, stats, options);
          outcome = { job, ok: true, photo };
        } catch (error) {
          outcome = { job, ok: false, error: error instanceof Error ? error.message : String(error) };
        }
        options.onProgress?.(++done, jobs.length, outcome);
        return outcome;
      }),
    ),
  );
  return { outcomes, stats };
}
