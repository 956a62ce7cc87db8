/** Image builders and pixel probes shared by the image tests. No real person's photo anywhere. */
import sharp from "sharp";
import type { Sharp } from "sharp";
import { deltaE, srgbToLab } from "../../src/images/colour.js";
import type { RenderSettings, ThumbnailSizes } from "../../src/model/desired.js";

export type Rgb = readonly [number, number, number];

export const DEFAULT_THUMBNAILS: ThumbnailSizes = { small: 48, medium: 72, large: 200 };
export const settings = (overrides: Partial<RenderSettings> = {}): RenderSettings => ({
  crop: "centre",
  background: "#ffffff",
  ...overrides,
});

/** Raw RGB pixels of any image, with its size. */
export async function rawPixels(bytes: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(bytes).toColourspace("srgb").removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** The colour at (x, y) of raw RGB pixels. */
export function pixelAt(image: { data: Buffer; width: number }, x: number, y: number): Rgb {
  const i = (Math.round(y) * image.width + Math.round(x)) * 3;
  return [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
}

export function colourDistance(a: Rgb, b: Rgb): number {
  return deltaE(srgbToLab(...a), srgbToLab(...b));
}

/** A solid-colour image of any size. */
export function solid(width: number, height: number, [r, g, b]: Rgb): Sharp {
  return sharp({ create: { width, height, channels: 3, background: { r, g, b } } });
}

/** Raw RGB buffer → sharp instance. */
export function fromRaw(data: Buffer, width: number, height: number): Sharp {
  return sharp(data, { raw: { width, height, channels: 3 } });
}

/** Fills a rectangle of a raw RGB buffer. */
export function fillRect(data: Buffer, width: number, box: { left: number; top: number; width: number; height: number }, [r, g, b]: Rgb): void {
  for (let y = box.top; y < box.top + box.height; y++) {
    for (let x = box.left; x < box.left + box.width; x++) {
      const i = (y * width + x) * 3;
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
    }
  }
}
