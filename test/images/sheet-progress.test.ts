/** The contact sheet's layout and labels, and progress output on and off a terminal. */
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { contactSheet } from "../../src/images/contact-sheet.js";
import { wrapLabel } from "../../src/images/svg-text.js";
import { createProgress } from "../../src/images/progress.js";
import type { Rgb } from "./helpers.js";
import { colourDistance, pixelAt, rawPixels, solid } from "./helpers.js";

describe("contactSheet", () => {
  const colours: Rgb[] = [
    [200, 40, 40],
    [40, 160, 60],
    [40, 60, 200],
    [220, 180, 40],
    [120, 40, 160],
  ];

  it("lays photos out in a grid on white, each with a drawn label below it", async () => {
    const entries = await Promise.all(
      colours.map(async (colour, i) => ({ label: `user${i}@contoso.com`, image: await solid(100, 100, colour).jpeg().toBuffer() })),
    );
    const sheet = await contactSheet(entries, { tile: 100 });
    expect((await sharp(sheet).metadata()).format).toBe("png");
    const image = await rawPixels(sheet);
    // 5 photos → 4 columns, 2 rows; each cell is the tile, a 46 px label strip (three lines) and an 8 px gap.
    expect([image.width, image.height]).toEqual([8 + 4 * 108, 8 + 2 * 154]);
    colours.forEach((colour, i) => {
      const left = 8 + (i % 4) * 108;
      const top = 8 + Math.floor(i / 4) * 154;
      expect(colourDistance(pixelAt(image, left + 50, top + 50), colour), `photo ${i}`).toBeLessThan(4);
      let ink = 0;
      for (let y = top + 100; y < top + 146; y++) for (let x = left; x < left + 100; x++) if (pixelAt(image, x, y)[0] < 128) ink++;
      expect(ink, `label ${i}`).toBeGreaterThan(20);
    });
    // The empty sixth cell stays white.
    expect(pixelAt(image, 8 + 2 * 108 + 50, 8 + 154 + 50)).toEqual([255, 255, 255]);
  });

  it("keeps small photos small (centred) and copes with labels full of XML", async () => {
    const sheet = await contactSheet([{ label: `<b>&"'</b>@x.com`, image: await solid(40, 40, [0, 0, 0]).png().toBuffer() }], { tile: 100 });
    const image = await rawPixels(sheet);
    expect(pixelAt(image, 8 + 50, 8 + 50)).toEqual([0, 0, 0]);
    expect(pixelAt(image, 8 + 5, 8 + 5)).toEqual([255, 255, 255]);
  });

  it("wraps long labels between the pieces of the UPN, keeping the name and the domain whole", () => {
    const upn = "patti.fernandez_fabrikam.com#EXT#@contoso.onmicrosoft.com";
    const lines = wrapLabel(upn, 200);
    expect(lines.length).toBe(2);
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(Math.floor(200 / (12 * 0.62)));
    // Broken where a UPN reads naturally: the first line ends after a separator, the second begins a piece.
    expect(lines[0]).toMatch(/^patti\.fernandez_.*[._#-]$/);
    expect(lines[1]).toMatch(/@contoso\.onmicrosoft\.com$/);
    expect(lines.join("").replace("…", "").length).toBeLessThanOrEqual(upn.length);
    // What does not fit in two lines loses its middle pieces, never the end.
    const short = wrapLabel(upn, 120);
    expect(short[0]).toMatch(/^patti\./);
    expect(short[1]).toMatch(/^….*\.com$/);
    const end = short[1]!.slice(1);
    expect(upn.endsWith(end)).toBe(true);
    expect(end.startsWith("@") || /[._+#-]/.test(upn[upn.length - end.length - 1]!), end).toBe(true);
    expect(wrapLabel("a@b.c", 120)).toEqual(["a@b.c"]);
    expect(wrapLabel("adele.vance@contoso.com", 200)).toEqual(["adele.vance@contoso.com"]);
  });

  it("frames a photo with warnings and names the warning under it", async () => {
    const image = await solid(100, 100, [40, 60, 200]).png().toBuffer();
    const sheet = await rawPixels(
      await contactSheet(
        [
          { label: "ok@contoso.com", image },
          { label: "small@contoso.com", image, warnings: ["source is 200x220: below 648 px", "cropped"] },
        ],
        { tile: 100 },
      ),
    );
    const orange: Rgb = [217, 130, 43];
    // The frame: on the edge of the second tile, not the first.
    expect(colourDistance(pixelAt(sheet, 8 + 108 + 1, 8 + 50), orange)).toBeLessThan(30);
    expect(colourDistance(pixelAt(sheet, 8 + 1, 8 + 50), orange)).toBeGreaterThan(100);
    // The warning line: orange ink in the third label line of the second cell only.
    const inkIn = (left: number) => {
      let ink = 0;
      for (let y = 8 + 100 + 30; y < 8 + 146; y++) for (let x = left; x < left + 100; x++) if (colourDistance(pixelAt(sheet, x, y), orange) < 60) ink++;
      return ink;
    };
    expect(inkIn(8 + 108)).toBeGreaterThan(10);
    expect(inkIn(8)).toBe(0);
  });

  it("refuses an empty sheet", async () => {
    await expect(contactSheet([])).rejects.toThrow(/at least one/);
  });
});

describe("createProgress", () => {
  const capture = (isTTY: boolean) => {
    const stream = { text: "", isTTY, columns: 80, write: (t: string) => ((stream.text += t), true) };
    return stream;
  };

  it("writes a few plain lines when not on a terminal", () => {
    const stream = capture(false);
    const progress = createProgress(stream, 25, "rendering");
    for (let i = 0; i < 25; i++) progress.tick(`user${i}`);
    progress.stop();
    const lines = stream.text.trimEnd().split("\n");
    expect(lines.length).toBeLessThanOrEqual(10);
    expect(lines.every((line) => /^rendering: \d+\/25$/.test(line))).toBe(true);
    expect(lines.at(-1)).toBe("rendering: 25/25");
    expect(stream.text.includes("\u001b")).toBe(false);
  });

  it("draws a bar on a terminal", () => {
    const stream = capture(true);
    const progress = createProgress(stream, 3, "rendering");
    for (let i = 0; i < 3; i++) progress.tick(`user${i}@contoso.com`);
    progress.stop();
    expect(stream.text).toMatch(/rendering .*3\/3/);
    expect(stream.text.includes("\u001b[")).toBe(true);
  });

  it("says nothing about nothing", () => {
    const stream = capture(false);
    createProgress(stream, 0, "rendering").stop();
    expect(stream.text).toBe("");
  });
});
