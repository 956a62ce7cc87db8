/**
 * The fingerprint's renditions: derived from one area average at the finest grid, they must be
 * what averaging the pixels directly gives; and a plan's reads measure no texture it never compares.
 */
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { renderPortrait } from "../../src/demo/portrait.js";
import { PLAN_FINEST_GRID } from "../../src/images/analysis.js";
import { fingerprintImage } from "../../src/images/fingerprint-image.js";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { BLOCKS_MAX, MOVED_MAX, compare, movedCopy } from "../../src/images/compare.js";
import * as corpus from "../corpus/corpus.js";
import { FINE_GRIDS, areaRendition, concentrationOf, hashRendition, renditions, textureOf } from "../../src/images/fingerprint.js";
import type { RgbImage } from "../../src/images/fingerprint.js";

async function photo(edge: number): Promise<RgbImage> {
  const { data, info } = await sharp(await renderPortrait({ seed: "fingerprint", width: 400, height: 400 }))
    .resize(edge, edge)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { pixels: data, width: info.width, height: info.height };
}

describe("fingerprint renditions", () => {
  it("takes the hash rendition from the finest grid's block means: the same bytes as averaging the pixels", async () => {
    for (const edge of [48, 100, 150, 256, 301]) {
      const image = await photo(edge);
      const box = { left: 0, top: 0, width: image.width, height: image.height };
      const direct = hashRendition(image, box);
      const derived = renditions(image, box).hash;
      // Rounding may fall either side of .5 for a cell summed in another order: at most 1 level, rarely.
      const off = [...derived].filter((value, i) => value !== direct[i]);
      expect([...derived].every((value, i) => Math.abs(value - direct[i]!) <= 1)).toBe(true);
      expect(off.length, `${edge} px: cells off by one level`).toBeLessThan(derived.length / 100);
    }
  });

  it("measures texture on every grid the image has 1.5 pixels a cell for, and none finer", async () => {
    const small = renditions(await photo(95));
    expect(small.fine).toEqual(FINE_GRIDS.map(() => null));
    const medium = renditions(await photo(96));
    expect(medium.fine[0]).toBeGreaterThan(0);
    expect(medium.fine[1]).toBeNull();
    const large = renditions(await photo(256));
    expect(large.fine.every((texture) => texture !== null && texture > 0)).toBe(true);
  });

  it("derives the coarser texture grid exactly: the 64 grid of a 256 px image, from 128 or directly", async () => {
    const image = await photo(256);
    const both = renditions(image);
    const only64 = renditions(image, undefined, 64);
    expect(only64.fine[1]).toBeNull();
    expect(only64.fine[0]).toBeCloseTo(both.fine[0]!, 2);
    // Averaged directly at 64 (areaRendition rounds to bytes, so the texture agrees to a few hundredths).
    const rgb = areaRendition(image, 64);
    const luma = Float64Array.from({ length: 64 * 64 }, (_, i) => 0.299 * rgb[i * 3]! + 0.587 * rgb[i * 3 + 1]! + 0.114 * rgb[i * 3 + 2]!);
    expect(Math.abs(textureOf(luma, 64) - both.fine[0]!)).toBeLessThan(0.05);
  });

  it("a plan's reads stop at the texture a 96 px analysis has", async () => {
    const bytes = await sharp(await renderPortrait({ seed: "served", width: 400, height: 400 })).resize(300, 300).jpeg({ quality: 80 }).toBuffer();
    const full = await fingerprintImage(bytes);
    const forPlan = await fingerprintImage(bytes, { finestGrid: PLAN_FINEST_GRID });
    expect(PLAN_FINEST_GRID).toBe(64);
    expect(full.fine[1]).not.toBeNull();
    expect(forPlan.fine[1]).toBeNull();
    expect(forPlan.fine[0]).toBeCloseTo(full.fine[0]!, 2);
    expect({ ...forPlan, fine: null }).toEqual({ ...full, fine: null });
  });
});

describe("the gradient energy's concentration (Fingerprint.concentration)", () => {
  const n = 64;
  /** An n x n luma image from a function of the cell. */
  const grid = (value: (x: number, y: number) => number) => Float64Array.from({ length: n * n }, (_, i) => value(i % n, Math.floor(i / n)));

  it("is 1 where every column boundary carries the same energy, and grows as fewer carry it", () => {
    expect(concentrationOf(grid((x) => x * 2), n)).toBeCloseTo(1, 6);
    expect(concentrationOf(grid(() => 128), n)).toBe(1);
    // A staircase of 8-cell steps: the energy sits on 7 of the 63 boundaries.
    expect(concentrationOf(grid((x) => Math.floor(x / 8) * 16), n)).toBeCloseTo(63 / 7, 6);
    // Rows count as much as columns.
    expect(concentrationOf(grid((_, y) => Math.floor(y / 8) * 16), n)).toBeCloseTo(63 / 7, 6);
  });

  it("stays where it was for a re-encoded copy of a smooth photo, and rises for its mosaic, which is then no moved copy", async () => {
    // A smooth, low-contrast photo from the corpus: its 24-block mosaic loses little detail, and the
    // blocks make the fit see a move; where its edges went is what shows it.
    const source = await readFile(path.join(import.meta.dirname, "..", "corpus", "photos", "foggy-jetty.jpg"));
    const render = await corpus.renderOf(source);
    const expected = await corpus.expectedOf(source);
    const mosaic = await sharp(await sharp(render).resize(24, 24).toBuffer()).resize(648, 648, { kernel: "nearest" }).png().toBuffer();
    const copy = compare(expected, await fingerprintImage(await corpus.servedAt(render, 240)));
    const blocky = compare(expected, await fingerprintImage(await corpus.servedAt(mosaic, 240)));
    expect(copy.distances.blocks).toBeLessThan(1.2);
    expect(copy.samePicture).toBe(true);
    expect(blocky.distances.blocks).toBeGreaterThan(BLOCKS_MAX);
    expect(blocky.distances.moved).toBeGreaterThan(MOVED_MAX);
    expect(movedCopy(blocky.distances)).toBe(false);
    expect(blocky.reason).toMatch(/^a blurred, pixelated or low-quality copy \(detail lost 0\.\d+ > 0\.6\)$/);
  });

  it("is null where the image has no 64 grid", async () => {
    expect((await fingerprintImage(await sharp((await photo(72)).pixels, { raw: { width: 72, height: 72, channels: 3 } }).png().toBuffer())).concentration).toBeNull();
  });
});
