/**
 * Runs a workflow job's `run:` steps the way the GitHub runner would: the job's `if:`, `env:` and
 * `${{ }}` expressions evaluated; GITHUB_EVENT_PATH, GITHUB_STEP_SUMMARY and GITHUB_OUTPUT files;
 * the OIDC request variables only when the job has `id-token: write`; `bash -e`; a step's `if:`.
 * `uses:` steps (checkout, setup-node, cache) and `npm ci` are the test machine's own set-up and
 * are skipped, but for actions/upload-artifact, which a fake runs (uploadArtifact: its inputs
 * checked as the action checks them, the file kept for the test, its outputs set);
 * `node dist/cli/main.js` runs this checkout's built CLI by its absolute path (the e2e tier builds
 * dist/ first). Expressions it cannot evaluate fail the test.
 */
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { cliProcessArgs } from "./cli.js";

const exec = promisify(execFile);

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  with?: Record<string, unknown>;
  run?: string;
  env?: Record<string, string>;
}

interface Job {
  needs?: string | string[];
  if?: string;
  environment?: string;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  outputs?: Record<string, string>;
  steps: Step[];
}

export interface Workflow {
  on: unknown;
  permissions?: unknown;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  jobs: Record<string, Job>;
}

export interface RunContext {
  repoRoot: string;
  repository: string;
  event: { name: string; payload: Record<string, unknown>; ref?: string; sha?: string };
  vars: Record<string, string>;
  inputs?: Record<string, unknown>;
  needs?: Record<string, { outputs: Record<string, string> }>;
  token: string;
  apiUrl: string;
  /** Environment of the machine (tenant endpoints, CA…) that a real runner would not have. */
  baseEnv: NodeJS.ProcessEnv;
  /** The runtime's ID-token endpoint, given to jobs with id-token: write; receives the subject. */
  oidcUrl: (subject: string) => string;
}

export interface StepRun {
  name: string;
  code: number;
  stdout: string;
  stderr: string;
}

/** A file the fake actions/upload-artifact uploaded (archive: false: one file, as it is). */
export interface Upload {
  /** The artifact's name: with archive false, the file's name. */
  name: string;
  /** A copy of the file as uploaded, for the test to open. */
  file: string;
  id: string;
  url: string;
  retentionDays?: string;
}

export interface JobRun {
  skipped: boolean;
  ok: boolean;
  /** The `run:` steps that ran (uploads are in `uploads`). */
  steps: StepRun[];
  uploads: Upload[];
  outputs: Record<string, string>;
  summary: string;
}

export async function readWorkflow(file: string): Promise<Workflow> {
  return parse(await readFile(file, "utf8")) as Workflow;
}

function lookup(context: Record<string, unknown>, expression: string): unknown {
  let value: unknown = context;
  for (const part of expression.trim().split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function operand(context: Record<string, unknown>, text: string): unknown {
  const trimmed = text.trim();
  const quoted = /^'(.*)'$/.exec(trimmed);
  if (quoted) return quoted[1];
  if (!/^[A-Za-z_][\w.-]*$/.test(trimmed)) throw new Error(`the harness cannot evaluate "${trimmed}"`);
  return lookup(context, trimmed);
}

/** Evaluates the expression forms the workflows use: paths, 'strings', ==, != and &&. */
export function evaluate(context: Record<string, unknown>, expression: string): unknown {
  const terms = expression.split("&&");
  if (terms.length > 1) return terms.every((term) => Boolean(evaluate(context, term)));
  const comparison = /^(.*?)(==|!=)(.*)$/.exec(expression);
  if (comparison) {
    const equal = String(operand(context, comparison[1]!) ?? "") === String(operand(context, comparison[3]!) ?? "");
    return comparison[2] === "==" ? equal : !equal;
  }
  return operand(context, expression);
}

function substitute(context: Record<string, unknown>, text: string): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_, expression: string) => String(evaluate(context, expression) ?? ""));
}

/** GITHUB_OUTPUT lines: name=value, or name<<DELIMITER … DELIMITER (what @actions/core writes). */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      outputs[heredoc[1]!] = lines.slice(i + 1, end).join("\n");
      i = end;
    } else if (line.includes("=")) {
      outputs[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
    }
  }
  return outputs;
}

/** The pinned upload-artifact (v7.0.0) the workflows must use. */
export const UPLOAD_ARTIFACT = "actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f";

let artifacts = 0;

/**
 * actions/upload-artifact v7 as the harness's fake: `path` (one file when `archive: false`, which
 * is then uploaded as it is, named after the file), `if-no-files-found` (warn by default; error
 * fails the step; ignore says nothing) and `retention-days`; outputs artifact-id and artifact-url
 * (`https://github.com/<repo>/actions/runs/<id>/artifacts/<n>`). Returns the step's outcome.
 */
async function uploadArtifact(step: Step, inputs: Record<string, string>, context: { repository: string; runId: string; keep: string }): Promise<{ run: StepRun; upload?: Upload; outputs: Record<string, string> }> {
  const name = step.name ?? step.uses!;
  const fail = (message: string) => ({ run: { name, code: 1, stdout: "", stderr: `upload-artifact: ${message}` }, outputs: {} });
  if (step.uses !== UPLOAD_ARTIFACT) return fail(`${step.uses} is not the pinned ${UPLOAD_ARTIFACT}`);
  const known = new Set(["path", "name", "archive", "if-no-files-found", "retention-days", "compression-level", "overwrite", "include-hidden-files"]);
  const unknown = Object.keys(inputs).filter((input) => !known.has(input));
  if (unknown.length > 0) return fail(`unknown inputs ${unknown.join(", ")}`);
  const file = inputs.path ?? "";
  if (file === "") return fail("path is required");
  const missing = inputs["if-no-files-found"] ?? "warn";
  if (!["warn", "error", "ignore"].includes(missing)) return fail(`if-no-files-found must be warn, error or ignore, not ${missing}`);
  const archive = (inputs.archive ?? "true") !== "false";
  if (!archive && (file.includes("\n") || /[*?[]/.test(file))) return fail("archive: false uploads exactly one file: path must name one file, no patterns");
  const found = await stat(file).then((info) => (info.isFile() ? "file" : "directory"), () => "none");
  if (found === "none") {
    if (missing === "error") return fail(`no files were found with the provided path: ${file}`);
    return { run: { name, code: 0, stdout: missing === "warn" ? `No files were found with the provided path: ${file}. No artifacts will be uploaded.\n` : "", stderr: "" }, outputs: {} };
  }
  if (!archive && found !== "file") return fail(`archive: false uploads exactly one file; ${file} is a directory`);
  const id = String(++artifacts);
  const url = `https://github.com/${context.repository}/actions/runs/${context.runId}/artifacts/${id}`;
  const kept = path.join(context.keep, id, path.basename(file));
  await mkdir(path.dirname(kept), { recursive: true });
  await copyFile(file, kept);
  const upload: Upload = { name: archive ? (inputs.name ?? "artifact") : path.basename(file), file: kept, id, url, ...(inputs["retention-days"] ? { retentionDays: inputs["retention-days"] } : {}) };
  return { run: { name, code: 0, stdout: `Artifact ${upload.name} has been successfully uploaded! Final size is ${(await stat(file)).size} bytes. Artifact ID is ${id}\n`, stderr: "" }, upload, outputs: { "artifact-id": id, "artifact-url": url } };
}

function subjectOf(context: RunContext, job: Job): string {
  if (job.environment) return `repo:${context.repository}:environment:${job.environment}`;
  if (context.event.name === "pull_request") return `repo:${context.repository}:pull_request`;
  return `repo:${context.repository}:ref:${context.event.ref ?? "refs/heads/main"}`;
}

export async function runJob(workflow: Workflow, jobName: string, context: RunContext): Promise<JobRun> {
  const job = workflow.jobs[jobName];
  if (!job) throw new Error(`no job ${jobName}`);
  const scratch = await mkdtemp(path.join(tmpdir(), `runner-${jobName}-`));
  const eventPath = path.join(scratch, "event.json");
  await writeFile(eventPath, JSON.stringify(context.event.payload));
  const summaryPath = path.join(scratch, "summary.md");
  await writeFile(summaryPath, "");
  const steps: Record<string, { outputs: Record<string, string> }> = {};
  const expressions = (): Record<string, unknown> => ({
    github: { token: context.token, repository: context.repository, run_id: "4242", event: context.event.payload, sha: context.event.sha ?? "" },
    runner: { temp: scratch },
    vars: context.vars,
    inputs: context.inputs ?? {},
    needs: context.needs ?? {},
    steps,
  });
  if (job.if !== undefined && !evaluate(expressions(), job.if.replace(/^\$\{\{(.*)\}\}$/, "$1"))) {
    return { skipped: true, ok: true, steps: [], uploads: [], outputs: {}, summary: "" };
  }
  const [owner] = context.repository.split("/");
  const runnerEnv: NodeJS.ProcessEnv = {
    ...context.baseEnv,
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: context.event.name,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: context.repository,
    GITHUB_REPOSITORY_OWNER: owner,
    GITHUB_API_URL: context.apiUrl,
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_RUN_ID: "4242",
    GITHUB_SHA: context.event.sha ?? "",
    GITHUB_WORKSPACE: context.repoRoot,
    GITHUB_STEP_SUMMARY: summaryPath,
    RUNNER_TEMP: scratch,
    ...(job.permissions?.["id-token"] === "write"
      ? { ACTIONS_ID_TOKEN_REQUEST_URL: context.oidcUrl(subjectOf(context, job)), ACTIONS_ID_TOKEN_REQUEST_TOKEN: "runner-request-token" }
      : {}),
  };
  const runs: StepRun[] = [];
  const uploads: Upload[] = [];
  let failed = false;
  for (const [index, step] of job.steps.entries()) {
    // As on the runner: a step without a status function in its `if:` runs only while all went well.
    if (failed) break;
    if (step.if !== undefined && !evaluate(expressions(), step.if.replace(/^\$\{\{(.*)\}\}$/, "$1"))) continue;
    if (step.uses?.startsWith("actions/upload-artifact@")) {
      const inputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([name, value]) => [name, substitute(expressions(), String(value))]));
      const result = await uploadArtifact(step, inputs, { repository: context.repository, runId: "4242", keep: path.join(scratch, "artifacts") });
      if (result.upload) uploads.push(result.upload);
      if (step.id) steps[step.id] = { outputs: result.outputs };
      if (result.run.code !== 0) {
        runs.push(result.run);
        failed = true;
      }
      continue;
    }
    if (step.uses || !step.run || step.run.trim() === "npm ci") continue;
    const outputPath = path.join(scratch, `output-${index}`);
    await writeFile(outputPath, "");
    const env: NodeJS.ProcessEnv = { ...runnerEnv, GITHUB_OUTPUT: outputPath };
    for (const [name, value] of Object.entries({ ...job.env, ...step.env })) env[name] = substitute(expressions(), value);
    const cli = cliProcessArgs([]).map((arg) => `'${arg}'`).join(" ");
    const script = substitute(expressions(), step.run).replace(/\bnode dist\/cli\/main\.js\b/g, `'${process.execPath}' ${cli}`);
    const result = await exec("bash", ["-e", "-c", script], { cwd: context.repoRoot, env, maxBuffer: 64 * 1024 * 1024 }).then(
      (done) => ({ code: 0, stdout: done.stdout, stderr: done.stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );
    runs.push({ name: step.name ?? step.run, ...result });
    if (step.id) steps[step.id] = { outputs: parseOutputs(await readFile(outputPath, "utf8")) };
    if (result.code !== 0) failed = true;
  }
  const ok = runs.every((run) => run.code === 0);
  const outputs = Object.fromEntries(Object.entries(job.outputs ?? {}).map(([name, value]) => [name, substitute(expressions(), value)]));
  return { skipped: false, ok, steps: runs, uploads, outputs, summary: await readFile(summaryPath, "utf8") };
}
