/** Step outputs and the job summary: only ever in the runner's files, never on standard output. */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { formatOutputs, writeOutputs, writeSummary } from "../../src/github/job.js";
import { parseOutputs } from "../support/workflow-runner.js";

let scratch: string | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  if (scratch) await rm(scratch, { recursive: true, force: true });
  scratch = undefined;
});

describe("step outputs", () => {
  it("are appended to GITHUB_OUTPUT in the runner's multi-line form", async () => {
    scratch = await mkdtemp(path.join(tmpdir(), "job-"));
    const files = { output: path.join(scratch, "output"), summary: path.join(scratch, "summary.md") };
    await writeOutputs(files, { changes: "true", counts: '{"create":1}' });
    await writeOutputs(files, { note: "two\nlines" });
    expect(parseOutputs(await readFile(files.output, "utf8"))).toEqual({ changes: "true", counts: '{"create":1}', note: "two\nlines" });
    await writeSummary(files, "### photosync plan");
    expect(await readFile(files.summary, "utf8")).toBe("### photosync plan\n");
  });

  it("are skipped with a warning when GITHUB_OUTPUT is not set: no ::set-output on standard output", async () => {
    const write = vi.spyOn(process.stdout, "write");
    const warnings: string[] = [];
    await writeOutputs({}, { changes: "true" }, (message) => warnings.push(message));
    expect(warnings).toEqual(["GITHUB_OUTPUT is not set, so the step outputs (changes) were not written"]);
    expect(write).not.toHaveBeenCalled();
  });

  it("refuse a value that contains the delimiter", () => {
    expect(() => formatOutputs({ x: "a\nEOF\nb" }, "EOF")).toThrow("step output x contains its delimiter");
  });
});
