import { Option } from "commander";
import type { Command } from "commander";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { formatApplyJson, formatApplyMarkdown, formatApplyRefusalJson, formatApplyText, countsText } from "../../apply/format.js";
import { runApply } from "../../reconcile/apply-run.js";
import type { ApplyRunResult } from "../../reconcile/apply-run.js";
import { EXIT, useColour } from "../io.js";
import { parseDigest, usersOption } from "../options.js";
import { createRunProgress } from "../progress.js";
import { readSettings } from "../settings.js";
import type { CommandContext } from "../io.js";
import type { PlanFormat } from "./plan.js";
import { addTenantOptions, formatPlan, planExitCode, reportProblems } from "./plan.js";
import type { PicturesCommandOptions } from "../pictures.js";
import { addPicturesOptions, picturesDirProblem, picturesLines } from "../pictures.js";

interface ApplyCommandOptions extends PicturesCommandOptions {
  manifest: string;
  format: PlanFormat;
  out?: string;
  users?: string[];
  yes?: boolean;
  expectDigest?: string;
  force?: boolean;
  emulator?: boolean;
  resetEmulator?: boolean;
}

const OVERRIDE_HINT = "Check the plan; if it is right, run with --yes --force to override the rail (or raise the limit in photos.yaml under safety).";

export function registerApply(program: Command, { io, setExitCode }: CommandContext): void {
  addPicturesOptions(addTenantOptions(
    program
      .command("apply")
      .description("Re-read the tenant, recompute the plan and carry it out. Without --yes it only shows the plan.")
      .option("-m, --manifest <file>", "the manifest", "photos.yaml")
      .option("-y, --yes", "write to the tenant (without it: a dry run)")
      .option("--expect-digest <sha256>", "refuse (exit 4) unless the recomputed plan has this digest: the one that was reviewed", parseDigest)
      .option("--force", "apply even when a safety rail refuses")
      .addOption(usersOption())
      .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json", "markdown"]).default("text"))
      .option("-o, --out <file>", "write the report to this file instead of standard output"),
  )).action(async (options: ApplyCommandOptions) => {
    // Every setting is checked before the manifest or the tenant is read.
    const settings = readSettings(io.env, io.cwd);
    // The sheet is for reviewing before anything is written: with --yes the review is over, and
    // the "before" pictures would be gone a moment later. Refused rather than drawn too late.
    const picturesProblem =
      options.pictures === undefined
        ? undefined
        : options.yes
          ? "--pictures draws the review sheet of a dry run; it does not go with --yes. Run `photosync apply --pictures DIR` (or plan --pictures DIR) first, review the faces, then apply --yes --expect-digest. Nothing was read or written"
          : picturesDirProblem(path.resolve(io.cwd, options.pictures));
    if (picturesProblem) {
      io.stderr.write(`photosync: ${picturesProblem}\n`);
      setExitCode(EXIT.usage);
      return;
    }
    const manifestPath = path.resolve(io.cwd, options.manifest);
    const progress = createRunProgress(io.stderr, "apply", "checking and analysing photos", options.yes ? "reading the tenant, writing and verifying" : "reading the tenant");
    let result: ApplyRunResult;
    try {
      result = await runApply({
        manifestPath,
        displayName: path.relative(io.cwd, manifestPath) || manifestPath,
        settings,
        ...(options.users ? { users: options.users } : {}),
        ...(options.emulator || options.resetEmulator ? { emulator: { reset: options.resetEmulator === true } } : {}),
        warn: (message: string) => progress.log(`photosync: warning: ${message}\n`),
        onLoaded: ({ people }) => progress.started(people),
        onAnalysed: (done: number, total: number) => progress.analysed(done, total),
        yes: options.yes === true,
        ...(options.expectDigest ? { expectDigest: options.expectDigest } : {}),
        ...(options.force ? { force: true } : {}),
        ...(options.pictures !== undefined ? { pictures: { dir: path.resolve(io.cwd, options.pictures), kind: "apply-dry-run" as const, max: options.picturesMax } } : {}),
      });
    } finally {
      progress.stop();
    }
    const colour = !options.out && options.format === "text" && useColour(io, settings.colour);
    const emit = async (text: string, summary: string) => {
      if (!options.out) return void io.stdout.write(text);
      await writeFile(path.resolve(io.cwd, options.out), text);
      io.stdout.write(`${summary}; written to ${options.out}\n`);
    };
    switch (result.kind) {
      case "invalid":
        setExitCode(reportProblems({ ok: false, problems: result.problems }, io));
        return;
      case "dry-run":
        await emit(formatPlan(result.plan, options.format, { colour }), `dry run, digest ${result.plan.digest}`);
        if (result.pictures) for (const line of picturesLines(result.pictures, io.cwd, options.picturesMax)) io.stderr.write(`${line}\n`);
        if (result.refusals.length === 0) {
          io.stderr.write("photosync: dry run: nothing was written; run with --yes to apply this plan\n");
        } else {
          for (const refusal of result.refusals) io.stderr.write(`photosync: dry run: nothing was written; apply --yes would be refused by safety rail ${refusal.rail}: ${refusal.message}\n`);
          io.stderr.write(`photosync: ${OVERRIDE_HINT}\n`);
        }
        setExitCode(planExitCode(result.plan));
        return;
      case "digest-mismatch":
        io.stderr.write(`photosync: refused: the tenant or the repo changed since the plan was reviewed (expected digest ${result.expected}, now ${result.plan.digest}); nothing was written. Review the new plan.\n`);
        await emit(formatPlan(result.plan, options.format, { colour }), `new plan, digest ${result.plan.digest}`);
        setExitCode(EXIT.digestMismatch);
        return;
      case "refused":
        for (const refusal of result.refusals) io.stderr.write(`photosync: refused by safety rail ${refusal.rail}: ${refusal.message}\n`);
        io.stderr.write(`photosync: nothing was written. ${OVERRIDE_HINT}\n`);
        // A program reading --format json gets a document saying so, not an empty output.
        if (options.format === "json") await emit(formatApplyRefusalJson(result.plan, result.refusals), `refused by safety rail ${result.refusals.map((refusal) => refusal.rail).join(", ")}`);
        setExitCode(EXIT.refused);
        return;
      case "applied": {
        for (const refusal of result.forced) io.stderr.write(`photosync: --force: overriding safety rail ${refusal.rail}: ${refusal.message}\n`);
        const report = result.report;
        const text = options.format === "json" ? formatApplyJson(report) : options.format === "markdown" ? formatApplyMarkdown(report) : formatApplyText(report, colour);
        await emit(text, countsText(report));
        if (settings.github.isActions) await (await import("../../github/publish.js")).publishApply(report, settings.github.files);
        const incomplete = report.counts.failed > 0 || report.counts.skipped > 0;
        setExitCode(incomplete ? EXIT.failure : EXIT.ok);
      }
    }
  });
}
