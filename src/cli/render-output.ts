/**
 * The folder `photosync render` writes into. A render replaces the previous one, so a person who
 * left the manifest (or --users) does not linger on the contact sheet's folder; but only files
 * photosync wrote are ever deleted: a marker file lists them, and a folder without the marker is
 * not photosync's to fill.
 */
import { mkdir, readFile, readdir, rmdir, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { PHOTOS_DIR } from "../manifest/photo-paths.js";
import { upnKey } from "../model/desired.js";

/** Lists what the last render wrote, relative to the folder. */
export const RENDER_MARKER = ".photosync-render.json";

interface Marker {
  format: "photosync.render/v1";
  files: string[];
}

/** Characters a folder name keeps as they are: safe in file names on Linux, macOS and Windows, and in URLs but for '#'. */
const SAFE = /^[a-z0-9._@#+-]$/;

/**
 * A user's folder name: the lower-cased UPN when every character is safe, otherwise with each
 * other byte percent-encoded (UTF-8, upper-case hex; '%' itself too). Distinct people get distinct
 * names: the encoding can be decoded, and UPNs equal but for case are one person. The names
 * differ in more than case, since only the hex digits are upper-case and they always follow a
 * '%', so a case-insensitive file system (macOS, Windows) keeps them apart too. A leading or
 * trailing '.' is encoded: no "." or "..", and Windows drops a trailing dot.
 */
export function userDirName(upn: string): string {
  const chars = [...upnKey(upn)];
  return chars
    .map((char, index) => {
      const edgeDot = char === "." && (index === 0 || index === chars.length - 1);
      if (SAFE.test(char) && !edgeDot) return char;
      return [...Buffer.from(char, "utf8")].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`).join("");
    })
    .join("");
}

async function readMarker(outDir: string): Promise<Marker | undefined> {
  try {
    const marker = JSON.parse(await readFile(path.join(outDir, RENDER_MARKER), "utf8")) as Partial<Marker>;
    return Array.isArray(marker.files) ? { format: "photosync.render/v1", files: marker.files.filter((file) => typeof file === "string") } : undefined;
  } catch {
    return undefined;
  }
}

async function entries(dir: string): Promise<string[] | undefined> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Why `outDir` cannot take the render, if it cannot: it is inside photos/ (the photos must never be
 * touched, and renders there would be taken for photos), or it has content but no marker.
 * `ownsUnmarked`: the default folder is photosync's own, marker or not (renders before the marker).
 */
export async function outDirProblem(outDir: string, rootDir: string, options: { ownsUnmarked: boolean }): Promise<string | undefined> {
  const fromPhotos = path.relative(path.join(rootDir, PHOTOS_DIR), outDir);
  if (fromPhotos === "" || (!fromPhotos.startsWith("..") && !path.isAbsolute(fromPhotos))) {
    return `--out ${outDir} is inside ${PHOTOS_DIR}/: choose a folder outside it (default .photosync/render)`;
  }
  const existing = await entries(outDir);
  if (existing && existing.length > 0 && !options.ownsUnmarked && !(await readMarker(outDir))) {
    return `--out ${outDir} is not empty and not written by photosync render (it has no ${RENDER_MARKER}); choose an empty or new folder`;
  }
  return undefined;
}

/**
 * Makes `outDir` ready for a render that writes `files` (relative, '/'-separated): deletes what the
 * previous render listed in its marker — files only, then their folders if nothing else is left in
 * them — and writes the new marker before any render file, so an interrupted render is cleaned up
 * by the next one.
 */
export async function replaceRender(outDir: string, files: readonly string[]): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const marker = await readMarker(outDir);
  const dirs = new Set<string>();
  for (const file of marker?.files ?? []) {
    const target = path.resolve(outDir, file);
    // A marker is data, not trust: nothing outside the folder, and never the marker itself.
    const relative = path.relative(outDir, target);
    if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative) || relative === RENDER_MARKER) continue;
    await unlink(target).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
    if (path.dirname(relative) !== ".") dirs.add(path.dirname(target));
  }
  for (const dir of dirs) {
    await rmdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT" && error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
    });
  }
  const next: Marker = { format: "photosync.render/v1", files: [...files].sort() };
  await writeFile(path.join(outDir, RENDER_MARKER), `${JSON.stringify(next, null, 2)}\n`);
}
