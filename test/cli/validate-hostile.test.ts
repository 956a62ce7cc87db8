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
});
