/** Cache entries are whole or absent: written through a temporary file and a rename, folders made as needed. */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeCacheEntry } from "../../src/files/write-atomic.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "photosync-write-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("writeCacheEntry", () => {
  const write = (file: string, data: string) => writeCacheEntry(file, data);
  it("creates the folders, replaces an existing entry, and leaves no temporary file", async () => {
    const file = path.join(dir, "render", "ab", "abc.facts.json");
    await write(file, "first");
    await write(file, "second");
    expect(await readFile(file, "utf8")).toBe("second");
    expect(await readdir(path.dirname(file))).toEqual(["abc.facts.json"]);
  });

  it("fails without leaving anything behind when the folder cannot be made", async () => {
    await writeFile(path.join(dir, "render"), "a file where the folder should be");
    const file = path.join(dir, "render", "ab", "abc.facts.json");
    await expect(async () => write(file, "entry")).rejects.toThrow();
    expect(await readdir(dir)).toEqual(["render"]);
  });

  it("removes its temporary file when the rename fails", async () => {
    const file = path.join(dir, "entry.json");
    await mkdir(path.join(file, "in-the-way"), { recursive: true });
    await expect(async () => write(file, "entry")).rejects.toThrow();
    expect(await readdir(dir)).toEqual(["entry.json"]);
  });
});
