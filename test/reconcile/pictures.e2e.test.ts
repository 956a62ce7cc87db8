/**
 * `--pictures DIR` of plan and apply's dry run against the emulator: the sheet's input holds the
 * people with changes, "before" is what the tenant serves now (the colour of the portraits put
 * there by hand), "after" is the render apply uploads; the extra downloads are bounded and
 * counted; a failed download is an "unavailable" side, never a failed plan.
 */
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readSettings } from "../../src/cli/settings.js";
import { renderPortrait } from "../../src/demo/portrait.js";
import { renderVariants } from "../../src/images/variants.js";
import type { PictureSide, ReviewSheetInput } from "../../src/pictures/input.js";
import { pageSize } from "../../src/pictures/sheet-png.js";
import { runPlan } from "../../src/reconcile/plan-run.js";
import type { PicturesRequest } from "../../src/reconcile/pictures-run.js";
import { createTrustedHttp } from "../../src/tenant/http.js";
import { runCli } from "../support/cli.js";
import type { TestTenant } from "../support/tenant.js";
import { REPO_ROOT, useExampleTenant } from "../support/tenant.js";
import type { Rgb } from "../images/helpers.js";
import { colourDistance, pixelAt, rawPixels } from "../images/helpers.js";
import type { Tile } from "../pictures/helpers.js";
import { findTiles, readPage, rgbAt } from "../pictures/helpers.js";
import { openChromium } from "../support/browser.js";

const FAST = { PHOTOSYNC_RETRY_BACKOFF_MS: "20", PHOTOSYNC_VERIFY_DELAY_MS: "10", PHOTOSYNC_RETRY_ATTEMPTS: "2" };
const RED = "#ff0000";
const GREEN = "#00c000";
const BLUE = "#0000ff";

let repo: { root: string; remove(): Promise<void> };
let tenant: TestTenant;
let scratch: string;

const example = useExampleTenant("demo");

async function putByHand(store: "aad" | "spo", upn: string, background: string): Promise<void> {
  const http = createTrustedHttp({ caPem: tenant.emulator.endpoints.caCertPem });
  const portrait = await renderPortrait({ seed: `${upn} by hand`, width: 648, height: 648, background });
  const response = await http.fetch(`${tenant.emulator.endpoints.adminApiUrl}/photos/${store}/${upn}`, { method: "PUT", body: portrait });
  await http.close();
  expect(response.status).toBe(200);
}

const run = (args: string[], app: "reader" | "writer" = "reader") => runCli(args, { cwd: repo.root, env: { ...tenant.env(app), ...FAST } });

/** The pipeline itself (what the CLI calls), for the sheet's input. */
async function planWithPictures(pictures: Omit<PicturesRequest, "dir" | "kind">, scope: { users?: string[] } = {}) {
  const settings = readSettings({ ...tenant.env(), ...FAST }, repo.root);
  const dir = await mkdtemp(path.join(scratch, "sheet-"));
  const result = await runPlan({ manifestPath: path.join(repo.root, "photos.yaml"), settings, ...scope, pictures: { dir, kind: "plan", ...pictures } });
  if (!result.ok || !result.pictures) throw new Error(`no pictures: ${JSON.stringify(result)}`);
  return { dir, plan: result.plan, pictures: result.pictures };
}

/** The colour of a picture's top-left corner (the portrait's backdrop). */
async function cornerColour(side: PictureSide): Promise<[number, number, number]> {
  if (side.kind !== "image") throw new Error(`not an image: ${JSON.stringify(side)}`);
  const { data } = await sharp(side.bytes).extract({ left: 1, top: 1, width: 1, height: 1 }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return [data[0]!, data[1]!, data[2]!];
}

/** The channel that stands out (JPEG and the portrait's soft edges shift the exact values). */
const near = (actual: readonly number[], hex: string) => {
  const wanted = [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16));
  const strongest = (rgb: readonly number[]) => rgb.indexOf(Math.max(...rgb));
  expect(strongest(actual), `${actual.join(",")} vs ${hex}`).toBe(strongest(wanted));
  expect(Math.max(...actual) - Math.min(...actual), `${actual.join(",")} vs ${hex}`).toBeGreaterThan(100);
};

/**
 * Where the sheet's pixels are checked against a picture's: a point on the portrait's plain
 * backdrop (left of the face, above the shoulders), away from the frame and the backdrop's discs.
 */
const BACKDROP = { x: 0.06, y: 0.5 };

/** A picture's colour at BACKDROP, from its own bytes (what the sheet must show there). */
async function backdropOf(side: PictureSide): Promise<Rgb> {
  if (side.kind !== "image") throw new Error(`not an image: ${JSON.stringify(side)}`);
  const small = await rawPixels(await sharp(side.bytes).resize(100, 100, { fit: "fill" }).png().toBuffer());
  return pixelAt(small, BACKDROP.x * 100, BACKDROP.y * 100);
}

const asHex = ([r, g, b]: Rgb) => `#${[r, g, b].map((value) => value.toString(16).padStart(2, "0")).join("")}`;

/** The page's colour at BACKDROP of a tile (its frame of a few pixels is well outside 6%). */
const tileBackdrop = (page: Awaited<ReturnType<typeof readPage>>, tile: Tile): Rgb => rgbAt(page, Math.round(tile.left + tile.edge * BACKDROP.x), Math.round(tile.top + tile.edge * BACKDROP.y));

/** The people the HTML page shows, in its order (each a list item headed by the UPN). */
const htmlPeople = (html: string) => [...html.matchAll(/<li class="person"><h2><code>([^<]*)<\/code>/g)].map((match) => match[1]);

/** A PNG page's size. */
const sizeOf = async (file: string) => {
  const { width, height } = await sharp(file).metadata();
  return { width, height };
};

const panelsOf = (input: ReviewSheetInput) => Object.fromEntries(input.people.map((person) => [person.upn, person.panels.map((panel) => `${panel.stores.join("+")} ${panel.action}`)]));

beforeAll(async () => {
  ({ repo, tenant } = example);
  scratch = await mkdtemp(path.join(tmpdir(), "photosync-pictures-"));
  // The tenant in line with the repo first; then two people's photos changed by hand (Adele's in
  // Entra ID and SharePoint, differently; Alex's in Entra ID only), and Lee to be removed from the repo.
  const applied = await run(["apply", "--yes", "--force"], "writer");
  expect(applied.code, applied.stderr).toBe(0);
  await putByHand("aad", "adele.vance@contoso.com", RED);
  await putByHand("spo", "adele.vance@contoso.com", BLUE);
  await putByHand("aad", "alex.wilber@contoso.com", GREEN);
  const manifest = path.join(repo.root, "photos.yaml");
  await writeFile(manifest, (await readFile(manifest, "utf8")).replace("lee.gu@contoso.com: photos/lee.gu.jpg", "lee.gu@contoso.com: remove"));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

beforeEach(() => tenant.emulator.admin.setFaults({}));

describe("plan --pictures", () => {
  it("puts the three people with changes on the sheet: the tenant's photos before, apply's render after", async () => {
    const { plan, pictures } = await planWithPictures({});
    const { input } = pictures;
    expect(input).toMatchObject({ kind: "plan", tenant: plan.tenant, digest: plan.digest, omitted: 0 });
    expect(panelsOf(input)).toEqual({
      // Entra ID and SharePoint show different pictures now: a panel each.
      "adele.vance@contoso.com": ["aad update", "spo update"],
      "alex.wilber@contoso.com": ["aad update"],
      // The same photo in both, going from both: one panel.
      "lee.gu@contoso.com": ["aad+spo delete"],
    });
    const [adele, alex, lee] = input.people;
    near(await cornerColour(adele!.panels[0]!.before), RED);
    near(await cornerColour(adele!.panels[1]!.before), BLUE);
    near(await cornerColour(alex!.panels[0]!.before), GREEN);
    // Lee only goes: the photo that goes, then nothing.
    expect(lee!.panels[0]!.before.kind).toBe("image");
    expect(lee!.panels[0]!.after).toEqual({ kind: "none" });

    // After: exactly the Graph photo apply renders from the repo's file.
    const source = await readFile(path.join(repo.root, "photos/adele.vance.jpg"));
    const rendered = await renderVariants(source, { crop: "attention", background: "#ffffff" }, { small: 48, medium: 72, large: 200 });
    const after = adele!.panels[0]!.after;
    expect(after.kind === "image" && after.bytes.equals(rendered.variants.graph.bytes)).toBe(true);
    expect(after).toMatchObject({ width: rendered.variants.graph.edge, height: rendered.variants.graph.edge });
    // SharePoint's: the large thumbnail apply uploads.
    const thumbnail = adele!.panels[1]!.after;
    expect(thumbnail.kind === "image" && thumbnail.bytes.equals(rendered.variants["spo-L"].bytes)).toBe(true);

    // The sheet as drawn: one page of the three, its size from their panels alone (Adele two,
    // Alex and Lee one each), and the same people, panels and order in the HTML page.
    expect(pictures.files.people).toBe(3);
    expect(pictures.files.pages.map((page) => path.basename(page))).toEqual(["faces-1.png"]);
    expect(await sizeOf(pictures.files.pages[0]!)).toEqual(pageSize([2, 1, 1], false));
    const html = await readFile(pictures.files.html, "utf8");
    expect(htmlPeople(html)).toEqual(["adele.vance@contoso.com", "alex.wilber@contoso.com", "lee.gu@contoso.com"]);
    expect(html.match(/<section class="panel /g)).toHaveLength(4);
    // Two tiles per panel on the page itself, before then after, in the sheet's order; each
    // picture's tile shows that picture: the hand-put red, blue and green before, apply's render
    // after, Lee's photo then the blank of a removal. The page is kept to look at (gitignored).
    const page = await readPage(await readFile(pictures.files.pages[0]!));
    const tiles = findTiles(page);
    expect(tiles).toHaveLength(8);
    const sides = input.people.flatMap((person) => person.panels.flatMap((panel) => [panel.before, panel.after]));
    const seen = tiles.map((tile) => tileBackdrop(page, tile));
    near(seen[0]!, RED);
    near(seen[2]!, BLUE);
    near(seen[4]!, GREEN);
    for (const [i, side] of sides.entries()) {
      if (side.kind === "image") expect(colourDistance(seen[i]!, await backdropOf(side)), `tile ${i}: ${asHex(seen[i]!)}`).toBeLessThan(30);
    }
    expect(sides[7]).toEqual({ kind: "none" });
    for (const colour of [RED, BLUE, GREEN]) expect(colourDistance(seen[7]!, [1, 3, 5].map((at) => parseInt(colour.slice(at, at + 2), 16)) as unknown as Rgb)).toBeGreaterThan(100);
    const kept = path.join(REPO_ROOT, ".photosync", "test-output");
    await mkdir(kept, { recursive: true });
    await copyFile(pictures.files.pages[0]!, path.join(kept, "faces-plan-1.png"));
    await copyFile(pictures.files.html, path.join(kept, "faces-plan.html"));
  });

  it("shows the plan's sheet in a browser as a reviewer opens it: the three people, the tenant's photos before, apply's render after", async () => {
    const { pictures } = await planWithPictures({});
    const sides = pictures.input.people.flatMap((person) => person.panels.flatMap((panel) => [panel.before, panel.after]));
    const images = sides.filter((side) => side.kind === "image");
    const browser = await openChromium({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await browser.context.newPage();
      await page.goto(`file://${pictures.files.html}`, { waitUntil: "load" });
      expect(await page.locator("li.person h2").allTextContents()).toEqual(["adele.vance@contoso.com", "alex.wilber@contoso.com", "lee.gu@contoso.com"]);
      expect(await page.locator(".panel .action").allTextContents()).toEqual(["~ update", "~ update", "~ update", "\u2212 remove"]);
      expect(await page.locator(".tile").allTextContents()).toEqual(["removed"]);
      const alts = await page.locator("img").evaluateAll((elements) => elements.map((element) => element.getAttribute("alt") ?? ""));
      expect(alts.map((alt) => alt.replace(/:.*/, ""))).toEqual([
        "adele.vance@contoso.com, Entra ID, now",
        "adele.vance@contoso.com, Entra ID, after apply (update)",
        "adele.vance@contoso.com, SharePoint, now",
        "adele.vance@contoso.com, SharePoint, after apply (update)",
        "alex.wilber@contoso.com, Entra ID, now",
        "alex.wilber@contoso.com, Entra ID, after apply (update)",
        "lee.gu@contoso.com, Entra ID, SharePoint, now",
      ]);

      // The whole page, kept to look at (gitignored); each picture's backdrop where the browser
      // placed it: red, blue and green before, as put there by hand, and apply's render after.
      const screenshot = path.join(REPO_ROOT, ".photosync", "test-output", "faces-plan-html.png");
      await mkdir(path.dirname(screenshot), { recursive: true });
      await page.screenshot({ path: screenshot, fullPage: true });
      const shot = await rawPixels(await readFile(screenshot));
      const boxes = await page.locator("img").evaluateAll((elements) => elements.map((element) => element.getBoundingClientRect()).map((box) => ({ x: box.x, y: box.y, width: box.width, height: box.height })));
      expect(boxes).toHaveLength(images.length);
      const seen = boxes.map((box) => pixelAt(shot, box.x + box.width * BACKDROP.x, box.y + box.height * BACKDROP.y));
      near(seen[0]!, RED);
      near(seen[2]!, BLUE);
      near(seen[4]!, GREEN);
      for (const [i, side] of images.entries()) expect(colourDistance(seen[i]!, await backdropOf(side)), `picture ${i}: ${asHex(seen[i]!)}`).toBeLessThan(30);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it("takes the before pictures from the plan's own reads when they downloaded them, and downloads the rest, counted", async () => {
    // A plan of three people downloads their photos anyway (no live cache): nothing extra.
    tenant.emulator.admin.resetCounters();
    const scoped = await planWithPictures({}, { users: ["adele.vance@contoso.com", "alex.wilber@contoso.com", "lee.gu@contoso.com"] });
    expect(scoped.pictures.extraDownloads).toBe(0);
    expect(scoped.pictures.fromReads).toBe(5);
    expect(scoped.pictures.input.people).toHaveLength(3);
    // A full plan with a warm live cache downloads no photo: each store on the sheet is one extra download.
    await planWithPictures({});
    const warm = await planWithPictures({});
    expect(warm.pictures.fromReads).toBe(0);
    expect(warm.pictures.extraDownloads).toBe(5);
  });

  it("downloads pictures for at most --pictures-max people and counts the rest as omitted", async () => {
    await planWithPictures({});
    const bounded = await planWithPictures({ max: 1 });
    expect(bounded.pictures.input.people.map((person) => person.upn)).toEqual(["adele.vance@contoso.com"]);
    expect(bounded.pictures.input.omitted).toBe(2);
    expect(bounded.pictures.extraDownloads).toBe(2);
    expect(bounded.pictures.files.people).toBe(1);
    // One person drawn, with the footer that says how many are not.
    expect(await sizeOf(bounded.pictures.files.pages[0]!)).toEqual(pageSize([2], true));
    expect(htmlPeople(await readFile(bounded.pictures.files.html, "utf8"))).toEqual(["adele.vance@contoso.com"]);
    // Pages of a fixed number of people.
    const paged = await planWithPictures({ perPage: 2 });
    expect(paged.pictures.files.pages.map((page) => path.basename(page))).toEqual(["faces-1.png", "faces-2.png"]);
    expect(await sizeOf(paged.pictures.files.pages[0]!)).toEqual(pageSize([2, 1], false));
    expect(await sizeOf(paged.pictures.files.pages[1]!)).toEqual(pageSize([1], false));
  });

  it("shows a before picture that cannot be downloaded as unavailable, and the plan still succeeds", async () => {
    await planWithPictures({});
    tenant.emulator.admin.setFaults({ rules: [{ match: { service: "sharepoint", path: "LThumb.*\\$value" }, failFirst: 100_000, errorStatus: 503 }] });
    const { plan, pictures } = await planWithPictures({});
    expect(plan.counts.unknown).toBe(0);
    const adele = pictures.input.people.find((person) => person.upn.startsWith("adele"))!;
    // Entra ID's picture came; SharePoint's could not.
    expect(adele.panels[0]!.before.kind).toBe("image");
    expect(adele.panels[1]!.before).toMatchObject({ kind: "unavailable", why: expect.stringMatching(/^the tenant could not be read: /) });
    expect(pictures.extraDownloads).toBe(5);
    // Lee's panel groups both stores: it shows the picture Entra ID gave.
    const lee = pictures.input.people.find((person) => person.upn.startsWith("lee"))!;
    expect(lee.panels[0]!.before.kind).toBe("image");
    tenant.emulator.admin.setFaults({ rules: [{ match: { service: "graph", path: "/photo/\\$value" }, failFirst: 100_000, errorStatus: 503 }] });
    const failed = await planWithPictures({});
    expect(failed.plan.counts.unknown).toBe(0);
    const alex = failed.pictures.input.people.find((person) => person.upn.startsWith("alex"))!;
    expect(alex.panels[0]!.before).toMatchObject({ kind: "unavailable", why: expect.stringMatching(/^the tenant could not be read: /) });
    expect(alex.panels[0]!.after.kind).toBe("image");
  });
});

describe("the command line", () => {
  it("plan --pictures names the files and the extra downloads; the plan's output is unchanged", async () => {
    const dir = path.join(scratch, "cli-plan");
    const result = await run(["plan", "--pictures", dir, "--no-detailed-exitcode"]);
    expect(result.code, result.stderr).toBe(0);
    // A folder outside the working directory is named by its full path, not "../../…".
    expect(result.stderr).toContain(`photosync: before/after pictures of 3 people: ${dir}/faces.html, ${dir}/faces-1.png\n`);
    expect(result.stderr).toMatch(/photosync: \d+ extra photo downloads? for the pictures\n|no extra photo download/);
    expect(existsSync(path.join(dir, "faces.html"))).toBe(true);
    expect((await run(["plan", "--no-detailed-exitcode"])).stdout).toBe(result.stdout);
  });

  it("apply's dry run writes the sheet; with --yes --pictures is refused before anything is read", async () => {
    // A folder under the working directory is named as the user gave it.
    const dir = path.join(repo.root, "review");
    const dry = await run(["apply", "--pictures", "review"]);
    expect(dry.code).toBe(2);
    expect(dry.stderr).toContain("photosync: before/after pictures of 3 people: review/faces.html, review/faces-1.png\n");
    expect(existsSync(path.join(dir, "faces-1.png"))).toBe(true);

    tenant.emulator.admin.resetCounters();
    const refused = await run(["apply", "--yes", "--pictures", dir], "writer");
    expect(refused.code).toBe(64);
    expect(refused.stderr).toMatch(/^photosync: --pictures draws the review sheet of a dry run; it does not go with --yes\./);
    expect(tenant.emulator.admin.counters().totals.requests).toBe(0);
  });

  it("refuses a --pictures that is a file, or under one, as a usage error before reading anything", async () => {
    const file = path.join(scratch, "a-file");
    await writeFile(file, "not a directory");
    tenant.emulator.admin.resetCounters();
    const onFile = await run(["plan", "--pictures", file]);
    expect(onFile).toMatchObject({ code: 64, stdout: "" });
    expect(onFile.stderr).toBe(`photosync: --pictures: ${file} is a file, not a directory; give a directory for the review sheet (it is created if missing). Nothing was read\n`);
    const under = await run(["plan", "--pictures", path.join(file, "faces")]);
    expect(under.code).toBe(64);
    expect(under.stderr).toContain(`is under ${file}, which is a file`);
    const max = await run(["plan", "--pictures", scratch, "--pictures-max", "0"]);
    expect(max.code).toBe(64);
    expect(max.stderr).toContain("--pictures-max is a whole number of people, at least 1.");
    expect(tenant.emulator.admin.counters().totals.requests).toBe(0);
  });
});
