/** An apply report for a terminal (text), for programs (json) and for GitHub (markdown). Pure. */
import { cell, code, GITHUB_COMMENT_LIMIT, noticeBlock } from "../plan/format-markdown.js";
import { noticeLines } from "../plan/format-text.js";
import type { Plan } from "../model/plan.js";
import type { ApplyReport, Outcome, StepResult } from "../model/apply.js";
import type { RailRefusal } from "../plan/rails.js";

const SYMBOL: Record<Outcome, string> = { done: "✔", pending: "…", failed: "✖", skipped: "·" };
const COLOUR: Record<Outcome, number> = { done: 32, pending: 36, failed: 31, skipped: 2 };

/** What a pending step means, said once under the report (apply's exit code stays 0 for it). */
export const PENDING_NOTE = "pending: written, not yet served (Graph can take minutes; photosync will check on the next run)";

function errorText(step: { error?: StepResult["error"] }): string {
  return step.error ? ` — ${step.error.code}: ${step.error.message}` : "";
}

/** Steps named in the counts line; the rest are counted, the report lists them all. */
const NAMED = 3;
/** A long service message is cut in the counts line (the report above has it whole). */
const NAMED_TEXT_MAX = 120;

/** "bob@contoso.com spo: Forbidden: Access denied; …; and 2 more": which steps had this outcome. */
function named(report: ApplyReport, outcome: Outcome): string {
  const steps = [
    ...(report.settings ?? []).filter((step) => step.outcome === outcome).map((step) => ({ who: "tenant", where: step.setting, step })),
    ...report.users.flatMap((user) => user.steps.filter((step) => step.outcome === outcome).map((step) => ({ who: user.upn, where: step.store, step }))),
  ];
  if (steps.length === 0) return "";
  const names = steps.slice(0, NAMED).map(({ who, where, step }) => {
    const why = step.error ? `${step.error.code}: ${step.error.message}` : step.detail;
    return `${who} ${where}: ${why.length > NAMED_TEXT_MAX ? `${why.slice(0, NAMED_TEXT_MAX - 1)}…` : why}`;
  });
  const rest = steps.length - names.length;
  return ` (${names.join("; ")}${rest > 0 ? `; and ${rest} more` : ""})`;
}

/** The counts, with the failed and skipped steps named: "2 done" alone would hide why the exit code is 1. */
export function countsText(report: ApplyReport): string {
  // "pending" only when there is some: the line stays as it was for every apply without.
  const pending = report.counts.pending > 0 ? `${report.counts.pending} pending, ` : "";
  return `${report.counts.done} done, ${pending}${report.counts.failed} failed${named(report, "failed")}, ${report.counts.skipped} skipped${named(report, "skipped")}`;
}

/**
 * Complete only when everything was done: failed or skipped steps make the exit code 1. Pending
 * steps were written and accepted, so they do not (the next plan checks them).
 */
function verdict(report: ApplyReport): "complete" | "complete, writes pending" | "finished with failures" | "incomplete" {
  if (report.counts.failed > 0) return "finished with failures";
  if (report.counts.skipped > 0) return "incomplete";
  return report.counts.pending > 0 ? "complete, writes pending" : "complete";
}

export function formatApplyText(report: ApplyReport, colour: boolean): string {
  const paint = (text: string, outcome: Outcome) => (colour ? `\u001b[${COLOUR[outcome]}m${text}\u001b[0m` : text);
  const lines = [`photosync apply for ${report.tenant} (plan ${report.digest.slice(0, 12)})`, ""];
  if (report.settings && report.settings.length > 0) {
    lines.push("  Tenant settings");
    for (const step of report.settings) lines.push(`      ${paint(`${SYMBOL[step.outcome]} ${step.setting} ${step.action.padEnd(7)}`, step.outcome)} ${step.detail}${errorText(step)}`);
  }
  for (const user of report.users) {
    lines.push(`  ${user.upn}`);
    for (const step of user.steps) {
      lines.push(`      ${paint(`${SYMBOL[step.outcome]} ${step.store.padEnd(3)} ${step.action.padEnd(7)}`, step.outcome)} ${step.detail}${errorText(step)}`);
    }
  }
  if (report.users.length === 0 && !report.settings?.length) lines.push("  nothing to do: every managed photo is already in line");
  lines.push("", ...noticeLines(report.notices));
  lines.push(`Apply ${verdict(report)}: ${countsText(report)}.`);
  if (report.counts.pending > 0) lines.push(`${PENDING_NOTE[0]!.toUpperCase()}${PENDING_NOTE.slice(1)}.`);
  return `${lines.join("\n")}\n`;
}

export function formatApplyJson(report: ApplyReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * `apply --format json` when a safety rail refused: still a photosync.apply/v1 document (nothing
 * done, so no users and zero counts), with `refused` saying why. `rail` and `message` are the
 * first rail broken; `rails` lists every one (the update and remove shares can both be over).
 */
export interface ApplyRefusal extends ApplyReport {
  refused: { reason: "safety-rail"; rail: RailRefusal["rail"]; message: string; rails: RailRefusal[] };
}

export function formatApplyRefusalJson(plan: Plan, refusals: readonly RailRefusal[]): string {
  const [first] = refusals;
  if (!first) throw new Error("a refusal needs at least one rail");
  const document: ApplyRefusal = {
    format: "photosync.apply/v1",
    tenant: plan.tenant,
    digest: plan.digest,
    refused: { reason: "safety-rail", rail: first.rail, message: first.message, rails: [...refusals] },
    users: [],
    counts: { done: 0, pending: 0, failed: 0, skipped: 0 },
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

export function formatApplyMarkdown(report: ApplyReport, limit = GITHUB_COMMENT_LIMIT): string {
  const head = [
    `### ${{ complete: "✔", "complete, writes pending": "⏳", "finished with failures": "✖", incomplete: "❓" }[verdict(report)]} photosync apply ${verdict(report)}`,
    "",
    `| ✔ done | ✖ failed | · skipped |`,
    `|---:|---:|---:|`,
    `| ${report.counts.done} | ${report.counts.failed} | ${report.counts.skipped} |`,
    "",
    ...noticeBlock(report.notices),
    ...(report.counts.pending > 0 ? [`⏳ ${report.counts.pending} ${PENDING_NOTE}.`, ""] : []),
    "| user | store | action | outcome | detail |",
    "|---|---|---|---|---|",
    "",
  ].join("\n");
  const foot = `\n<sub>Tenant ${code(report.tenant)} · plan digest \`${report.digest}\`</sub>\n`;
  // Failures first: they are what a reader must see when the comment is cut.
  const rows = [
    // Tenant settings first, then the people: "tenant" in the user column, the setting as the store.
    ...(report.settings ?? []).map((step) => ({ who: "tenant", where: step.setting, step })),
    ...report.users.flatMap((user) => user.steps.map((step) => ({ who: code(user.upn), where: step.store, step }))),
  ]
    .sort((a, b) => Number(b.step.outcome === "failed") - Number(a.step.outcome === "failed"))
    .map(({ who, where, step }) => `| ${who} | ${where} | ${step.action} | ${SYMBOL[step.outcome]} ${step.outcome} | ${cell(step.detail + errorText(step))} |\n`);
  let budget = limit - head.length - foot.length - 200;
  let body = "";
  let shown = 0;
  for (const row of rows) {
    if (row.length > budget) break;
    budget -= row.length;
    body += row;
    shown++;
  }
  const more = shown < rows.length ? `\n…and ${rows.length - shown} more steps not listed here (GitHub's comment limit); \`photosync apply --format json\` has them all.\n` : "";
  return `${head}${body}${more}${foot}`;
}
