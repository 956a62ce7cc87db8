/** The contact sheet's layout and labels, and progress output on and off a terminal. */
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { contactSheet, fitLabel } from "../../src/images/contact-sheet.js";
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
    // 5 photos → 4 columns, 2 rows; each cell is the tile, a 24 px label strip and an 8 px gap.
    expect([image.width, image.height]).toEqual([8 + 4 * 108, 8 + 2 * 132]);
    colours.forEach((colour, i) => {
      const left = 8 + (i % 4) * 108;
      const top = 8 + Math.floor(i / 4) * 132;
      expect(colourDistance(pixelAt(image, left + 50, top + 50), colour), `photo ${i}`).toBeLessThan(4);
      let ink = 0;
      for (let y = top + 100; y < top + 124; y++) for (let x = left; x < left + 100; x++) if (pixelAt(image, x, y)[0] < 128) ink++;
      expect(ink, `label ${i}`).toBeGreaterThan(20);
    });
    // The empty sixth cell stays white.
    expect(pixelAt(image, 8 + 2 * 108 + 50, 8 + 132 + 50)).toEqual([255, 255, 255]);
  });

  it("keeps small photos small (centred) and copes with labels full of XML", async () => {
    const sheet = await contactSheet([{ label: `<b>&"'</b>@x.com`, image: await solid(40, 40, [0, 0, 0]).png().toBuffer() }], { tile: 100 });
    const image = await rawPixels(sheet);
    expect(pixelAt(image, 8 + 50, 8 + 50)).toEqual([0, 0, 0]);
    expect(pixelAt(image, 8 + 5, 8 + 5)).toEqual([255, 255, 255]);
  });

  it("shortens long labels in the middle, keeping both ends", () => {
    const upn = "patti.fernandez_fabrikam.com#EXT#@contoso.onmicrosoft.com";
    const short = fitLabel(upn, 120);
    expect(short.length).toBeLessThan(upn.length);
    expect(short).toMatch(/^patti.*….*\.com$/);
    expect(fitLabel("a@b.c", 120)).toBe("a@b.c");
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
