/**
 * What the photo services do to an upload: decode, re-encode as JPEG, and serve fixed sizes.
 * - Exchange Online keeps a square photo of at most 648 px and serves the HD sizes
 *   (48…648) up to the uploaded size (profilephoto-get.md: "an upload of 504x504 makes every size
 *   but 648 available"). It makes those sizes when the photo is set, and stores them with it
 *   (the mailbox's IPM.UserPhoto item holds one property per size: gsexdev.blogspot.com/2016/10).
 * - Entra ID keeps "any dimension" (profilephoto-update.md); served as its own size plus the HD
 *   sizes below it.
 * Pure functions of bytes; sharp does the work.
 */
import sharp, { type Metadata } from "sharp";
import { sha256 } from "./blobs.js";
import { BytesLru } from "./bytes-lru.js";
import { HD_SIZES, MAX_EXO_SIZE, type PhotoRecord, type PhotoStore } from "./model.js";

export class ImageRejected extends Error {
  constructor(
    readonly reason: "notAnImage" | "tooSmall",
    message: string,
  ) {
    super(message);
  }
}

export interface EncodedPhoto {
  bytes: Buffer;
  width: number;
  height: number;
}

/** The smallest photo the profile service accepts (ValidationWidthTooSmall below it). */
const MIN_SIDE = 24;

/** Re-encodes an upload the way the store would. Throws ImageRejected for non-images. */
export async function reencodeUpload(input: Buffer, store: PhotoStore): Promise<EncodedPhoto> {
  let meta: Metadata;
  try {
    meta = await sharp(input, { failOn: "error" }).metadata();
  } catch {
    throw new ImageRejected("notAnImage", "the request body is not an image");
  }
  if (meta.width === undefined || meta.height === undefined || !["jpeg", "png", "gif", "webp", "bmp"].includes(meta.format ?? "")) {
    throw new ImageRejected("notAnImage", `unsupported image format ${meta.format ?? "unknown"}`);
  }
  const pipeline = sharp(input, { failOn: "error" }).rotate().flatten({ background: "#ffffff" });
  try {
    if (store === "exo") {
      const side = Math.min(meta.width, meta.height, MAX_EXO_SIZE);
      if (side < MIN_SIDE) throw new ImageRejected("tooSmall", "image is too small");
      const bytes = await pipeline.resize(side, side, { fit: "cover" }).jpeg({ quality: 85 }).toBuffer();
      return { bytes, width: side, height: side };
    }
    if (Math.min(meta.width, meta.height) < MIN_SIDE) throw new ImageRejected("tooSmall", "image is too small");
    const { data, info } = await pipeline.jpeg({ quality: 85 }).toBuffer({ resolveWithObject: true });
    return { bytes: data, width: info.width, height: info.height };
  } catch (error) {
    if (error instanceof ImageRejected) throw error;
    throw new ImageRejected("notAnImage", "the image could not be decoded");
  }
}

/** Size ids ("48x48"…) a stored photo is served in, smallest first; the last is the photo's own. */
export function availableSizes(photo: Pick<PhotoRecord, "width" | "height">): string[] {
  const side = Math.min(photo.width, photo.height);
  const sizes = HD_SIZES.filter((size) => size <= side).map((size) => `${size}x${size}`);
  const own = `${photo.width}x${photo.height}`;
  if (!sizes.includes(own)) sizes.push(own);
  return sizes;
}

export function parseSize(id: string): { width: number; height: number } | undefined {
  const match = /^(\d{1,5})x(\d{1,5})$/.exec(id);
  if (match === null) return undefined;
  return { width: Number(match[1]), height: Number(match[2]) };
}

// Renditions made already, by the stored bytes' hash and the size. A rendition is a pure function
// of the two, so the same photo rendered again (a large tenant seeded from a pool of photos, a
// profile synced twice) is the same bytes without decoding it again. Room for the renditions of a
// thousand photos (~190 KB each): a pool cycled through an LRU smaller than itself would miss
// every time.
const renditions = new BytesLru(256 * 1024 * 1024);
const renditionKey = (hash: string, width: number, height: number): string => `${hash}:${width}x${height}`;

/** A square (or own-size) rendition of stored JPEG bytes. */
export async function renderSize(stored: Buffer, width: number, height: number): Promise<Buffer> {
  const key = renditionKey(sha256(stored), width, height);
  const known = renditions.get(key);
  if (known !== undefined) return known;
  const made = await sharp(stored).resize(width, height, { fit: "cover" }).jpeg({ quality: 85 }).toBuffer();
  renditions.set(key, made);
  return made;
}

/** Renditions of stored JPEG bytes in several sizes ("96x96"…), decoding the photo once (if at all). */
export async function renderSizes(stored: Buffer, sizeIds: readonly string[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const hash = sha256(stored);
  const missing: Array<{ id: string; width: number; height: number }> = [];
  for (const id of sizeIds) {
    const size = parseSize(id);
    if (size === undefined) throw new Error(`bad size ${id}`);
    const known = renditions.get(renditionKey(hash, size.width, size.height));
    if (known !== undefined) out.set(id, known);
    else missing.push({ id, ...size });
  }
  if (missing.length === 0) return out;
  const { data, info } = await sharp(stored).raw().toBuffer({ resolveWithObject: true });
  const raw = { width: info.width, height: info.height, channels: info.channels };
  for (const size of missing) {
    const made = await sharp(data, { raw }).resize(size.width, size.height, { fit: "cover" }).jpeg({ quality: 85 }).toBuffer();
    renditions.set(renditionKey(hash, size.width, size.height), made);
    out.set(size.id, made);
  }
  // In the order asked for, as before.
  return new Map(sizeIds.map((id) => [id, out.get(id)!]));
}

/** The 1x1 GIF older tenants answer for "no photo" (facts: 200 image/gif, empty etag). */
export const ONE_PIXEL_GIF = Buffer.from("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==", "base64");
