/** A contact sheet: one PNG showing every rendered photo with its UPN and warnings, for a person to review. */
import sharp from "sharp";
import type { OverlayOptions } from "sharp";
import { LABEL_FONT_SIZE, SVG_FONT_FAMILY, ellipsize, escapeXml, wrapLabel } from "./svg-text.js";

export interface SheetEntry {
  label: string;
  /** Any image sharp reads (the Graph render). */
  image: Buffer;
  /** What a reviewer should look at (below 648 px, cropped, …): framed and named on the sheet. */
  warnings?: readonly string[];
}

export interface SheetOptions {
  /** Edge of each photo on the sheet. */
  tile?: number;
  /** Photos per row; default grows with the count (at least 4, at most 12). */
  columns?: number;
}

const GAP = 8;
const FONT_SIZE = LABEL_FONT_SIZE;
const LINE_HEIGHT = 14;
/** Two lines for the UPN, one for warnings. */
const LABEL_HEIGHT = 3 * LINE_HEIGHT + 4;
const WARNING_COLOUR = "#d9822b";
const FRAME = 3;
// About 0.62 em a character (svg-text.ts): room for the "(+n)" after a warning.
const CHAR_WIDTH = FONT_SIZE * 0.62;

/** The label as a PNG, or undefined when text cannot be drawn (no fonts, broken SVG): a sheet without a label beats no sheet. */
async function labelImage(entry: SheetEntry, width: number): Promise<Buffer | undefined> {
  const warnings = entry.warnings ?? [];
  const lines = wrapLabel(entry.label, width - 4).map((text) => ({ text, fill: "#222222" }));
  if (warnings.length > 0) {
    const more = warnings.length > 1 ? ` (+${warnings.length - 1})` : "";
    lines.push({ text: ellipsize(`! ${warnings[0]!}`, width - 4 - more.length * CHAR_WIDTH) + more, fill: WARNING_COLOUR });
  }
  const text = lines
    .map((line, i) => `<text x="${width / 2}" y="${2 + (i + 1) * LINE_HEIGHT - 3}" text-anchor="middle" fill="${line.fill}">${escapeXml(line.text)}</text>`)
    .join("");
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${LABEL_HEIGHT}">` +
    `<g font-family="${SVG_FONT_FAMILY}" font-size="${FONT_SIZE}">${text}</g></svg>`;
  try {
    return await sharp(Buffer.from(svg)).png().toBuffer();
  } catch {
    return undefined;
  }
}

/** A frame around a photo with warnings, so they are seen at a glance across a large sheet. */
function warningFrame(tile: number): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${tile}" height="${tile}">` +
      `<rect x="${FRAME / 2}" y="${FRAME / 2}" width="${tile - FRAME}" height="${tile - FRAME}" fill="none" stroke="${WARNING_COLOUR}" stroke-width="${FRAME}"/></svg>`,
  );
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
    if (entry.warnings && entry.warnings.length > 0) overlays.push({ input: warningFrame(tile), left, top });
    const label = await labelImage(entry, tile);
    if (label) overlays.push({ input: label, left, top: top + tile });
  }
  return sharp({
    create: { width: GAP + columns * cellWidth, height: GAP + rows * cellHeight, channels: 3, background: "#ffffff" },
  })
    .composite(overlays)
    .png()
    .toBuffer();
}
