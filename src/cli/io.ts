import type { ColourSettings } from "./settings.js";

/** What a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** Read only by cli/settings.ts's readSettings, which each command calls first. */
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** A command's action stores its exit code here; commander itself knows nothing of exit codes. */
export interface CommandContext {
  io: CliIo;
  setExitCode(code: number): void;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColour(io: CliIo, colour: ColourSettings, stream: "stdout" | "stderr" = "stdout"): boolean {
  if (colour.noColor) return false;
  if (colour.forceColor) return true;
  return io[stream].isTTY === true;
}

/** Exit codes shared by every command (documented in the README). */
export const EXIT = {
  ok: 0,
  failure: 1,
  /** plan: there are changes (like terraform plan -detailed-exitcode). */
  changes: 2,
  /** apply: a safety rail refused the plan; nothing was written. */
  refused: 3,
  /** apply: the recomputed plan is not the reviewed one (--expect-digest); nothing was written. */
  digestMismatch: 4,
  usage: 64,
  /** A bug in photosync (EX_SOFTWARE): the message, the stack and where to report it. */
  internal: 70,
} as const;
