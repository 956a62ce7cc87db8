/**
 * Writes the before/after review sheet into a folder: faces-1.png, faces-2.png, … (pages of at
 * most `perPage` people, drawn by sheet-png.ts) and faces.html (one self-contained page,
 * sheet-html.ts). The pictures are made safe once for both (sheet-images.ts). Every page is drawn
 * before anything is written, each file is written atomically, and the files of an earlier run
 * that this run does not write again are removed: the folder never mixes two sheets.
 */
import { lstat, mkdir, readdir, rm } from "node:fs/promises";
import path from "node:path";
import { writeAtomic } from "../files/write-atomic.js";
import type { ReviewSheetFiles, ReviewSheetInput } from "./input.js";
import { PEOPLE_PER_PAGE } from "./input.js";
import { showSheet } from "./sheet-images.js";
import type { ShownPerson } from "./sheet-images.js";
import { reviewHtml } from "./sheet-html.js";
import { drawReviewPage } from "./sheet-png.js";

export const SHEET_HTML = "faces.html";
export const sheetPageName = (page: number): string => `faces-${page}.png`;
/** Only the names this module writes are ever removed from the folder. */
const SHEET_FILE = /^(faces-[1-9][0-9]*\.png|faces\.html)$/;

/** People in pages of `perPage`, in order. */
export function paginate<T>(people: readonly T[], perPage: number): T[][] {
  const pages: T[][] = [];
  for (let start = 0; start < people.length; start += perPage) pages.push(people.slice(start, start + perPage));
  return pages;
}

/**
 * The sheet's files in `dir` from an earlier run that must go before this run writes: pages it
 * does not write again, and every link of a sheet's name (the atomic write follows links, and a
 * link planted in the folder must not make it write elsewhere). A folder of that name is not ours.
 */
async function filesToRemove(dir: string, kept: ReadonlySet<string>): Promise<string[]> {
  const remove: string[] = [];
  for (const name of (await readdir(dir)).filter((candidate) => SHEET_FILE.test(candidate))) {
    const stats = await lstat(path.join(dir, name));
    if (stats.isSymbolicLink() || (stats.isFile() && !kept.has(name))) remove.push(name);
  }
  return remove;
}

export async function writeReviewSheet(dir: string, input: ReviewSheetInput, options: { perPage?: number } = {}): Promise<ReviewSheetFiles> {
  const perPage = options.perPage ?? PEOPLE_PER_PAGE;
  if (!Number.isInteger(perPage) || perPage < 1) throw new Error(`people per page must be a whole number of at least 1 (got ${perPage})`);
  const folder = path.resolve(dir);
  await mkdir(folder, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "EEXIST" || error.code === "ENOTDIR") throw new Error(`the review sheet's folder ${folder} is a file (or under one): name a folder; it is created when missing`);
    throw error;
  });
  const sheet = await showSheet(input);
  const chunks = paginate<ShownPerson>(sheet.people, perPage);
  const pages: Buffer[] = [];
  for (const [index, people] of chunks.entries()) {
    const meta = { kind: sheet.kind, tenant: sheet.tenant, digest: sheet.digest, page: index + 1, pages: chunks.length, first: index * perPage + 1, people: sheet.people.length, omitted: sheet.omitted };
    pages.push(await drawReviewPage(people, meta));
  }
  const names = pages.map((_, index) => sheetPageName(index + 1));
  const html = reviewHtml(sheet);
  const kept = new Set([...names, SHEET_HTML]);
  for (const stale of await filesToRemove(folder, kept)) await rm(path.join(folder, stale), { force: true });
  for (const [index, png] of pages.entries()) await writeAtomic(path.join(folder, names[index]!), png);
  await writeAtomic(path.join(folder, SHEET_HTML), html);
  return { pages: names.map((name) => path.join(folder, name)), html: path.join(folder, SHEET_HTML), people: sheet.people.length };
}
