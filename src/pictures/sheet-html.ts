/**
 * The review sheet as ONE self-contained HTML page: the pictures inline as data: URIs, the style
 * inline, no script, nothing fetched (its Content-Security-Policy tells the browser so too). A
 * list of people, each with a figure per side; every picture has alt text saying who, which
 * stores, which side and what happens, and a side without a picture says so in text. The action
 * is said in words with a sign and by the panel's border style, never by colour alone. Every
 * value from the tenant or the manifest is escaped: a UPN is hostile input. Pure.
 */
import type { Action } from "../model/plan.js";
import { escapeXml } from "../images/svg-text.js";
import type { ShownPanel, ShownPerson, ShownSheet, ShownSide } from "./sheet-images.js";
import { TILE_EDGE } from "./sheet-images.js";
import { BORDER, COLOURS } from "./sheet-style.js";
import type { SideName } from "./sheet-words.js";
import { ACTION_WORDS, NO_CHANGES, SIDE_WORDS, altText, missingWords, omittedLine, sheetFacts, sheetTitle, sizeWords, storesInWords } from "./sheet-words.js";

/** Escapes text for HTML content and quoted attribute values (numeric references, as for SVG). */
const html = escapeXml;

/**
 * Pictures as data: URIs and inline style only: no script, no fetch, no form, no base, no frame.
 * (frame-ancestors is left out: browsers ignore it in a meta element and say so.)
 */
export const SHEET_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const C = COLOURS;
const borders = (Object.entries(BORDER) as Array<[Action, (typeof BORDER)[Action]]>)
  .map(([action, border]) => `.panel.${action}{border:${border.width}px ${border.style} ${border.colour}}.action.${action}{color:${border.colour}}`)
  .join("\n");

const STYLE = `:root{color-scheme:light}
body{font:16px/1.45 system-ui,"DejaVu Sans",sans-serif;margin:1.5rem;color:${C.text};background:#fff;max-width:75rem}
h1{font-size:1.5rem;margin:0 0 .25rem}.facts{color:${C.muted};margin:0 0 1rem}
ol.people{list-style:none;padding:0;margin:0}
li.person{border-top:1px solid ${C.rule};padding:.75rem 0}
h2{font-size:1.15rem;margin:0 0 .5rem;overflow-wrap:anywhere}
.panel{display:flex;flex-wrap:wrap;align-items:flex-start;gap:.75rem 1.5rem;padding:.75rem;margin:0 0 .5rem}
${borders}
.pair{display:flex;align-items:center;gap:.75rem}
figure{margin:0;width:${TILE_EDGE}px}
figure img,.tile{display:block;box-sizing:border-box;width:${TILE_EDGE}px;height:${TILE_EDGE}px;border:2px solid ${C.tileFrame};background:${C.letterbox}}
figure img{object-fit:contain}
.tile{display:flex;flex-direction:column;justify-content:center;align-items:center;text-align:center;padding:.5rem;background:${C.empty};font-weight:bold;font-size:1.1rem}
.tile.unavailable{background:repeating-linear-gradient(45deg,${C.empty} 0 6px,${C.hatch} 6px 10px)}
.tile.unavailable span{background:#fff;border:1px solid ${C.tileFrame};padding:.25rem;font-size:.85rem;font-weight:normal}
.tile.unavailable strong{display:block}
figcaption{text-align:center;color:${C.muted};font-size:.9rem;margin-top:.25rem}
.arrow{font-size:2rem;line-height:1}
.words{flex:1 1 18rem;min-width:14rem}
.words p{margin:0 0 .35rem}.stores{font-weight:bold;font-size:1.1rem}.action{font-weight:bold}
.omitted,.none{font-weight:bold}`;

/** Only JPEGs our own encoder made (sheet-images.ts) become data: URIs. */
const dataUri = (jpeg: Buffer): string => `data:image/jpeg;base64,${jpeg.toString("base64")}`;

function sideHtml(upn: string, panel: ShownPanel, name: SideName): string {
  const side: ShownSide = panel[name];
  if (side.kind === "image") {
    return `<figure><img src="${dataUri(side.jpeg)}" width="${TILE_EDGE}" height="${TILE_EDGE}" alt="${html(altText(upn, panel, name))}"><figcaption>${SIDE_WORDS[name]} \u00b7 ${sizeWords(side)}</figcaption></figure>`;
  }
  const word = missingWords(side, name, panel.action);
  const inner = side.kind === "unavailable" ? `<span><strong>${word}</strong>${html(side.why)}</span>` : word;
  return `<figure><div class="tile ${side.kind}">${inner}</div><figcaption>${SIDE_WORDS[name]}</figcaption></figure>`;
}

function panelHtml(upn: string, panel: ShownPanel): string {
  return [
    `<section class="panel ${panel.action}" aria-label="${html(`${storesInWords(panel.stores)}: ${ACTION_WORDS[panel.action]}`)}">`,
    `<div class="pair">${sideHtml(upn, panel, "before")}<span class="arrow" aria-hidden="true">\u2192</span>${sideHtml(upn, panel, "after")}</div>`,
    `<div class="words"><p class="stores">${html(storesInWords(panel.stores))}</p><p class="action ${panel.action}">${html(ACTION_WORDS[panel.action])}</p><p class="reason">${html(panel.reason)}</p></div>`,
    "</section>",
  ].join("");
}

function personHtml(person: ShownPerson): string {
  return `<li class="person"><h2><code>${html(person.upn)}</code></h2>${person.panels.map((panel) => panelHtml(person.upn, panel)).join("\n")}</li>`;
}

/**
 * The page. It does not name the PNG pages: the workflows upload this page alone, and a reviewer
 * who opens it from the pull request has no way to reach files written beside it (the CLI names them).
 */
export function reviewHtml(sheet: ShownSheet): string {
  const title = sheetTitle(sheet);
  const count = sheet.people.length;
  const facts = count === 0 ? sheetFacts(sheet) : `${sheetFacts(sheet)} \u00b7 ${count.toLocaleString("en-US")} ${count === 1 ? "person" : "people"} whose face changes: now as the tenant serves it, after apply as apply uploads it`;
  const body = count === 0 ? `<p class="none">${html(NO_CHANGES)}</p>` : `<ol class="people">\n${sheet.people.map(personHtml).join("\n")}\n</ol>`;
  const omitted = sheet.omitted > 0 ? `<p class="omitted">${html(omittedLine(sheet.omitted))}</p>` : "";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${SHEET_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${html(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${html(title)}</h1>
<p class="facts">${html(facts)}</p>
${body}
${omitted}
</main>
</body>
</html>
`;
}
