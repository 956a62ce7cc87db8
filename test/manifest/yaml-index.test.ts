/** One-pass duplicate keys and indexed key lookups agree with what the yaml library's own checks find. */
import { parseDocument } from "yaml";
import type { Node, YAMLMap } from "yaml";
import { describe, expect, it } from "vitest";
import { duplicateKeys, findPair } from "../../src/manifest/yaml-index.js";

function duplicateKeyOffsets(root: unknown): number[] {
  return duplicateKeys(root).map((duplicate) => duplicate.offset);
}

function libraryDuplicates(text: string): number[] {
  return parseDocument(text, { uniqueKeys: true })
    .errors.filter((error) => error.code === "DUPLICATE_KEY")
    .map((error) => error.pos[0])
    .sort((a, b) => a - b);
}

describe("yaml index", () => {
  it("finds the same duplicate keys as the library, nested and in flow mappings, and no false ones", () => {
    const texts = [
      "a: 1\nb: 2\na: 3\n",
      "users:\n  x@y.com: a.jpg\n  z@y.com: b.jpg\n  x@y.com: c.jpg\n",
      "list:\n  - { k: 1, k: 2 }\n  - k: 1\n    j: 2\n",
      "1: a\n'1': b\nnull: c\n~: d\n",
      "a:\n  b: 1\nb: 2\nc: { a: 1, b: 2 }\n",
    ];
    for (const text of texts) expect(duplicateKeyOffsets(parseDocument(text, { uniqueKeys: false }).contents)).toEqual(libraryDuplicates(text));
    expect(duplicateKeyOffsets(parseDocument("a: 1\nb: 2\na: 3\n", { uniqueKeys: false }).contents)).toEqual([10]);
  });

  it("looks keys up like a scan of the mapping (first match wins), in a mapping of 20,000 keys", () => {
    const text = `${Array.from({ length: 20000 }, (_, i) => `user${i}@contoso.com: photos/${i}.jpg`).join("\n")}\nuser7@contoso.com: again.jpg\n`;
    const map = parseDocument(text, { uniqueKeys: false }).contents as YAMLMap<Node, Node>;
    expect(String((findPair(map, "user19999@contoso.com")?.value as { value: unknown }).value)).toBe("photos/19999.jpg");
    expect(String((findPair(map, "user7@contoso.com")?.value as { value: unknown }).value)).toBe("photos/7.jpg");
    expect(findPair(map, "nobody@contoso.com")).toBeUndefined();
    expect(duplicateKeyOffsets(map)).toHaveLength(1);
  });

  it("names each duplicate, its first occurrence and the mapping it is in", () => {
    const text = "a: 1\nusers:\n  x@y.com: a.jpg\n  x@y.com: b.jpg\nlist:\n  - { k: 1, k: 2 }\n";
    const found = duplicateKeys(parseDocument(text, { uniqueKeys: false }).contents).map(({ key, offset, firstOffset, where }) => ({ key, offset, firstOffset, where }));
    expect(found).toEqual([
      { key: "x@y.com", offset: 31, firstOffset: 14, where: "users" },
      { key: "k", offset: 64, firstOffset: 58, where: "list.0" },
    ]);
  });
});
