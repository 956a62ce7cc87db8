/**
 * Fingerprinting image bytes: the decoding half (sharp, and small-jpeg.ts for thumbnails). The
 * arithmetic is in fingerprint.ts, which stays free of sharp so that the planner can use it.
 */
import type { Fingerprint } from "../model/fingerprint.js";
import { openImage, requireRasterImage } from "./decode.js";
import { FINE_GRIDS, fingerprintRendition, renditions } from "./fingerprint.js";
import { decodeSmallJpeg } from "./small-jpeg.js";

export interface FingerprintOptions {
  /**
   * The finest of FINE_GRIDS to measure the texture on (finer ones are null): a plan's expected
   * side is a 96 px analysis, so texture finer than it has (PLAN_FINEST_GRID) is never compared,
   * and measuring it is most of what the fine textures of a 300 px thumbnail cost.
   */
  finestGrid?: number;
}

/** Images up to this edge are decoded whole for a fingerprint; larger ones are shrunk to it while decoding. */
const DECODE_WHOLE_MAX = 256;

/**
 * Fingerprints any image bytes (our renders, or a JPEG/PNG/GIF a service returned). Transparent
 * areas are read as white; animations by their first frame. Thumbnails are decoded whole (small
 * plain JPEGs without sharp, see small-jpeg.ts); larger images are shrunk while decoding (JPEG
 * shrink-on-load), and only then is their header read for the true size.
 */
export async function fingerprintImage(bytes: Buffer, options: FingerprintOptions = {}): Promise<Fingerprint> {
  const finest = options.finestGrid ?? Math.max(...FINE_GRIDS);
  const small = await decodeSmallJpeg(bytes);
  if (small) {
    const image = { ...small, channels: 4 as const };
    const { hash, fine, concentration } = renditions(image, undefined, finest);
    return fingerprintRendition(hash, small.width, small.height, fine, concentration);
  }
  await requireRasterImage(bytes);
  const { data, info } = await openImage(bytes)
    .resize(DECODE_WHOLE_MAX, DECODE_WHOLE_MAX, { fit: "inside", withoutEnlargement: true })
    .flatten({ background: "#ffffff" })
    .toColourspace("srgb")
    .removeAlpha()
    .raw({ depth: "uchar" })
    .toBuffer({ resolveWithObject: true });
  const shrunk = Math.max(info.width, info.height) >= DECODE_WHOLE_MAX;
  const { width, height } = shrunk ? (await openImage(bytes).metadata()).autoOrient : info;
  const image = { pixels: data, width: info.width, height: info.height };
  const { hash, fine, concentration } = renditions(image, undefined, finest);
  return fingerprintRendition(hash, width, height, fine, concentration);
}
