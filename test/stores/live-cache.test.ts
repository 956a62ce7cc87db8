/** The live cache keeps one fingerprint per store and owner: a photo replaced in the tenant drops its old entry. */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { renderPortrait } from "../../src/demo/portrait.js";
import { fingerprintImage } from "../../src/images/fingerprint-image.js";
import type { Fingerprint } from "../../src/model/fingerprint.js";
import { LiveCache } from "../../src/stores/live-cache.js";

let dir: string;
let a: Fingerprint;
let b: Fingerprint;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "photosync-live-"));
  a = await fingerprintImage(await renderPortrait({ seed: "a", width: 96, height: 96 }));
  b = await fingerprintImage(await renderPortrait({ seed: "b", width: 96, height: 96 }));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("live cache", () => {
  it("drops the entry of a replaced photo (same store and owner, new etag), keeps everyone else's", async () => {
    const file = path.join(dir, "live.jsonl");
    const cache = new LiveCache(file);
    cache.set(LiveCache.key("exo", "Alex", "E1"), a);
    cache.set(LiveCache.key("spo", "alex", "E1"), a);
    cache.set(LiveCache.key("exo", "megan", "E1"), a);
    await cache.save();

    const next = new LiveCache(file);
    await next.load();
    next.set(LiveCache.key("exo", "alex", '"{X|Y}",2'), b);
    expect(next.get(LiveCache.key("exo", "alex", "E1"))).toBeUndefined();
    expect(next.get(LiveCache.key("exo", "alex", '"{X|Y}",2'))).toEqual(b);
    expect(next.get(LiveCache.key("spo", "alex", "E1"))).toEqual(a);
    expect(next.get(LiveCache.key("exo", "megan", "E1"))).toEqual(a);
    next.set(LiveCache.key("exo", "alex", "E3"), a);
    expect(next.get(LiveCache.key("exo", "alex", '"{X|Y}",2'))).toBeUndefined();
    await next.save();
    const [header, ...entries] = (await readFile(file, "utf8")).trimEnd().split("\n").map((line) => JSON.parse(line) as unknown);
    expect(header).toEqual({ format: "photosync.live-cache/v2" });
    expect(entries.map((entry) => (entry as [string, unknown])[0]).sort()).toEqual(["exo|alex|E3", "exo|megan|E1", "spo|alex|E1"]);
  });

  it("keeps every entry over many write chunks, and skips a torn or foreign line without losing the rest", async () => {
    const file = path.join(dir, "live.jsonl");
    const cache = new LiveCache(file);
    for (let i = 0; i < 1234; i++) cache.set(LiveCache.key("exo", `person${i}`, `E${i}`), i % 2 === 0 ? a : b);
    await cache.save();
    const lines = (await readFile(file, "utf8")).trimEnd().split("\n");
    expect(lines).toHaveLength(1235);
    // A torn line in the middle, a line that is not an entry, and an entry of an older fingerprint version.
    lines[100] = lines[100]!.slice(0, 40);
    lines[200] = "[1, 2]";
    lines[300] = JSON.stringify(["exo|old|E1", { ...a, version: 1 }]);
    await writeFile(file, `${lines.join("\n")}\n`);
    const next = new LiveCache(file);
    await next.load();
    expect(next.get(LiveCache.key("exo", "person0", "E0"))).toEqual(a);
    expect(next.get(LiveCache.key("exo", "person1233", "E1233"))).toEqual(b);
    expect(next.get(LiveCache.key("exo", "person98", "E98"))).toEqual(a);
    expect(next.get(LiveCache.key("exo", "person99", "E99"))).toBeUndefined();
    expect(next.get(LiveCache.key("exo", "person299", "E299"))).toBeUndefined();
    expect(next.get(LiveCache.key("exo", "person300", "E300"))).toEqual(a);
  });

  it("deletes the repo's cache of the older format (live.json) once the new one is saved", async () => {
    const cacheDir = path.join(dir, ".photosync", "cache");
    await mkdir(cacheDir, { recursive: true });
    await writeFile(path.join(cacheDir, "live.json"), JSON.stringify({ format: "photosync.live-cache/v1", entries: {} }));
    const cache = LiveCache.forRepo(dir);
    await cache.load();
    cache.set(LiveCache.key("exo", "alex", "E1"), a);
    await cache.save();
    expect((await readdir(cacheDir)).sort()).toEqual(["live.jsonl"]);
  });

  it("starts empty from a missing file or a file of another format", async () => {
    const missing = new LiveCache(path.join(dir, "nothing-here.jsonl"));
    await missing.load();
    expect(missing.get(LiveCache.key("exo", "alex", "E1"))).toBeUndefined();
    const file = path.join(dir, "old.jsonl");
    await writeFile(file, `${JSON.stringify({ format: "photosync.live-cache/v1" })}\n${JSON.stringify(["exo|alex|E1", a])}\n`);
    const old = new LiveCache(file);
    await old.load();
    expect(old.get(LiveCache.key("exo", "alex", "E1"))).toBeUndefined();
  });
});
