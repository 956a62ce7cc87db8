/** Runs the photosync CLI in-process with captured output, or gives the arguments that run the built one as a process. */
import { existsSync } from "node:fs";
import path from "node:path";
import { run } from "../../src/cli/program.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const pick = (env: NodeJS.ProcessEnv, names: readonly string[]): NodeJS.ProcessEnv =>
  Object.fromEntries(names.filter((name) => env[name] !== undefined).map((name) => [name, env[name]]));

export async function runCli(
  argv: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; tty?: boolean },
): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, {
    cwd: options.cwd,
    // git (--changed-since) runs with the command's environment, as the real CLI's is the process's:
    // it needs PATH to be found and HOME for its configuration; photosync reads neither.
    env: { ...pick(process.env, ["PATH", "HOME"]), ...(options.env ?? {}) },
    stdout: { write: (text: string) => (stdout += text), isTTY: options.tty ?? false },
    stderr: { write: (text: string) => (stderr += text), isTTY: options.tty ?? false },
  });
  return { code, stdout, stderr };
}

/**
 * The node arguments that run the built CLI (dist/cli/main.js) as a separate process, from any
 * directory. Only e2e-tier tests spawn it; that tier builds dist/ before it starts
 * (global-setup.ts).
 */
export function cliProcessArgs(args: string[]): string[] {
  const main = path.join(ROOT, "dist/cli/main.js");
  if (!existsSync(main)) throw new Error(`${main} is missing: tests that spawn the CLI belong in the e2e tier (*.e2e.test.ts), which builds dist/ first`);
  return [main, ...args];
}
