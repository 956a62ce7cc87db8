/** A contact sheet: one PNG showing every rendered photo with its UPN, for a person to review. */
import sharp from "sharp";
import type { OverlayOptions } from "sharp";

export interface SheetEntry {
  label: string;
  /** Any image sharp reads (the Graph render). */
  image: Buffer;
}

export interface SheetOptions {
  /** Edge of each photo on the sheet. */
  tile?: number;
  /** Photos per row; default grows with the count (at least 4, at most 12). */
  columns?: number;
}

const GAP = 8;
const LABEL_HEIGHT = 24;
const FONT_SIZE = 12;
// DejaVu Sans is about 0.6 em wide per character on average: enough to decide when to shorten a label.
const CHAR_WIDTH = FONT_SIZE * 0.62;

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Shortens a label to fit width, keeping both ends (the domain matters as much as the name). */
export function fitLabel(label: string, width: number): string {
  const max = Math.max(4, Math.floor(width / CHAR_WIDTH));
  if (label.length <= max) return label;
  const head = Math.ceil((max - 1) / 2);
  return `${label.slice(0, head)}…${label.slice(label.length - (max - 1 - head))}`;
}

/** The label as a PNG, or undefined when text cannot be drawn (no fonts, broken SVG): a sheet without a label beats no sheet. */
async function labelImage(label: string, width: number): Promise<Buffer | undefined> {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${LABEL_HEIGHT}">` +
    `<text x="${width / 2}" y="${LABEL_HEIGHT / 2 + FONT_SIZE / 3}" text-anchor="middle" ` +
    `font-family="DejaVu Sans, Verdana, Arial, sans-serif" font-size="${FONT_SIZE}" fill="#222222">` +
    `${escapeXml(fitLabel(label, width - 4))}</text></svg>`;
  try {
    return await sharp(Buffer.from(svg)).png().toBuffer();
  } catch {
    return undefined;
  }
}

/** Composes the sheet: photos in a grid on white, each with its label below. */
export async function contactSheet(entries: readonly SheetEntry[], options: SheetOptions = {}): Promise<Buffer> {
  if (entries.length === 0) throw new Error("a contact sheet needs at least one photo");
  const tile = options.tile ?? 200;
  const columns = Math.max(1, Math.min(entries.length, options.columns ?? Math.min(12, Math.max(4, Math.ceil(Math.sqrt(entries.length))))));
  const rows = Math.ceil(entries.length / columns);
  const cellWidth = tile + GAP;
  const cellHeight = tile + LABEL_HEIGHT + GAP;
  const overlays: OverlayOptions[] = [];
  for (const [index, entry] of entries.entries()) {
    const left = GAP + (index % columns) * cellWidth;
    const top = GAP + Math.floor(index / columns) * cellHeight;
    // Photos smaller than the tile stay small and centred: the sheet shows what will be uploaded.
    const photo = await sharp(entry.image)
      .resize(tile, tile, { fit: "inside", withoutEnlargement: true })
      .toBuffer({ resolveWithObject: true });
    overlays.push({
      input: photo.data,
      left: left + Math.floor((tile - photo.info.width) / 2),
      top: top + Math.floor((tile - photo.info.height) / 2),
    });
    const label = await labelImage(entry.label, tile);
    if (label) overlays.push({ input: label, left, top: top + tile });
  }
  return sharp({
    create: { width: GAP + columns * cellWidth, height: GAP + rows * cellHeight, channels: 3, background: "#ffffff" },
  })
    .composite(overlays)
    .png()
    .toBuffer();
}
