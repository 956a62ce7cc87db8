/**
 * Markdown as a reader sees it once rendered: markdown-it with its defaults, which include GFM
 * tables, as GitHub renders pull-request comments, issues and job summaries.
 */
import MarkdownIt from "markdown-it";
import type { Token } from "markdown-it";

export interface RenderedTable {
  header: string[];
  rows: string[][];
}

const markdown = new MarkdownIt({ html: true });

/** The visible text of an inline token: text and code spans, without the markup around them. */
function textOf(inline: Token): string {
  return (inline.children ?? [])
    .map((child) => (child.type === "text" || child.type === "code_inline" ? child.content : child.type === "softbreak" ? " " : ""))
    .join("");
}

export function tokensOf(text: string): Token[] {
  return markdown.parse(text, {});
}

/** Every table in the document, in order: header cells and body rows as a reader sees them. */
export function tablesOf(text: string): RenderedTable[] {
  const tables: RenderedTable[] = [];
  let table: RenderedTable | undefined;
  let row: string[] | undefined;
  let inHead = false;
  for (const token of tokensOf(text)) {
    if (token.type === "table_open") table = { header: [], rows: [] };
    else if (token.type === "table_close" && table) tables.push(table);
    else if (token.type === "thead_open") inHead = true;
    else if (token.type === "thead_close") inHead = false;
    else if (token.type === "tr_open") row = [];
    else if (token.type === "tr_close" && row && table) {
      if (inHead) table.header = row;
      else table.rows.push(row);
      row = undefined;
    } else if (token.type === "inline" && row) row.push(textOf(token));
  }
  return tables;
}

/** The visible text of every paragraph, heading and list item, one entry each. */
export function linesOf(text: string): string[] {
  const lines: string[] = [];
  let inTable = false;
  for (const token of tokensOf(text)) {
    if (token.type === "table_open") inTable = true;
    else if (token.type === "table_close") inTable = false;
    else if (token.type === "inline" && !inTable) lines.push(textOf(token));
  }
  return lines;
}

export interface RenderedLink {
  text: string;
  href: string;
}

/** Every link a reader can click: its visible text and where it goes. */
export function linksOf(text: string): RenderedLink[] {
  const links: RenderedLink[] = [];
  for (const token of tokensOf(text)) {
    if (token.type !== "inline") continue;
    let open: { href: string; text: string } | undefined;
    for (const child of token.children ?? []) {
      if (child.type === "link_open") open = { href: child.attrGet("href") ?? "", text: "" };
      else if (child.type === "link_close" && open) {
        links.push(open);
        open = undefined;
      } else if (open && (child.type === "text" || child.type === "code_inline")) open.text += child.content;
    }
  }
  return links;
}
