/**
 * `photosync validate`'s core: the manifest, every photo path, and every photo's content, with all
 * problems collected and sorted. Photos are checked concurrently, each file once even when shared.
 */
import { readdir } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import pLimit from "p-limit";
import { loadManifest } from "../manifest/load.js";
import { PHOTOS_DIR } from "../manifest/photo-paths.js";
import type { Problem } from "../manifest/problems.js";
import { countBySeverity, sortProblems } from "../manifest/problems.js";
import type { DesiredState, DesiredUser } from "../model/desired.js";
import { checkPhotoFile, photoProblem, placeholderProblem } from "./photo-content.js";
import { manifestProblems } from "./shared-thumbnails.js";

export interface ValidationReport {
  manifest: string;
  valid: boolean;
  errors: number;
  warnings: number;
  users: number;
  photos: number;
  problems: Problem[];
  state?: DesiredState;
}

/** Image files in photos/ (recursively) that no user refers to: usually a typo in a path. */
async function unreferencedPhotos(state: DesiredState): Promise<string[]> {
  const referenced = new Set(state.users.flatMap((user) => (user.photo.kind === "photo" ? [path.resolve(user.photo.absolutePath)] : [])));
  // The default picture is in use as soon as defaults.placeholder names it, even before anyone is set to default.
  if (state.defaults.placeholder) referenced.add(path.resolve(state.defaults.placeholder.absolutePath));
  const directory = path.join(state.rootDir, PHOTOS_DIR);
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith("."))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => !referenced.has(path.resolve(file)))
    .map((file) => path.relative(state.rootDir, file).split(path.sep).join("/"))
    .sort();
}

export async function validateRepo(manifestPath: string, displayName?: string): Promise<ValidationReport> {
  const loaded = await loadManifest(manifestPath, displayName ? { displayName } : {});
  const state = loaded.state;
  const problems = manifestProblems(loaded);
  let photos = 0;
  if (state) {
    // One check per distinct file; every user using it gets its findings at their own line.
    const usersByFile = new Map<string, DesiredUser[]>();
    for (const user of loaded.readablePhotos) {
      if (user.photo.kind !== "photo") continue;
      const sharing = usersByFile.get(user.photo.absolutePath);
      if (sharing) sharing.push(user);
      else usersByFile.set(user.photo.absolutePath, [user]);
    }
    photos = usersByFile.size;
    const limit = pLimit(Math.max(2, availableParallelism()));
    const checks = [...usersByFile].map(([absolutePath, users]) =>
      limit(async () => {
        const first = users[0]!;
        const written = first.photo.kind === "photo" ? first.photo.path : absolutePath;
        const { findings } = await checkPhotoFile(absolutePath, written, { minSize: state.defaults.minSize, render: first.render });
        for (const user of users) for (const finding of findings) problems.push(photoProblem(user, finding));
      }),
    );
    // The default picture: checked once like any photo (its path was checked by the load), with
    // defaults' render settings, whether or not anyone uses it yet; its problems are said once.
    const placeholder = state.defaults.placeholder;
    const at = (problem: Problem) => problem.position?.line === placeholder?.position.line && problem.position?.column === placeholder?.position.column;
    // A path the load refused (outside photos/, missing, a directory) is never opened.
    if (placeholder && !loaded.problems.some((problem) => problem.severity === "error" && at(problem))) {
      photos++;
      checks.push(
        limit(async () => {
          const { findings } = await checkPhotoFile(placeholder.absolutePath, placeholder.path, { minSize: state.defaults.minSize, render: state.defaults.render });
          for (const finding of findings) problems.push(placeholderProblem(placeholder, finding));
        }),
      );
    }
    await Promise.all(checks);
    for (const orphan of await unreferencedPhotos(state)) {
      problems.push({
        severity: "warning",
        code: "photo-unreferenced",
        message: `${orphan} is not used by any user; remove it or fix the path that should name it`,
        position: { file: loaded.file, line: 1, column: 1 },
        photo: orphan,
      });
    }
  }
  const sorted = sortProblems(problems);
  const { errors, warnings } = countBySeverity(sorted);
  return {
    manifest: loaded.file,
    valid: errors === 0,
    errors,
    warnings,
    users: state?.users.length ?? 0,
    photos,
    problems: sorted,
    ...(state ? { state } : {}),
  };
}
