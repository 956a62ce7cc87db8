/**
 * The doctor's checklist as text (a terminal; colour only when asked), markdown (the job summary,
 * one table per area) and JSON (`photosync.doctor/v1`). Pure.
 */
import { cell, code } from "../plan/format-markdown.js";
import type { CheckStatus, DoctorCheck, DoctorReport } from "./report.js";
import { AREAS, doctorExitCode } from "./report.js";

const LABEL: Record<CheckStatus, string> = { pass: "pass", fail: "FAIL", warn: "warn", info: "info" };
const COLOUR: Record<CheckStatus, string> = { pass: "32", fail: "31", warn: "33", info: "36" };
const EMOJI: Record<CheckStatus, string> = { pass: "✅", fail: "❌", warn: "⚠️", info: "ℹ️" };

function identityLine(report: DoctorReport): string {
  const app = report.app.name && report.app.clientId ? `${report.app.name}, ${report.app.clientId}` : (report.app.name ?? report.app.clientId);
  return `tenant ${report.tenant}, signed in as the ${report.identity === "writer" ? "writer (read-write)" : "reader (read-only)"} identity${app ? ` (${app})` : ""}`;
}

export function wroteLine(report: DoctorReport): string {
  return report.wrote ? "One idempotent profile write was made (SPS-PicturePlaceholderState written back with the value it had); nothing else was written." : "Nothing was written.";
}

export function resultLine(report: DoctorReport): string {
  const { pass, fail, warn, info } = report.counts;
  const verdict = doctorExitCode(report) === 0 ? "everything the manifest asks for is possible" : "some of what the manifest asks for is not possible: fix the failed lines";
  return `${pass} passed, ${fail} failed, ${warn} warning${warn === 1 ? "" : "s"}, ${info} note${info === 1 ? "" : "s"}: ${verdict}`;
}

const grouped = (report: DoctorReport): Array<{ title: string; checks: DoctorCheck[] }> =>
  AREAS.map(({ area, title }) => ({ title, checks: report.checks.filter((check) => check.area === area) })).filter((group) => group.checks.length > 0);

export function formatDoctorText(report: DoctorReport, options: { colour: boolean }): string {
  const paint = (status: CheckStatus) => (options.colour ? `\u001b[${COLOUR[status]}m${LABEL[status]}\u001b[0m` : LABEL[status]);
  const lines = [`photosync doctor: ${identityLine(report)}`, wroteLine(report)];
  for (const group of grouped(report)) {
    lines.push("", group.title);
    for (const check of group.checks) {
      lines.push(`  ${paint(check.status)}  ${check.title}`);
      if (check.detail) lines.push(`        ${check.detail}`);
      if (check.fix) lines.push(`        fix: ${check.fix}`);
    }
  }
  lines.push("", resultLine(report), "");
  return lines.join("\n");
}

export function formatDoctorMarkdown(report: DoctorReport): string {
  const parts = [`## photosync doctor`, "", `${cell(identityLine(report))}. ${wroteLine(report)}`, "", `**${cell(resultLine(report))}**`];
  for (const group of grouped(report)) {
    parts.push("", `### ${group.title}`, "", "| | Check | Details | Fix |", "|---|---|---|---|");
    for (const check of group.checks) parts.push(`| ${EMOJI[check.status]} ${check.status} | ${cell(check.title)} | ${cell(check.detail ?? "")} | ${cell(check.fix ?? "")} |`);
  }
  parts.push("", `Checked by \`photosync doctor\` (${code(report.format)}).`, "");
  return parts.join("\n");
}

export function formatDoctorJson(report: DoctorReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
