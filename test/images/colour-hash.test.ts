/** The pure building blocks of fingerprints: Lab conversion, colour parsing, the DCT hash. */
import { describe, expect, it } from "vitest";
import { deltaE, parseHexColour, srgbToLab } from "../../src/images/colour.js";
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
