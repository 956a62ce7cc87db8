/**
 * Remembered distances: a plan of an unchanged tenant measures nothing again, while a changed
 * photo, a damaged file or another measure version is simply measured.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { renderPortrait } from "../../src/demo/portrait.js";
import { compare, measure } from "../../src/images/compare.js";
import { fingerprintImage } from "../../src/images/fingerprint-image.js";
import { MeasureCache } from "../../src/images/measure-cache.js";
import type { Fingerprint } from "../../src/model/fingerprint.js";

let dir: string;
let file: string;
let alex: Fingerprint;
let alexServed: Fingerprint;
let megan: Fingerprint;

beforeAll(async () => {
  const source = await renderPortrait({ seed: "alex", width: 200, height: 200 });
  alex = await fingerprintImage(await sharp(source).resize(96, 96).png().toBuffer());
  alexServed = await fingerprintImage(await sharp(source).resize(96, 96).jpeg({ quality: 70 }).toBuffer());
  megan = await fingerprintImage(await renderPortrait({ seed: "megan", width: 96, height: 96 }));
});
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "photosync-measures-"));
  file = path.join(dir, "measures.jsonl");
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** The file's entries, as [key, numbers]. */
async function entries(): Promise<Array<[string, number[]]>> {
  const [, ...lines] = (await readFile(file, "utf8")).trim().split("\n");
  return lines.map((line) => JSON.parse(line) as [string, number[]]);
}

describe("measure cache", () => {
  it("measures as compare.ts does, and a later run takes the distances from the file", async () => {
    const first = new MeasureCache(file);
    await first.load();
    expect(first.measure(alex, alexServed)).toEqual(measure(alex, alexServed));
    await first.save({ onlyUsed: true });
    const [[key, numbers]] = (await entries()) as [[string, number[]]];

    // The next run reads what the file says (here doctored, to show it is not measured again).
    await writeFile(file, `${(await readFile(file, "utf8")).split("\n")[0]}\n${JSON.stringify([key, numbers.map(() => 99)])}\n`);
    const next = new MeasureCache(file);
    await next.load();
    expect(next.measure(alex, alexServed).structure).toBe(99);
    expect(compare(alex, alexServed, { measure: next.measure }).samePicture).toBe(false);
  });

  it("measures a pair it has not seen: another photo, or the same pair the other way round", async () => {
    const cache = new MeasureCache(file);
    await cache.load();
    cache.measure(alex, alexServed);
    await cache.save({ onlyUsed: true });
    const next = new MeasureCache(file);
    await next.load();
    expect(next.measure(alex, megan)).toEqual(measure(alex, megan));
    expect(next.measure(alexServed, alex)).toEqual(measure(alexServed, alex));
    expect(compare(alex, megan, { measure: next.measure }).samePicture).toBe(false);
  });

  it("keeps only the pairs a full run used; a scoped run keeps the others' too", async () => {
    const cache = new MeasureCache(file);
    cache.measure(alex, alexServed);
    cache.measure(alex, megan);
    await cache.save({ onlyUsed: true });
    expect(await entries()).toHaveLength(2);

    const scoped = new MeasureCache(file);
    await scoped.load();
    scoped.measure(alex, alexServed);
    await scoped.save({ onlyUsed: false });
    expect(await entries()).toHaveLength(2);

    const full = new MeasureCache(file);
    await full.load();
    full.measure(alex, alexServed);
    await full.save({ onlyUsed: true });
    expect(await entries()).toHaveLength(1);
  });

  it("skips damaged lines and a file of another format, and measures instead", async () => {
    const cache = new MeasureCache(file);
    cache.measure(alex, alexServed);
    await cache.save({ onlyUsed: true });
    const [header, line] = (await readFile(file, "utf8")).split("\n") as [string, string];
    const [key] = JSON.parse(line) as [string];
    await writeFile(file, `${header}\n{torn\n${JSON.stringify([key, [1, 2, "x"]])}\n${JSON.stringify([key, [1]])}\n`);
    const damaged = new MeasureCache(file);
    await damaged.load();
    expect(damaged.measure(alex, alexServed)).toEqual(measure(alex, alexServed));

    await writeFile(file, `${JSON.stringify({ format: "photosync.measure-cache/v0" })}\n${JSON.stringify([key, Array.from({ length: 9 }, () => 99)])}\n`);
    const other = new MeasureCache(file);
    await other.load();
    expect(other.measure(alex, alexServed)).toEqual(measure(alex, alexServed));
  });

  it("without a file it remembers within the run only, and writes nothing", async () => {
    const cache = new MeasureCache();
    expect(cache.measure(alex, megan)).toEqual(measure(alex, megan));
    await cache.save({ onlyUsed: true });
    await expect(readFile(file)).rejects.toThrow();
  });
});
