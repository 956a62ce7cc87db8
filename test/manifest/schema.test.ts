import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expandPhotoTemplate, ignoreMatcher } from "../../src/manifest/build.js";

const schemaPath = path.resolve(import.meta.dirname, "../../schema/photos.schema.json");

/** Every property defined anywhere in the schema, with its JSON path. */
function properties(node: unknown, at = "$"): Array<[string, Record<string, unknown>]> {
  if (node === null || typeof node !== "object") return [];
  const found: Array<[string, Record<string, unknown>]> = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === "properties" && value && typeof value === "object") {
      for (const [name, schema] of Object.entries(value)) found.push([`${at}.${name}`, schema as Record<string, unknown>]);
    }
    found.push(...properties(value, `${at}.${key}`));
  }
  return found;
}

describe("schema/photos.schema.json", () => {
  const schema = JSON.parse(readFileSync(schemaPath, "utf8")) as unknown;

  it("documents every property with a description", () => {
    const undocumented = properties(schema)
      .filter(([, property]) => {
        if (typeof property.description === "string") return false;
        // A property that only refers to a definition is documented there.
        const ref = property.$ref as string | undefined;
        const target = ref ? (schema as { definitions: Record<string, { description?: string }> }).definitions[ref.split("/").pop()!] : undefined;
        return !target?.description;
      })
      .map(([where]) => where);
    expect(undocumented).toEqual([]);
  });
});

describe("schema messages", () => {
  const schema = JSON.parse(readFileSync(schemaPath, "utf8")) as unknown;

  it("give every pattern a hint, so no message shows a regular expression", () => {
    const bare: string[] = [];
    const walk = (node: unknown, at: string, hinted: boolean) => {
      if (node === null || typeof node !== "object") return;
      const record = node as Record<string, unknown>;
      // An anyOf's hint speaks for the patterns of its branches (their own errors are not shown).
      const here = hinted || typeof record["x-hint"] === "string";
      if (typeof record.pattern === "string" && !here) bare.push(at);
      const inherited = Array.isArray(node) ? hinted : false;
      for (const [key, value] of Object.entries(record)) walk(value, `${at}.${key}`, key === "anyOf" || key === "oneOf" ? here : inherited);
    };
    walk(schema, "$", false);
    expect(bare).toEqual([]);
  });
});

describe("photo path templates", () => {
  it("expands {upn}, {alias} and {domain}", () => {
    expect(expandPhotoTemplate("photos/{upn}.jpg", "alex.wilber@contoso.com")).toBe("photos/alex.wilber@contoso.com.jpg");
    expect(expandPhotoTemplate("photos/{domain}/{alias}.png", "alex.wilber@contoso.com")).toBe("photos/contoso.com/alex.wilber.png");
  });
});

describe("ignore globs", () => {
  it("match UPNs case-insensitively, with * and ?", () => {
    const ignored = ignoreMatcher(["svc-*@contoso.com", "room-??@contoso.com"]);
    expect(ignored("SVC-Backup@Contoso.com")).toBe(true);
    expect(ignored("room-12@contoso.com")).toBe(true);
    expect(ignored("room-123@contoso.com")).toBe(false);
    expect(ignored("alex.wilber@contoso.com")).toBe(false);
  });

  it("ignore nothing when the list is empty", () => {
    expect(ignoreMatcher([])("anyone@contoso.com")).toBe(false);
  });
});
