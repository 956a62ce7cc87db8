/**
 * photosync places attention and entropy crops itself (libvips' way, without libvips' fixed cost):
 * the square must go where the interesting part of a photo is, and where libvips would put it.
 */
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { renderPortrait } from "../../src/demo/portrait.js";
import { ANALYSIS_EDGE } from "../../src/images/analysis.js";
import type { RgbImage } from "../../src/images/fingerprint.js";
import { attentionOffset, entropyOffset } from "../../src/images/smart-crop.js";

type Strategy = "attention" | "entropy";

/** A width x height image: every pixel from paint(x, y) as [r, g, b]. */
function painted(width: number, height: number, paint: (x: number, y: number) => readonly number[]): RgbImage {
  const pixels = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels.set(paint(x, y), (y * width + x) * 3);
  return { pixels, width, height };
}

/** A fixed pseudo-random 0..255 value for (x, y): texture without Math.random. */
const noise = (x: number, y: number): number => ((x * 73856093) ^ (y * 19349663)) % 251;

/** The offset libvips' smartcrop picks for a side x side square of the image, via sharp. */
async function libvipsOffset(image: RgbImage, side: number, strategy: Strategy): Promise<{ left: number; top: number }> {
  const { info } = await sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(side, side, { fit: "cover", position: sharp.strategy[strategy] })
    .raw()
    .toBuffer({ resolveWithObject: true });
  // sharp reports where the image sits relative to the crop, hence the minus.
  return { left: -(info.cropOffsetLeft ?? 0) + 0, top: -(info.cropOffsetTop ?? 0) + 0 };
}

/** A synthetic portrait at the analysis rendition's size, as RGB. */
async function portrait(seed: string, width: number, height: number): Promise<RgbImage> {
  const { data, info } = await sharp(await renderPortrait({ seed, width, height }, "png"))
    .resize(ANALYSIS_EDGE, ANALYSIS_EDGE, { fit: "outside" })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { pixels: data, width: info.width, height: info.height };
}

describe("attention", () => {
  it("moves the square onto a skin-toned face rather than a grey one as bright", () => {
    // 400 x 100, dark, with two discs of the same luminance: skin-toned (224,172,140) and grey (183).
    const SKIN = [224, 172, 140];
    const GREY = [183, 183, 183];
    const discs = (skinAt: number, greyAt: number) =>
      painted(400, 100, (x, y) => (Math.hypot(x - skinAt, y - 50) < 35 ? SKIN : Math.hypot(x - greyAt, y - 50) < 35 ? GREY : [40, 40, 40]));
    const right = attentionOffset(discs(340, 60), 100, 100);
    expect(right.top).toBe(0);
    expect(right.left).toBeGreaterThanOrEqual(250);
    expect(attentionOffset(discs(60, 340), 100, 100).left).toBeLessThanOrEqual(50);
  });

  it("moves it onto edges and detail, and never past the image", () => {
    const image = painted(100, 300, (x, y) => (y < 80 ? [noise(x, y), noise(y, x), noise(x + y, x)] : [200, 200, 200]));
    expect(attentionOffset(image, 100, 100)).toEqual({ left: 0, top: 0 });
    const flipped = painted(100, 300, (x, y) => (y >= 220 ? [noise(x, y), noise(y, x), noise(x + y, x)] : [200, 200, 200]));
    const { left, top } = attentionOffset(flipped, 100, 100);
    expect(left).toBe(0);
    // The square holds at least 70 of the detailed band's 80 rows, and stays inside the image.
    expect(top).toBeGreaterThanOrEqual(190);
    expect(top).toBeLessThanOrEqual(200);
  });
});

describe("entropy", () => {
  it("keeps the busiest region", () => {
    const image = painted(300, 100, (x, y) => (x < 100 ? [noise(x, y), noise(y, x), noise(x * 3, y)] : [90, 90, 90]));
    expect(entropyOffset(image, 100, 100)).toEqual({ left: 0, top: 0 });
    const tall = painted(100, 300, (x, y) => (y > 190 ? [noise(x, y), noise(y, x), noise(x * 3, y)] : [90, 90, 90]));
    expect(entropyOffset(tall, 100, 100)).toEqual({ left: 0, top: 200 });
  });
});

describe("agreement with libvips' smartcrop", () => {
  const shapes: [seed: string, width: number, height: number][] = [];
  for (let i = 0; i < 12; i++) shapes.push([`crop-${i}`, i % 2 ? 900 : 1200, i % 2 ? 1200 : 800 + 40 * i]);

  it("entropy: the same square on every portrait", async () => {
    for (const [seed, width, height] of shapes) {
      const image = await portrait(seed, width, height);
      const side = Math.min(image.width, image.height);
      expect(entropyOffset(image, side, side), seed).toEqual(await libvipsOffset(image, side, "entropy"));
    }
  });

  it("attention: the same square on almost every portrait, never far off on the rest", async () => {
    let same = 0;
    for (const [seed, width, height] of shapes) {
      const image = await portrait(seed, width, height);
      const side = Math.min(image.width, image.height);
      const ours = attentionOffset(image, side, side);
      const theirs = await libvipsOffset(image, side, "attention");
      const apart = Math.abs(ours.left - theirs.left) + Math.abs(ours.top - theirs.top);
      if (apart === 0) same++;
      // Never more than a quarter of the photo's longer edge apart (the regions libvips scores alike).
      expect(apart, seed).toBeLessThanOrEqual(Math.max(image.width, image.height) / 4);
    }
    expect(same).toBeGreaterThanOrEqual(shapes.length - 2);
  });
});
