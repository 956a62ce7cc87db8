/** The pure building blocks of fingerprints: Lab conversion, colour parsing, the area-average rendition, the DCT hash. */
import { describe, expect, it } from "vitest";
import { deltaE, parseHexColour, srgbToLab } from "../../src/images/colour.js";
import { hashRendition } from "../../src/images/fingerprint.js";
import { hammingDistance, perceptualHash, PHASH_SIZE } from "../../src/images/phash.js";

describe("colour", () => {
  it("converts sRGB to CIE Lab (D65) like the reference values", () => {
    const close = (actual: readonly number[], expected: number[]) =>
      actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 1));
    close(srgbToLab(255, 255, 255), [100, 0, 0]);
    close(srgbToLab(0, 0, 0), [0, 0, 0]);
    close(srgbToLab(255, 0, 0), [53.24, 80.09, 67.2]);
    close(srgbToLab(0, 0, 255), [32.3, 79.19, -107.86]);
    expect(deltaE(srgbToLab(255, 0, 0), srgbToLab(255, 0, 0))).toBe(0);
  });

  it("parses #rrggbb and #rgb, refuses anything else", () => {
    expect(parseHexColour("#3366CC")).toEqual({ r: 0x33, g: 0x66, b: 0xcc });
    expect(parseHexColour("#fff")).toEqual({ r: 255, g: 255, b: 255 });
    for (const bad of ["white", "#12345", "123456", "#gggggg", ""]) expect(() => parseHexColour(bad)).toThrow();
  });
});

describe("perceptualHash", () => {
  const image = (f: (x: number, y: number) => number) =>
    Array.from({ length: PHASH_SIZE * PHASH_SIZE }, (_, i) => f(i % PHASH_SIZE, Math.floor(i / PHASH_SIZE)));

  it("is 64 bits of hex, ignores brightness shifts, and flips about half its bits for a mirror image", () => {
    const pattern = (x: number, y: number) => 100 + 60 * Math.sin(x / 3) * Math.cos(y / 5) + (x > 20 && y < 10 ? 50 : 0);
    const { hash, detail } = perceptualHash(image(pattern));
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(detail).toBeGreaterThan(1);
    expect(perceptualHash(image((x, y) => pattern(x, y) + 30)).hash).toBe(hash);
    const mirrored = perceptualHash(image((x, y) => pattern(PHASH_SIZE - 1 - x, y))).hash;
    expect(hammingDistance(hash, mirrored)).toBeGreaterThan(16);
  });

  it("reports no detail for a flat image (its hash means nothing)", () => {
    expect(perceptualHash(image(() => 128)).detail).toBeCloseTo(0, 6);
  });

  it("refuses renditions of the wrong size", () => {
    expect(() => perceptualHash([1, 2, 3])).toThrow(/32x32/);
  });

  it("counts differing bits", () => {
    expect(hammingDistance("0000000000000000", "0000000000000000")).toBe(0);
    expect(hammingDistance("ffffffffffffffff", "0000000000000000")).toBe(64);
    expect(hammingDistance("8000000000000001", "0000000000000000")).toBe(2);
  });
});

describe("hashRendition", () => {
  /** An RGB image whose pixel (x, y) is colour(x, y). */
  const image = (width: number, height: number, colour: (x: number, y: number) => [number, number, number]) => {
    const pixels = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels.set(colour(x, y), (y * width + x) * 3);
    return { pixels, width, height };
  };
  const at = (rgb: Uint8Array, x: number, y: number) => [...rgb.subarray((y * PHASH_SIZE + x) * 3, (y * PHASH_SIZE + x) * 3 + 3)];

  it("averages exactly the area each output pixel covers", () => {
    // 64x64 of 2x2 blocks: each output pixel is one block's mean.
    const blocks = image(64, 64, (x, y) => [((x >> 1) * 8) % 256, ((y >> 1) * 8) % 256, (x + y) % 2 === 0 ? 200 : 100]);
    const out = hashRendition(blocks);
    expect(at(out, 3, 5)).toEqual([24, 40, 150]);
    // 48 -> 32 (1.5 source pixels each): a stripe pattern keeps its mean brightness.
    const stripes = image(48, 48, (x) => (x % 2 === 0 ? [0, 0, 0] : [240, 240, 240]));
    const mean = [...hashRendition(stripes)].reduce((sum, v) => sum + v, 0) / (PHASH_SIZE * PHASH_SIZE * 3);
    expect(mean).toBeCloseTo(120, 0);
  });

  it("stretches any aspect ratio to the square, and reads only the box it is given", () => {
    const halves = image(200, 100, (x) => (x < 100 ? [255, 0, 0] : [0, 0, 255]));
    const whole = hashRendition(halves);
    expect(at(whole, 0, 31)).toEqual([255, 0, 0]);
    expect(at(whole, 31, 0)).toEqual([0, 0, 255]);
    const right = hashRendition(halves, { left: 100, top: 0, width: 100, height: 100 });
    expect(new Set([...right].map(String))).toEqual(new Set(["0", "255"]));
    expect(at(right, 0, 0)).toEqual([0, 0, 255]);
    // Smaller than the rendition: enlarged without inventing colours.
    expect(at(hashRendition(image(3, 3, () => [10, 20, 30])), 17, 9)).toEqual([10, 20, 30]);
  });
});
