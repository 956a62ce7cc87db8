/**
 * The analysis plans rest on: its fingerprint must describe the photo photosync renders, at every
 * variant size and for every crop mode, closely enough that an in-sync tenant is never drift and
 * another photo always is; and the render must cut the square the analysis chose.
 */
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { renderPortrait } from "../../src/demo/portrait.js";
import { analyseSource } from "../../src/images/analysis.js";
import { COLOUR_DELTA_E_MAX, HASH_DISTANCE_MAX, compare } from "../../src/images/compare.js";
import type { RenderSettings } from "../../src/model/desired.js";
import { normalise } from "../../src/images/normalise.js";
import { renderVariants } from "../../src/images/variants.js";
import { DEFAULT_THUMBNAILS, settings } from "./helpers.js";

/** A grainy photo-like JPEG of a synthetic portrait (grain makes JPEG and resizing behave as on real photos). */
async function grainyPortrait(seed: string, width: number, height: number): Promise<Buffer> {
  const { data, info } = await sharp(await renderPortrait({ seed, width, height }, "png")).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let state = 0x2545f491;
  for (let i = 0; i < data.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    data[i] = Math.min(255, Math.max(0, (data[i] as number) + ((state >>> 24) % 25) - 12));
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } }).jpeg({ quality: 88 }).toBuffer();
}

const CROPS: RenderSettings["crop"][] = ["attention", "entropy", "centre", { x: 0.3, y: 0.2 }];

describe("analyseSource: the fingerprint a plan compares", () => {
  it.each([
    ["portrait 1000x1200", 1000, 1200],
    ["landscape 1200x800", 1200, 800],
    ["small 300x360 (never enlarged)", 300, 360],
  ])("matches every rendered variant's fingerprint, for every crop mode: %s", async (_name, width, height) => {
    const source = await grainyPortrait(`analysis-${width}`, width, height);
    for (const crop of CROPS) {
      const analysis = await analyseSource(source, settings({ crop }));
      const rendered = await renderVariants(source, settings({ crop }), DEFAULT_THUMBNAILS);
      expect(analysis.edge).toBe(rendered.variants.graph.edge);
      for (const variant of Object.values(rendered.variants)) {
        const result = compare({ ...analysis.fingerprint, width: variant.edge, height: variant.edge }, variant.fingerprint);
        expect(result.same, `${JSON.stringify(crop)} ${variant.name}: ${result.reason}`).toBe(true);
        // At most half of each threshold: the rest of the margin is for what the services do to a photo.
        expect(result.distances.hash, `${JSON.stringify(crop)} ${variant.name}`).toBeLessThanOrEqual(HASH_DISTANCE_MAX / 2);
        expect(result.distances.colour, `${JSON.stringify(crop)} ${variant.name}`).toBeLessThanOrEqual(COLOUR_DELTA_E_MAX / 2);
      }
    }
  });

  it("tells another person's photo apart from the render", async () => {
    const mine = await grainyPortrait("analysis-mine", 600, 720);
    const theirs = await renderVariants(await grainyPortrait("analysis-theirs", 600, 720), settings(), DEFAULT_THUMBNAILS);
    const analysis = await analyseSource(mine, settings());
    for (const variant of Object.values(theirs.variants)) {
      expect(compare({ ...analysis.fingerprint, width: variant.edge, height: variant.edge }, variant.fingerprint).samePicture).toBe(false);
    }
  });

  it("reads transparency as the configured background, as the render does", async () => {
    const png = await sharp({ create: { width: 400, height: 400, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .composite([{ input: await renderPortrait({ seed: "cut-out", width: 200, height: 200 }, "png"), left: 100, top: 100 }])
      .png()
      .toBuffer();
    const onRed = settings({ background: "#d02020" });
    const analysis = await analyseSource(png, onRed);
    const rendered = await renderVariants(png, onRed, DEFAULT_THUMBNAILS);
    expect(compare(analysis.fingerprint, rendered.variants.graph.fingerprint).same).toBe(true);
    const onWhite = await analyseSource(png, settings({ background: "#ffffff" }));
    expect(compare(onWhite.fingerprint, rendered.variants.graph.fingerprint).samePicture).toBe(false);
  });
});

describe("analyseSource: the crop", () => {
  it("is the square the render cuts, in full-size coordinates", async () => {
    // 1200x400: a busy checker on the right third, flat grey elsewhere, so the strategies move the square right.
    const width = 1200;
    const height = 400;
    const data = Buffer.alloc(width * height * 3, 128);
    for (let y = 0; y < height; y += 40) {
      for (let x = 800; x < width; x += 40) {
        for (let dy = 0; dy < 40; dy++) data.fill((x + y) % 80 === 0 ? 220 : 30, ((y + dy) * width + x) * 3, ((y + dy) * width + x + 40) * 3);
      }
    }
    const png = await sharp(data, { raw: { width, height, channels: 3 } }).png().toBuffer();
    for (const crop of ["attention", "entropy"] as const) {
      const analysis = await analyseSource(png, settings({ crop }));
      expect(analysis.crop.width).toBe(height);
      expect(analysis.crop.height).toBe(height);
      expect(analysis.crop.left, crop).toBeGreaterThanOrEqual(700);
      expect(analysis.crop.left + analysis.crop.width, crop).toBeLessThanOrEqual(width);
      expect((await normalise(png, settings({ crop }))).analysis.crop).toEqual(analysis.crop);
    }
    expect((await analyseSource(png, settings({ crop: "centre" }))).crop).toEqual({ left: 400, top: 0, width: 400, height: 400 });
    expect((await analyseSource(png, settings({ crop: { x: 0, y: 0.5 } }))).crop).toEqual({ left: 0, top: 0, width: 400, height: 400 });
  });
});
