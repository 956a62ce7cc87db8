/**
 * Hostile manifests through `photosync validate`: each defect is one positioned problem, every other
 * problem in the same manifest is still reported, and every output format stays well-formed.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { symlink } from "node:fs/promises";
import path from "node:path";
import type { ValidationJson } from "../../src/validate/format.js";
import { runCli } from "../support/cli.js";
import type { TempRepo } from "../support/temp-repo.js";
import { makeTempRepo, standardPhotos } from "../support/temp-repo.js";

const HEADER = "version: 1\ntenant: { id: contoso.onmicrosoft.com, stores: [exo, aad] }\n";

type Found = Pick<ValidationJson["problems"][number], "severity" | "code" | "line" | "column"> & { message: unknown };

/** Runs validate in all three formats; returns the JSON problems after checking text and github agree with them. */
async function validateEveryFormat(repo: TempRepo): Promise<Found[]> {
  const json = await runCli(["validate", "--format", "json"], { cwd: repo.root });
  expect(json.stderr).toBe("");
  expect(json.code).toBe(1);
  const report = JSON.parse(json.stdout) as ValidationJson;
  const problems = report.problems.filter((problem) => problem.code !== "photo-unreferenced");

  const text = await runCli(["validate", "--format", "text"], { cwd: repo.root });
  expect(text.stderr).toBe("");
  for (const problem of problems) expect(text.stdout).toContain(`photos.yaml:${problem.line}:${problem.column} ${problem.severity}: `);
  // Control characters in a manifest never reach the terminal.
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  expect(text.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);

  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  let github;
  try {
    github = await runCli(["validate", "--format", "github"], { cwd: repo.root, env: { GITHUB_WORKSPACE: path.dirname(repo.root) } });
  } finally {
    spy.mockRestore();
  }
  expect(github.stderr).toBe("");
  const annotations = written.join("").trim().split("\n");
  for (const problem of problems) {
    expect(annotations.some((line) => line.startsWith(`::${problem.severity} title=photosync ${problem.code},`) && line.includes(`,line=${problem.line},`))).toBe(true);
  }
  return problems.map(({ severity, code, line, column, message }) => ({ severity, code, line, column, message }));
}

describe("photosync validate on hostile manifests", () => {
  let photos: Record<string, Buffer>;
  const repos: TempRepo[] = [];
  beforeAll(async () => {
    photos = await standardPhotos();
  });
  afterAll(() => Promise.all(repos.map((repo) => repo.remove())));

  async function repoWith(manifest: string): Promise<TempRepo> {
    const repo = await makeTempRepo(manifest, photos);
    repos.push(repo);
    return repo;
  }

  it("reports a NUL byte in a photo path (escaped or raw) as one problem among the others", async () => {
    const repo = await repoWith(
      `${HEADER}users:\n  alex.wilber@contoso.com: photos/alex.jpg\n  nul@contoso.com: "photos/a\\0b.jpg"\n  raw@contoso.com: photos/c\u0000d.jpg\n  missing@contoso.com: photos/missing.jpg\n  outside@contoso.com: elsewhere/x.jpg\n`,
    );
    const problems = await validateEveryFormat(repo);
    expect(problems).toEqual([
      { severity: "error", code: "photo-path", line: 5, column: 20, message: expect.stringContaining("photo photos/a\\u0000b.jpg contains a control character (\\u0000)") },
      { severity: "error", code: "photo-path", line: 6, column: 20, message: expect.stringContaining("photos/c\\u0000d.jpg contains a control character") },
      { severity: "error", code: "photo-missing", line: 7, column: 24, message: expect.stringContaining("does not exist") },
      { severity: "error", code: "photo-path", line: 8, column: 24, message: expect.stringContaining("must be inside photos/") },
    ]);
  });

  it("reports a file name the file system refuses (too long) as one problem among the others", async () => {
    const long = `photos/${"x".repeat(300)}.jpg`;
    const repo = await repoWith(`${HEADER}users:\n  long@contoso.com: ${long}\n  missing@contoso.com: photos/missing.jpg\n`);
    const problems = await validateEveryFormat(repo);
    expect(problems).toEqual([
      { severity: "error", code: "photo-unreadable", line: 4, column: 21, message: expect.stringContaining("cannot be read (ENAMETOOLONG)") },
      { severity: "error", code: "photo-missing", line: 5, column: 24, message: expect.stringContaining("does not exist") },
    ]);
  });

  it("calls the photos/ folder itself a folder, not a symbolic link", async () => {
    const repo = await repoWith(`${HEADER}users:\n  folder@contoso.com: photos/\n  dot@contoso.com: ./photos\n  missing@contoso.com: photos/missing.jpg\n  link@contoso.com: photos/all\n`);
    await symlink(".", path.join(repo.root, "photos", "all"));
    const problems = await validateEveryFormat(repo);
    const folder = "is the photos/ folder itself; name the image file inside it, e.g. photos/alex.jpg";
    expect(problems).toEqual([
      { severity: "error", code: "photo-directory", line: 4, column: 23, message: `folder@contoso.com: photo photos/ ${folder}` },
      { severity: "error", code: "photo-directory", line: 5, column: 20, message: expect.stringContaining("./photos is the photos/ folder itself") },
      { severity: "error", code: "photo-missing", line: 6, column: 24, message: expect.stringContaining("does not exist") },
      { severity: "error", code: "photo-directory", line: 7, column: 21, message: "link@contoso.com: photo photos/all is the photos/ folder itself; name the image file inside it" },
    ]);
  });

  it.each([
    ["flow sequences", `[${"[".repeat(4999)}${"]".repeat(5000)}`, 38],
    ["flow mappings", `${"{ a: ".repeat(5000)}1${" }".repeat(5000)}`, 162],
    ["block sequences", `\n  ${"- ".repeat(5000)}x`, 65],
  ])("reports 5,000-deep %s as yaml-too-deep where it gets too deep, among the other problems", async (_name, deep, column) => {
    const repo = await repoWith(`${HEADER}users:\n  bad user: photos/alex.jpg\ndeep: ${deep}\n`);
    const problems = await validateEveryFormat(repo);
    expect(problems).toEqual([
      { severity: "error", code: "invalid-key", line: 4, column: 3, message: expect.stringContaining("'bad user' is not a valid key in users") },
      { severity: "error", code: "unknown-key", line: 5, column: 1, message: expect.stringContaining("unknown key 'deep'") },
      { severity: "error", code: "yaml-too-deep", line: deep.startsWith("\n") ? 6 : 5, column, message: expect.stringContaining("nests deeper than 32 levels") },
    ]);
  });

  it("names an exact duplicate key and its first line, and still reports every other problem", async () => {
    const repo = await repoWith(
      `${HEADER}users:\n  alex.wilber@contoso.com: photos/alex.jpg\n  missing@contoso.com: photos/missing.jpg\n  alex.wilber@contoso.com: photos/megan.png\n  outside@contoso.com: elsewhere/x.jpg\n`,
    );
    const problems = await validateEveryFormat(repo);
    expect(problems).toEqual([
      { severity: "error", code: "photo-missing", line: 5, column: 24, message: expect.stringContaining("does not exist") },
      {
        severity: "error",
        code: "duplicate-key",
        line: 6,
        column: 3,
        message: "alex.wilber@contoso.com appears twice in users, first at line 4; keep one (the first is the one checked)",
      },
      { severity: "error", code: "photo-path", line: 7, column: 24, message: expect.stringContaining("must be inside photos/") },
    ]);
  });

  it("reports a duplicate key alongside schema problems", async () => {
    const repo = await repoWith(`version: 1\ntenant: { id: contoso.onmicrosoft.com, id: x }\nusers:\n  bad user: photos/alex.jpg\nbogus: 1\n`);
    const problems = await validateEveryFormat(repo);
    expect(problems).toEqual([
      { severity: "error", code: "duplicate-key", line: 2, column: 40, message: "id appears twice in tenant, first at line 2; keep one (the first is the one checked)" },
      { severity: "error", code: "invalid-key", line: 4, column: 3, message: expect.stringContaining("'bad user'") },
      { severity: "error", code: "unknown-key", line: 5, column: 1, message: expect.stringContaining("unknown key 'bogus'") },
    ]);
  });
});
