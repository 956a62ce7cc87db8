/**
 * `photosync compare A B`: the verdict, the reason and every distance with its limit, for people and
 * bug reports. Synthetic portraits only. The limits are read from compare.ts, never copied: they
 * are being tuned.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userDirName } from "../../src/cli/render-output.js";
import type { CompareJson } from "../../src/cli/commands/compare.js";
import { renderPortrait } from "../../src/demo/portrait.js";
import { HASH_DISTANCE_MAX, SMALL_EDGE, STRUCTURE_MAX } from "../../src/images/compare.js";
import type { Distances } from "../../src/images/compare.js";
import { cliProcessArgs, runCli } from "../support/cli.js";
import type { TempRepo } from "../support/temp-repo.js";
import { makeTempRepo } from "../support/temp-repo.js";

const MANIFEST = `version: 1
tenant: { id: contoso.onmicrosoft.com, stores: [exo, aad] }
users:
  alex@contoso.com: photos/alex.jpg
`;

/** Every distance compare() measures, from one real comparison's keys (so a new one is covered too). */
const distanceKeys = (distances: Distances): string[] => Object.keys(distances).sort();

describe("photosync compare", () => {
  let repo: TempRepo;
  beforeAll(async () => {
    // A portrait-shaped source, as committed: the render crops it to a square.
    const source = await renderPortrait({ seed: "alex", width: 800, height: 1000 });
    repo = await makeTempRepo(MANIFEST, { "photos/alex.jpg": source });
    await repo.write("alex-copy.jpg", await sharp(source).resize(400, 500).jpeg({ quality: 75 }).toBuffer());
    await repo.write("megan.jpg", await renderPortrait({ seed: "megan", width: 800, height: 1000 }));
    await repo.write("notes.txt", "not a photo\n");
    // What Graph serves at /photos/96x96: a re-encoded 96 px copy of what apply uploaded.
    const rendered = await runCli(["render"], { cwd: repo.root });
    expect(rendered.code).toBe(0);
    const graph = await readFile(path.join(repo.root, ".photosync/render", userDirName("alex@contoso.com"), "graph.jpg"));
    await repo.write("graph-96.jpg", await sharp(graph).resize(96, 96).jpeg({ quality: 80 }).toBuffer());
    await repo.write("graph-48.jpg", await sharp(graph).resize(48, 48).jpeg({ quality: 80 }).toBuffer());
  });
  afterAll(() => repo.remove());

  const compare = (...args: string[]) => runCli(["compare", ...args], { cwd: repo.root });

  it("says same picture, with both images and every distance, and exits 0", async () => {
    const result = await compare("photos/alex.jpg", "alex-copy.jpg");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toBe("same picture");
    expect(lines[1]).toMatch(/^ {2}expected +photos\/alex\.jpg +800x1000$/);
    expect(lines[2]).toMatch(/^ {2}actual +alex-copy\.jpg +400x500$/);
    expect(result.stdout).toMatch(new RegExp(`^ {2}hash bits +\\d+ +${HASH_DISTANCE_MAX} \\(`, "m"));
    for (const label of ["hash bits", "colour ΔE", "pixels ΔE", "tone shift", "structure", "detail lost", "texture"]) {
      expect(result.stdout).toMatch(new RegExp(`^ {2}${label} +[\\d.]+×? +\\S`, "m"));
    }
  });

  it("says different with the reason for another person, and exits 1", async () => {
    const text = await compare("photos/alex.jpg", "megan.jpg");
    expect(text.code).toBe(1);
    const json = JSON.parse((await compare("photos/alex.jpg", "megan.jpg", "--format", "json")).stdout) as CompareJson;
    expect(json.verdict).toBe("different");
    expect(json.reason).not.toBe("");
    expect(text.stdout.split("\n")[0]).toBe(`different: ${json.reason}`);
  });

  it("with --render, compares photosync's render of the source with what Graph serves", async () => {
    const rendered = await compare("photos/alex.jpg", "graph-96.jpg", "--render");
    expect(rendered.stderr).toBe("");
    expect(rendered.code).toBe(0);
    expect(rendered.stdout).toMatch(/^same picture\n {2}expected +photos\/alex\.jpg +648x648 +\(photosync's render, alex@contoso\.com's settings in photos\.yaml\)\n {2}actual +graph-96\.jpg +96x96\n/);
    // The source as-is is another shape than the square Graph serves.
    const asIs = await compare("photos/alex.jpg", "graph-96.jpg");
    expect(asIs.code).toBe(1);
    expect(asIs.stdout).toMatch(/^different: a different shape/);
  });

  it("says which checks a thumbnail is too small for", async () => {
    const result = await compare("photos/alex.jpg", "graph-48.jpg", "--render");
    for (const label of ["structure", "detail lost", "texture"]) {
      expect(result.stdout).toMatch(new RegExp(`^ {2}${label} .* not checked: under ${SMALL_EDGE} px `, "m"));
    }
  });

  it("checks the size only when --min-edge asks, and then says too small", async () => {
    const result = await compare("photos/alex.jpg", "graph-96.jpg", "--render", "--min-edge", "648");
    expect(result.code).toBe(1);
    expect(result.stdout.split("\n")[0]).toMatch(/^too small: 96 px where 648 px was asked \(same picture/);
  });

  it("prints JSON with both images, every distance, its limit and whether it was checked", async () => {
    const result = await compare("photos/alex.jpg", "graph-96.jpg", "--render", "--format", "json");
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as CompareJson;
    expect(report).toMatchObject({
      verdict: "same",
      reason: "same picture",
      expected: { file: "photos/alex.jpg", width: 648, height: 648, render: { settingsFrom: "photos.yaml", user: "alex@contoso.com" } },
      actual: { file: "graph-96.jpg", width: 96, height: 96 },
    });
    const keys = distanceKeys(report.distances);
    expect(keys).toEqual(expect.arrayContaining(["hash", "colour", "pixels", "tone", "structure", "lost", "texture"]));
    expect(Object.keys(report.limits).sort()).toEqual(keys);
    expect(Object.keys(report.checked).sort()).toEqual(keys);
    for (const key of keys) {
      expect(typeof report.distances[key as keyof Distances]).toBe("number");
      const limit = report.limits[key as keyof Distances];
      expect(typeof (limit.max ?? limit.min)).toBe("number");
      expect(typeof report.checked[key as keyof Distances]).toBe("boolean");
    }
    expect(report.limits.hash.max).toBe(HASH_DISTANCE_MAX);
    expect(report.limits.structure.max).toBe(STRUCTURE_MAX);
    expect(report.checked.structure).toBe(true);
  });

  it("refuses a file that is not an image, or is missing, naming it, with exit 64", async () => {
    const notImage = await compare("photos/alex.jpg", "notes.txt");
    expect(notImage.code).toBe(64);
    expect(notImage.stdout).toBe("");
    expect(notImage.stderr).toMatch(/^photosync: notes\.txt is not an image photosync recognises .*; nothing was compared\n$/);
    const missing = await compare("nowhere.jpg", "megan.jpg", "--render");
    expect(missing.code).toBe(64);
    expect(missing.stderr).toMatch(/^photosync: nowhere\.jpg does not exist; give the path of an image file/);
  });

  it("uses the built-in render settings where there is no photos.yaml, and says so", async () => {
    const result = await runCli(["compare", "alex.jpg", "../graph-96.jpg", "--render"], { cwd: path.join(repo.root, "photos") });
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("(photosync's render, default settings: no photos.yaml here)");
  });

  it("sets the process exit code when run as a program", async () => {
    const run = promisify(execFile);
    const failure = (await run(process.execPath, cliProcessArgs(["compare", "photos/alex.jpg", "megan.jpg"]), { cwd: repo.root }).catch((error: unknown) => error)) as { code: number; stdout: string };
    expect(failure.code).toBe(1);
    expect(failure.stdout).toMatch(/^different: /);
    const same = await run(process.execPath, cliProcessArgs(["compare", "--render", "photos/alex.jpg", "graph-96.jpg"]), { cwd: repo.root });
    expect(same.stdout).toMatch(/^same picture\n/);
  });
});
