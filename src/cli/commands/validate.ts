import { Option } from "commander";
import type { Command } from "commander";
import path from "node:path";
import { COLOUR, formatValidationSummary, formatValidationText, PLAIN, toValidationJson } from "../../validate/format.js";
import { validateRepo } from "../../validate/validate.js";
import { EXIT, useColour } from "../io.js";
import type { CommandContext } from "../io.js";
import { readSettings } from "../settings.js";
import type { Settings } from "../settings.js";

export type OutputFormat = "text" | "json" | "github";

/** `--format` defaults to github inside GitHub Actions, text elsewhere. */
export function defaultFormat(github: Settings["github"]): OutputFormat {
  return github.isActions ? "github" : "text";
}

export function registerValidate(program: Command, { io, setExitCode }: CommandContext): void {
  program
    .command("validate")
    .description("Check photos.yaml against its schema and every photo it names; exit 0 when valid, 1 when not.")
    .option("-m, --manifest <file>", "the manifest to check", "photos.yaml")
    .addOption(new Option("-f, --format <format>", "output format (default: github in GitHub Actions, else text)").choices(["text", "json", "github"]))
    .action(async (options: { manifest: string; format?: OutputFormat }) => {
      const settings = readSettings(io.env, io.cwd);
      const manifestPath = path.resolve(io.cwd, options.manifest);
      const displayName = path.relative(io.cwd, manifestPath) || manifestPath;
      const report = await validateRepo(manifestPath, displayName);
      const format = options.format ?? defaultFormat(settings.github);
      if (format === "json") {
        io.stdout.write(`${JSON.stringify(toValidationJson(report), null, 2)}\n`);
      } else if (format === "github") {
        (await import("../../github/annotations.js")).annotate(report.problems, settings.github.workspace ?? io.cwd, io.cwd);
        io.stdout.write(formatValidationSummary(report));
      } else {
        io.stdout.write(formatValidationText(report, useColour(io, settings.colour) ? COLOUR : PLAIN));
      }
      setExitCode(report.valid ? EXIT.ok : EXIT.failure);
    });
}
