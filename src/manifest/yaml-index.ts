/**
 * Linear-time helpers over a parsed YAML document, so a manifest of 10,000+ people loads in well
 * under a second: the `yaml` library's own duplicate-key check and key lookups scan every earlier
 * pair of a mapping (quadratic in the number of people).
 */
import { isCollection, isMap, isPair, isScalar } from "yaml";
import type { Node, Pair, YAMLMap } from "yaml";

const indexes = new WeakMap<object, Map<string, Pair<Node, Node>>>();

/** The pair whose scalar key reads `key` (the first, as a scan would find it), through a per-mapping index. */
export function findPair(map: YAMLMap<Node, Node>, key: string): Pair<Node, Node> | undefined {
  let index = indexes.get(map);
  if (!index) {
    index = new Map();
    for (const pair of map.items) {
      if (isScalar(pair.key)) {
        const name = String(pair.key.value);
        if (!index.has(name)) index.set(name, pair);
      }
    }
    indexes.set(map, index);
  }
  return index.get(key);
}

/** A key that repeats an earlier key of the same mapping. */
export interface DuplicateKey {
  /** The key as written. */
  key: string;
  /** Where the repeated key and the first one start. */
  offset: number;
  firstOffset: number;
  /** The mapping, as a dotted path from the root ("" for the root); for messages. */
  where: string;
  map: YAMLMap<Node, Node>;
  pair: Pair<Node, Node>;
}

/**
 * Keys that repeat an earlier key of the same mapping, as the `yaml` library's `uniqueKeys` check
 * decides it (scalars by value, other keys by identity; only scalar keys are reported), found in one
 * pass, in source order.
 */
export function duplicateKeys(root: unknown): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  const stack: Array<[unknown, string]> = [[root, ""]];
  const child = (where: string, segment: unknown) => (where ? `${where}.${String(segment)}` : String(segment));
  while (stack.length > 0) {
    const [node, where] = stack.pop()!;
    if (!isCollection(node)) continue;
    const seen = new Map<unknown, Pair<Node, Node>>();
    node.items.forEach((item: unknown, index) => {
      if (isPair(item)) {
        const pair = item as Pair<Node, Node>;
        if (isMap(node)) {
          const identity = isScalar(pair.key) ? `scalar:${typeof pair.key.value}:${String(pair.key.value)}` : pair.key;
          const first = seen.get(identity);
          if (first && isScalar(pair.key)) {
            const map = node as YAMLMap<Node, Node>;
            found.push({ key: String(pair.key.value), offset: pair.key.range?.[0] ?? 0, firstOffset: first.key.range?.[0] ?? 0, where, map, pair });
          }
          if (!first) seen.set(identity, pair);
        }
        // Only collections need their path; a scalar key names a value's place, anything else is opaque.
        if (isCollection(pair.value)) stack.push([pair.value, child(where, isScalar(pair.key) ? pair.key.value : "?")]);
        if (isCollection(pair.key)) stack.push([pair.key, child(where, "?")]);
      } else if (isCollection(item)) {
        stack.push([item, child(where, index)]);
      }
    });
  }
  return found.sort((a, b) => a.offset - b.offset);
}
