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

/**
 * Offsets of keys that repeat an earlier key of the same mapping, as the `yaml` library's
 * `uniqueKeys` check decides it (scalars by value, other keys by identity), found in one pass.
 */
export function duplicateKeyOffsets(root: unknown): number[] {
  const offsets: number[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!isCollection(node)) continue;
    const seen = new Set<unknown>();
    for (const item of node.items) {
      if (isPair(item)) {
        if (isMap(node)) {
          const identity = isScalar(item.key) ? `scalar:${typeof item.key.value}:${String(item.key.value)}` : item.key;
          if (seen.has(identity) && isScalar(item.key)) offsets.push(item.key.range?.[0] ?? 0);
          seen.add(identity);
        }
        stack.push(item.key, item.value);
      } else {
        stack.push(item);
      }
    }
  }
  return offsets.sort((a, b) => a - b);
}
