/**
 * STUB (drop at merge): the drawing helper's writeReviewSheet replaces this. It writes one 1×1 PNG
 * per page and a trivial HTML page, so the pipeline's tests can run before the drawing lands.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ReviewSheetFiles, ReviewSheetInput } from "./input.js";
import { PEOPLE_PER_PAGE } from "./input.js";

const ONE_PIXEL_PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

export async function writeReviewSheet(dir: string, input: ReviewSheetInput, options: { perPage?: number } = {}): Promise<ReviewSheetFiles> {
  await mkdir(dir, { recursive: true });
  const perPage = options.perPage ?? PEOPLE_PER_PAGE;
  const pages: string[] = [];
  for (let page = 0; page * perPage < input.people.length; page++) {
    const file = path.resolve(dir, `faces-${page + 1}.png`);
    await writeFile(file, ONE_PIXEL_PNG);
    pages.push(file);
  }
  const html = path.resolve(dir, "faces.html");
  await writeFile(html, `<!doctype html><title>faces</title><ul>${input.people.map((person) => `<li>${person.upn.replace(/[<&>"]/g, "")}</li>`).join("")}</ul>`);
  return { pages, html, people: input.people.length };
}
