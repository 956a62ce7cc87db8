import { InvalidArgumentError, Option } from "commander";
import type { Command } from "commander";
import path from "node:path";
import { formatDoctorJson, formatDoctorMarkdown, formatDoctorText, resultLine } from "../../doctor/format.js";
import { doctorExitCode } from "../../doctor/report.js";
import { writeAtomic } from "../../files/write-atomic.js";
import { writeSummary } from "../../github/job.js";
import { DEFAULT_SAMPLE, runDoctor } from "../../reconcile/doctor-run.js";
import { formatProblemLine } from "../../validate/format.js";
import { EXIT, useColour } from "../io.js";
import type { CommandContext } from "../io.js";
import { onlyUnknownUsers } from "../options.js";
import { readSettings } from "../settings.js";
import { addTenantOptions } from "./plan.js";
import type { PlanFormat } from "./plan.js";

interface DoctorCommandOptions {
  manifest: string;
  writer?: boolean;
  probeUser?: string;
  sample: number;
  format: PlanFormat;
  out?: string;
  emulator?: boolean;
  resetEmulator?: boolean;
}

/** `--sample N`: a whole number from 1 to 100 (doctor reads a sample, not the tenant). */
export function parseSample(value: string): number {
  const sample = Number(value);
  if (!/^\d+$/.test(value.trim()) || sample < 1 || sample > 100) throw new InvalidArgumentError("--sample is a whole number of people from 1 to 100.");
  return sample;
}

/**
 * `photosync doctor`: before anything is written, what works in this tenant and what to fix,
 * as a checklist. Read-only unless --writer --probe-user (one idempotent profile write).
 */
export function registerDoctor(program: Command, { io, setExitCode }: CommandContext): void {
  addTenantOptions(
    program
      .command("doctor")
      .description(
        "Check sign-in, permissions and the tenant's photo settings for the manifest's tenant and stores, and say what photosync can manage, with one line of fix per failure. Read-only. Exit 0: everything the manifest asks for is possible, 1: something is not.",
      )
      .option("-m, --manifest <file>", "the manifest", "photos.yaml")
      .option("--writer", "sign in as the read-write (apply) identity and check its permissions; writes nothing without --probe-user")
      .option("--probe-user <upn>", "a person in the manifest: sampled first; with --writer, one profile write that sets SPS-PicturePlaceholderState to the value it already has")
      .option("--sample <n>", `how many managed people to read (default ${DEFAULT_SAMPLE})`, parseSample, DEFAULT_SAMPLE)
      .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json", "markdown"]).default("text"))
      .option("-o, --out <file>", "write the checklist to this file instead of standard output"),
  ).action(async (options: DoctorCommandOptions) => {
    const settings = readSettings(io.env, io.cwd);
    const manifestPath = path.resolve(io.cwd, options.manifest);
    const result = await runDoctor({
      manifestPath,
      displayName: path.relative(io.cwd, manifestPath) || manifestPath,
      settings,
      sample: options.sample,
      ...(options.writer ? { writer: true } : {}),
      ...(options.probeUser ? { probeUser: options.probeUser } : {}),
      ...(options.emulator || options.resetEmulator ? { emulator: { reset: options.resetEmulator === true } } : {}),
      warn: (message) => io.stderr.write(`photosync: warning: ${message}\n`),
    });
    if (!result.ok) {
      if (onlyUnknownUsers(result.problems)) {
        for (const problem of result.problems) io.stderr.write(`photosync: --probe-user: ${problem.message}; nothing was read or written\n`);
        setExitCode(EXIT.usage);
        return;
      }
      for (const problem of result.problems) io.stderr.write(`${formatProblemLine(problem)}\n`);
      io.stderr.write("photosync: nothing was read or written; fix the problems above (photosync validate shows them all)\n");
      setExitCode(EXIT.failure);
      return;
    }
    const { report } = result;
    const colour = !options.out && options.format === "text" && useColour(io, settings.colour);
    const output = options.format === "json" ? formatDoctorJson(report) : options.format === "markdown" ? formatDoctorMarkdown(report) : formatDoctorText(report, { colour });
    if (options.out) {
      await writeAtomic(path.resolve(io.cwd, options.out), output);
      io.stdout.write(`photosync doctor: ${resultLine(report)}; checklist written to ${options.out}\n`);
    } else {
      io.stdout.write(output);
    }
    // In GitHub Actions the checklist goes to the job summary too, whatever the format on standard output.
    if (settings.github.isActions) await writeSummary(settings.github.files, formatDoctorMarkdown(report));
    setExitCode(doctorExitCode(report));
  });
}
