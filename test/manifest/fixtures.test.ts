/**
 * One fixture per way a manifest can be wrong. Each bad-*.yaml states what it must produce in
 * "# expect: <severity> <code> <line>:<column> <message fragment>" lines, and must produce exactly that.
 */
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, symlink } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateRepo } from "../../src/validate/validate.js";
import type { TempRepo } from "../support/temp-repo.js";
import { makeTempRepo, standardPhotos } from "../support/temp-repo.js";

const fixturesDir = path.join(import.meta.dirname, "fixtures");

interface Expectation {
  severity: string;
  code: string;
  line: number;
  column: number;
  fragment: string;
}

function expectationsOf(text: string): Expectation[] {
  return [...text.matchAll(/^# expect: (error|warning) (\S+) (\d+):(\d+) (.+)$/gm)].map((match) => ({
    severity: match[1]!,
    code: match[2]!,
    line: Number(match[3]),
    column: Number(match[4]),
    fragment: match[5]!,
  }));
}

const badFixtures = readdirSync(fixturesDir).filter((name) => name.startsWith("bad-") && name.endsWith(".yaml")).sort();

describe("manifest fixtures", () => {
  let photos: Record<string, Buffer>;
  const repos: TempRepo[] = [];

  beforeAll(async () => {
    photos = await standardPhotos();
  });
  afterAll(async () => {
    await Promise.all(repos.map((repo) => repo.remove()));
  });

  async function validateFixture(name: string) {
    const repo = await makeTempRepo(readFileSync(path.join(fixturesDir, name), "utf8"), photos);
    repos.push(repo);
    // What some fixtures need on disk beyond the standard photos.
    await mkdir(path.join(repo.root, "photos", "team"));
    await repo.write("outside.jpg", photos["photos/alex.jpg"]!);
    await symlink(path.join(repo.root, "outside.jpg"), path.join(repo.root, "photos", "escape.jpg"));
    return validateRepo(repo.manifest, "photos.yaml");
  }

  it("has a fixture for every failure mode", () => {
    expect(badFixtures.length).toBeGreaterThanOrEqual(20);
  });

  it.each(badFixtures)("%s reports exactly what it expects", async (name) => {
    const text = readFileSync(path.join(fixturesDir, name), "utf8");
    const expected = name === "bad-empty.yaml" ? [{ severity: "error", code: "manifest-empty", line: 1, column: 1, fragment: "is empty" }] : expectationsOf(text);
    expect(expected.length, "fixture states its expectations").toBeGreaterThan(0);
    const report = await validateFixture(name);
    // Fixtures share one photos/ folder; which of its files each uses is not what they test.
    const actual = report.problems.filter((problem) => problem.code !== "photo-unreferenced").map((problem) => ({
      severity: problem.severity,
      code: problem.code,
      line: problem.position?.line,
      column: problem.position?.column,
      message: problem.message,
    }));
    expect(report.valid).toBe(false);
    expect(actual).toHaveLength(expected.length);
    for (const expectation of expected) {
      expect(actual).toContainEqual({
        severity: expectation.severity,
        code: expectation.code,
        line: expectation.line,
        column: expectation.column,
        message: expect.stringContaining(expectation.fragment),
      });
    }
  });

  it("accepts a minimal valid manifest and fills in the defaults", async () => {
    const report = await validateFixture("good-minimal.yaml");
    expect(report.problems).toEqual([]);
    expect(report.valid).toBe(true);
    const state = report.state!;
    expect(state.defaults).toEqual({ photo: "photos/{upn}.jpg", render: { crop: "attention", background: "#ffffff" }, minSize: 240 });
    expect(state.safety).toEqual({ maxUpdateShare: 0.3, maxRemoveShare: 0.1, minManagedForShare: 10 });
    const byUpn = Object.fromEntries(state.users.map((user) => [user.upn, user]));
    expect(byUpn["alex.wilber@contoso.com"]!.photo).toMatchObject({ kind: "photo", path: "photos/alex.jpg" });
    expect(byUpn["alex.wilber@contoso.com"]!.stores).toEqual(["exo", "aad"]);
    expect(byUpn["megan.bowen@contoso.com"]!.render).toEqual({ crop: "centre", background: "#102030" });
    expect(byUpn["pradeep.gupta@contoso.com"]!.photo).toEqual({ kind: "remove" });
    expect(byUpn["nestor.wilke@contoso.com"]).toMatchObject({ photo: { kind: "remove" }, stores: ["aad"], storesOverridden: true });
  });

  it("refuses a manifest over the size limit without parsing it", async () => {
    const repo = await makeTempRepo("version: 1\n" + "# padding\n".repeat(1_700_000));
    repos.push(repo);
    const report = await validateRepo(repo.manifest, "photos.yaml");
    expect(report.problems).toEqual([expect.objectContaining({ code: "manifest-too-large", message: expect.stringContaining("over the 16 MiB limit") })]);
  });

  it("says where to look when the manifest does not exist", async () => {
    const report = await validateRepo(path.join(fixturesDir, "no-such-photos.yaml"), "photos.yaml");
    expect(report.valid).toBe(false);
    expect(report.problems[0]).toMatchObject({ code: "manifest-unreadable", message: expect.stringContaining("pass --manifest") });
  });
});
