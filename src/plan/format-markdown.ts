/**
 * The plan as a pull-request comment: a summary table, one row per step that does something, and
 * the unified diff of each changing user folded away. It always fits GitHub's 65,536-character
 * comment limit: rows past the budget are summarised instead of cut mid-way. Pure.
 */
import type { Action, Plan, StoreStep, UserPlan } from "./model.js";
import { hasChanges } from "./plan.js";
import { userStateDiff } from "./state-diff.js";
import { userAction } from "./format-text.js";

/** GitHub refuses comments longer than this (characters). */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** Hidden marker by which the Actions glue finds its own comment to edit. */
export const PLAN_COMMENT_MARKER = "<!-- photosync:plan -->";

const EMOJI: Record<Action, string> = { create: "➕", update: "🔄", delete: "🗑️", noop: "✅", skip: "⏭️", unknown: "❓" };

/** Escapes text for a table cell: pipes, newlines and anything that could open HTML or a mention. */
export function cell(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@/g, "@\u200b") // no accidental @-mentions of UPN local parts
    .replace(/\r?\n/g, " ");
}

const photo = (summary: StoreStep["before"]): string =>
  summary === undefined ? "" : summary === null ? "none" : `${summary.width}×${summary.height} \`${summary.hash.slice(0, 8)}\``;

function distance(step: StoreStep): string {
  return step.distance ? `${step.distance.hash} bits, ΔE ${step.distance.colour}` : "";
}

function userRows(user: UserPlan): string[] {
  return user.steps
    .filter((step) => step.action !== "noop")
    .map((step) => `| ${cell(user.upn)} | ${step.store} | ${EMOJI[step.action]} ${step.action} | ${cell(step.reason)} | ${photo(step.before)} | ${photo(step.after)} | ${distance(step)} |`);
}

function userDetails(user: UserPlan): string | undefined {
  const diff = userStateDiff(user);
  if (!diff) return undefined;
  return `<details><summary>${cell(user.upn)}</summary>\n\n\`\`\`diff\n${diff.replace(/```/g, "``\u200b`")}\n\`\`\`\n</details>`;
}

export interface MarkdownOptions {
  /** A line under the heading, e.g. which commit was planned. */
  context?: string;
  /** Character budget; defaults to GitHub's comment limit. */
  limit?: number;
}

export function formatPlanMarkdown(result: Plan, options: MarkdownOptions = {}): string {
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT;
  const { create, update, delete: remove, noop, skip, unknown } = result.counts;
  const title = unknown > 0 ? "❓ photosync plan incomplete: some reads failed" : hasChanges(result) ? "photosync plan" : "✅ photosync plan: no changes";
  const head = [
    PLAN_COMMENT_MARKER,
    `### ${title}`,
    ...(options.context ? ["", options.context] : []),
    "",
    "| ➕ create | 🔄 update | 🗑️ delete | ✅ unchanged | ⏭️ skipped | ❓ unknown |",
    "|---:|---:|---:|---:|---:|---:|",
    `| ${create} | ${update} | ${remove} | ${noop} | ${skip} | ${unknown} |`,
    "",
  ].join("\n");
  const foot = `\n<sub>Tenant \`${cell(result.tenant)}\` · digest \`${result.digest}\`</sub>\n`;

  const interesting = result.users.filter((user) => userAction(user) !== "noop");
  if (interesting.length === 0) return `${head}No changes: every managed photo is already in line.\n${foot}`;

  const tableHead = "| user | store | action | reason | now | after | distance |\n|---|---|---|---|---|---|---|\n";
  // Reserve room for the summary line that replaces whatever does not fit.
  const reserve = 300;
  let budget = limit - head.length - foot.length - tableHead.length - reserve;
  const rows: string[] = [];
  const details: string[] = [];
  let shown = 0;
  for (const user of interesting) {
    const block = `${userRows(user).join("\n")}\n`;
    if (block.length > budget) break;
    budget -= block.length;
    rows.push(block);
    shown++;
  }
  for (const user of interesting.slice(0, shown)) {
    const block = userDetails(user);
    if (!block || block.length + 1 > budget) continue;
    budget -= block.length + 1;
    details.push(block);
  }
  const omitted = interesting.length - shown;
  const more = omitted > 0 ? `\n…and ${omitted} more user${omitted === 1 ? "" : "s"} with changes not listed here to stay within GitHub's comment limit; the job summary and \`photosync plan --format json\` have them all.\n` : "";
  const diffs = details.length > 0 ? `\n#### What changes, per user\n\n${details.join("\n")}\n` : "";
  return `${head}${tableHead}${rows.join("")}${more}${diffs}${foot}`;
}
