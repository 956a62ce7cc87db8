/** The review sheet's pictures: untrusted bytes decoded safely, flattened, stripped and re-encoded small, or "unavailable" with why. */
import sharp from "sharp";
import type { Metadata } from "sharp";
import { describe, expect, it } from "vitest";
import { SHOWN_IMAGE_EDGE, SHOWN_IMAGE_MAX_BYTES, showSide } from "../../src/pictures/sheet-images.js";
import type { ShownSide } from "../../src/pictures/sheet-images.js";
import { hostileCorpus } from "../support/hostile-images.js";
import { colourDistance, pixelAt, rawPixels } from "../images/helpers.js";

const side = (bytes: Buffer) => ({ kind: "image" as const, bytes, width: 0, height: 0 });

async function shownJpeg(shown: ShownSide): Promise<{ jpeg: Buffer; metadata: Metadata }> {
  if (shown.kind !== "image") throw new Error(`expected a picture, got ${JSON.stringify(shown)}`);
  return { jpeg: shown.jpeg, metadata: await sharp(shown.jpeg).metadata() };
}

describe("showSide", () => {
  it("turns every hostile or awkward file into a small plain JPEG or an unavailable side, never a crash", async () => {
    const corpus = await hostileCorpus();
    const undecodable = ["truncated.jpg", "empty.jpg", "text.jpg", "drawing.svg", "bomb.png", "iphone.heic", "scan.pdf"];
    for (const [name, bytes] of Object.entries(corpus)) {
      const shown = await showSide(side(bytes));
      if (undecodable.includes(name)) {
        expect(shown, name).toEqual({ kind: "unavailable", why: expect.stringMatching(/^could not be decoded: \S/) });
        expect(shown.kind === "unavailable" && shown.why.length, name).toBeLessThanOrEqual(150);
      } else {
        const { jpeg, metadata } = await shownJpeg(shown);
        expect(metadata.format, name).toBe("jpeg");
        expect(Math.max(metadata.width, metadata.height), name).toBeLessThanOrEqual(SHOWN_IMAGE_EDGE);
        expect(jpeg.length, name).toBeLessThanOrEqual(SHOWN_IMAGE_MAX_BYTES);
        expect([metadata.exif, metadata.icc, metadata.xmp, metadata.hasAlpha], name).toEqual([undefined, undefined, undefined, false]);
      }
    }
    // SVG and PDF are refused unread (not handed to librsvg or poppler), and said so.
    expect(await showSide(side(corpus["drawing.svg"]!))).toEqual({ kind: "unavailable", why: expect.stringContaining("not a raster image") });
  });

  it("flattens transparency on white and drops metadata", async () => {
    // 200×100, transparent on the left half, opaque red on the right, with a text chunk of its own.
    const pixels = Buffer.alloc(200 * 100 * 4, 0);
    for (let y = 0; y < 100; y++) for (let x = 100; x < 200; x++) pixels.set([200, 20, 20, 255], (y * 200 + x) * 4);
    const png = await sharp(pixels, { raw: { width: 200, height: 100, channels: 4 } })
      .png()
      .withMetadata()
      .withExif({ IFD0: { ImageDescription: "secret location" } })
      .toBuffer();
    const shown = await showSide(side(png));
    expect(shown.kind === "image" && [shown.width, shown.height]).toEqual([200, 100]);
    const { jpeg, metadata } = await shownJpeg(shown);
    expect([metadata.width, metadata.height, metadata.exif, metadata.icc]).toEqual([200, 100, undefined, undefined]);
    expect(jpeg.includes(Buffer.from("secret location"))).toBe(false);
    const image = await rawPixels(jpeg);
    expect(colourDistance(pixelAt(image, 40, 50), [255, 255, 255])).toBeLessThan(3);
    expect(colourDistance(pixelAt(image, 160, 50), [200, 20, 20])).toBeLessThan(5);
  });

  it("applies EXIF orientation and reports the picture's own upright size", async () => {
    // 200×100: red on the left, blue on the right, stored to be turned 90° clockwise (EXIF 6).
    const pixels = Buffer.alloc(200 * 100 * 3, 0);
    for (let y = 0; y < 100; y++) for (let x = 0; x < 200; x++) pixels.set(x < 100 ? [200, 20, 20] : [20, 40, 200], (y * 200 + x) * 3);
    const jpeg = await sharp(pixels, { raw: { width: 200, height: 100, channels: 3 } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect((await sharp(jpeg).metadata()).orientation).toBe(6);
    const shown = await showSide(side(jpeg));
    expect(shown.kind === "image" && [shown.width, shown.height]).toEqual([100, 200]);
    const { jpeg: upright, metadata } = await shownJpeg(shown);
    expect([metadata.width, metadata.height, metadata.orientation]).toEqual([100, 200, undefined]);
    const image = await rawPixels(upright);
    // Turned clockwise: what was on the left is now on top.
    expect(colourDistance(pixelAt(image, 50, 40), [200, 20, 20])).toBeLessThan(5);
    expect(colourDistance(pixelAt(image, 50, 160), [20, 40, 200])).toBeLessThan(5);
  });

  it("keeps a noisy picture within the size bound (lower quality, then fewer pixels)", async () => {
    const noise = Buffer.alloc(800 * 800 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) % 251;
    const shown = await showSide(side(await sharp(noise, { raw: { width: 800, height: 800, channels: 3 } }).png().toBuffer()));
    const { jpeg, metadata } = await shownJpeg(shown);
    expect(jpeg.length).toBeLessThanOrEqual(SHOWN_IMAGE_MAX_BYTES);
    expect(metadata.width).toBeGreaterThan(0);
    expect(shown.kind === "image" && shown.width).toBe(800);
  });

  it("passes sides without a picture through unchanged", async () => {
    expect(await showSide({ kind: "none" })).toEqual({ kind: "none" });
    expect(await showSide({ kind: "unavailable", why: "the tenant could not be read" })).toEqual({ kind: "unavailable", why: "the tenant could not be read" });
  });
});
