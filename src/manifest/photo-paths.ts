/**
 * Checks that each user's photo path names a regular file inside photos/: no absolute paths, no `..`
 * escapes, no symbolic links leading out of photos/, no directories, and the file must exist.
 */
import { lstatSync, readdirSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import type { Problem } from "./problems.js";
import { printable } from "./problems.js";
import type { DesiredState, DesiredUser, PhotoFile } from "../model/desired.js";

export const PHOTOS_DIR = "photos";

/** Characters never in a photo's file name: control characters (NUL would abort the file system calls). */
// eslint-disable-next-line no-control-regex -- control characters are what this looks for
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** Why a path, as written, cannot name a photo: the problem code and the rest of the message. */
export interface PhotoPathShapeError {
  code: "photo-path" | "photo-directory";
  reason: string;
}

/** Pure part: is the path, as written, a relative path to a file inside photos/? Returns the reason if not. */
export function photoPathShapeError(written: string): PhotoPathShapeError | undefined {
  const shape = (reason: string): PhotoPathShapeError => ({ code: "photo-path", reason });
  const control = CONTROL_CHARACTER.exec(written);
  if (control) return shape(`contains a control character (${printable(control[0])}); photo paths are plain file names such as photos/alex.jpg`);
  if (written.includes("\\")) return shape("use forward slashes (photos/alex.jpg), not backslashes");
  if (path.posix.isAbsolute(written) || path.win32.isAbsolute(written)) {
    return shape("is an absolute path; write it relative to the repo root, e.g. photos/alex.jpg");
  }
  const normalised = path.posix.normalize(written).replace(/\/+$/, "");
  if (normalised === ".." || normalised.startsWith("../")) return shape("points outside the repo (..); photos must live in photos/");
  // The folder itself resolves outside photos/ (it is photos/): without this it would be called a link.
  if (normalised === PHOTOS_DIR) return { code: "photo-directory", reason: `is the ${PHOTOS_DIR}/ folder itself; name the image file inside it, e.g. ${PHOTOS_DIR}/alex.jpg` };
  if (!normalised.startsWith(`${PHOTOS_DIR}/`)) return shape(`must be inside ${PHOTOS_DIR}/, e.g. ${PHOTOS_DIR}/${path.posix.basename(normalised)}`);
  return undefined;
}

/** Files next to a missing one with the same name but another extension or case: "did you mean …?" */
function similarFiles(absolutePath: string): string[] {
  const directory = path.dirname(absolutePath);
  const wanted = path.parse(absolutePath).name.toLowerCase();
  try {
    const entries = readdirSync(directory);
    return entries.filter((entry) => path.parse(entry).name.toLowerCase() === wanted);
  } catch {
    return [];
  }
}

/** Real paths of folders, each resolved once per check (a photos/ tree has few). */
type FolderRealPaths = Map<string, string | undefined>;

function folderRealPath(folders: FolderRealPaths, folder: string): string | undefined {
  if (!folders.has(folder)) folders.set(folder, realPath(folder));
  return folders.get(folder);
}

function realPath(file: string): string | undefined {
  try {
    return realpathSync.native(file);
  } catch {
    return undefined;
  }
}

/** Whose path is checked: a user's own photo, or defaults.placeholder (named so in messages). */
interface PathOwner {
  upn: string;
  photo: PhotoFile;
}

/** The problem with one user's photo path, or its real path when it is a readable file inside photos/. */
function checkOne(user: PathOwner, photosRealDir: string | undefined, folders: FolderRealPaths): { problem: Problem } | { real: string } {
  const written = user.photo.path;
  const fail = (code: string, message: string) => ({
    problem: { severity: "error", code, message: `${user.upn}: photo ${printable(written)} ${message}`, position: user.photo.position, photo: written } satisfies Problem,
  });
  const info = lstatSync(user.photo.absolutePath, { throwIfNoEntry: false });
  if (!info) {
    const similar = similarFiles(user.photo.absolutePath);
    const suggestion = similar.length > 0 ? `; did you mean ${similar.map((name) => path.posix.join(path.posix.dirname(written), name)).join(" or ")}?` : "; add the file or fix the path";
    return fail("photo-missing", `does not exist${suggestion}`);
  }
  // A link is followed to its target; anything else is itself, in its folder's real location.
  const folder = info.isSymbolicLink() ? undefined : folderRealPath(folders, path.dirname(user.photo.absolutePath));
  const real = folder !== undefined ? path.join(folder, path.basename(user.photo.absolutePath)) : realPath(user.photo.absolutePath);
  if (!real) return fail("photo-missing", "is a broken symbolic link");
  // A link to photos/ itself (photos/all -> .) is the folder, not a way out of it.
  if (real === photosRealDir) return fail("photo-directory", `is the ${PHOTOS_DIR}/ folder itself; name the image file inside it`);
  if (!photosRealDir || !real.startsWith(photosRealDir + path.sep)) {
    return fail("photo-path", `is a symbolic link to ${real}, outside ${PHOTOS_DIR}/; copy the file into ${PHOTOS_DIR}/ instead`);
  }
  const target = info.isSymbolicLink() ? statSync(real) : info;
  if (target.isDirectory()) return fail("photo-directory", "is a directory; name the image file inside it");
  if (!target.isFile()) return fail("photo-path", "is not a regular file");
  return { real };
}

/** checkOne, where a file-system error (a name too long, a link loop, no permission) is that user's problem, not the end of the check. */
function checkOneSafely(user: PathOwner, photosRealDir: string | undefined, folders: FolderRealPaths): { problem: Problem } | { real: string } {
  try {
    return checkOne(user, photosRealDir, folders);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    const message = `${user.upn}: photo ${printable(user.photo.path)} cannot be read (${reason}); check the file's name and permissions`;
    return { problem: { severity: "error", code: "photo-unreadable", message, position: user.photo.position, photo: user.photo.path } };
  }
}

export interface PhotoPathCheck {
  problems: Problem[];
  /** Users whose photo can be opened, in manifest order. */
  readable: DesiredUser[];
  /** Readable photos whose path, as written, is a link (or in a linked folder): their real path inside the repo. */
  linked: Map<DesiredUser, string>;
}

/**
 * Checks every user's photo path. Synchronous file-system calls on purpose: each is far cheaper
 * than the promise an asynchronous call costs the main thread (docs/performance.md).
 */
export function checkPhotoPaths(state: DesiredState): PhotoPathCheck {
  const rootReal = realPath(state.rootDir) ?? state.rootDir;
  const photosRealDir = realPath(path.join(state.rootDir, PHOTOS_DIR));
  const folders: FolderRealPaths = new Map();
  const check: PhotoPathCheck = { problems: [], readable: [], linked: new Map() };
  const linkTarget = (written: string, real: string): string | undefined => {
    const target = path.relative(rootReal, real).split(path.sep).join("/");
    return target !== path.posix.normalize(written) ? target : undefined;
  };
  // The default picture is checked once, whether or not anyone uses it; its people share the outcome.
  const placeholder = state.defaults.placeholder;
  const placeholderOutcome = placeholder && !photoPathShapeError(placeholder.path) ? checkOneSafely({ upn: "defaults.placeholder", photo: placeholder }, photosRealDir, folders) : undefined;
  if (placeholderOutcome && "problem" in placeholderOutcome) check.problems.push(placeholderOutcome.problem);
  const placeholderLink = placeholder && placeholderOutcome && "real" in placeholderOutcome ? linkTarget(placeholder.path, placeholderOutcome.real) : undefined;
  for (const user of state.users) {
    if (user.photo.kind === "remove") continue;
    if (user.photo.kind === "default") {
      if (!placeholderOutcome || "problem" in placeholderOutcome) continue;
      check.readable.push(user);
      if (placeholderLink) check.linked.set(user, placeholderLink);
      continue;
    }
    // Paths of the wrong shape are reported by checkUserEntries (build.ts) and never opened.
    if (photoPathShapeError(user.photo.path)) continue;
    const outcome = checkOneSafely(user as PathOwner, photosRealDir, folders);
    if ("problem" in outcome) {
      check.problems.push(outcome.problem);
      continue;
    }
    check.readable.push(user);
    const target = linkTarget(user.photo.path, outcome.real);
    if (target) check.linked.set(user, target);
  }
  return check;
}
