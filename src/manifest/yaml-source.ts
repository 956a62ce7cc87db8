/**
 * Parses photos.yaml with the `yaml` library, keeping source positions so every later problem can be
 * reported as file:line:col. Hostile input is bounded: file size, nesting depth and alias expansion.
 */
import { isAlias, isCollection, isMap, isPair, isScalar, LineCounter, parseDocument } from "yaml";
import type { Document, Node, Pair, YAMLMap } from "yaml";
import { duplicateKeyOffsets, findPair } from "./yaml-index.js";
import type { Problem } from "./problems.js";
import type { SourcePosition } from "./types.js";

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

/** Depth of the deepest collection, walked iteratively so hostile input cannot exhaust the stack. */
function nestingDepth(root: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (isCollection(node)) {
      deepest = Math.max(deepest, depth + 1);
      if (deepest > MAX_NESTING_DEPTH) return deepest;
      for (const item of node.items) {
        if (isPair(item)) {
          stack.push([item.key, depth + 1], [item.value, depth + 1]);
        } else {
          stack.push([item, depth + 1]);
        }
      }
    }
  }
  return deepest;
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
  // Duplicate keys are found below in one pass; the library's own check is quadratic.
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const sourceMap = new SourceMap(file, document, lineCounter);
  const problems: Problem[] = [];
  for (const offset of duplicateKeyOffsets(document.contents)) {
    problems.push({ severity: "error", code: "duplicate-key", message: "this key appears twice in the same mapping; keep one", position: sourceMap.at(offset) });
  }
  for (const error of document.errors) {
    const position = sourceMap.at(error.pos[0]);
    const duplicate = error.code === "DUPLICATE_KEY";
    problems.push({
      severity: "error",
      code: duplicate ? "duplicate-key" : "yaml-syntax",
      message: duplicate
        ? "this key appears twice in the same mapping; keep one"
        : `YAML syntax: ${error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`,
      position,
    });
  }
  for (const warning of document.warnings) {
    problems.push({ severity: "warning", code: "yaml", message: warning.message.split("\n")[0]!, position: sourceMap.at(warning.pos[0]) });
  }
  if (problems.some((problem) => problem.severity === "error")) return { sourceMap, problems };

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
  if (nestingDepth(document.contents) > MAX_NESTING_DEPTH) {
    problems.push({
      severity: "error",
      code: "yaml-too-deep",
      message: `the manifest nests deeper than ${MAX_NESTING_DEPTH} levels; photos.yaml never needs that`,
      position: fileStart,
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
