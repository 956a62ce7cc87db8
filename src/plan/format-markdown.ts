/**
 * The plan as a pull-request comment: people counted in a line, a table of step counts, one row per
 * step that does something (skipped and unchanged steps are counted in a line instead), and the
 * unified diff of each changing user folded away. It always fits GitHub's 65,536-character
 * comment limit: rows past the budget are summarised instead of cut mid-way. Pure.
 */
import type { Action, Plan, PlanNotice, StoreStep, UserPlan } from "../model/plan.js";
import { hasChanges } from "./plan.js";
import { userStateDiff } from "./state-diff.js";
import { holderLines, listedSettings, peopleLine, plural, settingsChange } from "./format-text.js";

/** GitHub refuses comments longer than this (characters). */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** Hidden marker by which the Actions glue finds its own comment to edit. */
export const PLAN_COMMENT_MARKER = "<!-- photosync:plan -->";

const EMOJI: Record<Action, string> = { create: "➕", update: "🔄", delete: "🗑️", noop: "✅", pending: "⏳", skip: "⏭️", unknown: "❓" };

/**
 * Escapes text for a table cell: pipes, backticks, newlines and anything that could open HTML. An @
 * that GitHub would take for a mention (at the start or after a non-word character) goes in a code
 * span of its own, which GitHub does not scan: visible, and copied as it is. No invisible
 * characters: they would stay in whatever a reader copies.
 */
export function cell(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/`/g, "\\`")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/(^|\W)@(?=\w)/g, "$1`@`")
    .replace(/\r?\n/g, " ");
}

/**
 * A code span, for UPNs and other names a reader copies: shown exactly, never autolinked as an
 * e-mail address, never a mention. Its fence is longer than any run of backticks inside.
 */
export function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((run) => run[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  // Inside a table GFM still splits cells at |, even in a code span, unless it is escaped.
  return `${fence}${pad}${text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ")}${pad}${fence}`;
}

/** Text for HTML (a <summary>): markdown is not parsed there. */
const html = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A fenced block whose fence no line of the content can close early. */
function fenced(info: string, content: string): string {
  const longest = Math.max(0, ...[...content.matchAll(/`{3,}/g)].map((run) => run[0].length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${content}\n${fence}`;
}

const photo = (summary: StoreStep["before"]): string =>
  summary === undefined ? "" : summary === null ? "none" : `${summary.width}×${summary.height} \`${summary.hash.slice(0, 8)}\``;

function distance(step: StoreStep): string {
  return step.distance ? `${step.distance.hash} bits, ΔE ${step.distance.colour}` : "";
}

/** Steps that do something, or that could not be decided: the ones a reviewer must see. */
const LISTED: ReadonlySet<Action> = new Set(["create", "update", "delete", "pending", "unknown"]);

function userRows(user: UserPlan): string[] {
  return user.steps
    .filter((step) => LISTED.has(step.action))
    .map((step) => `| ${code(user.upn)} | ${step.store} | ${EMOJI[step.action]} ${step.action} | ${cell(step.reason)} | ${photo(step.before)} | ${photo(step.after)} | ${distance(step)} |`);
}

function userDetails(user: UserPlan): string | undefined {
  const diff = userStateDiff(user);
  if (!diff) return undefined;
  return `<details><summary><code>${html(user.upn)}</code></summary>\n\n${fenced("diff", diff)}\n</details>`;
}

/**
 * Where the link to the before/after review sheet goes: the sheet is uploaded after the comment or
 * issue is written (the link exists only then), and `photosync link-faces` puts it after this marker.
 */
export const FACES_MARKER = "<!-- photosync:faces -->";

/** "changed" on a plan, "drifted" on the drift issue. */
export type FacesWord = "changed" | "drifted";

/** The link to the review sheet: "[Review the 3 changed faces](url)". */
export function facesLink(people: number, word: FacesWord, url: string): string {
  // A parenthesis or a space would end the link's destination early: percent-encoded.
  const destination = url.replace(/[()\s]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
  return `[Review the ${plural(people, `${word} face`, `${word} faces`)}](${destination})`;
}

/** The marker and, once known, the link (a body without a marker gets neither). */
const FACES_LINK = new RegExp(`${FACES_MARKER}(\\n\\[Review the [^\\n]*)?`);

/** `body` with the review sheet's link after its marker (replacing an earlier link); undefined when it has no marker. */
export function withFacesLink(body: string, link: string): string | undefined {
  return FACES_LINK.test(body) ? body.replace(FACES_LINK, () => `${FACES_MARKER}\n${link}`) : undefined;
}

export interface MarkdownOptions {
  /** A line under the heading, e.g. which commit was planned. */
  context?: string;
  /** A review sheet was written for this many people: leave the place for its link (FACES_MARKER). */
  faces?: { people: number };
  /** Character budget; defaults to GitHub's comment limit. */
  limit?: number;
}

/** Tenant-wide notices as one GitHub alert, each notice a list item with its fix. */
export function noticeBlock(notices: readonly PlanNotice[] | undefined): string[] {
  if (!notices || notices.length === 0) return [];
  return [
    "> [!WARNING]",
    "> **About this tenant**",
    ...notices.map((notice) => `> - ${cell(notice.message)}${notice.consequence ? `: ${cell(notice.consequence)}` : ""}.${notice.fix ? ` **Fix:** ${cell(notice.fix)}.` : ""}`),
    "",
  ];
}

/** The tenant settings that change or could not be read, as a table of their own. */
function settingsBlock(result: Plan): string[] {
  const steps = listedSettings(result);
  if (steps.length === 0) return [];
  return [
    "**Tenant settings**",
    "",
    "| setting | action | now | after | what it means |",
    "|---|---|---|---|---|",
    ...steps.map((step) => {
      const { now, after } = settingsChange(step);
      return `| ${step.setting} | ${EMOJI[step.action]} ${step.action} | ${cell(now)} | ${cell(after)} | ${cell(step.consequence ?? step.reason)} |`;
    }),
    "",
  ];
}

export function formatPlanMarkdown(result: Plan, options: MarkdownOptions = {}): string {
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT;
  const { create, update, delete: remove, noop, pending, skip, unknown } = result.counts;
  const title = unknown > 0 ? "❓ photosync plan incomplete: some reads failed" : hasChanges(result) ? "photosync plan" : "✅ photosync plan: no changes";
  const head = [
    PLAN_COMMENT_MARKER,
    `### ${title}`,
    ...(options.context ? ["", options.context] : []),
    "",
    peopleLine(result),
    "",
    ...(options.faces && options.faces.people > 0 ? [FACES_MARKER, ""] : []),
    ...holderLines(result),
    ...noticeBlock(result.notices),
    "| ➕ create | 🔄 update | 🗑️ delete | ✅ unchanged | ⏭️ skipped | ❓ unknown |",
    "|---:|---:|---:|---:|---:|---:|",
    `| ${create} | ${update} | ${remove} | ${noop} | ${skip} | ${unknown} |`,
    // A blank line ends the table: without it GitHub reads what follows as more of its rows.
    "",
    ...(pending > 0 ? [`⏳ ${plural(pending, "step is", "steps are")} pending: written by an earlier apply, not yet served (Graph can take minutes); photosync checks again on every plan.`, ""] : []),
    ...settingsBlock(result),
    "",
  ].join("\n");
  const foot = `\n<sub>Tenant ${code(result.tenant)} · digest \`${result.digest}\`</sub>\n`;

  const interesting = result.users.filter((user) => user.steps.some((step) => LISTED.has(step.action)));
  if (interesting.length === 0) return `${head}No ${listedSettings(result).length > 0 ? "photo " : ""}changes: every managed photo is already in line.\n${foot}`;
  const unlisted = [...(skip > 0 ? [plural(skip, "skipped step", "skipped steps")] : []), ...(noop > 0 ? [plural(noop, "unchanged step", "unchanged steps")] : [])];
  const notListed = unlisted.length > 0 ? `\nNot listed: ${unlisted.join(" and ")}; \`photosync plan\` shows why each step is skipped.\n` : "";

  const tableHead = "| user | store | action | reason | now | after | distance |\n|---|---|---|---|---|---|---|\n";
  // Reserve room for the summary line that replaces whatever does not fit.
  const reserve = 300 + notListed.length;
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
  return `${head}${tableHead}${rows.join("")}${notListed}${more}${diffs}${foot}`;
}
