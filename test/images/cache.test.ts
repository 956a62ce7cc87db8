/** The render cache: unchanged photos cost no decoding, anything that changes the output misses, damage is rebuilt. */
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { renderPortrait } from "../../src/demo/portrait.js";
import { renderAll } from "../../src/images/batch.js";
import type { RenderJob } from "../../src/images/batch.js";
import { RenderCache, cacheKey, renderCached } from "../../src/images/cache.js";
import { VARIANT_NAMES } from "../../src/images/settings.js";
import { DEFAULT_THUMBNAILS, settings } from "./helpers.js";

let dir: string;
let cache: RenderCache;
let jobs: RenderJob[];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "photosync-cache-"));
  cache = new RenderCache(path.join(dir, ".photosync", "cache"));
  jobs = [];
  for (const seed of ["alex", "megan", "lee"]) {
    const absolutePath = path.join(dir, `${seed}.jpg`);
    await writeFile(absolutePath, await renderPortrait({ seed, width: 500, height: 600 }));
    jobs.push({ upn: `${seed}@contoso.com`, path: `${seed}.jpg`, absolutePath, settings: settings(), thumbnails: DEFAULT_THUMBNAILS });
  }
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function cacheFiles(): Promise<string[]> {
  const entries = await readdir(cache.dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe("render cache", () => {
  it("a second run of unchanged photos decodes nothing and returns identical renders", async () => {
    const first = await renderAll(jobs, { cache });
    expect(first.stats).toMatchObject({ hits: 0, misses: 3, decodes: 3, rebuilt: 0 });
    const second = await renderAll(jobs, { cache });
    expect(second.stats).toMatchObject({ hits: 3, misses: 0, decodes: 0, rebuilt: 0 });
    for (const [i, outcome] of second.outcomes.entries()) {
      const before = first.outcomes[i]!;
      if (!outcome.ok || !before.ok) throw new Error("render failed");
      for (const name of VARIANT_NAMES) {
        expect(outcome.photo.variants[name].bytes.equals(before.photo.variants[name].bytes)).toBe(true);
        expect(outcome.photo.variants[name].fingerprint).toEqual(before.photo.variants[name].fingerprint);
      }
      expect(outcome.photo.warnings).toEqual(before.photo.warnings);
    }
    // Writes are atomic: no temporary files are left behind.
    expect((await cacheFiles()).filter((f) => !f.endsWith(".json"))).toEqual([]);
  });

  it("a changed crop, background, thumbnail size or source is a miss", async () => {
    await renderAll(jobs, { cache });
    const changed: RenderJob[] = [
      { ...jobs[0]!, settings: settings({ crop: "attention" }) },
      { ...jobs[1]!, settings: settings({ background: "#000000" }) },
      { ...jobs[2]!, thumbnails: { ...DEFAULT_THUMBNAILS, large: 300 } },
    ];
    expect((await renderAll(changed, { cache })).stats).toMatchObject({ hits: 0, misses: 3, decodes: 3 });
    await writeFile(jobs[0]!.absolutePath, await renderPortrait({ seed: "someone else", width: 500, height: 600 }));
    expect((await renderAll(jobs, { cache })).stats).toMatchObject({ hits: 2, misses: 1, decodes: 1 });
  });

  it("keys do not depend on how the settings objects were written", async () => {
    const source = Buffer.from("bytes");
    const a = cacheKey(source, { crop: { x: 0.5, y: 0.4 }, background: "#FFFFFF" }, { small: 48, medium: 72, large: 200 });
    const b = cacheKey(source, { background: "#ffffff", crop: { y: 0.4, x: 0.5 } }, { large: 200, medium: 72, small: 48 });
    expect(a).toBe(b);
    expect(cacheKey(source, { crop: { x: 0.5, y: 0.41 }, background: "#ffffff" }, DEFAULT_THUMBNAILS)).not.toBe(a);
  });

  it("rebuilds corrupt entries instead of trusting them", async () => {
    const source = await readFile(jobs[0]!.absolutePath);
    const key = cacheKey(source, jobs[0]!.settings, DEFAULT_THUMBNAILS);
    const file = cache.entryPath(key);
    const good = await renderCached(source, jobs[0]!.settings, DEFAULT_THUMBNAILS, cache);
    const original = await readFile(file, "utf8");

    const entry = JSON.parse(original) as { photo: { variants: { graph: { base64: string; fingerprint: { hash: string } } } } };
    const forged = structuredClone(entry);
    forged.photo.variants.graph.fingerprint.hash = "0000000000000000";
    const swapped = structuredClone(entry);
    swapped.photo.variants.graph.base64 = Buffer.from("not the photo").toString("base64");
    const damage: Record<string, string> = {
      truncated: original.slice(0, original.length / 2),
      empty: "",
      "not JSON": "\u0000\u0001garbage",
      "edited fingerprint": JSON.stringify(forged),
      "swapped bytes": JSON.stringify(swapped),
      "another key": original.replaceAll(key, "0".repeat(64)),
    };
    for (const [label, text] of Object.entries(damage)) {
      await writeFile(file, text);
      expect("invalid" in (await cache.read(key)), label).toBe(true);
      const stats = { hits: 0, misses: 0, rebuilt: 0, decodes: 0, writeErrors: [] };
      const photo = await renderCached(source, jobs[0]!.settings, DEFAULT_THUMBNAILS, cache, stats);
      expect(stats, label).toMatchObject({ hits: 0, rebuilt: 1, decodes: 1 });
      expect(photo.variants.graph.bytes.equals(good.variants.graph.bytes), label).toBe(true);
      // And the entry on disk is whole again.
      expect("photo" in (await cache.read(key)), label).toBe(true);
    }
  });

  it("a cache that cannot be written does not fail the render", async () => {
    // A file where the cache directory should be.
    await writeFile(path.join(dir, "blocked"), "");
    const blocked = new RenderCache(path.join(dir, "blocked"));
    const result = await renderAll(jobs.slice(0, 1), { cache: blocked });
    expect(result.outcomes[0]!.ok).toBe(true);
    expect(result.stats.writeErrors).toHaveLength(1);
  });
});
