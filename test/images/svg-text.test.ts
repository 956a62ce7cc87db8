/** The SVG text helpers: escaping hostile text, wrapping words, measuring a drawn line. */
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { drawableText, escapeXml, measureText, wrapWords } from "../../src/images/svg-text.js";

describe("svg text", () => {
  it("escapes markup and replaces what XML forbids or what would make a name read backwards", async () => {
    expect(escapeXml(`<a href="x">'&`)).toBe("&#60;a href=&#34;x&#34;&#62;&#39;&#38;");
    expect(drawableText("a\u0000b\u0007c\u202ed\u2066e\ud800f")).toBe("a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf");
    expect(drawableText("Zoë 😀 Ødegård")).toBe("Zoë 😀 Ødegård");
    // A control character would make librsvg refuse the whole picture; escaped, it draws.
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="30"><text x="2" y="20" font-size="14">${escapeXml("bad\u0001name<&>")}</text></svg>`;
    expect((await sharp(Buffer.from(svg)).png().toBuffer()).length).toBeGreaterThan(0);
  });

  it("wraps words into lines that fit, ending with … when there is more than fits", () => {
    const text = "SharePoint shows another picture: the large thumbnail is 31 away from the repo's photo";
    const lines = wrapWords(text, 200, 3, 15);
    const max = Math.floor(200 / (15 * 0.62));
    expect(lines.length).toBe(3);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(max);
    expect(lines[0]).toBe("SharePoint shows");
    expect(lines[1]).toBe("another picture: the");
    expect(lines[2]!.endsWith("…")).toBe(true);
    expect(wrapWords("short", 200, 3, 15)).toEqual(["short"]);
    expect(wrapWords(text, 2000, 3, 15)).toEqual([text]);
  });

  it("measures a line as drawn: wide letters are wider", async () => {
    const [narrow, wide, bold] = await Promise.all([measureText("iiiiiiiiii", 19), measureText("wwwwwwwwww", 19), measureText("wwwwwwwwww", 19, { bold: true })]);
    expect(narrow).toBeGreaterThan(20);
    expect(wide).toBeGreaterThan(2 * narrow!);
    expect(bold).toBeGreaterThan(wide!);
    expect(await measureText("", 19)).toBeUndefined();
  });
});
