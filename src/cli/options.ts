/**
 * Option values shared by several commands, parsed in one place so every command refuses the same
 * things the same way: a value commander's argParser rejects is a usage error (exit 64) before the
 * command reads anything.
 */
import { InvalidArgumentError, Option } from "commander";
import type { Problem } from "../manifest/problems.js";

/**
 * `--users a@x,b@y`: the UPNs, trimmed. An empty or blank list is refused rather than read as "no
 * filter": `--users "$UNSET_VARIABLE"` must never mean everyone (an apply of the whole tenant).
 */
export function parseUsers(value: string): string[] {
  const upns = value
    .split(",")
    .map((upn) => upn.trim())
    .filter((upn) => upn !== "");
  if (upns.length === 0) {
    throw new InvalidArgumentError("--users needs at least one UPN (comma-separated); leave the option out to include everyone the manifest manages.");
  }
  return upns;
}

/** The --users option of every command that takes one. */
export function usersOption(): Option {
  return new Option("-u, --users <upns>", "only these users, comma-separated UPNs (case-insensitive; each must be in the manifest)").argParser(parseUsers);
}

/** runPlan's code for --users naming people the manifest does not have (src/reconcile/plan-run.ts). */
export const UNKNOWN_USER = "unknown-user";

/** The message for UPNs given to --users that the manifest does not name. */
export function unknownUsersMessage(upns: readonly string[]): string {
  return `--users: not in the manifest: ${upns.join(", ")}`;
}

/** True when every problem is an unknown --users UPN: the command line is wrong, not the manifest. */
export function onlyUnknownUsers(problems: readonly Problem[]): boolean {
  return problems.length > 0 && problems.every((problem) => problem.code === UNKNOWN_USER);
}

/** `--expect-digest`: a plan digest is the sha256 of the plan, 64 lower-case hex digits. */
export function parseDigest(value: string): string {
  if (!/^[0-9a-f]{64}$/.test(value)) {
    throw new InvalidArgumentError("a plan digest is 64 lower-case hex digits (the `digest` of `photosync plan --format json`).");
  }
  return value;
}
