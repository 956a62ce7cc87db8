/**
 * Text drawn with sharp's SVG renderer (librsvg), for the pictures photosync draws for people to
 * review (the contact sheet, the before/after review sheet). The text is untrusted (UPNs, reasons
 * from the tenant): everything goes through escapeXml. Widths are estimated, not measured: DejaVu
 * Sans is about 0.62 em wide per character on average, enough to decide where to break a line;
 * measureText measures one line where an estimate is not enough (a UPN of wide letters).
 */

import sharp from "sharp";

/** The font every drawn label asks for; librsvg falls back along the list. */
export const SVG_FONT_FAMILY = "DejaVu Sans, Verdana, Arial, sans-serif";

/** The contact sheet's label size: the default of the helpers below. */
export const LABEL_FONT_SIZE = 12;

const EM_PER_CHAR = 0.62;

/**
 * Characters that must not reach a picture as they are: those XML 1.0 forbids even as references
 * (one would make librsvg refuse the whole SVG, so a hostile UPN would blank every label), lone
 * surrogates, and the bidirectional controls that make a name read backwards (a spoofed UPN).
 */
// eslint-disable-next-line no-control-regex
const UNDRAWABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text safe to draw or show: undrawable characters become U+FFFD, visibly. */
export function drawableText(text: string): string {
  return text.replace(UNDRAWABLE, "\uFFFD");
}

/**
 * Escapes text for XML (SVG) content and quoted attributes; numeric references, so the result is
 * safe in HTML content and quoted attributes too.
 */
export function escapeXml(text: string): string {
  return drawableText(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** How many characters fit in `width` px at `fontSize`. */
export const maxChars = (width: number, fontSize = LABEL_FONT_SIZE): number => Math.max(4, Math.floor(width / (fontSize * EM_PER_CHAR)));

/** A label cut into pieces where a UPN reads naturally: after . _ - + # and before @. */
function pieces(label: string): string[] {
  return label.split(/(?<=[._+#-])|(?=@)/).filter((piece) => piece !== "");
}

/**
 * Text in at most `lines` lines of at most `max` characters, broken only between `parts` (never
 * inside one unless it alone is too wide). When it does not fit, the last line starts with "…"
 * and keeps the end (`keep: "end"`: the domain of a UPN matters as much as the name) or ends
 * with "…" (`keep: "start"`: a sentence reads from its beginning).
 */
function wrapParts(parts: string[], max: number, lines: number, keep: "start" | "end"): string[] {
  const whole = parts.join("");
  if (whole.length <= max) return [whole];
  const rest = [...parts];
  const out: string[] = [];
  while (rest.length > 0 && out.length < lines - 1) {
    let line = "";
    while (rest.length > 0 && line.length + rest[0]!.length <= max) line += rest.shift();
    if (line === "") {
      // One piece wider than a line: cut it where the line ends.
      const piece = rest.shift()!;
      line = piece.slice(0, max);
      rest.unshift(piece.slice(max));
    }
    out.push(keep === "start" ? line.trimEnd() : line);
  }
  if (rest.length === 0) return out;
  const tail = keep === "start" ? rest.join("").trimStart() : rest.join("");
  if (tail.length <= max) return [...out, tail];
  if (keep === "start") return [...out, `${tail.slice(0, max - 1).trimEnd()}…`];
  let end = "";
  while (rest.length > 0 && end.length + rest.at(-1)!.length <= max - 1) end = rest.pop()! + end;
  return [...out, `…${end === "" ? tail.slice(tail.length - (max - 1)) : end}`];
}

/**
 * A UPN in at most `lines` lines of `width` px, broken only between pieces of the UPN (never
 * inside a name unless one piece alone is too wide). When it does not fit, the last line starts
 * with "…" and keeps the end: the domain matters as much as the name.
 */
export function wrapLabel(label: string, width: number, lines = 2, fontSize = LABEL_FONT_SIZE): string[] {
  return wrapParts(pieces(label), maxChars(width, fontSize), lines, "end");
}

/** Words in at most `lines` lines of `width` px; what does not fit ends the last line with "…". */
export function wrapWords(text: string, width: number, lines: number, fontSize = LABEL_FONT_SIZE): string[] {
  const words = text.split(/(?<=\s)/).filter((word) => word !== "");
  return wrapParts(words, maxChars(width, fontSize), lines, "start");
}

/** One line, shortened at its end when too wide. */
export function ellipsize(text: string, width: number, fontSize = LABEL_FONT_SIZE): string {
  const max = maxChars(width, fontSize);
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/**
 * The width in pixels of one line of text as librsvg draws it, or undefined when it cannot be
 * drawn (no font, a renderer that refuses it): the caller then keeps its estimate.
 */
export async function measureText(text: string, fontSize: number, options: { bold?: boolean } = {}): Promise<number | undefined> {
  const canvas = Math.ceil(text.length * fontSize * 1.2) + 16;
  const height = Math.ceil(fontSize * 2);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${canvas}" height="${height}">` +
    `<text x="0" y="${Math.round(fontSize * 1.4)}" font-family="${SVG_FONT_FAMILY}" font-size="${fontSize}"${options.bold ? ' font-weight="bold"' : ""}>${escapeXml(text)}</text></svg>`;
  try {
    const { data, info } = await sharp(Buffer.from(svg)).ensureAlpha().extractChannel(3).raw().toBuffer({ resolveWithObject: true });
    let right = -1;
    for (let y = 0; y < info.height; y++) {
      for (let x = info.width - 1; x > right; x--) {
        if (data[y * info.width + x]! > 0) {
          right = x;
          break;
        }
      }
    }
    return right < 0 ? undefined : right + 1;
  } catch {
    return undefined;
  }
}
