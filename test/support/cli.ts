/** Runs the photosync CLI in-process with captured output. */
import path from "node:path";
import { pathToFileURL } from "node:url";
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
 * The node arguments that run the CLI from source as a separate process, from any directory
 * (a bare `--import tsx` would be resolved from the child's working directory).
 */
export function cliProcessArgs(args: string[]): string[] {
  return [...tsxImportArgs(), path.join(ROOT, "src/cli/main.ts"), ...args];
}

/** The node arguments that let a child process load the TypeScript sources (through tsx). */
export function tsxImportArgs(): string[] {
  return ["--import", pathToFileURL(path.join(ROOT, "node_modules/tsx/dist/loader.mjs")).href];
}
