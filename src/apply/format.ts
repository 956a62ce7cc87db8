/** An apply report for a terminal (text), for programs (json) and for GitHub (markdown). Pure. */
import { cell, GITHUB_COMMENT_LIMIT } from "../plan/format-markdown.js";
import type { Plan } from "../plan/model.js";
import type { ApplyReport, Outcome, StepResult } from "./model.js";
import type { RailRefusal } from "./rails.js";

const SYMBOL: Record<Outcome, string> = { done: "✔", failed: "✖", skipped: "·" };
const COLOUR: Record<Outcome, number> = { done: 32, failed: 31, skipped: 2 };

function errorText(step: StepResult): string {
  return step.error ? ` — ${step.error.code}: ${step.error.message}` : "";
}

export function countsText(report: ApplyReport): string {
  return `${report.counts.done} done, ${report.counts.failed} failed, ${report.counts.skipped} skipped`;
}

export function formatApplyText(report: ApplyReport, colour: boolean): string {
  const paint = (text: string, outcome: Outcome) => (colour ? `\u001b[${COLOUR[outcome]}m${text}\u001b[0m` : text);
  const lines = [`photosync apply for ${report.tenant} (plan ${report.digest.slice(0, 12)})`, ""];
  for (const user of report.users) {
    lines.push(`  ${user.upn}`);
    for (const step of user.steps) {
      lines.push(`      ${paint(`${SYMBOL[step.outcome]} ${step.store.padEnd(3)} ${step.action.padEnd(7)}`, step.outcome)} ${step.detail}${errorText(step)}`);
    }
  }
  if (report.users.length === 0) lines.push("  nothing to do: every managed photo is already in line");
  lines.push("", `${report.counts.failed > 0 ? "Apply incomplete" : "Apply complete"}: ${countsText(report)}.`);
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
    counts: { done: 0, failed: 0, skipped: 0 },
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

export function formatApplyMarkdown(report: ApplyReport, limit = GITHUB_COMMENT_LIMIT): string {
  const head = [
    `### ${report.counts.failed > 0 ? "✖ photosync apply incomplete" : "✔ photosync apply complete"}`,
    "",
    `| ✔ done | ✖ failed | · skipped |`,
    `|---:|---:|---:|`,
    `| ${report.counts.done} | ${report.counts.failed} | ${report.counts.skipped} |`,
    "",
    "| user | store | action | outcome | detail |",
    "|---|---|---|---|---|",
    "",
  ].join("\n");
  const foot = `\n<sub>Tenant \`${cell(report.tenant)}\` · plan digest \`${report.digest}\`</sub>\n`;
  // Failures first: they are what a reader must see when the comment is cut.
  const rows = report.users
    .flatMap((user) => user.steps.map((step) => ({ user, step })))
    .sort((a, b) => Number(b.step.outcome === "failed") - Number(a.step.outcome === "failed"))
    .map(({ user, step }) => `| ${cell(user.upn)} | ${step.store} | ${step.action} | ${SYMBOL[step.outcome]} ${step.outcome} | ${cell(step.detail + errorText(step))} |\n`);
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
