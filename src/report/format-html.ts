/**
 * The report as ONE self-contained HTML page: styles inline, thumbnails as data: URIs, no script,
 * nothing fetched (a strict Content-Security-Policy says so to the browser too). People are
 * grouped by problem; every state is said in words, never by colour alone. Every value from the
 * tenant is escaped: a UPN is hostile input. Pure.
 */
import type { Report, ReportRow } from "./model.js";
import { CATEGORY_ORDER, CATEGORY_WORDS, factsLine, summaryLine } from "./model.js";
import { STORE_WORDS, kindOf, placeholderWords, repoWords, samePictureWords } from "./format.js";

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** img-src data: only (the thumbnails); no script, no fetch, no form, no frame. */
export const REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Only JPEG data: URIs the pipeline made are put in a page; anything else is dropped. */
const isJpegDataUri = (uri: string | undefined): uri is string => uri !== undefined && /^data:image\/jpeg;base64,[A-Za-z0-9+/]+=*$/.test(uri);

/** A store's cell: the picture with the state in words below it, or a box that says the state. */
function storeCell(uri: string | undefined, label: string, state: string): string {
  return isJpegDataUri(uri) ? `<img src="${uri}" width="48" height="48" alt="${escapeHtml(label)}"><br>${state}` : `<span class="none">${state}</span>`;
}

function rowHtml(row: ReportRow): string {
  const facts = [kindOf(row), row.placeholderState !== undefined ? `SharePoint placeholder state: ${placeholderWords(row)}` : undefined, row.repo ? `repo: ${repoWords(row)}` : undefined].filter((fact): fact is string => fact !== undefined);
  const details = [...(row.changes ?? []), ...(row.error ? [row.error] : [])];
  return [
    "<tr>",
    `<th scope="row"><code>${escapeHtml(row.upn)}</code></th>`,
    `<td>${storeCell(row.thumbnails?.graph, `Entra ID photo of ${row.upn}`, STORE_WORDS[row.graph])}</td>`,
    `<td>${storeCell(row.thumbnails?.sharePoint, `SharePoint picture of ${row.upn}`, STORE_WORDS[row.sharePoint])}</td>`,
    `<td>${samePictureWords(row)}</td>`,
    `<td>${escapeHtml(facts.join("; "))}${details.length > 0 ? `<ul>${details.map((detail) => `<li>${escapeHtml(detail)}</li>`).join("")}</ul>` : ""}</td>`,
    "</tr>",
  ].join("");
}

const STYLE = `body{font:15px/1.4 system-ui,sans-serif;margin:2rem;color:#1b1b1b;background:#fff}
table{border-collapse:collapse;margin-bottom:2rem}th,td{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}
thead th{background:#eee}img{display:block;image-rendering:auto}.none{display:inline-block;width:48px;height:48px;line-height:48px;text-align:center;border:1px dashed #888;font-size:11px}
code{font-size:13px;overflow-wrap:anywhere}section{margin-top:1.5rem}`;

export function formatReportHtml(report: Report): string {
  const groups = CATEGORY_ORDER.filter((category) => report.counts[category] > 0).map((category) => {
    const rows = report.rows.filter((row) => row.category === category);
    const heading = `${CATEGORY_WORDS[category].heading} (${rows.length.toLocaleString("en-US")})`;
    return [
      `<section id="${category}" aria-labelledby="h-${category}">`,
      `<h2 id="h-${category}">${escapeHtml(heading)}</h2>`,
      `<table><thead><tr><th scope="col">Person</th><th scope="col">Entra ID</th><th scope="col">SharePoint</th><th scope="col">Same picture</th><th scope="col">Facts</th></tr></thead><tbody>`,
      ...rows.map(rowHtml),
      "</tbody></table></section>",
    ].join("\n");
  });
  const contents = CATEGORY_ORDER.filter((category) => report.counts[category] > 0).map((category) => `<li><a href="#${category}">${escapeHtml(CATEGORY_WORDS[category].heading)}</a>: ${report.counts[category].toLocaleString("en-US")}</li>`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>photosync report: ${escapeHtml(report.tenant)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>photosync report: ${escapeHtml(report.tenant)}</h1>
<p id="summary">${escapeHtml(summaryLine(report))}</p>
<p>${escapeHtml(factsLine(report))}. Read ${escapeHtml(report.generatedAt)}.</p>
<nav aria-label="Groups"><ul>${contents.join("")}</ul></nav>
${groups.join("\n")}
</main>
</body>
</html>
`;
}
