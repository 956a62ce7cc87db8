/** The stat index in front of the render cache: an unchanged file is not read again; any change, even one that hides in the mtime, is hashed again. */
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RACY_NS, SourceIndex } from "../../src/images/source-index.js";

let dir: string;
let file: string;
let indexFile: string;
const sha = (text: string): string => createHash("sha256").update(text).digest("hex");

/** "Now" well after the file's last change, so entries are not racy. */
async function later(): Promise<() => bigint> {
  const s = await stat(file, { bigint: true });
  const base = (s.ctimeNs > s.mtimeNs ? s.ctimeNs : s.mtimeNs) + RACY_NS + 1_000_000_000n;
  return () => base;
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "photosync-index-"));
  file = path.join(dir, "photo.jpg");
  indexFile = path.join(dir, "cache", "source-index.json");
  await writeFile(file, "first version");
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("source index", () => {
  it("hashes a new file, then vouches for it while its stat is unchanged (also after a save and load)", async () => {
    const index = new SourceIndex(indexFile, await later());
    const first = await index.hash(file);
    expect(first).toMatchObject({ sha256: sha("first version"), fromIndex: false });
    expect(first.bytes?.toString()).toBe("first version");
    expect(await index.hash(file)).toEqual({ sha256: sha("first version"), fromIndex: true });
    await index.save();
    const reloaded = new SourceIndex(indexFile, await later());
    await reloaded.load();
    expect(await reloaded.hash(file)).toEqual({ sha256: sha("first version"), fromIndex: true });
  });

  it("hashes a changed file again, even with the same size and the old mtime put back", async () => {
    const index = new SourceIndex(indexFile, await later());
    await index.hash(file);
    const before = await stat(file);
    await writeFile(file, "other version");
    await utimes(file, before.atime, before.mtime);
    const second = await index.hash(file);
    expect(second).toMatchObject({ sha256: sha("other version"), fromIndex: false });
  });

  it("hashes a file replaced by another (new inode) again", async () => {
    const index = new SourceIndex(indexFile, await later());
    await index.hash(file);
    await writeFile(path.join(dir, "new.jpg"), "first versioN");
    await rename(path.join(dir, "new.jpg"), file);
    expect(await index.hash(file)).toMatchObject({ sha256: sha("first versioN"), fromIndex: false });
  });

  it("never trusts an entry recorded right after the file changed (racy), however often it is asked", async () => {
    const s = await stat(file, { bigint: true });
    const index = new SourceIndex(indexFile, () => s.mtimeNs + 1_000_000n);
    await index.hash(file);
    expect((await index.hash(file)).fromIndex).toBe(false);
    expect((await index.hash(file)).fromIndex).toBe(false);
  });

  it("starts empty from a corrupt or foreign index file", async () => {
    await writeFile(path.join(dir, "bad.json"), "{ not json");
    const index = new SourceIndex(path.join(dir, "bad.json"), await later());
    await index.load();
    expect((await index.hash(file)).fromIndex).toBe(false);
    await writeFile(path.join(dir, "forged.json"), JSON.stringify({ format: "photosync.source-index/v1", entries: { [file]: { sha256: "zz" } } }));
    const forged = new SourceIndex(path.join(dir, "forged.json"), await later());
    await forged.load();
    expect(await forged.hash(file)).toMatchObject({ sha256: sha("first version"), fromIndex: false });
    await index.save();
    expect(JSON.parse(await readFile(path.join(dir, "bad.json"), "utf8")).format).toBe("photosync.source-index/v1");
  });
});
