/**
 * The review sheet's HTML page opened in a real headless browser (Debian's chromium), as a
 * reviewer opens the artifact: its DOM as the browser parsed it (alt texts, the policy, nothing
 * that fetches), every picture decoded, nothing requested, no horizontal scrolling at 1280 px,
 * and a screenshot whose pixels show the before and after colours where the pictures are.
 * The screenshot is kept at .photosync/test-output/faces-sheet.png (gitignored) to look at.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReviewPerson } from "../../src/pictures/input.js";
import { SHEET_CSP } from "../../src/pictures/sheet-html.js";
import { writeReviewSheet } from "../../src/pictures/sheet.js";
import type { Rgb } from "../images/helpers.js";
import { colourDistance, pixelAt, rawPixels } from "../images/helpers.js";
import { BLUE, RED, panel, picture, sheetOf } from "./helpers.js";
import { openChromium } from "../support/browser.js";

/** The little of the browser's DOM the checks use (the tests compile without the DOM library). */
interface DomElement {
  tagName: string;
  attributes: Iterable<{ name: string; value: string }>;
  childNodes: Iterable<{ nodeType: number; textContent: string | null }>;
  parentElement: DomElement | null;
  textContent: string | null;
}
interface BrowserWindow {
  document: { querySelectorAll(selector: string): Iterable<DomElement>; documentElement: { scrollWidth: number } };
  getComputedStyle(element: unknown): { fontSize: string; borderTopStyle: string; color: string; backgroundColor: string };
}

/** WCAG 2 contrast ratio of two CSS rgb() colours. */
function contrast(a: string, b: string): number {
  const luminance = (css: string): number => {
    const [r, g, b] = css.match(/\d+(\.\d+)?/g)!.slice(0, 3).map((value) => Number(value) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}
interface DomImage {
  complete: boolean;
  naturalWidth: number;
}

const REPO_ROOT = path.resolve(new URL("../..", import.meta.url).pathname);
const SCREENSHOT = path.join(REPO_ROOT, ".photosync", "test-output", "faces-sheet.png");
const HOSTILE_UPN = `<script>document.title="pwned"</script>"'&@contoso.com`;

let root: string;
let html: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "photosync-sheet-browser-"));
  const [red, blue, wideBlue] = await Promise.all([picture(RED), picture(BLUE), picture(BLUE, 600, 200)]);
  const people: ReviewPerson[] = [
    { upn: "adele.vance@contoso.com", panels: [panel("update", red, blue, ["aad"], "a different picture (hash distance 31 > 10)")] },
    { upn: "grady.archie@contoso.com", panels: [panel("create", { kind: "none" }, wideBlue, ["aad", "spo"], "no photo yet")] },
    { upn: "lee.gu@contoso.com", panels: [panel("noop", blue, blue, ["aad"], "in line"), panel("update", { kind: "unavailable", why: "the tenant could not be read" }, blue, ["spo"], "SharePoint shows another picture")] },
    { upn: "megan.bowen@contoso.com", panels: [panel("delete", red, { kind: "none" }, ["exo"], "the manifest says remove")] },
    { upn: HOSTILE_UPN, panels: [panel("update", red, blue, ["aad"], `<img src="http://127.0.0.1:9/reason">`)] },
  ];
  html = (await writeReviewSheet(path.join(root, "pictures"), sheetOf(people, { omitted: 2 }))).html;
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe("the review sheet's HTML page in headless Chromium", () => {
  it("shows every person and picture, says the rest in text, fetches nothing, and looks right at 1280×800", async () => {
    const browser = await openChromium({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await browser.context.newPage();
      const requested: string[] = [];
      page.on("request", (request) => requested.push(request.url()));
      await page.goto(`file://${html}`, { waitUntil: "load" });

      // The DOM as the browser parsed it.
      expect(await page.title()).toBe("Faces that change \u2014 photosync plan, contoso.onmicrosoft.com");
      expect(await page.locator("h1").count()).toBe(1);
      expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content")).toBe(SHEET_CSP);
      expect(await page.locator("script").count()).toBe(0);
      expect(await page.locator("li.person h2").allTextContents()).toEqual(["adele.vance@contoso.com", "grady.archie@contoso.com", "lee.gu@contoso.com", "megan.bowen@contoso.com", HOSTILE_UPN]);
      const alts = await page.locator("img").evaluateAll((images) => images.map((image) => image.getAttribute("alt")));
      expect(alts).toEqual([
        "adele.vance@contoso.com, Entra ID, now: the current photo, 648×648",
        "adele.vance@contoso.com, Entra ID, after apply (update): the new photo, 648×648",
        "grady.archie@contoso.com, Entra ID, SharePoint, after apply (create): the new photo, 600×200",
        "lee.gu@contoso.com, Entra ID, now: the current photo, 648×648",
        "lee.gu@contoso.com, Entra ID, after apply (no change): the photo, 648×648",
        "lee.gu@contoso.com, SharePoint, after apply (update): the new photo, 648×648",
        "megan.bowen@contoso.com, Exchange Online, now: the current photo, 648×648",
        `${HOSTILE_UPN}, Entra ID, now: the current photo, 648×648`,
        `${HOSTILE_UPN}, Entra ID, after apply (update): the new photo, 648×648`,
      ]);
      // Every picture in a figure with its caption; every side without one says so in text.
      expect(await page.locator("figure > img + figcaption").count()).toBe(alts.length);
      expect(await page.locator(".tile").allTextContents()).toEqual(["no photo", "unavailablethe tenant could not be read", "removed"]);
      expect(await page.locator(".panel .action").allTextContents()).toEqual(["~ update", "+ create", "= in line", "~ update", "\u2212 remove", "~ update"]);
      // Borders differ in style, not only colour.
      const styles = await page.locator(".panel").evaluateAll((panels) => panels.map((element) => (globalThis as unknown as BrowserWindow).getComputedStyle(element).borderTopStyle));
      expect(styles).toEqual(["dashed", "solid", "solid", "dashed", "dotted", "dashed"]);

      // Every picture decoded; nothing but the page itself was asked for (the hostile reason's <img> is text).
      const loaded = await page.locator("img").evaluateAll((images) => images.map((image) => [(image as unknown as DomImage).complete, (image as unknown as DomImage).naturalWidth]));
      expect(loaded.every(([complete, width]) => complete === true && (width as number) > 0)).toBe(true);
      expect(requested.filter((url) => !url.startsWith("data:") && url !== `file://${html}`)).toEqual([]);
      const external = await page.evaluate(() =>
        [...(globalThis as unknown as BrowserWindow).document.querySelectorAll("*")].flatMap((element) => [...element.attributes].filter((attribute) => /^(src|href|srcset|action|formaction|poster|data|background)$/i.test(attribute.name) && !attribute.value.startsWith("data:image/jpeg;base64,")).map((attribute) => `${element.tagName} ${attribute.name}=${attribute.value}`)),
      );
      expect(external).toEqual([]);
      // Readable at 1280 px: no horizontal scrolling, body text of at least 13 px.
      expect(await page.evaluate(() => (globalThis as unknown as BrowserWindow).document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
      const smallest = await page.evaluate(() => {
        const window = globalThis as unknown as BrowserWindow;
        return Math.min(...[...window.document.querySelectorAll("p, figcaption, h2, .tile")].map((element) => parseFloat(window.getComputedStyle(element).fontSize)));
      });
      expect(smallest).toBeGreaterThanOrEqual(13);
      // Every text on what is behind it (the nearest background colour up the tree): WCAG AA, 4.5:1.
      const texts = await page.evaluate(() => {
        const window = globalThis as unknown as BrowserWindow;
        const ownText = (element: DomElement) => [...element.childNodes].some((node) => node.nodeType === 3 && (node.textContent ?? "").trim() !== "");
        return [...window.document.querySelectorAll("body *")].filter(ownText).map((element) => {
          let background = "rgb(255, 255, 255)";
          for (let at: DomElement | null = element; at; at = at.parentElement) {
            const colour = window.getComputedStyle(at).backgroundColor;
            if (colour !== "rgba(0, 0, 0, 0)") {
              background = colour;
              break;
            }
          }
          return { text: element.textContent ?? "", colour: window.getComputedStyle(element).color, background };
        });
      });
      expect(texts.length).toBeGreaterThan(30);
      for (const text of texts) expect(contrast(text.colour, text.background), `${text.text}: ${text.colour} on ${text.background}`).toBeGreaterThanOrEqual(4.5);

      // The screenshot: the pictures' colours where the browser placed them, the blank "no photo" tile not.
      await page.screenshot({ path: SCREENSHOT });
      const shot = await rawPixels(await readFile(SCREENSHOT));
      expect([shot.width, shot.height]).toEqual([1280, 800]);
      const boxes = await page.locator("img").evaluateAll((images) => images.map((image) => image.getBoundingClientRect()).map((box) => ({ x: box.x + box.width / 2, y: box.y + box.height / 2, bottom: box.bottom })));
      const expected: Rgb[] = [RED, BLUE, BLUE];
      expected.forEach((colour, i) => {
        expect(boxes[i]!.bottom, `picture ${i} on screen`).toBeLessThanOrEqual(800);
        expect(colourDistance(pixelAt(shot, boxes[i]!.x, boxes[i]!.y), colour), `picture ${i}`).toBeLessThan(6);
      });
      const blank = await page.locator(".tile.none").first().boundingBox();
      const blankColour = pixelAt(shot, blank!.x + 10, blank!.y + 10);
      expect(colourDistance(blankColour, RED)).toBeGreaterThan(30);
      expect(colourDistance(blankColour, BLUE)).toBeGreaterThan(30);
      expect(colourDistance(blankColour, [255, 255, 255])).toBeLessThan(10);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
