/**
 * The fingerprint's renditions: derived from one area average at the finest grid, they must be
 * what averaging the pixels directly gives; and a plan's reads measure no texture it never compares.
 */
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { renderPortrait } from "../../src/demo/portrait.js";
import { PLAN_FINEST_GRID } from "../../src/images/analysis.js";
import { fingerprintImage } from "../../src/images/fingerprint-image.js";
import { FINE_GRIDS, areaRendition, hashRendition, renditions, textureOf } from "../../src/images/fingerprint.js";
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
