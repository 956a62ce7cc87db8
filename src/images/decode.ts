/** Opening untrusted image bytes with sharp, with the same safety limits everywhere. */
import { fileTypeFromBuffer } from "file-type";
import sharp from "sharp";
import type { Sharp } from "sharp";
import type { FailOnOptions } from "sharp";
import { FAIL_ON, MAX_INPUT_PIXELS, MAX_SOURCE_BYTES } from "./settings.js";

let configured = false;
/**
 * Every image photosync opens is decoded once, so libvips' operation cache would only hold on to
 * decoded pixels nobody asks for again. Switched off on first use rather than at import, so that
 * importing this module changes nothing.
 */
function configureSharp(): void {
  if (configured) return;
  sharp.cache(false);
  configured = true;
}

/**
 * A sharp instance over untrusted bytes: EXIF orientation applied, pixel count limited,
 * corrupt data refused, and only the first frame of an animation.
 */
export function openImage(bytes: Buffer, options: { failOn?: FailOnOptions } = {}): Sharp {
  configureSharp();
  if (bytes.length > MAX_SOURCE_BYTES) {
    throw new Error(`image is ${bytes.length} bytes, more than the ${MAX_SOURCE_BYTES} accepted`);
  }
  return sharp(bytes, {
    failOn: options.failOn ?? FAIL_ON,
    limitInputPixels: MAX_INPUT_PIXELS,
    autoOrient: true,
    animated: false,
  });
}

/** The libraries whose behaviour shapes the output bytes; part of the cache key. */
export function libraryVersions(): { sharp: string; vips: string } {
  const versions = sharp.versions as { sharp?: string; vips: string };
  return { sharp: versions.sharp ?? "unknown", vips: versions.vips };
}

/** The raster types photosync reads from a service: what validate accepts from the repo. */
const SERVED_RASTER_TYPES = new Set(["image/jpeg", "image/png", "image/webp", "image/gif", "image/avif", "image/tiff"]);

/**
 * Refuses bytes a service served unless they are a raster image, sniffed from the bytes (never the
 * Content-Type): sharp would otherwise render an SVG (librsvg: scripts, links, entities) or a PDF
 * handed to it as a "photo". Repo photos get the same rule from validate (photo-content.ts).
 */
export async function requireRasterImage(bytes: Buffer): Promise<void> {
  const refusal = await rasterRefusal(bytes);
  if (refusal) throw new Error(refusal);
}

/** Why bytes are not decoded ("not a raster image (image/svg+xml): refused unread"), or undefined for a raster image. */
export async function rasterRefusal(bytes: Buffer): Promise<string | undefined> {
  const type = await fileTypeFromBuffer(bytes);
  const looksLikeMarkup = /^\s*(\uFEFF)?\s*</.test(bytes.subarray(0, 256).toString("utf8"));
  if (type && SERVED_RASTER_TYPES.has(type.mime)) return undefined;
  return `not a raster image (${type?.mime ?? (looksLikeMarkup ? "markup, e.g. SVG" : "unknown type")}): refused unread`;
}
