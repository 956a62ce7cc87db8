/**
 * Normalisation on awkward real-world inputs: EXIF orientation, CMYK, ICC profiles, transparency,
 * metadata, sizes, crop modes, animations and hostile files.
 */
import { crc32 } from "node:zlib";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { renderPortrait } from "../../src/demo/portrait.js";
import { normalise } from "../../src/images/normalise.js";
import { GRAPH_MAX_EDGE } from "../../src/images/graph-sizes.js";
import type { Rgb } from "./helpers.js";
import { colourDistance, fillRect, fromRaw, pixelAt, settings, solid } from "./helpers.js";

const RED: Rgb = [220, 30, 30];
const BLUE: Rgb = [30, 60, 220];
const WHITE: Rgb = [255, 255, 255];

/**
 * An upright 96x64 marker: red block top-left and blue block top-right of its central 64x64
 * square. Red and blue together pin down all 8 orientations (a mirror swaps them, a rotation
 * moves them off the top row).
 */
function uprightMarker(): { data: Buffer; width: number; height: number } {
  const width = 96;
  const height = 64;
  const data = Buffer.alloc(width * height * 3, 255);
  fillRect(data, width, { left: 16, top: 0, width: 16, height: 16 }, RED);
  fillRect(data, width, { left: 64, top: 0, width: 16, height: 16 }, BLUE);
  return { data, width, height };
}

/**
 * The stored pixels a camera writes for an upright scene, given the EXIF orientation it records.
 * From the EXIF spec: which side row 0 and column 0 of the stored image are displayed on.
 */
function storedFor(orientation: number, upright: { data: Buffer; width: number; height: number }) {
  const transposed = orientation >= 5;
  const W = transposed ? upright.height : upright.width;
  const H = transposed ? upright.width : upright.height;
  const data = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const [X, Y] = (
        {
          1: [x, y],
          2: [W - 1 - x, y],
          3: [W - 1 - x, H - 1 - y],
          4: [x, H - 1 - y],
          5: [y, x],
          6: [H - 1 - y, x],
          7: [H - 1 - y, W - 1 - x],
          8: [y, W - 1 - x],
        } as Record<number, [number, number]>
      )[orientation]!;
      upright.data.copy(data, (y * W + x) * 3, (Y * upright.width + X) * 3, (Y * upright.width + X) * 3 + 3);
    }
  }
  return { data, width: W, height: H };
}

describe("normalise: orientation", () => {
  for (const orientation of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`EXIF orientation ${orientation} renders upright`, async () => {
      const stored = storedFor(orientation, uprightMarker());
      const jpeg = await fromRaw(stored.data, stored.width, stored.height)
        .withMetadata({ orientation })
        .jpeg({ quality: 100, chromaSubsampling: "4:4:4" })
        .toBuffer();
      expect((await sharp(jpeg).metadata()).orientation).toBe(orientation);

      const result = await normalise(jpeg, settings({ crop: "centre" }));
      expect(result.edge).toBe(64);
      expect(result.source).toMatchObject({ width: 96, height: 64 });
      const image = { data: result.pixels, width: result.edge };
      expect(colourDistance(pixelAt(image, 8, 8), RED)).toBeLessThan(5);
      expect(colourDistance(pixelAt(image, 56, 8), BLUE)).toBeLessThan(5);
      expect(colourDistance(pixelAt(image, 8, 56), WHITE)).toBeLessThan(5);
      expect(colourDistance(pixelAt(image, 56, 56), WHITE)).toBeLessThan(5);
    });
  }

  it("applies the focal point to the upright image, not the stored one", async () => {
    // Upright 96x64 with the red block at its right edge; stored rotated (orientation 6).
    const upright = { width: 96, height: 64, data: Buffer.alloc(96 * 64 * 3, 255) };
    fillRect(upright.data, 96, { left: 80, top: 24, width: 16, height: 16 }, RED);
    const stored = storedFor(6, upright);
    const jpeg = await fromRaw(stored.data, stored.width, stored.height).withMetadata({ orientation: 6 }).jpeg({ quality: 100 }).toBuffer();
    const result = await normalise(jpeg, settings({ crop: { x: 1, y: 0.5 } }));
    // The crop is pushed against the right edge, so the block is the square's right edge too.
    expect(colourDistance(pixelAt({ data: result.pixels, width: 64 }, 58, 32), RED)).toBeLessThan(5);
  });
});

describe("normalise: colour", () => {
  it("converts a CMYK JPEG with an embedded profile to the right sRGB colours", async () => {
    for (const colour of [
      [200, 170, 140],
      [90, 130, 170],
    ] as Rgb[]) {
      const cmyk = await solid(32, 32, colour).withIccProfile("cmyk").jpeg({ quality: 95 }).toBuffer();
      const meta = await sharp(cmyk).metadata();
      expect(meta.space).toBe("cmyk");
      expect(meta.channels).toBe(4);
      const result = await normalise(cmyk, settings());
      expect(result.pixels.length).toBe(32 * 32 * 3);
      // CMYK's smaller gamut and the profile's rendering intent cost a little; still the same colour.
      expect(colourDistance(pixelAt({ data: result.pixels, width: 32 }, 16, 16), colour)).toBeLessThan(6);
    }
  });

  it("converts a CMYK JPEG without a profile to sRGB (3 channels, close colour)", async () => {
    const colour: Rgb = [200, 170, 140];
    const cmyk = await solid(32, 32, colour).toColourspace("cmyk").jpeg({ quality: 95 }).toBuffer();
    expect((await sharp(cmyk).metadata()).hasProfile).toBe(false);
    const result = await normalise(cmyk, settings());
    expect(colourDistance(pixelAt({ data: result.pixels, width: 32 }, 16, 16), colour)).toBeLessThan(10);
  });

  it("converts a Display P3 image to sRGB instead of reading its numbers as sRGB", async () => {
    const colour: Rgb = [230, 40, 40];
    const p3 = await solid(32, 32, colour).withIccProfile("p3").jpeg({ quality: 95 }).toBuffer();
    const naive = pixelAt({ data: await sharp(p3, { ignoreIcc: true }).raw().toBuffer(), width: 32 }, 16, 16);
    // The stored numbers really differ from sRGB (else this test would prove nothing).
    expect(colourDistance(naive, colour)).toBeGreaterThan(8);
    const result = await normalise(p3, settings());
    expect(colourDistance(pixelAt({ data: result.pixels, width: 32 }, 16, 16), colour)).toBeLessThan(3);
  });

  it("makes greyscale and 16-bit sources 8-bit RGB", async () => {
    const grey = await solid(40, 40, [90, 90, 90]).toColourspace("b-w").png().toBuffer();
    expect((await sharp(grey).metadata()).channels).toBe(1);
    const sixteen = await solid(40, 40, [10, 200, 90]).toColourspace("rgb16").png().toBuffer();
    expect((await sharp(sixteen).metadata()).depth).toBe("ushort");
    for (const [bytes, colour] of [
      [grey, [90, 90, 90]],
      [sixteen, [10, 200, 90]],
    ] as Array<[Buffer, Rgb]>) {
      const result = await normalise(bytes, settings());
      expect(result.pixels.length).toBe(40 * 40 * 3);
      expect(colourDistance(pixelAt({ data: result.pixels, width: 40 }, 20, 20), colour)).toBeLessThan(2);
    }
  });
});

describe("normalise: transparency", () => {
  async function transparentPng(): Promise<Buffer> {
    // Fully transparent black everywhere, an opaque dark square in the middle, a half-transparent red stripe.
    const width = 64;
    const data = Buffer.alloc(width * width * 4, 0);
    for (let y = 0; y < width; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 4;
        if (x >= 24 && x < 40 && y >= 24 && y < 40) data.set([20, 20, 20, 255], i);
        else if (y >= 56) data.set([255, 0, 0, 128], i);
      }
    }
    return sharp(data, { raw: { width, height: width, channels: 4 } }).png().toBuffer();
  }

  for (const background of ["#3366cc", "#ffffff"]) {
    it(`flattens onto the configured background ${background}, never black`, async () => {
      const result = await normalise(await transparentPng(), settings({ background }));
      const image = { data: result.pixels, width: 64 };
      const expected: Rgb = background === "#3366cc" ? [0x33, 0x66, 0xcc] : [255, 255, 255];
      expect(colourDistance(pixelAt(image, 2, 2), expected)).toBeLessThan(1);
      expect(colourDistance(pixelAt(image, 32, 32), [20, 20, 20])).toBeLessThan(1);
      // Half-transparent red: halfway between red and the background.
      const half: Rgb = [(255 + expected[0]) / 2, expected[1] / 2, expected[2] / 2];
      expect(colourDistance(pixelAt(image, 10, 60), half)).toBeLessThan(3);
    });
  }

  it("refuses a background that is not #rrggbb", async () => {
    await expect(normalise(await transparentPng(), settings({ background: "black" }))).rejects.toThrow(/#rrggbb/);
  });
});

describe("normalise: size and crop", () => {
  it("shrinks large photos to the Graph maximum and crops them square", async () => {
    const source = await renderPortrait({ seed: "wide", width: 1200, height: 800 });
    const result = await normalise(source, settings());
    expect(result.edge).toBe(GRAPH_MAX_EDGE);
    expect(result.pixels.length).toBe(GRAPH_MAX_EDGE * GRAPH_MAX_EDGE * 3);
    expect(result.warnings).toEqual([]);
  });

  it("never enlarges: a 400 px source gives 400 px and a warning", async () => {
    const source = await renderPortrait({ seed: "small", width: 400, height: 500 });
    const result = await normalise(source, settings());
    expect(result.edge).toBe(400);
    expect(result.warnings.join("\n")).toMatch(/below 648/);
  });

  it("crop modes choose different squares of a wide image", async () => {
    // 300x100: a busy red/blue checker on the right third, flat grey elsewhere.
    const width = 300;
    const data = Buffer.alloc(width * 100 * 3, 128);
    for (let y = 0; y < 100; y += 10) {
      for (let x = 200; x < 300; x += 10) fillRect(data, width, { left: x, top: y, width: 10, height: 10 }, (x + y) % 20 === 0 ? RED : BLUE);
    }
    const png = await fromRaw(data, width, 100).png().toBuffer();
    const centre = await normalise(png, settings({ crop: "centre" }));
    const entropy = await normalise(png, settings({ crop: "entropy" }));
    const attention = await normalise(png, settings({ crop: "attention" }));
    const focalLeft = await normalise(png, settings({ crop: { x: 0, y: 0.5 } }));
    const grey = (r: { pixels: Buffer }) => colourDistance(pixelAt({ data: r.pixels, width: 100 }, 50, 50), [128, 128, 128]) < 2;
    expect(grey(centre)).toBe(true);
    expect(grey(focalLeft)).toBe(true);
    // The strategies find the busy part.
    expect(grey(entropy)).toBe(false);
    expect(grey(attention)).toBe(false);
    // A focal point on the right edge gives exactly the checker.
    const focalRight = await normalise(png, settings({ crop: { x: 1, y: 0 } }));
    expect(focalRight.pixels.equals(entropy.pixels)).toBe(true);
  });
});

describe("normalise: animations and hostile input", () => {
  it("uses the first frame of an animated GIF", async () => {
    const frames = await sharp({
      create: { width: 32, height: 32 * 3, channels: 3, background: { r: 255, g: 0, b: 0 } },
    })
      .composite([
        { input: await solid(32, 32, [0, 255, 0]).png().toBuffer(), top: 32, left: 0 },
        { input: await solid(32, 32, [0, 0, 255]).png().toBuffer(), top: 64, left: 0 },
      ])
      .raw()
      .toBuffer();
    const gif = await sharp(frames, { raw: { width: 32, height: 96, channels: 3, pageHeight: 32 } })
      .gif({ delay: [100, 100, 100] })
      .toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(3);
    const result = await normalise(gif, settings());
    expect(result.edge).toBe(32);
    expect(colourDistance(pixelAt({ data: result.pixels, width: 32 }, 16, 16), [255, 0, 0])).toBeLessThan(5);
  });

  it("accepts JPEG, PNG, WebP, AVIF, GIF and TIFF sources", async () => {
    const colour: Rgb = [40, 120, 200];
    const base = solid(64, 48, colour);
    for (const bytes of [
      await base.clone().jpeg().toBuffer(),
      await base.clone().png().toBuffer(),
      await base.clone().webp({ lossless: true }).toBuffer(),
      await base.clone().avif({ lossless: true }).toBuffer(),
      await base.clone().gif().toBuffer(),
      await base.clone().tiff().toBuffer(),
    ]) {
      const result = await normalise(bytes, settings());
      expect(result.edge).toBe(48);
      expect(colourDistance(pixelAt({ data: result.pixels, width: 48 }, 24, 24), colour), result.source.format).toBeLessThan(3);
    }
  });

  it("refuses formats outside the accepted list (SVG)", async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    await expect(normalise(svg, settings())).rejects.toThrow(/unsupported image format "svg"/);
  });

  it("refuses truncated and garbage files with an error, not a half-black photo", async () => {
    const jpeg = await renderPortrait({ seed: "cut", width: 300, height: 300 });
    await expect(normalise(jpeg.subarray(0, jpeg.length / 2), settings())).rejects.toThrow();
    await expect(normalise(Buffer.from("not an image at all"), settings())).rejects.toThrow();
  });

  it("refuses images whose pixel count is a decompression bomb", async () => {
    // A tiny PNG whose header claims 12000x12000 (144 MP: under sharp's default limit, over ours): refused from the header, before any decoding.
    const png = await solid(1, 1, [0, 0, 0]).png().toBuffer();
    const ihdr = png.indexOf("IHDR");
    png.writeUInt32BE(12000, ihdr + 4);
    png.writeUInt32BE(12000, ihdr + 8);
    png.writeUInt32BE(crc32(png.subarray(ihdr, ihdr + 17)), ihdr + 17);
    expect((await sharp(png).metadata()).width).toBe(12000);
    await expect(normalise(png, settings())).rejects.toThrow(/pixel limit/i);
  });
});
