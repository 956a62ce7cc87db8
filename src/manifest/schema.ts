/**
 * Validates the manifest's data against schema/photos.schema.json with ajv and turns ajv's errors into
 * positioned problems written for people ("unknown key 'crops' in defaults; allowed: photo, crop, …").
 */
import { Ajv } from "ajv";
import type { ErrorObject, ValidateFunction } from "ajv";
import { readFileSync } from "node:fs";
import type { Problem } from "./problems.js";
import { printable } from "./problems.js";
import { upnShapeError } from "./upn.js";
import type { PathSegment, SourceMap } from "./yaml-source.js";

const schemaUrl = new URL("../../schema/photos.schema.json", import.meta.url);

let compiled: ValidateFunction | undefined;

/** The compiled schema, built once per process. */
function validator(): ValidateFunction {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(schemaUrl, "utf8")) as object;
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
    // Our own annotation: a hint for people, shown with errors of the schema that carries it.
    ajv.addKeyword({ keyword: "x-hint", schemaType: "string" });
    // Said instead when the value is empty (users: with nothing under it), where "must be a mapping" is no help.
    ajv.addKeyword({ keyword: "x-empty-hint", schemaType: "string" });
    compiled = ajv.compile(schema);
  }
  return compiled;
}

function pointerToPath(pointer: string): PathSegment[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function describePath(path: readonly PathSegment[]): string {
  return path.length === 0 ? "the manifest" : path.join(".");
}

function hintOf(error: ErrorObject, keyword = "x-hint"): string | undefined {
  const parent = error.parentSchema as Record<string, unknown> | undefined;
  const hint = parent?.[keyword];
  return typeof hint === "string" ? hint : undefined;
}

function allowedKeys(error: ErrorObject): string[] {
  const properties = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties ? Object.keys(properties) : [];
}

/** JSON Schema's type names in the words of someone writing YAML. */
const TYPE_WORDS: Record<string, string> = {
  object: "a mapping",
  array: "a list",
  string: "text",
  null: "empty",
  integer: "a whole number",
  number: "a number",
  boolean: "true or false",
};

/** A value from the manifest, as quoted in a message. */
function shown(value: unknown): string {
  return typeof value === "string" ? printable(value) : printable(JSON.stringify(value) ?? String(value));
}

/** Edit distance (insertions, deletions, substitutions, swaps of neighbours) between two short words. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/** The allowed word a misspelt one most likely meant (center → centre, crops → crop), if one is close. */
export function closestWord(written: unknown, allowed: readonly unknown[]): string | undefined {
  if (typeof written !== "string" || written.length > 64) return undefined;
  const candidates = allowed
    .filter((word): word is string => typeof word === "string")
    .map((word) => ({ word, distance: editDistance(written.toLowerCase(), word.toLowerCase()) }))
    .filter(({ distance, word }) => distance <= Math.max(1, Math.floor(Math.min(written.length, word.length) / 3)))
    .sort((a, b) => a.distance - b.distance);
  return candidates[0]?.word;
}

/** One person-readable problem for one ajv error; undefined for errors that only restate another. */
function toProblem(error: ErrorObject, sourceMap: SourceMap): Problem | undefined {
  const path = pointerToPath(error.instancePath);
  const where = describePath(path);
  const hint = hintOf(error);
  const withHint = (message: string) => (hint ? `${message}: ${hint}` : message);
  const base = { severity: "error" as const, code: "schema" };
  // Errors inside propertyNames are about a key, not a value: point at the key, with the key's hint.
  if (error.propertyName !== undefined) {
    const key = error.propertyName;
    const position = sourceMap.keyPosition(path, key);
    // A key of users is a UPN: say what is wrong with it, the same for every error ajv finds in it.
    const upn = path.length === 1 && path[0] === "users" ? upnShapeError(key) : undefined;
    if (upn) return { ...base, code: upn.code, message: `'${printable(key)}' is not a valid key in users: ${upn.reason}`, position };
    return { ...base, code: "invalid-key", message: withHint(`'${printable(key)}' is not a valid key in ${where}`), position };
  }
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String(error.params.additionalProperty);
      const allowed = allowedKeys(error);
      const suggestion = closestWord(key, allowed);
      return {
        ...base,
        code: "unknown-key",
        message: `unknown key '${printable(key)}' in ${where}${suggestion ? `; did you mean '${suggestion}'? (allowed: ${allowed.join(", ")})` : allowed.length > 0 ? `; allowed: ${allowed.join(", ")}` : ""}`,
        position: sourceMap.keyPosition(path, key),
      };
    }
    case "required":
      return {
        ...base,
        code: "missing-key",
        message: `${where} needs the key '${String(error.params.missingProperty)}'`,
        position: sourceMap.valuePosition(path),
      };
    case "propertyNames":
      // Restates the error of the key itself, reported above.
      return undefined;
    case "if":
      // The failing "then" branch reports the specific error; this one only says "a branch failed".
      return undefined;
    case "anyOf":
    case "oneOf":
      return { ...base, message: withHint(`${where} is not valid`), position: sourceMap.valuePosition(path) };
    case "pattern":
      // The pattern itself is no help to a person: every pattern in the schema carries a hint.
      return { ...base, message: `${where} is not valid${hint ? `: ${hint}` : ""}`, position: sourceMap.valuePosition(path) };
    case "enum": {
      const allowed = error.params.allowedValues as unknown[];
      const suggestion = closestWord(error.data, allowed);
      const verdict = suggestion ? `: did you mean ${suggestion}? It` : "; it";
      return {
        ...base,
        message: `${where} is ${shown(error.data)}${verdict} must be one of: ${allowed.join(", ")}${hint ? `, ${hint}` : ""}`,
        position: sourceMap.valuePosition(path),
      };
    }
    case "const":
      return {
        ...base,
        message: withHint(`${where} must be ${JSON.stringify(error.params.allowedValue)}`),
        position: sourceMap.valuePosition(path),
      };
    case "not":
      return { ...base, message: withHint(`${where} is not allowed here`), position: sourceMap.valuePosition(path) };
    case "type": {
      const expected = String(error.params.type)
        .split(",")
        .map((type) => TYPE_WORDS[type] ?? type)
        .join(" or ");
      if (error.data === null) {
        const emptyHint = hintOf(error, "x-empty-hint");
        const advice = emptyHint ?? hint;
        return { ...base, message: `${where} is empty${advice ? `: ${advice}` : `; it must be ${expected}`}`, position: sourceMap.valuePosition(path) };
      }
      return { ...base, message: withHint(`${where} must be ${expected}`), position: sourceMap.valuePosition(path) };
    }
    case "minimum":
    case "maximum":
      return {
        ...base,
        message: withHint(`${where} must be at ${error.keyword === "minimum" ? "least" : "most"} ${String(error.params.limit)}; it is ${shown(error.data)}`),
        position: sourceMap.valuePosition(path),
      };
    case "minLength":
    case "minItems":
      return { ...base, message: withHint(`${where} is empty; give at least ${String(error.params.limit)} ${error.keyword === "minLength" ? "character" : "item"}`), position: sourceMap.valuePosition(path) };
    case "uniqueItems":
      return {
        ...base,
        message: `${where} lists the same value twice (items ${String(error.params.j)} and ${String(error.params.i)})`,
        position: sourceMap.valuePosition(path),
      };
    default:
      return { ...base, message: withHint(`${where} ${error.message ?? "is invalid"}`), position: sourceMap.valuePosition(path) };
  }
}

/** Validates data against the schema; every error is reported, each place at most once per message. */
export function validateAgainstSchema(data: unknown, sourceMap: SourceMap): Problem[] {
  const validate = validator();
  if (validate(data)) return [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const errors = validate.errors ?? [];
  // Branch errors under a failed anyOf/oneOf say less than the anyOf's own hint: drop them.
  const failedAlternatives = errors
    .filter((error) => error.keyword === "anyOf" || error.keyword === "oneOf")
    .map((error) => `${error.instancePath}|${error.schemaPath}/`);
  const underFailedAlternative = (error: ErrorObject) =>
    failedAlternatives.some((prefix) => `${error.instancePath}|${error.schemaPath}`.startsWith(prefix));
  for (const error of errors) {
    if (underFailedAlternative(error)) continue;
    const problem = toProblem(error, sourceMap);
    if (!problem) continue;
    const key = `${problem.position?.line}:${problem.position?.column}:${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}
