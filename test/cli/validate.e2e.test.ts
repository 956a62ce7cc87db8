import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ValidationJson } from "../../src/validate/format.js";
import { cliProcessArgs, runCli } from "../support/cli.js";
import { hostileCorpus } from "../support/hostile-images.js";
import type { TempRepo } from "../support/temp-repo.js";
import { makeTempRepo } from "../support/temp-repo.js";

const repoRoot = path.resolve(import.meta.dirname, "../..");

const MANIFEST = `version: 1
tenant: { id: contoso.onmicrosoft.com, stores: [exo, aad] }
users:
  good@contoso.com: photos/portrait.jpg
  tiny@contoso.com: photos/tiny.png
  svg@contoso.com:
    photo: photos/drawing.svg
  gif@contoso.com: photos/animated.gif
`;

describe("photosync validate", () => {
  let repo: TempRepo;
  beforeAll(async () => {
    const corpus = await hostileCorpus();
    repo = await makeTempRepo(MANIFEST, {
      "photos/portrait.jpg": corpus["portrait.jpg"]!,
      "photos/tiny.png": corpus["tiny.png"]!,
      "photos/drawing.svg": corpus["drawing.svg"]!,
      "photos/animated.gif": corpus["animated.gif"]!,
      "photos/forgotten.jpg": corpus["portrait.jpg"]!,
    });
  });
  afterAll(() => repo.remove());

  it("passes the example repo", async () => {
    const result = await runCli(["validate"], { cwd: repoRoot });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✔ photos\.yaml is valid with \d+ warnings \(8 users, 8 photos\)\n$/);
  });

  it("prints every problem as file:line:col with a summary, and exits 1", async () => {
    const result = await runCli(["validate"], { cwd: repo.root });
    expect(result.code).toBe(1);
    expect(result.stdout.split("\n")).toEqual([
      "photos.yaml:1:1 warning: photos/forgotten.jpg is not used by any user; remove it or fix the path that should name it [photo-unreferenced]",
      "photos.yaml:4:21 warning: good@contoso.com: photo photos/portrait.jpg is 500×500 px; it will be uploaded at 500×500 px, never enlarged (648 px or more looks best) [photo-small]",
      "photos.yaml:5:21 error: tiny@contoso.com: photo photos/tiny.png is 16×16 px; photos need at least 240 px on the shorter side (648 px or more looks best) [photo-too-small]",
      "photos.yaml:7:12 error: svg@contoso.com: photo photos/drawing.svg is an SVG drawing; SVG can carry scripts and external links and is refused: export it as PNG or JPEG [photo-svg]",
      "photos.yaml:8:20 warning: gif@contoso.com: photo photos/animated.gif is 300×300 px; it will be uploaded at 300×300 px, never enlarged (648 px or more looks best) [photo-small]",
      "photos.yaml:8:20 warning: gif@contoso.com: photo photos/animated.gif is an animated GIF with 2 frames; only the first frame is used [photo-animated]",
      "✖ 2 errors, 4 warnings in photos.yaml (4 users, 4 photos)",
      "",
    ]);
  });

  it("prints a stable JSON report with --format json", async () => {
    const result = await runCli(["validate", "--format", "json"], { cwd: repo.root });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as ValidationJson;
    expect(report).toMatchObject({ format: "photosync.validate/v1", manifest: "photos.yaml", valid: false, summary: { errors: 2, warnings: 4, users: 4, photos: 4 } });
    expect(report.problems[2]).toEqual({
      severity: "error",
      code: "photo-too-small",
      message: expect.stringContaining("is 16×16 px"),
      file: "photos.yaml",
      line: 5,
      column: 21,
      endLine: 5,
      endColumn: 36,
      photo: "photos/tiny.png",
    });
  });

  it("emits GitHub annotations on the manifest's lines inside GitHub Actions", async () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const workspace = path.dirname(repo.root);
    let result;
    try {
      result = await runCli(["validate"], { cwd: repo.root, env: { GITHUB_ACTIONS: "true", GITHUB_WORKSPACE: workspace } });
    } finally {
      spy.mockRestore();
    }
    expect(result.code).toBe(1);
    const file = `${path.basename(repo.root)}/photos.yaml`;
    const annotations = written.join("").trim().split("\n");
    expect(annotations).toContain(
      `::error title=photosync photo-too-small,file=${file},line=5,endLine=5,col=21,endColumn=36::tiny@contoso.com: photo photos/tiny.png is 16×16 px; photos need at least 240 px on the shorter side (648 px or more looks best)`,
    );
    expect(annotations.filter((line) => line.startsWith("::error"))).toHaveLength(2);
    expect(annotations.filter((line) => line.startsWith("::warning"))).toHaveLength(4);
    expect(result.stdout).toBe("✖ 2 errors, 4 warnings in photos.yaml (4 users, 4 photos)\n");
  });

  it("colours on a terminal, and never when NO_COLOR is set", async () => {
    const coloured = await runCli(["validate"], { cwd: repo.root, tty: true });
    expect(coloured.stdout).toContain("\u001b[31merror\u001b[0m");
    const plain = await runCli(["validate"], { cwd: repo.root, tty: true, env: { NO_COLOR: "1" } });
    expect(plain.stdout).not.toContain("\u001b[");
  });

  it("validates a manifest named with --manifest, relative to the current directory", async () => {
    const result = await runCli(["validate", "--manifest", path.join(path.basename(repo.root), "photos.yaml")], { cwd: path.dirname(repo.root) });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${path.basename(repo.root)}/photos.yaml:5:21 error:`);
  });

  it("answers --help and --version, and refuses unknown options with a usage exit code", async () => {
    const help = await runCli(["--help"], { cwd: repoRoot });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("validate [options]");
    const version = await runCli(["--version"], { cwd: repoRoot });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const wrong = await runCli(["validate", "--format", "xml"], { cwd: repoRoot });
    expect(wrong.code).toBe(64);
    expect(wrong.stderr).toContain("Allowed choices are text, json, github");
  });

  it("sets the process exit code when run as a program", async () => {
    const run = promisify(execFile);
    const failure = (await run(process.execPath, cliProcessArgs(["validate"]), { cwd: repo.root }).catch((error: unknown) => error)) as { code: number; stdout: string };
    expect(failure.code).toBe(1);
    expect(failure.stdout).toContain("✖ 2 errors, 4 warnings in photos.yaml");
    const success = await run(process.execPath, cliProcessArgs(["validate"]), { cwd: repoRoot });
    expect(success.stdout).toContain("is valid");
  });
});
