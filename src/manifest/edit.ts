/**
 * Adds people to photos.yaml in place. The document is parsed with the `yaml` library's Document
 * API, which says where `users:` and each entry are; each new entry is rendered by the same library
 * (so an odd UPN is quoted as YAML needs, never pasted in by hand) and put in at those positions.
 * Everything else in the file stays as it was, byte for byte: comments, order, quoting, blank
 * lines and spacing, which re-printing a whole Document would normalise. `photosync import` is the
 * user.
 */
import { Document, isMap, isScalar, parseDocument, Scalar, YAMLMap } from "yaml";
import type { Node, Pair } from "yaml";
import type { StoreName } from "../model/desired.js";

/** One person to add: `path` absent means the naming template gives the file (an empty value). */
export interface NewEntry {
  upn: string;
  path?: string;
  /** The stores to keep, when not the tenant's (the person's picture is not in all of them). */
  stores?: readonly StoreName[];
  /** A comment written above the entry (why it has its own stores). */
  comment?: string;
}

/** Someone to write as a commented-out entry, for a person to fill in. */
export interface PlaceholderEntry {
  upn: string;
  /** What to do, e.g. "no photo in Microsoft 365: add photos/jane.jpg". */
  note: string;
}

export interface ManifestEdit {
  /** New entries, or existing ones to replace (--force), in the order they are to appear. */
  entries: readonly NewEntry[];
  placeholders?: readonly PlaceholderEntry[];
}

/** Thrown when the document cannot be edited safely (not a map, users not a map). */
export class ManifestEditError extends Error {}

/** The entry as the yaml library writes it, one line per row, without indentation. */
export function renderEntry(entry: NewEntry): string[] {
  const document = new Document({});
  let value: unknown;
  if (!entry.stores) value = entry.path === undefined ? new Scalar(null) : entry.path;
  else {
    const map = new YAMLMap();
    if (entry.path !== undefined) map.set("photo", entry.path);
    const stores = document.createNode([...entry.stores]);
    stores.flow = true;
    map.set("stores", stores);
    value = map;
  }
  const key = new Scalar(entry.upn);
  if (entry.comment) key.commentBefore = ` ${entry.comment}`;
  (document.contents as YAMLMap).add(document.createPair(key, value));
  // A null value prints as `key:`, the form photos.yaml's own examples use.
  const text = document.toString({ lineWidth: 0, nullStr: "", flowCollectionPadding: false });
  return text.replace(/\n$/, "").split("\n").map((line) => line.replace(/:\s+$/, ":"));
}

function renderPlaceholder(placeholder: PlaceholderEntry): string {
  // The UPN goes through the library too, so the line is a valid entry once uncommented.
  const key = new Document(placeholder.upn).toString().trim();
  return `# ${key}:   # ${placeholder.note}`;
}

function findPair(users: YAMLMap, upn: string): Pair | undefined {
  const key = upn.toLowerCase();
  return users.items.find((pair) => isScalar(pair.key) && String(pair.key.value).toLowerCase() === key);
}

const endOfLine = (text: string, offset: number): number => {
  const newline = text.indexOf("\n", offset);
  return newline < 0 ? text.length : newline + 1;
};
const startOfLine = (text: string, offset: number): number => text.lastIndexOf("\n", offset - 1) + 1;

/** The offset just past the last content of a pair (its value, or its key when the value is empty). */
function pairEnd(pair: Pair): number {
  const value = pair.value as Node | null;
  const key = pair.key as Node;
  return Math.max(value?.range?.[1] ?? 0, key.range?.[1] ?? 0);
}

/**
 * The manifest's text with the edit applied. Existing entries named in `entries` are replaced (the
 * comments above them kept); the others are added after the last entry under `users:`, in the
 * order given; placeholders follow as comment lines.
 */
export function editManifest(text: string, edit: ManifestEdit): string {
  const document = parseDocument(text);
  if (document.errors.length > 0) throw new ManifestEditError(`cannot be edited: ${document.errors[0]!.message}`);
  const root = document.contents;
  if (root !== null && !isMap(root)) throw new ManifestEditError("is not a map of settings; fix it before importing");
  const usersPair = root?.items.find((pair) => isScalar(pair.key) && pair.key.value === "users");
  const users = usersPair?.value as Node | null | undefined;
  if (users && !isMap(users) && !(isScalar(users) && users.value === null)) throw new ManifestEditError("has a users: value that is not a map; fix it before importing");
  // Entries in flow style ({a: x, b: y}) cannot take a block entry after them without rewriting them all.
  if (isMap(users) && users.flow && users.items.length > 0) throw new ManifestEditError("lists users in flow style ({...}); write them one a line under users: before importing");

  // Replacements first, from the end, so earlier offsets stay valid.
  let result = text;
  const appended: NewEntry[] = [];
  const replacements: Array<{ start: number; end: number; entry: NewEntry; indent: string }> = [];
  for (const entry of edit.entries) {
    const existing = isMap(users) ? findPair(users, entry.upn) : undefined;
    if (!existing) {
      appended.push(entry);
      continue;
    }
    const keyStart = (existing.key as Node).range![0];
    const start = startOfLine(text, keyStart);
    replacements.push({ start, end: endOfLine(text, pairEnd(existing) - 1), entry: { ...entry, upn: String((existing.key as Scalar).value) }, indent: text.slice(start, keyStart) });
  }
  for (const replacement of replacements.sort((a, b) => b.start - a.start)) {
    const { comment: _comment, ...entry } = replacement.entry;
    const lines = renderEntry(entry).map((line) => `${replacement.indent}${line}\n`);
    result = result.slice(0, replacement.start) + lines.join("") + result.slice(replacement.end);
  }
  if (appended.length === 0 && (edit.placeholders ?? []).length === 0) return result;

  // Re-read the (perhaps changed) text for where new entries go.
  const again = parseDocument(result);
  const againRoot = again.contents as YAMLMap | null;
  const againPair = againRoot?.items.find((pair) => isScalar(pair.key) && pair.key.value === "users");
  const againUsers = againPair?.value as Node | null | undefined;
  const rows = [...appended.flatMap(renderEntry), ...(edit.placeholders ?? []).map(renderPlaceholder)];
  if (isMap(againUsers) && againUsers.items.length > 0 && !againUsers.flow) {
    const first = againUsers.items[0]!.key as Node;
    const indent = result.slice(startOfLine(result, first.range![0]), first.range![0]);
    const at = endOfLine(result, pairEnd(againUsers.items.at(-1)!) - 1);
    const block = rows.map((row) => `${indent}${row}\n`).join("");
    const before = result.slice(0, at);
    return `${before}${before.endsWith("\n") ? "" : "\n"}${block}${result.slice(at)}`;
  }
  const block = rows.map((row) => `  ${row}\n`).join("");
  if (againPair) {
    // `users:` with nothing, or `users: {}`: the value is replaced by the block.
    const keyNode = againPair.key as Node;
    const valueNode = againUsers;
    const end = valueNode?.range ? endOfLine(result, Math.max(valueNode.range[1] - 1, keyNode.range![1])) : endOfLine(result, keyNode.range![1]);
    const lineStart = startOfLine(result, keyNode.range![0]);
    const tail = valueNode?.range ? result.slice(valueNode.range[1], end).replace(/^\s*\n?$/, "") : "";
    return `${result.slice(0, lineStart)}${result.slice(lineStart, keyNode.range![1])}:${tail ? ` ${tail.trim()}` : ""}\n${block}${result.slice(end)}`;
  }
  return `${result}${result === "" || result.endsWith("\n") ? "" : "\n"}users:\n${block}`;
}
