/**
 * The review sheet's pictures made safe to show, once for both of its forms (the PNG pages and the
 * HTML page). The bytes coming in are untrusted (what the tenant serves, or our render): each is
 * sniffed as a raster image and decoded through the one safe door (images/decode.ts: size limits,
 * EXIF orientation applied), flattened on white, and re-encoded as a small baseline JPEG without
 * metadata. A picture that cannot be decoded becomes an "unavailable" side that says why; it never
 * stops the sheet.
 */
import pLimit from "p-limit";
import sharp from "sharp";
import { openImage, requireRasterImage } from "../images/decode.js";
import type { PictureSide, ReviewPanel, ReviewPerson, ReviewSheetInput } from "./input.js";

/** The edge of a picture's square tile, in PNG pixels and CSS pixels alike. */
export const TILE_EDGE = 176;

/** The shown JPEG's longest edge at most: twice the tile, sharp on a high-density screen. */
export const SHOWN_IMAGE_EDGE = 2 * TILE_EDGE;

/**
 * The shown JPEG's size at most. With two pictures a panel and at most three panels (one per
 * store), a person adds at most 6 × 48 KiB (64 KiB each as base64) to the HTML page.
 */
export const SHOWN_IMAGE_MAX_BYTES = 48 * 1024;

/** Tried in turn until the JPEG fits SHOWN_IMAGE_MAX_BYTES (a photo fits at the first). */
const QUALITIES: readonly number[] = [82, 70, 58, 46, 34];

/** A picture safe to show: a small JPEG we encoded; `width` × `height` is the picture's own size. */
export interface ShownImage {
  kind: "image";
  jpeg: Buffer;
  width: number;
  height: number;
}

export type ShownSide = ShownImage | Exclude<PictureSide, { kind: "image" }>;

export interface ShownPanel extends Omit<ReviewPanel, "before" | "after"> {
  before: ShownSide;
  after: ShownSide;
}

export interface ShownPerson {
  upn: string;
  panels: ShownPanel[];
}

export interface ShownSheet extends Omit<ReviewSheetInput, "people"> {
  people: ShownPerson[];
}

/** The first line of an error, short enough for a tile. */
function shortReason(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split("\n")[0]!.trim();
  return message.length > 120 ? `${message.slice(0, 119)}…` : message;
}

async function encodeSmall(pixels: Buffer, info: { width: number; height: number; channels: 1 | 2 | 3 | 4 }): Promise<Buffer> {
  let edge = Math.max(info.width, info.height);
  for (;;) {
    const resized = sharp(pixels, { raw: info }).resize(edge, edge, { fit: "inside", withoutEnlargement: true });
    for (const quality of QUALITIES) {
      const jpeg = await resized.clone().jpeg({ quality, progressive: false, chromaSubsampling: "4:2:0" }).toBuffer();
      if (jpeg.length <= SHOWN_IMAGE_MAX_BYTES) return jpeg;
    }
    // Noise-like pictures only: fewer pixels until it fits (a 44 px picture always does).
    edge = Math.max(1, Math.floor(edge / 2));
  }
}

/** One side made safe to show, or "unavailable" with the reason it could not be. */
export async function showSide(side: PictureSide): Promise<ShownSide> {
  if (side.kind !== "image") return side;
  try {
    await requireRasterImage(side.bytes);
    const image = openImage(side.bytes);
    const metadata = await image.metadata();
    const { data, info } = await image
      .flatten({ background: "#ffffff" })
      .toColourspace("srgb")
      .resize(SHOWN_IMAGE_EDGE, SHOWN_IMAGE_EDGE, { fit: "inside", withoutEnlargement: true })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const jpeg = await encodeSmall(data, { width: info.width, height: info.height, channels: info.channels });
    const upright = metadata.autoOrient ?? { width: info.width, height: info.height };
    return { kind: "image", jpeg, width: upright.width, height: upright.height };
  } catch (error) {
    return { kind: "unavailable", why: `could not be decoded: ${shortReason(error)}` };
  }
}

/** Every picture of the sheet made safe to show, a few at a time (sharp has its own threads). */
export async function showSheet(input: ReviewSheetInput): Promise<ShownSheet> {
  const limit = pLimit(4);
  const showPerson = async (person: ReviewPerson): Promise<ShownPerson> => ({
    upn: person.upn,
    panels: await Promise.all(
      person.panels.map(async (panel) => {
        const [before, after] = await Promise.all([limit(() => showSide(panel.before)), limit(() => showSide(panel.after))]);
        return { ...panel, before, after };
      }),
    ),
  });
  return { ...input, people: await Promise.all(input.people.map(showPerson)) };
}
