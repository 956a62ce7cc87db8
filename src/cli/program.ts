import { Command, CommanderError } from "commander";
import { createRequire } from "node:module";
import type { CliIo } from "./io.js";
import { EXIT } from "./io.js";
import { registerApply } from "./commands/apply.js";
import { registerDrift } from "./commands/drift.js";
import { registerEmulator } from "./commands/emulator.js";
import { registerPlan } from "./commands/plan.js";
import { registerRender } from "./commands/render.js";
import { registerValidate } from "./commands/validate.js";

const packageJson = createRequire(import.meta.url)("../../package.json") as { version: string };

/** A command's action stores its exit code here; commander itself knows nothing of exit codes. */
export interface CommandContext {
  io: CliIo;
  setExitCode(code: number): void;
}

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
    .exitOverride();
  registerValidate(program, context);
  registerRender(program, context);
  registerPlan(program, context);
  registerApply(program, context);
  registerDrift(program, context);
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
    io.stderr.write(`photosync: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failure;
  }
}
