/**
 * A small JPEG of what a fingerprint keeps of a photo (its PIXEL_GRID x PIXEL_GRID rendition),
 * for the report's HTML page: a warm report downloads no photo bytes (the live cache keeps
 * fingerprints, not photos), so this is the picture it can show of every store's photo.
 */
import sharp from "sharp";
import type { Fingerprint } from "../model/fingerprint.js";
import { PIXEL_GRID } from "./fingerprint.js";

export const THUMBNAIL_EDGE = 48;

/** A data: URI of a THUMBNAIL_EDGE px JPEG, or undefined when the fingerprint holds no rendition. */
export async function fingerprintThumbnail(fingerprint: Fingerprint): Promise<string | undefined> {
  const rgb = Buffer.from(fingerprint.pixels, "hex");
  if (rgb.length !== PIXEL_GRID * PIXEL_GRID * 3) return undefined;
  const jpeg = await sharp(rgb, { raw: { width: PIXEL_GRID, height: PIXEL_GRID, channels: 3 } })
    .resize(THUMBNAIL_EDGE, THUMBNAIL_EDGE, { kernel: "cubic" })
    .jpeg({ quality: 80 })
    .toBuffer();
  return `data:image/jpeg;base64,${jpeg.toString("base64")}`;
}
