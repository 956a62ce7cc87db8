/** Bytes a service serves as a "photo" are decoded only when they are a raster image: an SVG or a PDF never reaches sharp. */
import { describe, expect, it } from "vitest";
import sharp from "sharp";
import { requireRasterImage } from "../../src/images/decode.js";
import { fingerprintImage } from "../../src/images/fingerprint-image.js";
import { imageHeader } from "../../src/stores/graph/read.js";

const SVG = Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="648" height="648"><rect width="648" height="648" fill="#c08060"/></svg>');
const PDF = Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");

describe("served bytes", () => {
  it("an SVG or a PDF is refused unread: no header, no fingerprint", async () => {
    for (const bytes of [SVG, PDF]) {
      await expect(requireRasterImage(bytes)).rejects.toThrow(/not a raster image/);
      expect(await imageHeader(bytes)).toBeUndefined();
      await expect(fingerprintImage(bytes)).rejects.toThrow(/not a raster image/);
    }
  });

  it("a PNG is read as before", async () => {
    const png = await sharp({ create: { width: 300, height: 300, channels: 3, background: "#336699" } }).png().toBuffer();
    await expect(requireRasterImage(png)).resolves.toBeUndefined();
    expect(await imageHeader(png)).toEqual({ format: "png", width: 300, height: 300 });
    expect((await fingerprintImage(png)).width).toBe(300);
  });
});
