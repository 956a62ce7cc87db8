import type { SourcePosition } from "../model/desired.js";

export type Severity = "error" | "warning";

/** One thing wrong (error) or worth knowing (warning) about the manifest or a photo. */
export interface Problem {
  severity: Severity;
  /** Stable identifier, e.g. "photo-too-small"; documented in the README. */
  code: string;
  message: string;
  /** Where in photos.yaml it is; absent only when the file itself cannot be read. */
  position?: SourcePosition & { endLine?: number; endColumn?: number };
  /** The photo file the problem is about, relative to the repo root. */
  photo?: string;
}

/**
 * Text from the manifest as it may appear in a message: control and bidirectional-override characters
 * are written as \\uXXXX escapes, so they neither garble a terminal or an annotation nor hide in it.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export function countBySeverity(problems: readonly Problem[]): { errors: number; warnings: number } {
  let errors = 0;
  for (const problem of problems) if (problem.severity === "error") errors++;
  return { errors, warnings: problems.length - errors };
}

/** Sorts problems by file, line, column, then errors before warnings: output order never depends on timing. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      (a.position?.file ?? "").localeCompare(b.position?.file ?? "") ||
      (a.position?.line ?? 0) - (b.position?.line ?? 0) ||
      (a.position?.column ?? 0) - (b.position?.column ?? 0) ||
      (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1) ||
      a.message.localeCompare(b.message),
  );
}
