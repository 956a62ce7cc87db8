/** The report as text, JSON, CSV and markdown (the HTML page is format-html.ts). Pure. */
import { cell, code } from "../plan/format-markdown.js";
import type { Report, ReportRow, StoreState } from "./model.js";
import { CATEGORY_ORDER, CATEGORY_WORDS, factsLine, summaryLine } from "./model.js";

const STORE_WORDS: Record<StoreState, string> = { present: "photo", absent: "none", unknown: "unknown", "not-read": "not read" };

/** Who the person is, in words: "managed, guest, disabled". */
export function kindOf(row: ReportRow): string {
  const kind = [row.ignored ? "ignored" : row.managed ? "managed" : "not managed"];
  if (row.guest) kind.push("guest");
  if (row.disabled) kind.push("disabled");
  if (row.placeholder) kind.push("the default picture");
  return kind.join(", ");
}

export const samePictureWords = (row: ReportRow): string => (row.samePicture === undefined ? "-" : row.samePicture ? "same" : "different");
export const repoWords = (row: ReportRow): string => row.repo ?? "-";
export const placeholderWords = (row: ReportRow): string => (row.placeholderState === undefined ? "-" : row.placeholderState === "1" ? "placeholder (1)" : `picture (${row.placeholderState})`);

export function formatReportText(report: Report): string {
  const lines = [summaryLine(report), factsLine(report), ""];
  for (const category of CATEGORY_ORDER) {
    const rows = report.rows.filter((row) => row.category === category);
    if (rows.length === 0 || category === "everywhere") continue;
    lines.push(`${CATEGORY_WORDS[category].heading} (${rows.length}):`);
    for (const row of rows) {
      const facts = [kindOf(row), `Entra ID ${STORE_WORDS[row.graph]}`, `SharePoint ${STORE_WORDS[row.sharePoint]}`];
      if (row.repo) facts.push(`repo ${row.repo}`);
      if (row.error) facts.push(row.error);
      lines.push(`  ${JSON.stringify(row.upn).slice(1, -1)}  ${facts.join("; ")}`);
    }
    lines.push("");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

/** Versioned JSON (photosync.report/v1); thumbnails are the HTML page's and stay out of it. */
export function formatReportJson(report: Report): string {
  const rows = report.rows.map(({ thumbnails: _thumbnails, ...row }) => row);
  return `${JSON.stringify({ ...report, rows }, null, 2)}\n`;
}

export const CSV_COLUMNS = ["upn", "id", "category", "managed", "ignored", "guest", "disabled", "entra_id", "sharepoint", "same_picture", "placeholder_state", "repo", "changes", "error"] as const;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. A value a
 * spreadsheet would run as a formula (= + - @, tab or carriage return first) gets a ' in front.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function formatReportCsv(report: Report): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const row of report.rows) {
    const fields = [
      row.upn,
      row.id,
      row.category,
      String(row.managed),
      String(row.ignored),
      String(row.guest),
      String(row.disabled),
      row.graph,
      row.sharePoint,
      row.samePicture === undefined ? "" : samePictureWords(row),
      row.placeholderState ?? "",
      row.repo ?? "",
      (row.changes ?? []).join("; "),
      row.error ?? "",
    ];
    lines.push(fields.map(csvField).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}

/** A job summary holds at most 1 MiB: each group's table stops here (the other forms list everyone). */
export const MARKDOWN_ROWS_PER_GROUP = 200;

/** Markdown for a job summary: the summary, a table of the counts, and a table per problem group. */
export function formatReportMarkdown(report: Report, options: { htmlLink?: string } = {}): string {
  const lines = ["## photosync report", "", cell(summaryLine(report)), "", cell(factsLine(report)), ""];
  if (options.htmlLink) lines.push(`[The report as a page, with pictures](${options.htmlLink})`, "");
  lines.push("| People | Count |", "| --- | ---: |");
  for (const category of CATEGORY_ORDER) lines.push(`| ${cell(CATEGORY_WORDS[category].heading)} | ${report.counts[category].toLocaleString("en-US")} |`);
  lines.push(`| **All** | **${report.total.toLocaleString("en-US")}** |`, "");
  for (const category of CATEGORY_ORDER) {
    if (category === "everywhere" || category === "unmanaged" || category === "ignored") continue;
    const rows = report.rows.filter((row) => row.category === category);
    if (rows.length === 0) continue;
    lines.push(`### ${cell(CATEGORY_WORDS[category].heading)} (${rows.length})`, "", "| Person | Kind | Entra ID | SharePoint | Same picture | Repo |", "| --- | --- | --- | --- | --- | --- |");
    for (const row of rows.slice(0, MARKDOWN_ROWS_PER_GROUP)) {
      lines.push(`| ${code(row.upn)} | ${cell(kindOf(row))} | ${STORE_WORDS[row.graph]} | ${STORE_WORDS[row.sharePoint]} | ${samePictureWords(row)} | ${cell(repoWords(row))} |`);
    }
    if (rows.length > MARKDOWN_ROWS_PER_GROUP) lines.push("", `…and ${(rows.length - MARKDOWN_ROWS_PER_GROUP).toLocaleString("en-US")} more (the JSON, CSV and HTML forms list everyone).`);
    lines.push("");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

export { STORE_WORDS };
