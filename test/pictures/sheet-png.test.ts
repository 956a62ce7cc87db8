/** The review sheet's PNG page, checked from its own pixels: size, tiles, what each tile holds, text drawn safely. */
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import type { PictureSide, ReviewPerson } from "../../src/pictures/input.js";
import { showSheet } from "../../src/pictures/sheet-images.js";
import { drawReviewPage } from "../../src/pictures/sheet-png.js";
import type { PageMeta } from "../../src/pictures/sheet-png.js";
import { colourDistance } from "../images/helpers.js";
import { BLUE, RED, findTiles, holds, inkIn, panel, picture, readPage, rgbAt, sheetOf, tileContent, updatedPeople } from "./helpers.js";

async function draw(people: ReviewPerson[], meta: Partial<PageMeta> = {}): Promise<Buffer> {
  const sheet = await showSheet(sheetOf(people));
  return drawReviewPage(sheet.people, { kind: "plan", tenant: sheet.tenant, digest: sheet.digest, page: 1, pages: 1, first: 1, people: people.length, omitted: 0, ...meta });
}

const jpegOf = (side: PictureSide): Buffer => (side.kind === "image" ? side.bytes : Buffer.alloc(0));

async function sizeOf(png: Buffer): Promise<[number, number]> {
  const metadata = await sharp(png).metadata();
  expect(metadata.format).toBe("png");
  return [metadata.width, metadata.height];
}

describe("drawReviewPage", () => {
  it("makes a page whose size depends on its people and panels only, never on the pictures' sizes", async () => {
    const people = await updatedPeople(8);
    const [one, three, eight] = await Promise.all([draw(people.slice(0, 1)), draw(people.slice(0, 3)), draw(people)]);
    const [[w1, h1], [w3, h3], [w8, h8]] = await Promise.all([sizeOf(one), sizeOf(three), sizeOf(eight)]);
    // Readable on a laptop at 100 %: no wider than ~1400 px, the same width whatever the people.
    expect(w1).toBeLessThanOrEqual(1400);
    expect([w3, w8]).toEqual([w1, w1]);
    // Every person of one panel adds the same height.
    const perPerson = (h3 - h1) / 2;
    expect(perPerson).toBeGreaterThan(160);
    expect(h8 - h3).toBe(5 * perPerson);

    // The same people with pictures of other sizes and shapes: the same page size.
    const odd = await Promise.all(
      [[40, 40], [1000, 300], [300, 1000]].map(async ([width, height], i) => ({
        upn: `odd${i}@contoso.com`,
        panels: [panel("update", await picture(RED, width, height), await picture(BLUE, height, width))],
      })),
    );
    expect(await sizeOf(await draw(odd))).toEqual([w3, h3]);

    // A second panel (another store) makes the person taller; an omitted-people footer makes the page taller.
    const twoPanels = [{ ...people[0]!, panels: [people[0]!.panels[0]!, panel("create", { kind: "none" }, people[0]!.panels[0]!.after, ["spo"])] }];
    const [, h1x2] = await sizeOf(await draw(twoPanels));
    expect(h1x2).toBeGreaterThan(h1 + 160);
    const [, footer] = await sizeOf(await draw(people.slice(0, 1), { omitted: 3 }));
    expect(footer).toBeGreaterThan(h1);
  });

  it("draws one square tile per side, at least 160 px, the before left of the after", async () => {
    const [red, blue] = await Promise.all([picture(RED), picture(BLUE)]);
    const people: ReviewPerson[] = [
      { upn: "adele.vance@contoso.com", panels: [panel("update", red, blue)] },
      { upn: "lee.gu@contoso.com", panels: [panel("noop", red, red, ["aad"], "in line"), panel("update", blue, red, ["spo"], "SharePoint shows another picture")] },
      { upn: "megan.bowen@contoso.com", panels: [panel("create", { kind: "none" }, blue, ["aad", "spo"], "no photo yet")] },
    ];
    const page = await readPage(await draw(people));
    const tiles = findTiles(page);
    expect(tiles.length).toBe(8);
    const edge = tiles[0]!.edge;
    expect(edge).toBeGreaterThanOrEqual(160);
    expect(tiles.every((tile) => tile.edge === edge)).toBe(true);
    // Rows of two: same top, before on the left, the rows from top to bottom.
    for (let row = 0; row < 4; row++) {
      const [before, after] = [tiles[2 * row]!, tiles[2 * row + 1]!];
      expect(after.top).toBe(before.top);
      expect(after.left).toBeGreaterThan(before.left + edge);
      if (row > 0) expect(before.top).toBeGreaterThan(tiles[2 * row - 2]!.top + edge);
    }
  });

  it("shows each picture's colour in its own tile, and a blank with its word for no photo and removed", async () => {
    const [red, blue] = await Promise.all([picture(RED), picture(BLUE, 300, 100)]);
    const people: ReviewPerson[] = [
      { upn: "create@contoso.com", panels: [panel("create", { kind: "none" }, blue)] },
      { upn: "update@contoso.com", panels: [panel("update", red, blue)] },
      { upn: "remove@contoso.com", panels: [panel("delete", red, { kind: "none" }, ["exo"], "the manifest says remove")] },
    ];
    const page = await readPage(await draw(people));
    const contents = findTiles(page).map((tile) => tileContent(page, tile));
    expect(contents.length).toBe(6);
    const blanks = [contents[0]!, contents[5]!];
    for (const blank of blanks) {
      // Uniform but for its word ("no photo", "removed"), and light.
      expect(blank.uniform).toBeGreaterThan(0.9);
      expect(blank.ink).toBeGreaterThan(50);
      expect(colourDistance(blank.dominant, [255, 255, 255])).toBeLessThan(10);
    }
    // The picture's colour where it belongs: red now, blue after.
    expect(holds(contents[2]!, RED)).toBe(true);
    expect(holds(contents[4]!, RED)).toBe(true);
    // A 300×100 picture is letterboxed: blue at the centre, the bands above and below are not blue.
    for (const index of [1, 3]) {
      expect(colourDistance(contents[index]!.centre, BLUE)).toBeLessThan(6);
      expect(contents[index]!.uniform).toBeLessThan(0.9);
      expect(contents[index]!.ink).toBe(0);
    }
    // Picture tiles carry no word over the picture; blanks differ from pictures.
    expect(contents[2]!.ink).toBe(0);
    expect(holds(contents[0]!, BLUE) || holds(contents[0]!, RED)).toBe(false);
  });

  it("shows an unavailable side and a picture that does not decode as a hatched tile with words, never a crash", async () => {
    const people: ReviewPerson[] = [
      {
        upn: "broken@contoso.com",
        panels: [
          panel(
            "update",
            { kind: "unavailable", why: "not downloaded: only the first 200 changed people are fetched" },
            { kind: "image", bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><image href="http://127.0.0.1:9/x"/></svg>'), width: 1, height: 1 },
          ),
        ],
      },
      { upn: "truncated@contoso.com", panels: [panel("update", { kind: "image", bytes: jpegOf(await picture(RED)).subarray(0, 400), width: 648, height: 648 }, await picture(BLUE))] },
    ];
    const sheet = await showSheet(sheetOf(people));
    expect(sheet.people[0]!.panels[0]!.after).toEqual({ kind: "unavailable", why: expect.stringMatching(/^could not be decoded: not a raster image/) });
    expect(sheet.people[1]!.panels[0]!.before).toEqual({ kind: "unavailable", why: expect.stringMatching(/^could not be decoded/) });
    const page = await readPage(await drawReviewPage(sheet.people, { kind: "drift", tenant: "t", digest: "d", page: 1, pages: 1, first: 1, people: 2, omitted: 0 }));
    const contents = findTiles(page).map((tile) => tileContent(page, tile));
    expect(contents.length).toBe(4);
    for (const hatched of [contents[0]!, contents[1]!, contents[2]!]) {
      // Neither blank nor a picture: stripes around a box of words.
      expect(hatched.uniform).toBeLessThan(0.8);
      expect(hatched.ink).toBeGreaterThan(100);
      expect(holds(hatched, RED)).toBe(false);
    }
    expect(holds(contents[3]!, BLUE)).toBe(true);
  });

  it("draws the longest UPN a tenant allows (113 characters) within the page", async () => {
    const upn = `${"w".repeat(30)}.${"m".repeat(33)}@${"w".repeat(44)}.com`;
    expect(upn.length).toBe(113);
    const page = await readPage(await draw([{ upn, panels: [panel("create", { kind: "none" }, await picture(BLUE))] }]));
    const [tile] = findTiles(page);
    const band = { top: tile!.top - 60, bottom: tile!.top - 20 };
    let rightmost = 0;
    for (let y = band.top; y < band.bottom; y++) for (let x = 0; x < page.width; x++) if (Math.max(...rgbAt(page, x, y)) < 110) rightmost = Math.max(rightmost, x);
    // Ink far to the right (the whole UPN is drawn), but inside the page's margin (not cut off at its edge).
    expect(rightmost).toBeGreaterThan(page.width / 2);
    expect(rightmost).toBeLessThan(page.width - 20);
  });

  it("draws a hostile UPN and reason as text (escaped), with the rest of the page's words", async () => {
    const blue = await picture(BLUE);
    const hostile = `<script>&"'</svg><text>@contoso.com\u0001\u202e`;
    const page = await readPage(await draw([{ upn: hostile, panels: [panel("create", { kind: "none" }, blue, ["aad"], `]]><!ENTITY x "y">&x; <b>`)] }]));
    const [tile] = findTiles(page);
    // Had the text layer not parsed, no word would be drawn at all: the header, the UPN line and the words beside the tiles all have ink.
    expect(inkIn(page, 0, 70)).toBeGreaterThan(200);
    expect(inkIn(page, tile!.top - 60, tile!.top - 20)).toBeGreaterThan(100);
    expect(tileContent(page, tile!).ink).toBeGreaterThan(50);
  });
});
