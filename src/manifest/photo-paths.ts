/**
 * Checks that each user's photo path names a regular file inside photos/: no absolute paths, no `..`
 * escapes, no symbolic links leading out of photos/, no directories, and the file must exist.
 */
import { lstat, readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import pLimit from "p-limit";
import type { Problem } from "./problems.js";
import type { DesiredState, DesiredUser } from "./types.js";

export const PHOTOS_DIR = "photos";

/** Pure part: is the path, as written, a relative path inside photos/? Returns the reason if not. */
export function photoPathShapeError(written: string): string | undefined {
  if (written.includes("\\")) return "use forward slashes (photos/alex.jpg), not backslashes";
  if (path.posix.isAbsolute(written) || path.win32.isAbsolute(written)) {
    return "is an absolute path; write it relative to the repo root, e.g. photos/alex.jpg";
  }
  const normalised = path.posix.normalize(written);
  if (normalised === ".." || normalised.startsWith("../")) return "points outside the repo (..); photos must live in photos/";
  if (!normalised.startsWith(`${PHOTOS_DIR}/`)) return `must be inside ${PHOTOS_DIR}/, e.g. ${PHOTOS_DIR}/${path.posix.basename(normalised)}`;
  return undefined;
}

/** Files next to a missing one with the same name but another extension or case: "did you mean …?" */
async function similarFiles(absolutePath: string): Promise<string[]> {
  const directory = path.dirname(absolutePath);
  const wanted = path.parse(absolutePath).name.toLowerCase();
  try {
    const entries = await readdir(directory);
    return entries.filter((entry) => path.parse(entry).name.toLowerCase() === wanted);
  } catch {
    return [];
  }
}

async function checkOne(user: DesiredUser & { photo: { kind: "photo" } }, photosRealDir: string | undefined): Promise<Problem | undefined> {
  const written = user.photo.path;
  const fail = (code: string, message: string): Problem => ({
    severity: "error",
    code,
    message: `${user.upn}: photo ${written} ${message}`,
    position: user.photo.position,
    photo: written,
  });
  const info = await lstat(user.photo.absolutePath).catch(() => undefined);
  if (!info) {
    const similar = await similarFiles(user.photo.absolutePath);
    const suggestion = similar.length > 0 ? `; did you mean ${similar.map((name) => path.posix.join(path.posix.dirname(written), name)).join(" or ")}?` : "; add the file or fix the path";
    return fail("photo-missing", `does not exist${suggestion}`);
  }
  const real = await realpath(user.photo.absolutePath).catch(() => undefined);
  if (!real) return fail("photo-missing", "is a broken symbolic link");
  if (!photosRealDir || !(real.startsWith(photosRealDir + path.sep))) {
    return fail("photo-path", `is a symbolic link to ${real}, outside ${PHOTOS_DIR}/; copy the file into ${PHOTOS_DIR}/ instead`);
  }
  const target = await stat(real);
  if (target.isDirectory()) return fail("photo-directory", "is a directory; name the image file inside it");
  if (!target.isFile()) return fail("photo-path", "is not a regular file");
  return undefined;
}

/** File-system checks in flight at once: each is a few syscalls, and 10,000 in a row add up to seconds. */
const CHECK_CONCURRENCY = 16;

/** Checks every user's photo path; returns problems and the users whose photo can be opened (in manifest order). */
export async function checkPhotoPaths(state: DesiredState): Promise<{ problems: Problem[]; readable: DesiredUser[] }> {
  const photosRealDir = await realpath(path.join(state.rootDir, PHOTOS_DIR)).catch(() => undefined);
  // Paths of the wrong shape are reported by checkUserEntries (build.ts) and never opened.
  const candidates = state.users.filter((user) => user.photo.kind === "photo" && !photoPathShapeError(user.photo.path));
  const limit = pLimit(CHECK_CONCURRENCY);
  const outcomes = await Promise.all(candidates.map((user) => limit(() => checkOne(user as DesiredUser & { photo: { kind: "photo" } }, photosRealDir))));
  const problems: Problem[] = [];
  const readable: DesiredUser[] = [];
  outcomes.forEach((problem, i) => {
    if (problem) problems.push(problem);
    else readable.push(candidates[i]!);
  });
  return { problems, readable };
}
