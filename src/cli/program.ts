import { Command, CommanderError } from "commander";
import { createRequire } from "node:module";
import type { CliIo, CommandContext } from "./io.js";
import { EXIT } from "./io.js";
import { AccessError, ServiceFailure, UserError } from "../model/errors.js";
import { registerApply } from "./commands/apply.js";
import { registerCompare } from "./commands/compare.js";
import { registerDoctor } from "./commands/doctor.js";
import { registerDrift } from "./commands/drift.js";
import { registerEmulator } from "./commands/emulator.js";
import { registerImport } from "./commands/import.js";
import { registerLinkFaces } from "./commands/link-faces.js";
import { registerPlan } from "./commands/plan.js";
import { registerRender } from "./commands/render.js";
import { registerReport } from "./commands/report.js";
import { registerValidate } from "./commands/validate.js";

const packageJson = createRequire(import.meta.url)("../../package.json") as { version: string };

/** Where a bug is reported (the internal-error message). */
const ISSUES_URL = "the photosync issue tracker";

/** Scripts and workflows branch on these; the README's "Exit codes" section says the same. */
const EXIT_CODES_HELP = `
Exit codes:
  ${EXIT.ok}   success (plan: no changes; apply --yes: every step done and verified; doctor: everything the manifest asks for is possible; compare: the same picture)
  ${EXIT.failure}   failure (validate: errors; plan: invalid manifest, sign-in failed or some state unknown; apply: a step failed; doctor: a check failed; compare: a different picture, or smaller than --min-edge)
  ${EXIT.changes}   plan (and apply without --yes): there are changes
  ${EXIT.refused}   apply: refused by a safety rail; nothing was written (--force overrides)
  ${EXIT.digestMismatch}   apply: --expect-digest does not match the recomputed plan; nothing was written
  ${EXIT.usage}  the command line is wrong (unknown option, bad value, --users naming nobody or someone not in the manifest; compare: a file missing or not an image)
  ${EXIT.internal}  a bug in photosync (the message says where to report it)

Run photosync <command> --help for a command's options.`;

/** Builds the photosync command line. Every command lives in ./commands and registers itself here. */
export function buildProgram(context: CommandContext): Command {
  const program = new Command("photosync")
    .description("Keep Microsoft 365 profile photos in line with a Git repo of approved photos.")
    .version(packageJson.version, "-V, --version")
    .showHelpAfterError("(run photosync --help for usage)")
    .configureOutput({
      writeOut: (text) => context.io.stdout.write(text),
      writeErr: (text) => context.io.stderr.write(text),
    })
    .addHelpText("after", EXIT_CODES_HELP)
    .exitOverride();
  registerValidate(program, context);
  registerRender(program, context);
  registerPlan(program, context);
  registerApply(program, context);
  registerDrift(program, context);
  registerLinkFaces(program, context);
  registerDoctor(program, context);
  registerReport(program, context);
  registerCompare(program, context);
  registerImport(program, context);
  registerEmulator(program, context);
  return program;
}

/** Runs photosync with argv (without node and script) and resolves to the process exit code. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram({ io, setExitCode: (code) => (exitCode = code) });
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    // The kind decides the message and the code (src/model/errors.ts); only a bug gets a stack.
    if (error instanceof UserError) {
      io.stderr.write(`photosync: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof AccessError || error instanceof ServiceFailure) {
      io.stderr.write(`photosync: ${error.message}\n`);
      return EXIT.failure;
    }
    const message = error instanceof Error ? error.message : String(error);
    const stack = error instanceof Error && error.stack ? `${error.stack}\n` : "";
    io.stderr.write(`photosync: internal error: ${message}\n${stack}please report this at ${ISSUES_URL}\n`);
    return EXIT.internal;
  }
}
