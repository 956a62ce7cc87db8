/**
 * Building review-sheet inputs from solid colours, and reading a drawn page back from its own
 * pixels: where its tiles are (found by their frames, not from the layout's constants) and what
 * each tile holds.
 */
import type { Action } from "../../src/model/plan.js";
import type { StoreName } from "../../src/model/desired.js";
import type { PictureSide, ReviewPanel, ReviewPerson, ReviewSheetInput } from "../../src/pictures/input.js";
import type { Rgb } from "../images/helpers.js";
import { colourDistance, rawPixels, solid } from "../images/helpers.js";

export const RED: Rgb = [210, 30, 30];
export const BLUE: Rgb = [30, 60, 210];

export async function picture(colour: Rgb, width = 648, height = 648): Promise<PictureSide> {
  return { kind: "image", bytes: await solid(width, height, colour).jpeg().toBuffer(), width, height };
}

export function panel(action: Action, before: PictureSide, after: PictureSide, stores: StoreName[] = ["aad"], reason = "a different picture (hash distance 31 > 10)"): ReviewPanel {
  return { stores, action, reason, before, after };
}

export function sheetOf(people: ReviewPerson[], overrides: Partial<ReviewSheetInput> = {}): ReviewSheetInput {
  return { kind: "plan", tenant: "contoso.onmicrosoft.com", digest: "5ebe39c0a1b2c3d4e5f60718293a4b5c", people, omitted: 0, ...overrides };
}

/** `count` people whose photo is updated from red to blue. */
export async function updatedPeople(count: number): Promise<ReviewPerson[]> {
  const [red, blue] = await Promise.all([picture(RED, 64, 64), picture(BLUE, 64, 64)]);
  return Array.from({ length: count }, (_, i) => ({ upn: `person${String(i + 1).padStart(2, "0")}@contoso.com`, panels: [panel("update", red, blue)] }));
}

export interface Page {
  data: Buffer;
  width: number;
  height: number;
}

export const readPage = (png: Buffer): Promise<Page> => rawPixels(png);

const at = (page: Page, x: number, y: number): number => (y * page.width + x) * 3;
const same = (page: Page, a: number, b: number): boolean => page.data[a] === page.data[b] && page.data[a + 1] === page.data[b + 1] && page.data[a + 2] === page.data[b + 2];
export const rgbAt = (page: Page, x: number, y: number): Rgb => {
  const i = at(page, x, y);
  return [page.data[i]!, page.data[i + 1]!, page.data[i + 2]!];
};

function run(page: Page, x: number, y: number, dx: number, dy: number): number {
  const start = at(page, x, y);
  let length = 0;
  while (x + dx * length < page.width && y + dy * length < page.height && same(page, start, at(page, x + dx * length, y + dy * length))) length++;
  return length;
}

export interface Tile {
  left: number;
  top: number;
  edge: number;
}

/**
 * Every square outline of one colour at least `minEdge` wide: a tile's frame. A filled square (a
 * picture, a blank) is not an outline; a panel's border is not square.
 */
export function findTiles(page: Page, minEdge = 120): Tile[] {
  const tiles: Tile[] = [];
  for (let y = 0; y < page.height - minEdge; y++) {
    for (let x = 0; x < page.width - minEdge; x++) {
      const here = at(page, x, y);
      if ((x > 0 && same(page, here, at(page, x - 1, y))) || (y > 0 && same(page, here, at(page, x, y - 1)))) continue;
      const edge = run(page, x, y, 1, 0);
      if (edge < minEdge || run(page, x, y, 0, 1) !== edge) continue;
      if (run(page, x, y + edge - 1, 1, 0) < edge || run(page, x + edge - 1, y, 0, 1) < edge) continue;
      if (same(page, here, at(page, x + 8, y + 8))) continue;
      tiles.push({ left: x, top: y, edge });
      x += edge;
    }
  }
  return tiles;
}

/** The tile's inside (its frame's colour stripped off from the outside in). */
function inside(page: Page, tile: Tile): { left: number; top: number; edge: number } {
  const frame = at(page, tile.left, tile.top);
  let inset = 0;
  while (inset < tile.edge / 2 && same(page, frame, at(page, tile.left + inset, tile.top + inset))) inset++;
  return { left: tile.left + inset, top: tile.top + inset, edge: tile.edge - 2 * inset };
}

export interface TileContent {
  /** The share of the inside's pixels that are its most common colour. */
  uniform: number;
  /** The most common colour. */
  dominant: Rgb;
  /** Near-black pixels (text) in the inside. */
  ink: number;
  /** The colour at the centre. */
  centre: Rgb;
}

export function tileContent(page: Page, tile: Tile): TileContent {
  const box = inside(page, tile);
  const counts = new Map<string, number>();
  let ink = 0;
  for (let y = box.top; y < box.top + box.edge; y++) {
    for (let x = box.left; x < box.left + box.edge; x++) {
      const [r, g, b] = rgbAt(page, x, y);
      const key = `${r},${g},${b}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if (Math.max(r, g, b) < 110) ink++;
    }
  }
  const [top, count] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]!;
  return {
    uniform: count / (box.edge * box.edge),
    dominant: top.split(",").map(Number) as unknown as Rgb,
    ink,
    centre: rgbAt(page, Math.floor(box.left + box.edge / 2), Math.floor(box.top + box.edge / 2)),
  };
}

/** A tile showing a picture of `colour` (JPEG-near) at its centre, over most of it. */
export const holds = (content: TileContent, colour: Rgb): boolean => colourDistance(content.centre, colour) < 6 && colourDistance(content.dominant, colour) < 6;

/** Near-black pixels in a band of rows: drawn text. */
export function inkIn(page: Page, top: number, bottom: number): number {
  let ink = 0;
  for (let y = top; y < bottom; y++) for (let x = 0; x < page.width; x++) if (Math.max(...rgbAt(page, x, y)) < 110) ink++;
  return ink;
}
