/**
 * One PNG page of the before/after review sheet: a header (what, which tenant, which plan, which
 * page), then a block per person: the UPN, and a panel per group of stores with the picture now,
 * an arrow, the picture after apply, and the stores, the action and the plan's reason in words.
 *
 * A page's size depends only on its people and their panels, never on the pictures: each is
 * scaled into a fixed square tile (aspect kept, letterboxed). The action is said three ways: its
 * words with a sign ("~ update"), the style of the panel's border (solid, dashed, dotted), and
 * a colour (sheet-style.ts). Text is sharp's SVG text, drawn in a layer of its own: when it cannot be drawn (no
 * font, a renderer that refuses it) the page still shows the pictures and frames.
 */
import sharp from "sharp";
import type { OverlayOptions } from "sharp";
import type { Action } from "../model/plan.js";
import { SVG_FONT_FAMILY, ellipsize, escapeXml, measureText, wrapLabel, wrapWords } from "../images/svg-text.js";
import type { ShownPanel, ShownPerson, ShownSide } from "./sheet-images.js";
import { BORDER, COLOURS } from "./sheet-style.js";
import { TILE_EDGE } from "./sheet-images.js";
import type { SideName } from "./sheet-words.js";
import { ACTION_WORDS, SIDE_WORDS, missingWords, omittedLine, sheetFacts, sheetTitle, sizeWords, storesInWords } from "./sheet-words.js";

/** What a page says about itself, besides its people. */
export interface PageMeta {
  kind: "plan" | "drift" | "apply-dry-run";
  tenant: string;
  digest: string;
  /** This page's number (from 1) and how many pages there are. */
  page: number;
  pages: number;
  /** The number (from 1) of this page's first person on the whole sheet, and how many people the sheet shows. */
  first: number;
  people: number;
  /** People with changes left off the sheet (said in a footer when > 0). */
  omitted: number;
}

// The layout, in pixels. Wide enough for a long UPN and a reason, narrow enough for a laptop at 100 %.
export const PAGE_WIDTH = 1200;
const MARGIN = 24;
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN;
const HEADER_HEIGHT = 76;
const UPN_HEIGHT = 34;
const PANEL_PADDING = 16;
const CAPTION_HEIGHT = 28;
const PANEL_HEIGHT = PANEL_PADDING + TILE_EDGE + CAPTION_HEIGHT + 6;
const PANEL_GAP = 10;
const PERSON_GAP = 24;
const FOOTER_HEIGHT = 44;
/** The tile's frame: the picture sits inside it. */
const FRAME = 2;
const INNER = TILE_EDGE - 2 * FRAME;
const ARROW_WIDTH = 72;
const BEFORE_LEFT = MARGIN + 18;
const AFTER_LEFT = BEFORE_LEFT + TILE_EDGE + ARROW_WIDTH;
const TEXT_LEFT = AFTER_LEFT + TILE_EDGE + 32;
const TEXT_WIDTH = MARGIN + CONTENT_WIDTH - 18 - TEXT_LEFT;

const { text: TEXT, muted: MUTED, tileFrame: TILE_FRAME, letterbox: LETTERBOX, empty: EMPTY, hatch: HATCH, rule: RULE } = COLOURS;

/** SVG dash patterns for the border styles (none: solid). */
const DASH: Record<(typeof BORDER)[Action]["style"], string | undefined> = { solid: undefined, dashed: "16 8", dotted: "4 6" };

/** Bold glyphs are wider: widths of bold text are estimated as if its font were this much larger. */
const BOLD_WIDTH = 1.12;
const UPN_SIZE = 19;
/** A UPN too wide for one line at UPN_SIZE is drawn smaller, in two lines, rather than cut (a UPN has at most 113 characters). */
const LONG_UPN_SIZE = 14;

const panelsHeight = (panels: number): number => panels * PANEL_HEIGHT + Math.max(0, panels - 1) * PANEL_GAP;

/** A page's size from its people's panel counts alone (and whether it has a footer). */
export function pageSize(panelsPerPerson: readonly number[], footer: boolean): { width: number; height: number } {
  const people = panelsPerPerson.reduce((sum, panels) => sum + UPN_HEIGHT + panelsHeight(panels), 0);
  const gaps = Math.max(0, panelsPerPerson.length - 1) * PERSON_GAP;
  return { width: PAGE_WIDTH, height: MARGIN + HEADER_HEIGHT + people + gaps + (footer ? FOOTER_HEIGHT : 0) + MARGIN };
}

interface Text {
  x: number;
  y: number;
  text: string;
  size: number;
  fill?: string;
  bold?: boolean;
  anchor?: "start" | "middle";
}

/** The page drawn as three layers: shapes (SVG), pictures (raster) and text (SVG). */
interface Layers {
  shapes: string[];
  pictures: OverlayOptions[];
  texts: Text[];
}

const rect = (x: number, y: number, width: number, height: number, fill: string): string => `<rect x="${x}" y="${y}" width="${width}" height="${height}" fill="${fill}"/>`;

async function pictureOverlay(side: Extract<ShownSide, { kind: "image" }>, left: number, top: number): Promise<OverlayOptions> {
  // Our own small JPEG (sheet-images.ts), scaled into the tile: aspect kept, letterboxed.
  const { data, info } = await sharp(side.jpeg)
    .resize(INNER, INNER, { fit: "contain", background: LETTERBOX })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { input: data, raw: { width: info.width, height: info.height, channels: info.channels }, left: left + FRAME, top: top + FRAME };
}

/** One tile: the frame, then the picture, a blank with its word, or a hatched "unavailable" with why. */
async function drawTile(layers: Layers, side: ShownSide, name: SideName, action: Action, left: number, top: number): Promise<void> {
  layers.shapes.push(rect(left, top, TILE_EDGE, TILE_EDGE, TILE_FRAME));
  const centre = left + TILE_EDGE / 2;
  if (side.kind === "image") {
    layers.shapes.push(rect(left + FRAME, top + FRAME, INNER, INNER, LETTERBOX));
    layers.pictures.push(await pictureOverlay(side, left, top));
  } else if (side.kind === "none") {
    layers.shapes.push(rect(left + FRAME, top + FRAME, INNER, INNER, EMPTY));
    layers.texts.push({ x: centre, y: top + TILE_EDGE / 2 + 6, text: missingWords(side, name, action), size: 18, bold: true, fill: TEXT, anchor: "middle" });
  } else {
    layers.shapes.push(rect(left + FRAME, top + FRAME, INNER, INNER, "url(#hatch)"));
    layers.shapes.push(`<rect x="${left + 10}" y="${top + 16}" width="${TILE_EDGE - 20}" height="${TILE_EDGE - 32}" fill="#ffffff" stroke="${TILE_FRAME}" stroke-width="1"/>`);
    layers.texts.push({ x: centre, y: top + 38, text: missingWords(side, name, action), size: 15, bold: true, fill: TEXT, anchor: "middle" });
    wrapWords(side.why, TILE_EDGE - 28, 6, 13).forEach((line, i) => layers.texts.push({ x: centre, y: top + 60 + i * 17, text: line, size: 13, fill: TEXT, anchor: "middle" }));
  }
  const caption = side.kind === "image" ? `${SIDE_WORDS[name]} \u00b7 ${sizeWords(side)}` : SIDE_WORDS[name];
  layers.texts.push({ x: centre, y: top + TILE_EDGE + 20, text: caption, size: 14, fill: MUTED, anchor: "middle" });
}

/**
 * The UPN over a person's panels, measured (letters differ in width too much for an estimate):
 * one line at UPN_SIZE when it fits, else two smaller lines broken between the UPN's pieces. What
 * still does not fit (longer than any UPN) keeps its end, the domain.
 */
async function upnLines(upn: string, top: number): Promise<Text[]> {
  const width = (await measureText(upn, UPN_SIZE, { bold: true })) ?? upn.length * UPN_SIZE * BOLD_WIDTH * 0.62;
  if (width <= CONTENT_WIDTH) return [{ x: MARGIN, y: top + 24, text: upn, size: UPN_SIZE, bold: true }];
  // The size at which this UPN's own average letter would be 0.62 em, for wrapLabel's estimate.
  const effectiveSize = (width / upn.length / 0.62) * (LONG_UPN_SIZE / UPN_SIZE);
  return wrapLabel(upn, CONTENT_WIDTH, 2, effectiveSize).map((line, i) => ({ x: MARGIN, y: top + 12 + i * 16, text: line, size: LONG_UPN_SIZE, bold: true }));
}

async function drawPanel(layers: Layers, panel: ShownPanel, top: number): Promise<void> {
  const border = BORDER[panel.action];
  const inset = border.width / 2;
  const dash = DASH[border.style];
  layers.shapes.push(
    `<rect x="${MARGIN + inset}" y="${top + inset}" width="${CONTENT_WIDTH - border.width}" height="${PANEL_HEIGHT - border.width}" fill="none" stroke="${border.colour}" stroke-width="${border.width}"${dash ? ` stroke-dasharray="${dash}"` : ""}/>`,
  );
  const tileTop = top + PANEL_PADDING;
  await drawTile(layers, panel.before, "before", panel.action, BEFORE_LEFT, tileTop);
  await drawTile(layers, panel.after, "after", panel.action, AFTER_LEFT, tileTop);
  // The arrow from now to after apply.
  const y = tileTop + TILE_EDGE / 2;
  const from = BEFORE_LEFT + TILE_EDGE + 14;
  const to = AFTER_LEFT - 14;
  layers.shapes.push(`<line x1="${from}" y1="${y}" x2="${to - 12}" y2="${y}" stroke="${TEXT}" stroke-width="4"/>`, `<polygon points="${to},${y} ${to - 16},${y - 10} ${to - 16},${y + 10}" fill="${TEXT}"/>`);
  layers.texts.push(
    { x: TEXT_LEFT, y: tileTop + 22, text: ellipsize(storesInWords(panel.stores), TEXT_WIDTH, 18 * BOLD_WIDTH), size: 18, bold: true, fill: TEXT },
    { x: TEXT_LEFT, y: tileTop + 52, text: ACTION_WORDS[panel.action], size: 17, bold: true, fill: border.colour },
  );
  wrapWords(panel.reason, TEXT_WIDTH, 5, 15).forEach((line, i) => layers.texts.push({ x: TEXT_LEFT, y: tileTop + 84 + i * 21, text: line, size: 15, fill: TEXT }));
}

const HATCH_PATTERN = `<defs><pattern id="hatch" width="12" height="12" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">${rect(0, 0, 12, 12, EMPTY)}${rect(0, 0, 5, 12, HATCH)}</pattern></defs>`;

function textSvg(texts: readonly Text[], width: number, height: number): Buffer {
  const body = texts
    .map(
      (t) =>
        `<text x="${t.x}" y="${t.y}" font-size="${t.size}"${t.bold ? ' font-weight="bold"' : ""}${t.anchor === "middle" ? ' text-anchor="middle"' : ""} fill="${t.fill ?? TEXT}">${escapeXml(t.text)}</text>`,
    )
    .join("");
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><g font-family="${SVG_FONT_FAMILY}">${body}</g></svg>`);
}

/** The text layer as pixels, or undefined when it cannot be drawn: a page without words beats no page. */
async function textLayer(texts: readonly Text[], width: number, height: number): Promise<OverlayOptions | undefined> {
  try {
    const { data, info } = await sharp(textSvg(texts, width, height)).raw().toBuffer({ resolveWithObject: true });
    return { input: data, raw: { width: info.width, height: info.height, channels: info.channels }, left: 0, top: 0 };
  } catch {
    return undefined;
  }
}

/** One page of people (at most a page's worth: the caller paginates) as a PNG. */
export async function drawReviewPage(people: readonly ShownPerson[], meta: PageMeta): Promise<Buffer> {
  const { width, height } = pageSize(
    people.map((person) => person.panels.length),
    meta.omitted > 0,
  );
  const layers: Layers = { shapes: [], pictures: [], texts: [] };
  const last = meta.first + people.length - 1;
  layers.texts.push(
    { x: MARGIN, y: MARGIN + 24, text: ellipsize(sheetTitle(meta), CONTENT_WIDTH, 21 * BOLD_WIDTH), size: 21, bold: true },
    { x: MARGIN, y: MARGIN + 52, text: sheetFacts(meta, { index: meta.page, count: meta.pages, first: meta.first, last, people: meta.people }), size: 15, fill: MUTED },
  );
  layers.shapes.push(rect(MARGIN, MARGIN + HEADER_HEIGHT - 12, CONTENT_WIDTH, 1, RULE));
  let top = MARGIN + HEADER_HEIGHT;
  for (const [index, person] of people.entries()) {
    if (index > 0) {
      layers.shapes.push(rect(MARGIN, top + PERSON_GAP / 2, CONTENT_WIDTH, 1, RULE));
      top += PERSON_GAP;
    }
    layers.texts.push(...(await upnLines(person.upn, top)));
    top += UPN_HEIGHT;
    for (const [panelIndex, panel] of person.panels.entries()) {
      await drawPanel(layers, panel, top + panelIndex * (PANEL_HEIGHT + PANEL_GAP));
    }
    top += panelsHeight(person.panels.length);
  }
  if (meta.omitted > 0) layers.texts.push({ x: MARGIN, y: top + 30, text: ellipsize(omittedLine(meta.omitted), CONTENT_WIDTH, 15), size: 15, fill: TEXT });
  const shapes = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" shape-rendering="crispEdges">${HATCH_PATTERN}${layers.shapes.join("")}</svg>`);
  const text = await textLayer(layers.texts, width, height);
  return sharp({ create: { width, height, channels: 3, background: "#ffffff" } })
    .composite([{ input: shapes, left: 0, top: 0 }, ...layers.pictures, ...(text ? [text] : [])])
    .png()
    .toBuffer();
}
