/** The workflow harness's fake of actions/upload-artifact v7: it checks the inputs as the action does. */
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunContext, Workflow } from "../support/workflow-runner.js";
import { UPLOAD_ARTIFACT, runJob } from "../support/workflow-runner.js";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "upload-fake-"));
  await writeFile(path.join(root, "faces.html"), "<!doctype html><title>faces</title>");
  await mkdir(path.join(root, "folder"));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const context = (): RunContext => ({
  repoRoot: root,
  repository: "contoso/photos",
  event: { name: "push", payload: {} },
  vars: {},
  token: "t",
  apiUrl: "http://127.0.0.1:9",
  baseEnv: {},
  oidcUrl: () => "",
});

const job = (steps: Workflow["jobs"][string]["steps"]): Workflow => ({ on: {}, jobs: { upload: { permissions: {}, steps } } });
const upload = (inputs: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ id: "up", name: "upload", uses: UPLOAD_ARTIFACT, with: inputs, ...extra });

describe("the fake upload-artifact", () => {
  it("uploads one file as it is with archive: false, keeps it, and sets artifact-id and artifact-url", async () => {
    const run = await runJob(job([upload({ path: path.join(root, "faces.html"), archive: false, "retention-days": 7 })]), "upload", context());
    expect(run.ok).toBe(true);
    expect(run.uploads).toHaveLength(1);
    const [uploaded] = run.uploads;
    expect(uploaded).toMatchObject({ name: "faces.html", retentionDays: "7", url: `https://github.com/contoso/photos/actions/runs/4242/artifacts/${uploaded!.id}` });
    expect(await readFile(uploaded!.file, "utf8")).toBe("<!doctype html><title>faces</title>");
  });

  it("refuses what the action refuses: a directory or a pattern with archive: false, a missing file with if-no-files-found: error, an unpinned action", async () => {
    for (const [step, message] of [
      [upload({ path: path.join(root, "folder"), archive: false }), "is a directory"],
      [upload({ path: path.join(root, "*.html"), archive: false }), "no patterns"],
      [upload({ path: path.join(root, "nowhere.html"), "if-no-files-found": "error" }), "no files were found"],
      [{ ...upload({ path: path.join(root, "faces.html") }), uses: "actions/upload-artifact@v7" }, "is not the pinned"],
    ] as const) {
      const run = await runJob(job([step]), "upload", context());
      expect(run.ok).toBe(false);
      expect(run.uploads).toEqual([]);
      expect(run.steps[0]!.stderr).toContain(message);
    }
  });

  it("skips a missing file quietly with if-no-files-found: ignore, and a step whose if: is false", async () => {
    const run = await runJob(job([upload({ path: path.join(root, "nowhere.html"), archive: false, "if-no-files-found": "ignore" }), upload({ path: path.join(root, "faces.html"), archive: false }, { id: "second", if: "steps.up.outputs.artifact-url != ''" })]), "upload", context());
    expect(run.ok).toBe(true);
    expect(run.uploads).toEqual([]);
  });
});
