/** The variants each store receives: sizes, format, metadata, size limit, reproducibility. */
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { renderPortrait } from "../../src/demo/portrait.js";
import { GRAPH_MAX_BYTES } from "../../src/images/graph-sizes.js";
import { VARIANT_NAMES } from "../../src/images/settings.js";
import { renderVariants } from "../../src/images/variants.js";
import { DEFAULT_THUMBNAILS, settings } from "./helpers.js";

/** A portrait carrying everything that must never reach the tenant: EXIF with GPS, XMP, an ICC profile. */
async function photoWithMetadata(): Promise<Buffer> {
  return sharp(await renderPortrait({ seed: "metadata", width: 900, height: 1200 }, "png"))
    .withExif({
      IFD0: { Make: "TestCam", Model: "Secret Model", Artist: "Someone Private" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1", GPSLongitudeRef: "W", GPSLongitude: "0/1 7/1 0/1" },
    })
    .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>')
    .withIccProfile("p3")
    .jpeg({ quality: 90 })
    .toBuffer();
}

describe("renderVariants", () => {
  it("renders the Graph photo and S/M/L thumbnails as square JPEGs at the configured sizes", async () => {
    const photo = await renderVariants(await photoWithMetadata(), settings(), { small: 48, medium: 72, large: 300 });
    const expected = { graph: 648, "spo-S": 48, "spo-M": 72, "spo-L": 300 };
    for (const name of VARIANT_NAMES) {
      const variant = photo.variants[name];
      const meta = await sharp(variant.bytes).metadata();
      expect(meta.format, name).toBe("jpeg");
      expect([meta.width, meta.height], name).toEqual([expected[name], expected[name]]);
      expect(variant.edge).toBe(expected[name]);
      expect(variant.fingerprint).toMatchObject({ width: expected[name], height: expected[name] });
    }
    expect(photo.source).toMatchObject({ format: "jpeg", width: 900, height: 1200 });
    expect(photo.warnings).toEqual([]);
  });

  it("strips EXIF, GPS, XMP, IPTC and ICC from every variant", async () => {
    const source = await photoWithMetadata();
    const sourceMeta = await sharp(source).metadata();
    // The source really carries it all (else this test would prove nothing).
    expect(sourceMeta.exif).toBeDefined();
    expect(sourceMeta.xmp).toBeDefined();
    expect(sourceMeta.icc).toBeDefined();
    expect(source.includes("Secret Model")).toBe(true);

    const photo = await renderVariants(source, settings(), DEFAULT_THUMBNAILS);
    for (const name of VARIANT_NAMES) {
      const bytes = photo.variants[name].bytes;
      const meta = await sharp(bytes).metadata();
      expect(meta.exif, name).toBeUndefined();
      expect(meta.xmp, name).toBeUndefined();
      expect(meta.iptc, name).toBeUndefined();
      expect(meta.icc, name).toBeUndefined();
      expect(meta.orientation, name).toBeUndefined();
      expect(meta.comments, name).toBeUndefined();
      for (const marker of ["Exif", "TestCam", "Secret Model", "Someone Private", "adobe:ns:meta", "ICC_PROFILE"]) {
        expect(bytes.includes(marker), `${name} contains ${marker}`).toBe(false);
      }
    }
  });

  it("never enlarges: a 400 px source gives a 400 px Graph photo, thumbnails no larger than it", async () => {
    const photo = await renderVariants(await renderPortrait({ seed: "small", width: 400, height: 400 }), settings(), {
      small: 48,
      medium: 72,
      large: 500,
    });
    expect(photo.variants.graph.edge).toBe(400);
    expect(photo.variants["spo-L"].edge).toBe(400);
    expect((await sharp(photo.variants["spo-L"].bytes).metadata()).width).toBe(400);
    expect(photo.warnings.join("\n")).toMatch(/below 648/);
    expect(photo.warnings.join("\n")).toMatch(/spo-L thumbnail is 400 px, below the configured 500/);
  });

  it("gives the same bytes for the same source and settings", async () => {
    const source = await renderPortrait({ seed: "repeat", width: 800, height: 800 });
    const a = await renderVariants(source, settings({ crop: "attention" }), DEFAULT_THUMBNAILS);
    const b = await renderVariants(source, settings({ crop: "attention" }), DEFAULT_THUMBNAILS);
    for (const name of VARIANT_NAMES) expect(a.variants[name].bytes.equals(b.variants[name].bytes), name).toBe(true);
  });

  it("stays under the Graph upload limit, stepping the quality down when it must", async () => {
    // Noise is the worst case for JPEG. At 648 px it never gets near 4 MB; a lowered limit shows the mechanism.
    const noise = Buffer.alloc(648 * 648 * 3);
    let state = 1;
    for (let i = 0; i < noise.length; i++) noise[i] = (state = (state * 1103515245 + 12345) >>> 0) >>> 24;
    const source = await sharp(noise, { raw: { width: 648, height: 648, channels: 3 } }).png().toBuffer();

    const normal = await renderVariants(source, settings(), DEFAULT_THUMBNAILS);
    expect(normal.variants.graph.bytes.length).toBeLessThan(GRAPH_MAX_BYTES);
    expect(normal.variants.graph.quality).toBe(90);

    const limit = Math.floor(normal.variants.graph.bytes.length * 0.7);
    const squeezed = await renderVariants(source, settings(), DEFAULT_THUMBNAILS, { maxGraphBytes: limit });
    expect(squeezed.variants.graph.bytes.length).toBeLessThanOrEqual(limit);
    expect(squeezed.variants.graph.quality).toBeLessThan(90);
    expect(squeezed.warnings.join("\n")).toMatch(/quality \d+ to stay under/);

    await expect(renderVariants(source, settings(), DEFAULT_THUMBNAILS, { maxGraphBytes: 1000 })).rejects.toThrow(/exceeds 1000 bytes/);
  });

  it("refuses nonsensical thumbnail sizes", async () => {
    const source = await renderPortrait({ seed: "x", width: 300, height: 300 });
    await expect(renderVariants(source, settings(), { small: 0, medium: 72, large: 200 })).rejects.toThrow(/positive integer/);
  });
});
