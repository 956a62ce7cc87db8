/**
 * plan and apply refuse a repo whose photos `validate` refuses, with validate's own positioned
 * messages, before signing in: nothing is read from the tenant and nothing is written. A bad photo
 * is the repo's problem, never an "unknown" that blames the tenant.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { renderPortrait } from "../../src/demo/portrait.js";
import { runCli } from "../support/cli.js";
import { hostileCorpus } from "../support/hostile-images.js";
import type { TestTenant } from "../support/tenant.js";
import { useExampleTenant } from "../support/tenant.js";

let repo: { root: string; remove(): Promise<void> };
let tenant: TestTenant;

const example = useExampleTenant();
beforeAll(() => {
  ({ repo, tenant } = example);
});
beforeEach(() => tenant.emulator.admin.resetCounters());

/** Every request the emulator saw, sign-in included. */
const requestsSeen = (): number => tenant.emulator.admin.counters().totals.requests;

/**
 * The error lines of a run, as `file:line:col error: … [code]`. libvips words a decode failure
 * differently when photos are decoded at the same time (its error buffer is shared), so the
 * decoder's own reason in brackets is left out of the comparison.
 */
function errorLines(output: string): string[] {
  return output
    .split("\n")
    .filter((line) => line.includes(" error: "))
    .map((line) => line.replace(/cannot be decoded as (\w+) \(.*\); the file/, "cannot be decoded as $1 (…); the file"));
}

/** validate's error lines for the repo. */
async function validateErrors(): Promise<string[]> {
  const result = await runCli(["validate", "--format", "text"], { cwd: repo.root });
  expect(result.code).toBe(1);
  return errorLines(result.stdout);
}

describe("a repo validate refuses", () => {
  it("apply --yes refuses a photo that is too small before signing in, with validate's message, and writes nothing", async () => {
    const alex = path.join(repo.root, "photos/alex.wilber.jpg");
    const original = await readFile(alex);
    await writeFile(alex, await renderPortrait({ seed: "a thumbnail", width: 100, height: 100 }));
    // minSize 240 in the example manifest.
    const expected = await validateErrors();
    expect(expected).toEqual([expect.stringMatching(/^photos\.yaml:\d+:\d+ error: alex\.wilber@contoso\.com: photo photos\/alex\.wilber\.jpg is 100×100 px; photos need at least 240 px .*\[photo-too-small\]$/)]);
    tenant.emulator.admin.resetCounters();

    const result = await runCli(["apply", "--yes", "--force"], { cwd: repo.root, env: tenant.env("writer") });
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)).toEqual(expected);
    expect(result.stderr).toContain("nothing was read or written");
    expect(result.stdout + result.stderr).not.toContain("unknown");
    expect(requestsSeen()).toBe(0);

    const planned = await runCli(["plan", "--format", "json"], { cwd: repo.root, env: tenant.env() });
    expect(planned.code).toBe(1);
    expect(planned.stdout).toBe("");
    expect(errorLines(planned.stderr)).toEqual(expected);
    expect(requestsSeen()).toBe(0);
    await writeFile(alex, original);
  });

  it("plan names every broken photo (empty, text, truncated, SVG, a decompression bomb) at its line, and reads nothing", async () => {
    const corpus = await hostileCorpus();
    const broken = {
      "photos/alex.wilber.jpg": corpus["empty.jpg"]!,
      "photos/adele.vance.jpg": corpus["text.jpg"]!,
      "photos/lee.gu.jpg": corpus["truncated.jpg"]!,
      "photos/megan.bowen.png": corpus["drawing.svg"]!,
      "photos/isaiah.langer.jpg": corpus["bomb.png"]!,
    };
    for (const [file, bytes] of Object.entries(broken)) await writeFile(path.join(repo.root, file), bytes);
    const expected = await validateErrors();
    expect(expected.map((line) => /\[([\w-]+)\]$/.exec(line)![1]).sort()).toEqual(["photo-corrupt", "photo-empty", "photo-svg", "photo-too-many-pixels", "photo-type"]);

    const result = await runCli(["plan"], { cwd: repo.root, env: tenant.env() });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(errorLines(result.stderr)).toEqual(expected);
    expect(result.stderr).not.toMatch(/unknown|Input Buffer is empty|some reads failed/);
    expect(requestsSeen()).toBe(0);
  });
});
