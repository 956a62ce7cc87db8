import type { Command } from "commander";
import path from "node:path";
import { readGitHubContext } from "../../github/context.js";
import { formatPlanText } from "../../plan/format-text.js";
import { runPlan } from "../../reconcile/plan-run.js";
import { fitHeapGrowthToPlan } from "../heap.js";
import { readSettings } from "../settings.js";
import { EXIT } from "../io.js";
import type { CommandContext } from "../io.js";
import { addTenantOptions, reportProblems } from "./plan.js";
import type { PicturesCommandOptions } from "../pictures.js";
import { addPicturesOptions, picturesDirProblem, picturesLines } from "../pictures.js";

/**
 * `photosync drift`: a full plan of every managed person, published as a GitHub issue that is open
 * exactly while the tenant differs from the repo. A failed read is an error (exit 1), not drift:
 * the issue is left alone then.
 */
export function registerDrift(program: Command, { io, setExitCode }: CommandContext): void {
  addPicturesOptions(
    addTenantOptions(
      program
        .command("drift")
        .description("GitHub Actions: check every managed person against the tenant; open, update or close the drift issue. Exit 0 whether drifted or not, 1 on errors.")
        .option("-m, --manifest <file>", "the manifest", "photos.yaml"),
    ),
  ).action(async (options: { manifest: string; emulator?: boolean; resetEmulator?: boolean } & PicturesCommandOptions) => {
    // Checked before planning: a full plan reads every managed person, all for nothing when the
    // issue cannot be written.
    const settings = readSettings(io.env, io.cwd);
    const refusal = !settings.github.isActions
      ? "drift runs inside GitHub Actions (GITHUB_ACTIONS=true), where it keeps the drift issue; use photosync plan elsewhere. Nothing was read"
      : !settings.github.token
        ? "drift needs GITHUB_TOKEN to open, update or close the drift issue: pass it to this step (env: GITHUB_TOKEN: ${{ github.token }}); nothing was read"
        : undefined;
    const picturesProblem = options.pictures !== undefined ? picturesDirProblem(path.resolve(io.cwd, options.pictures)) : undefined;
    if (picturesProblem) {
      io.stderr.write(`photosync: ${picturesProblem}\n`);
      setExitCode(EXIT.usage);
      return;
    }
    if (refusal) {
      io.stderr.write(`photosync: ${refusal}\n`);
      setExitCode(EXIT.failure);
      return;
    }
    const github = readGitHubContext(settings.github);
    const manifestPath = path.resolve(io.cwd, options.manifest);
    const result = await runPlan({
      manifestPath,
      displayName: path.relative(io.cwd, manifestPath) || manifestPath,
      settings,
      // Scheduled background traffic: Graph may serve it after interactive work (x-ms-throttle-priority: low).
      background: true,
      ...(options.emulator || options.resetEmulator ? { emulator: { reset: options.resetEmulator === true } } : {}),
      warn: (message) => io.stderr.write(`photosync: warning: ${message}\n`),
      onLoaded: ({ people }) => fitHeapGrowthToPlan(people),
      ...(options.pictures !== undefined ? { pictures: { dir: path.resolve(io.cwd, options.pictures), kind: "drift" as const, max: options.picturesMax } } : {}),
    });
    if (!result.ok) {
      setExitCode(reportProblems(result, io));
      return;
    }
    io.stdout.write(formatPlanText(result.plan, { colour: false }));
    if (result.pictures) for (const line of picturesLines(result.pictures, io.cwd, options.picturesMax)) io.stderr.write(`${line}\n`);
    if (result.plan.counts.unknown > 0) {
      (await import("@actions/core")).error(`photosync could not read ${result.plan.counts.unknown} store(s); this is not drift, and the drift issue was left as it is. See the plan above.`);
      setExitCode(EXIT.failure);
      return;
    }
    const { publishDrift } = await import("../../github/publish.js");
    const outcome = await publishDrift(result.plan, github, result.pictures ? { people: result.pictures.files.people } : undefined);
    io.stdout.write(`photosync: ${outcome.drifted ? "drift found" : "no drift"}; drift issue ${outcome.issue}${outcome.number !== undefined ? ` (#${outcome.number})` : ""}\n`);
    setExitCode(EXIT.ok);
  });
}
