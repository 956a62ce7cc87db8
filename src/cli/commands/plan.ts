import { Option } from "commander";
import type { Command } from "commander";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { formatPlanJson, formatPlanJsonChunks } from "../../plan/format-json.js";
import { formatPlanMarkdown } from "../../plan/format-markdown.js";
import { countsLine, formatPlanText } from "../../plan/format-text.js";
import type { Plan } from "../../model/plan.js";
import { hasChanges } from "../../plan/plan.js";
import { readGitHubContext } from "../../github/context.js";
import { runPlan } from "../../reconcile/plan-run.js";
import type { PlanRunResult } from "../../reconcile/plan-run.js";
import { formatProblemLine } from "../../validate/format.js";
import { fitHeapGrowthToPlan } from "../heap.js";
import { readSettings } from "../settings.js";
import { onlyUnknownUsers, usersOption } from "../options.js";
import { createRunProgress } from "../progress.js";
import { EXIT, useColour } from "../io.js";
import type { CliIo } from "../io.js";
import type { CommandContext } from "../io.js";
import type { PicturesCommandOptions } from "../pictures.js";
import { addPicturesOptions, picturesDirProblem, picturesLines } from "../pictures.js";

export type PlanFormat = "text" | "json" | "markdown";

export interface PlanCommandOptions extends PicturesCommandOptions {
  manifest: string;
  format: PlanFormat;
  out?: string;
  users?: string[];
  changedSince?: string;
  emulator?: boolean;
  resetEmulator?: boolean;
  verbose?: boolean;
  diff?: boolean;
  comment?: boolean;
  detailedExitcode: boolean;
}

/** Like `terraform plan -detailed-exitcode`: 0 no changes, 2 changes, 1 anything unknown. */
export function planExitCode(result: Plan): number {
  if (result.counts.unknown > 0) return EXIT.failure;
  return hasChanges(result) ? EXIT.changes : EXIT.ok;
}

export function formatPlan(result: Plan, format: PlanFormat, options: { verbose?: boolean; diff?: boolean; colour: boolean }): string {
  if (format === "json") return formatPlanJson(result);
  if (format === "markdown") return formatPlanMarkdown(result);
  return formatPlanText(result, { colour: options.colour, ...(options.verbose ? { verbose: true } : {}), ...(options.diff ? { diff: true } : {}) });
}

/** Prints why a run could not plan (manifest errors, or --users naming people it does not have) and returns the exit code. */
export function reportProblems(result: Extract<PlanRunResult, { ok: false }>, io: CliIo): number {
  // runPlan reports unknown --users UPNs as a manifest problem; they are a mistake on the command
  // line (exit 64), and `photosync validate` would show nothing wrong.
  if (onlyUnknownUsers(result.problems)) {
    for (const problem of result.problems) io.stderr.write(`photosync: --users: ${problem.message}; nothing was read or written\n`);
    return EXIT.usage;
  }
  for (const problem of result.problems) io.stderr.write(`${formatProblemLine(problem)}\n`);
  io.stderr.write("photosync: nothing was read or written; fix the problems above (photosync validate shows them all)\n");
  return EXIT.failure;
}

export function addTenantOptions(command: Command): Command {
  return command
    .option("--emulator", "use the built-in Microsoft 365 emulator (state in .photosync/emulator) instead of a real tenant")
    // --reset-emulator alone is enough (the commands treat it as --emulator too).
    .option("--reset-emulator", "discard the emulator's saved state and start from the demo tenant again (implies --emulator)");
}

export function registerPlan(program: Command, { io, setExitCode }: CommandContext): void {
  addPicturesOptions(addTenantOptions(
    program
      .command("plan")
      .description("Compare the repo with the tenant and show what apply would change. Exit 0: no changes, 2: changes, 1: error or unknown state.")
      .option("-m, --manifest <file>", "the manifest", "photos.yaml")
      .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json", "markdown"]).default("text"))
      .option("-o, --out <file>", "write the plan to this file instead of standard output")
      .addOption(usersOption())
      .option("--changed-since <ref>", "only people whose manifest entry or photo changed since this git ref (pull-request plans)")
      .option("-v, --verbose", "text: list users already in line too")
      .option("--diff", "text: show each changing user's state as a unified diff")
      .option("--comment", "GitHub Actions: post the plan as the pull request's sticky comment (needs GITHUB_TOKEN)")
      .option("--no-detailed-exitcode", "exit 0 when there are changes too (1 still means an error)"),
  )).action(async (options: PlanCommandOptions) => {
    // Every setting is checked before the manifest, the repo's git or the tenant is read.
    const settings = readSettings(io.env, io.cwd);
    const picturesProblem = options.pictures !== undefined ? picturesDirProblem(path.resolve(io.cwd, options.pictures)) : undefined;
    if (picturesProblem) {
      io.stderr.write(`photosync: ${picturesProblem}\n`);
      setExitCode(EXIT.usage);
      return;
    }
    const manifestPath = path.resolve(io.cwd, options.manifest);
    const github = settings.github.isActions ? readGitHubContext(settings.github) : undefined;
    if (github?.pullRequest?.fromFork) {
      // Defence in depth: the workflow must not give forks secrets, and photosync will not sign in for them.
      io.stdout.write("photosync: pull request from a fork: validation only, no tenant access\n");
      setExitCode(EXIT.ok);
      return;
    }
    const progress = createRunProgress(io.stderr, "plan", "checking and analysing photos", "reading the tenant");
    let result: PlanRunResult;
    try {
      result = await runPlan({
        manifestPath,
        displayName: path.relative(io.cwd, manifestPath) || manifestPath,
        settings,
        ...(options.users ? { users: options.users } : {}),
        ...(options.changedSince ? { changedSince: options.changedSince } : {}),
        ...(options.emulator || options.resetEmulator ? { emulator: { reset: options.resetEmulator === true } } : {}),
        warn: (message) => progress.log(`photosync: warning: ${message}\n`),
        // The CLI, not the core, decides the heap's growth from how many people the plan manages.
        onLoaded: ({ people }) => {
          fitHeapGrowthToPlan(people);
          progress.started(people);
        },
        onAnalysed: (done, total) => progress.analysed(done, total),
        ...(options.pictures !== undefined ? { pictures: { dir: path.resolve(io.cwd, options.pictures), kind: "plan" as const, max: options.picturesMax } } : {}),
      });
    } finally {
      progress.stop();
    }
    if (!result.ok) {
      setExitCode(reportProblems(result, io));
      return;
    }
    const faces = result.pictures ? { people: result.pictures.files.people } : undefined;
    if (result.scope.note) io.stderr.write(`photosync: planning ${result.scope.note}\n`);
    for (const dropped of result.scope.dropped) io.stderr.write(`photosync: ${dropped.upn}: ${dropped.reason} (not touched)\n`);
    const colour = !options.out && options.format === "text" && useColour(io, settings.colour);
    // JSON is written as it is produced: a whole tenant's plan is too large a text to build at once.
    const output: Iterable<string> =
      options.format === "json" ? formatPlanJsonChunks(result.plan) : [formatPlan(result.plan, options.format, { colour, ...(options.verbose ? { verbose: true } : {}), ...(options.diff ? { diff: true } : {}) })];
    if (options.out) {
      await writeFile(path.resolve(io.cwd, options.out), output);
      io.stdout.write(`${countsLine(result.plan)}; plan written to ${options.out} (digest ${result.plan.digest})\n`);
    } else {
      for (const chunk of output) io.stdout.write(chunk);
    }
    if (result.pictures) for (const line of picturesLines(result.pictures, io.cwd, options.picturesMax)) io.stderr.write(`${line}\n`);
    if (github) {
      const { publishPlan } = await import("../../github/publish.js");
      const note = await publishPlan(result.plan, github, { comment: options.comment === true, ...(result.scope.note ? { scopeNote: result.scope.note } : {}), ...(faces ? { faces } : {}) });
      if (note) io.stderr.write(`photosync: ${note}\n`);
    } else if (options.comment) {
      io.stderr.write("photosync: --comment only works inside GitHub Actions; no comment posted\n");
    }
    const code = planExitCode(result.plan);
    setExitCode(code === EXIT.changes && !options.detailedExitcode ? EXIT.ok : code);
  });
}
