/**
 * The manifest as a pipeline that talks to the tenant needs it (plan, doctor, import): loaded and
 * checked as validate checks it, with every error, or its state and text. Nothing signs in before
 * this says the repo is fit to run.
 */
import { loadManifest } from "../manifest/load.js";
import type { Problem } from "../manifest/problems.js";
import type { DesiredState } from "../model/desired.js";
import { manifestProblems } from "../validate/shared-thumbnails.js";

export type LoadedForRun = { ok: false; problems: Problem[] } | { ok: true; state: DesiredState; text: string; loaded: Awaited<ReturnType<typeof loadManifest>> };

export async function loadForRun(manifestPath: string, displayName?: string): Promise<LoadedForRun> {
  const loaded = await loadManifest(manifestPath, displayName ? { displayName } : {});
  const errors = manifestProblems(loaded).filter((problem) => problem.severity === "error");
  if (!loaded.state || loaded.text === undefined || errors.length > 0) return { ok: false, problems: errors };
  return { ok: true, state: loaded.state, text: loaded.text, loaded };
}
