import type { SourcePosition } from "./types.js";

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
