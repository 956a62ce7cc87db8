/**
 * Parses photos.yaml with the `yaml` library, keeping source positions so every later problem can be
 * reported as file:line:col. Hostile input is bounded: file size, nesting depth and alias expansion.
 */
import { Composer, isAlias, isCollection, isMap, isScalar, LineCounter, Parser, YAMLParseError } from "yaml";
import type { CST, Document, Node, Pair, YAMLMap } from "yaml";
import { duplicateKeys, findPair } from "./yaml-index.js";
import type { Problem } from "./problems.js";
import { printable } from "./problems.js";
import type { SourcePosition } from "../model/desired.js";

/** 16 MiB holds ~200,000 one-line users; anything larger is not a hand-kept manifest. */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
/** photos.yaml is at most five levels deep; 32 leaves room and stops pathological nesting. */
export const MAX_NESTING_DEPTH = 32;
/** Aliases are rare in a manifest; a low limit defeats "billion laughs" expansion. */
export const MAX_ALIAS_COUNT = 100;

export type PathSegment = string | number;

export interface ParsedManifest {
  file: string;
  document: Document.Parsed;
  lineCounter: LineCounter;
  /** The plain JavaScript value of the document. */
  data: unknown;
}

export class SourceMap {
  constructor(
    readonly file: string,
    private readonly document: Document.Parsed,
    private readonly lineCounter: LineCounter,
  ) {}

  /** The position of an offset in the source. */
  at(offset: number): SourcePosition {
    const { line, col } = this.lineCounter.linePos(offset);
    return { file: this.file, line, column: col };
  }

  /** The span of a node, for annotations that underline it. */
  span(node: Node | null | undefined): (SourcePosition & { endLine: number; endColumn: number }) | undefined {
    if (!node?.range) return undefined;
    const start = this.at(node.range[0]);
    const end = this.lineCounter.linePos(node.range[1]);
    return { ...start, endLine: end.line, endColumn: end.col };
  }

  /** The value node at a path, or the deepest existing ancestor when the path does not exist. */
  nodeAt(path: readonly PathSegment[]): Node | undefined {
    let node: unknown = this.document.contents;
    for (const segment of path) {
      if (!isCollection(node)) break;
      const next = isMap(node) && typeof segment === "string" ? findPair(node as YAMLMap<Node, Node>, segment)?.value : node.get(segment, true);
      if (next == null) break;
      node = isAlias(next) ? next.resolve(this.document) : next;
    }
    return (node ?? undefined) as Node | undefined;
  }

  /** The key/value pair named `key` in the mapping at `path`. */
  pairAt(path: readonly PathSegment[], key: string): Pair<Node, Node> | undefined {
    const map = this.nodeAt(path);
    if (!isMap(map)) return undefined;
    return findPair(map as YAMLMap<Node, Node>, key);
  }

  /** Position of the key `key` in the mapping at `path`; falls back to the mapping itself. */
  keyPosition(path: readonly PathSegment[], key: string): SourcePosition {
    const pair = this.pairAt(path, key);
    return this.span(pair?.key) ?? this.valuePosition(path);
  }

  /** Position of the value at `path` (or its nearest existing ancestor; line 1 as a last resort). */
  valuePosition(path: readonly PathSegment[]): SourcePosition {
    if (path.length > 0) {
      const parentPath = path.slice(0, -1);
      const last = path[path.length - 1];
      const pair = typeof last === "string" ? this.pairAt(parentPath, last) : undefined;
      // An empty value ("alice@x.com:") has no node of its own: point at its key.
      if (pair && (pair.value == null || (isScalar(pair.value) && pair.value.range?.[0] === pair.value.range?.[1]))) {
        return this.span(pair.key) ?? this.at(0);
      }
    }
    return this.span(this.nodeAt(path)) ?? this.at(0);
  }
}

/**
 * Empties every collection nested deeper than MAX_NESTING_DEPTH in the parser's tokens and returns
 * the offset of the first one. This runs before composing because the `yaml` library composes
 * recursively: thousands of levels exhaust the stack (reported as "Maximum call stack size exceeded",
 * at a place that depends on the stack left). The token tree is walked iteratively; what remains
 * composes as usual, so the rest of the manifest is still checked.
 */
function pruneTooDeep(tokens: readonly CST.Token[]): number | undefined {
  let first: number | undefined;
  const stack: Array<[CST.Token | undefined, number]> = tokens.map((token) => [token, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (token?.type === "document") {
      stack.push([token.value, depth]);
    } else if (token?.type === "block-map" || token?.type === "block-seq" || token?.type === "flow-collection") {
      if (depth + 1 > MAX_NESTING_DEPTH) {
        first = Math.min(first ?? token.offset, token.offset);
        token.items = [];
        continue;
      }
      for (const item of token.items) stack.push([item.key ?? undefined, depth + 1], [item.value, depth + 1]);
    }
  }
  return first;
}

/** Composes the one document of photos.yaml from its tokens, as the library's parseDocument does. */
function composeDocument(tokens: readonly CST.Token[], length: number): Document.Parsed {
  // Duplicate keys are found below in one pass; the library's own check is quadratic.
  const composer = new Composer({ uniqueKeys: false });
  let document: Document.Parsed | undefined;
  for (const composed of composer.compose(tokens, true, length)) {
    if (!document) {
      document = composed;
    } else {
      document.errors.push(new YAMLParseError([composed.range[0], composed.range[1]], "MULTIPLE_DOCS", "Source contains multiple documents; photos.yaml holds one: remove this --- and merge what follows into the first"));
      break;
    }
  }
  // compose(…, forceDoc = true) always yields a document.
  return document!;
}

/**
 * Parses the manifest text. Returns the parsed document, or problems explaining why it cannot be used.
 * Parsing never throws: every failure becomes a positioned problem.
 */
export function parseManifestText(
  file: string,
  text: string,
): { parsed?: ParsedManifest; sourceMap?: SourceMap; problems: Problem[] } {
  const fileStart = { file, line: 1, column: 1 };
  if (Buffer.byteLength(text) > MAX_MANIFEST_BYTES) {
    return {
      problems: [
        {
          severity: "error",
          code: "manifest-too-large",
          message: `${file} is larger than ${MAX_MANIFEST_BYTES / 1024 / 1024} MiB; split it or remove generated content`,
          position: fileStart,
        },
      ],
    };
  }
  const lineCounter = new LineCounter();
  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  const tooDeep = pruneTooDeep(tokens);
  const document = composeDocument(tokens, text.length);
  const sourceMap = new SourceMap(file, document, lineCounter);
  const problems: Problem[] = [];
  if (tooDeep !== undefined) {
    problems.push({
      severity: "error",
      code: "yaml-too-deep",
      message: `the manifest nests deeper than ${MAX_NESTING_DEPTH} levels here; photos.yaml never needs that: flatten or remove this value (what is deeper is not read)`,
      position: sourceMap.at(tooDeep),
    });
  }
  // A repeated key is reported, and dropped so that everything after sees the first one only, as
  // positions (findPair) already do; the rest of the manifest is still checked.
  const repeatedPairs = new Map<YAMLMap<Node, Node>, Set<unknown>>();
  for (const duplicate of duplicateKeys(document.contents)) {
    const where = duplicate.where === "" ? "the manifest" : printable(duplicate.where);
    problems.push({
      severity: "error",
      code: "duplicate-key",
      message: `${printable(duplicate.key)} appears twice in ${where}, first at line ${sourceMap.at(duplicate.firstOffset).line}; keep one (the first is the one checked)`,
      position: sourceMap.span(duplicate.pair.key) ?? sourceMap.at(duplicate.offset),
    });
    repeatedPairs.set(duplicate.map, (repeatedPairs.get(duplicate.map) ?? new Set()).add(duplicate.pair));
  }
  for (const [map, pairs] of repeatedPairs) map.items = map.items.filter((pair) => !pairs.has(pair));
  for (const error of document.errors) {
    const message = `YAML syntax: ${error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`;
    problems.push({ severity: "error", code: "yaml-syntax", message, position: sourceMap.at(error.pos[0]) });
  }
  for (const warning of document.warnings) {
    problems.push({ severity: "warning", code: "yaml", message: warning.message.split("\n")[0]!, position: sourceMap.at(warning.pos[0]) });
  }
  // Syntax errors leave a document that cannot be trusted; the problems above leave a usable one.
  if (document.errors.length > 0) return { sourceMap, problems };

  if (document.contents == null || (isScalar(document.contents) && document.contents.value == null)) {
    problems.push({
      severity: "error",
      code: "manifest-empty",
      message: `${file} is empty; start from the example photos.yaml in the README`,
      position: fileStart,
    });
    return { sourceMap, problems };
  }
  if (!isMap(document.contents)) {
    problems.push({
      severity: "error",
      code: "manifest-not-mapping",
      message: "the manifest must be a mapping with keys such as version, tenant and users",
      position: sourceMap.span(document.contents) ?? fileStart,
    });
    return { sourceMap, problems };
  }
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    problems.push({
      severity: "error",
      code: "yaml-alias-limit",
      message: `YAML aliases expand too far (${error instanceof Error ? error.message : String(error)}); write the values out instead`,
      position: fileStart,
    });
    return { sourceMap, problems };
  }
  return { parsed: { file, document, lineCounter, data }, sourceMap, problems };
}
