/** Renders a ValidationReport for people (text) and for programs (json). Pure functions. */
import type { Problem } from "../manifest/problems.js";
import type { ValidationReport } from "./validate.js";

/** The versioned JSON shape printed by `photosync validate --format json` (documented in the README). */
export interface ValidationJson {
  format: "photosync.validate/v1";
  manifest: string;
  valid: boolean;
  summary: { errors: number; warnings: number; users: number; photos: number };
  problems: Array<{
    severity: "error" | "warning";
    code: string;
    message: string;
    file: string | null;
    line: number | null;
    column: number | null;
    endLine: number | null;
    endColumn: number | null;
    photo: string | null;
  }>;
}

export function toValidationJson(report: ValidationReport): ValidationJson {
  return {
    format: "photosync.validate/v1",
    manifest: report.manifest,
    valid: report.valid,
    summary: { errors: report.errors, warnings: report.warnings, users: report.users, photos: report.photos },
    problems: report.problems.map((problem) => ({
      severity: problem.severity,
      code: problem.code,
      message: problem.message,
      file: problem.position?.file ?? null,
      line: problem.position?.line ?? null,
      column: problem.position?.column ?? null,
      endLine: problem.position?.endLine ?? null,
      endColumn: problem.position?.endColumn ?? null,
      photo: problem.photo ?? null,
    })),
  };
}

export interface TextStyle {
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  dim(text: string): string;
}

const ansi = (code: number) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;
export const COLOUR: TextStyle = { red: ansi(31), yellow: ansi(33), green: ansi(32), dim: ansi(2) };
export const PLAIN: TextStyle = { red: (t) => t, yellow: (t) => t, green: (t) => t, dim: (t) => t };

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

export function formatProblemLine(problem: Problem, style: TextStyle = PLAIN): string {
  const where = problem.position ? `${problem.position.file}:${problem.position.line}:${problem.position.column} ` : "";
  const severity = problem.severity === "error" ? style.red("error") : style.yellow("warning");
  return `${where}${severity}: ${problem.message} ${style.dim(`[${problem.code}]`)}`;
}

/** The closing line: valid or not, with counts. */
export function formatValidationSummary(report: ValidationReport, style: TextStyle = PLAIN): string {
  const counted = `${plural(report.users, "user")}, ${plural(report.photos, "photo")}`;
  if (report.valid) {
    const warnings = report.warnings > 0 ? ` with ${plural(report.warnings, "warning")}` : "";
    return `${style.green(`✔ ${report.manifest} is valid${warnings} (${counted})`)}\n`;
  }
  return `${style.red(`✖ ${plural(report.errors, "error")}, ${plural(report.warnings, "warning")} in ${report.manifest} (${counted})`)}\n`;
}

export function formatValidationText(report: ValidationReport, style: TextStyle = PLAIN): string {
  const lines = report.problems.map((problem) => `${formatProblemLine(problem, style)}\n`);
  return lines.join("") + formatValidationSummary(report, style);
}
