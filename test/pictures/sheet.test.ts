/** writeReviewSheet: the files it writes, its pages, and what it leaves of an earlier run. */
import { lstat, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PEOPLE_PER_PAGE } from "../../src/pictures/input.js";
import { paginate, writeReviewSheet } from "../../src/pictures/sheet.js";
import { findTiles, readPage, sheetOf, updatedPeople } from "./helpers.js";

let root: string;
let dir: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "photosync-sheet-"));
  dir = path.join(root, "pictures");
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const sheetFiles = async (dir: string): Promise<string[]> => (await readdir(dir)).filter((name) => name.startsWith("faces")).sort();

describe("writeReviewSheet", () => {
  it("splits 17 people into pages of 8, 8 and 1, with one HTML page of all 17", async () => {
    expect(PEOPLE_PER_PAGE).toBe(8);
    const files = await writeReviewSheet(dir, sheetOf(await updatedPeople(17)));
    expect(files.people).toBe(17);
    expect(files.pages).toEqual([1, 2, 3].map((page) => path.join(dir, `faces-${page}.png`)));
    expect(files.html).toBe(path.join(dir, "faces.html"));
    expect(await sheetFiles(dir)).toEqual(["faces-1.png", "faces-2.png", "faces-3.png", "faces.html"]);
    const pages = await Promise.all(files.pages.map(async (file) => readPage(await readFile(file))));
    expect(pages.map((page) => findTiles(page).length)).toEqual([16, 16, 2]);
    expect(pages[0]!.height).toBe(pages[1]!.height);
    expect(pages[2]!.height).toBeLessThan(pages[0]!.height);
    const html = await readFile(files.html, "utf8");
    expect(html.match(/<li class="person">/g)?.length).toBe(17);
    for (let i = 1; i <= 17; i++) expect(html).toContain(`person${String(i).padStart(2, "0")}@contoso.com`);
  });

  it("removes an earlier run's extra pages and links of its names, and nothing else", async () => {
    await writeReviewSheet(dir, sheetOf(await updatedPeople(3)), { perPage: 1 });
    expect(await sheetFiles(dir)).toEqual(["faces-1.png", "faces-2.png", "faces-3.png", "faces.html"]);
    // Files that are not the sheet's, and a link planted where the sheet writes.
    const outside = path.join(root, "outside.txt");
    await writeFile(outside, "keep me");
    await writeFile(path.join(dir, "faces-notes.png"), "mine");
    await mkdir(path.join(dir, "faces-9.png"));
    await writeFile(path.join(dir, "faces.html.bak"), "mine");
    await rm(path.join(dir, "faces-1.png"));
    await symlink(outside, path.join(dir, "faces-1.png"));

    const files = await writeReviewSheet(dir, sheetOf(await updatedPeople(1)));
    expect(files.pages).toEqual([path.join(dir, "faces-1.png")]);
    expect(await sheetFiles(dir)).toEqual(["faces-1.png", "faces-9.png", "faces-notes.png", "faces.html", "faces.html.bak"]);
    expect(await readFile(outside, "utf8")).toBe("keep me");
    expect((await lstat(path.join(dir, "faces-1.png"))).isFile()).toBe(true);
    expect((await sharp(path.join(dir, "faces-1.png")).metadata()).format).toBe("png");
    expect((await lstat(path.join(dir, "faces-9.png"))).isDirectory()).toBe(true);
  });

  it("with nobody to show writes no page and an HTML page that says there are no face changes", async () => {
    await writeReviewSheet(dir, sheetOf(await updatedPeople(2)));
    const files = await writeReviewSheet(dir, sheetOf([]));
    expect(files).toEqual({ pages: [], html: path.join(dir, "faces.html"), people: 0 });
    expect(await sheetFiles(dir)).toEqual(["faces.html"]);
    const html = await readFile(files.html, "utf8");
    expect(html).toContain("No face changes");
    expect(html).not.toContain("<img");
  });

  it("says so when the folder it is given is a file, and writes nothing", async () => {
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, "photos.yaml");
    await writeFile(file, "users: []\n");
    await expect(writeReviewSheet(file, sheetOf([]))).rejects.toThrow(`the review sheet's folder ${file} is a file (or under one): name a folder; it is created when missing`);
    await expect(writeReviewSheet(path.join(file, "sheet"), sheetOf([]))).rejects.toThrow(/is a file \(or under one\)/);
    expect(await readFile(file, "utf8")).toBe("users: []\n");
  });

  it("takes another number of people per page, and refuses one that is not a whole number of at least 1", async () => {
    const files = await writeReviewSheet(dir, sheetOf(await updatedPeople(3)), { perPage: 2 });
    expect(files.pages.map((file) => path.basename(file))).toEqual(["faces-1.png", "faces-2.png"]);
    for (const perPage of [0, -1, 1.5, Number.NaN]) {
      await expect(writeReviewSheet(dir, sheetOf([]), { perPage })).rejects.toThrow(/people per page must be a whole number of at least 1/);
    }
    expect(paginate([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(paginate([], 8)).toEqual([]);
  });
});
