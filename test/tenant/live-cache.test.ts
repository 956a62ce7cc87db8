/** The live cache keeps one fingerprint per store and owner: a photo replaced in the tenant drops its old entry. */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { renderPortrait } from "../../src/demo/portrait.js";
import { fingerprintImage } from "../../src/images/fingerprint.js";
import type { Fingerprint } from "../../src/images/fingerprint.js";
import { LiveCache } from "../../src/tenant/live-cache.js";

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
    const file = path.join(dir, "live.json");
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
    const stored = JSON.parse(await readFile(file, "utf8")) as { entries: Record<string, unknown> };
    expect(Object.keys(stored.entries).sort()).toEqual(["exo|alex|E3", "exo|megan|E1", "spo|alex|E1"]);
  });
});
