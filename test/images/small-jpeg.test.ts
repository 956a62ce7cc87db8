/**
 * The fast path for small thumbnails: which JPEGs it takes, that it decodes them exactly as sharp
 * does, and that anything odd or damaged is left to sharp.
 */
import sharp from "sharp";
import type { JpegOptions, Sharp } from "sharp";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderPortrait } from "../../src/demo/portrait.js";
import { fingerprintImage } from "../../src/images/fingerprint-image.js";
import { fingerprintRendition, renditions } from "../../src/images/fingerprint.js";
import type { RgbImage } from "../../src/images/fingerprint.js";
import { plainJpegSize } from "../../src/images/jpeg-header.js";
import { FAIL_ON } from "../../src/images/settings.js";
import { SMALL_JPEG_MAX_EDGE, decodeSmallJpeg } from "../../src/images/small-jpeg.js";

/** The fingerprint of decoded pixels, as fingerprintImage computes it from an image decoded whole. */
const viaRendition = (image: RgbImage) => {
  const { hash, fine, concentration } = renditions(image);
  return fingerprintRendition(hash, image.width, image.height, fine, concentration);
};

/** A portrait with (seeded, repeatable) grain on it, so the JPEG has plenty of detail to decode. */
async function grainyThumbnail(size: number, seed: string): Promise<Sharp> {
  const portrait = await sharp(await renderPortrait({ seed, width: size, height: size })).removeAlpha().raw().toBuffer();
  let state = 2463534242;
  const grain = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) % 81) - 40;
  };
  const mixed = Buffer.from(portrait.map((value) => Math.min(255, Math.max(0, value + grain()))));
  return sharp(mixed, { raw: { width: size, height: size, channels: 3 } });
}

/** The bytes with a run of unexpected markers in the middle of the compressed data. */
function withStrayMarkers(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  for (let i = Math.floor(bytes.length * 0.4); i < Math.floor(bytes.length * 0.5); i += 2) copy.set([0xff, 0xd5], i);
  return copy;
}

/** What sharp makes of the bytes, as RGB. */
async function sharpPixels(bytes: Buffer): Promise<Buffer> {
  return sharp(bytes).toColourspace("srgb").removeAlpha().raw().toBuffer();
}

function rgbOf(rgba: Uint8Array): Buffer {
  const rgb = Buffer.alloc((rgba.length / 4) * 3);
  for (let p = 0, q = 0; p < rgba.length; p += 4, q += 3) rgb.set(rgba.subarray(p, p + 3), q);
  return rgb;
}

/** The bytes with the start-of-frame's height and width replaced. */
function withFrameSize(bytes: Buffer, width: number, height: number): Buffer {
  const copy = Buffer.from(bytes);
  const sof = copy.indexOf(Buffer.from([0xff, 0xc0]));
  copy.writeUInt16BE(height, sof + 5);
  copy.writeUInt16BE(width, sof + 7);
  return copy;
}

afterEach(() => vi.restoreAllMocks());

describe("plainJpegSize", () => {
  it("reads the size of baseline, progressive and grey JPEGs", async () => {
    const image = await grainyThumbnail(72, "a");
    expect(plainJpegSize(await image.clone().resize(72, 60).jpeg().toBuffer())).toEqual({ width: 72, height: 60 });
    expect(plainJpegSize(await image.clone().jpeg({ progressive: true }).toBuffer())).toEqual({ width: 72, height: 72 });
    expect(plainJpegSize(await image.clone().grayscale().jpeg().toBuffer())).toEqual({ width: 72, height: 72 });
  });

  it("refuses what sharp would decode differently: an orientation, an ICC profile, CMYK", async () => {
    const image = await grainyThumbnail(48, "b");
    expect(plainJpegSize(await image.clone().jpeg().withMetadata({ orientation: 6 }).toBuffer())).toBeUndefined();
    expect(plainJpegSize(await image.clone().jpeg().withIccProfile("p3").toBuffer())).toBeUndefined();
    expect(plainJpegSize(await image.clone().toColourspace("cmyk").jpeg().toBuffer())).toBeUndefined();
  });

  it("refuses other formats and malformed headers", async () => {
    const jpeg = await (await grainyThumbnail(48, "c")).jpeg().toBuffer();
    expect(plainJpegSize(await (await grainyThumbnail(48, "c")).png().toBuffer())).toBeUndefined();
    expect(plainJpegSize(Buffer.from("not an image at all"))).toBeUndefined();
    expect(plainJpegSize(jpeg.subarray(0, 40))).toBeUndefined();
    expect(plainJpegSize(withFrameSize(jpeg, 0, 48))).toBeUndefined();
    const badLength = Buffer.from(jpeg);
    badLength.writeUInt16BE(1, 4); // the first segment's length
    expect(plainJpegSize(badLength)).toBeUndefined();
  });
});

describe("decodeSmallJpeg", () => {
  it("gives exactly sharp's pixels for the thumbnails the services return", async () => {
    const cases: Array<[number, JpegOptions]> = [
      [48, { quality: 90, chromaSubsampling: "4:4:4" }],
      [72, { quality: 80, progressive: true }],
      [96, { quality: 75 }],
      [200, { quality: 90, chromaSubsampling: "4:4:4", optimiseCoding: true }],
      [SMALL_JPEG_MAX_EDGE, { quality: 60 }],
    ];
    for (const [size, options] of cases) {
      const bytes = await (await grainyThumbnail(size, `s${size}`)).jpeg(options).toBuffer();
      const decoded = await decodeSmallJpeg(bytes);
      expect(decoded, `${size} px`).toMatchObject({ width: size, height: size });
      expect(rgbOf(decoded!.pixels).equals(await sharpPixels(bytes)), `${size} px`).toBe(true);
    }
    const grey = await (await grainyThumbnail(64, "grey")).grayscale().jpeg().toBuffer();
    expect(rgbOf((await decodeSmallJpeg(grey))!.pixels).equals(await sharpPixels(grey))).toBe(true);
  });

  it("leaves larger images, and sizes a header lies about, to sharp", async () => {
    const large = await (await grainyThumbnail(SMALL_JPEG_MAX_EDGE + 1, "l")).jpeg().toBuffer();
    expect(await decodeSmallJpeg(large)).toBeUndefined();
    const small = await (await grainyThumbnail(48, "h")).jpeg().toBuffer();
    expect(await decodeSmallJpeg(withFrameSize(small, 65_000, 65_000))).toBeUndefined();
    // sharp then refuses the bomb, so the read is "unknown" rather than a 4-gigapixel decode.
    await expect(fingerprintImage(withFrameSize(small, 65_000, 65_000))).rejects.toThrow();
  });

  it("returns nothing for damaged data, prints nothing, and keeps working", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const writes = vi.spyOn(process.stderr, "write");
    const bytes = await (await grainyThumbnail(96, "d")).jpeg({ quality: 90 }).toBuffer();
    const truncated = bytes.subarray(0, Math.floor(bytes.length * 0.6));
    const corrupt = withStrayMarkers(bytes);
    const noScan = bytes.subarray(0, bytes.indexOf(Buffer.from([0xff, 0xda])) + 2);
    for (const damaged of [truncated, corrupt, noScan]) expect(await decodeSmallJpeg(damaged)).toBeUndefined();
    expect(errors).not.toHaveBeenCalled();
    expect(writes).not.toHaveBeenCalled();
    const again = await decodeSmallJpeg(bytes);
    expect(rgbOf(again!.pixels).equals(await sharpPixels(bytes))).toBe(true);
  });

  it("hands back pixels the next decode does not overwrite", async () => {
    const first = await (await grainyThumbnail(48, "x")).jpeg().toBuffer();
    const second = await (await grainyThumbnail(48, "y")).jpeg().toBuffer();
    const a = await decodeSmallJpeg(first);
    const kept = Buffer.from(a!.pixels);
    await decodeSmallJpeg(second);
    expect(Buffer.from(a!.pixels).equals(kept)).toBe(true);
  });
});

describe("fingerprintImage", () => {
  it("fingerprints a small JPEG exactly as it does through sharp", async () => {
    const bytes = await (await grainyThumbnail(96, "f")).jpeg().toBuffer();
    const viaSharp = viaRendition({ pixels: await sharpPixels(bytes), width: 96, height: 96 });
    expect(await fingerprintImage(bytes)).toEqual(viaSharp);
  });

  it("still turns an Exif-rotated thumbnail upright (through sharp)", async () => {
    const upright = await (await grainyThumbnail(72, "r")).resize(72, 48).jpeg().toBuffer();
    // Stored rotated by 90°, with the orientation that says how to turn it back.
    const stored = await sharp(upright).rotate(270).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const fingerprint = await fingerprintImage(stored);
    expect(fingerprint).toMatchObject({ width: 72, height: 48 });
    expect(fingerprint.hash).toBe((await fingerprintImage(upright)).hash);
  });

  it("leaves damaged thumbnails to sharp: a truncated one is refused, a corrupt one read as sharp reads it", async () => {
    const bytes = await (await grainyThumbnail(96, "t")).jpeg().toBuffer();
    await expect(fingerprintImage(bytes.subarray(0, Math.floor(bytes.length * 0.7)))).rejects.toThrow(/premature end/);
    const corrupt = withStrayMarkers(bytes);
    expect(await decodeSmallJpeg(corrupt)).toBeUndefined();
    const pixels = await sharp(corrupt, { failOn: FAIL_ON }).toColourspace("srgb").removeAlpha().raw().toBuffer();
    expect(await fingerprintImage(corrupt)).toEqual(viaRendition({ pixels, width: 96, height: 96 }));
  });
});
