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

function hintOf(error: ErrorObject): string | undefined {
  const parent = error.parentSchema as Record<string, unknown> | undefined;
  const hint = parent?.["x-hint"];
  return typeof hint === "string" ? hint : undefined;
}

function allowedKeys(error: ErrorObject): string {
  const properties = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties ? Object.keys(properties).join(", ") : "";
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
      return {
        ...base,
        code: "unknown-key",
        message: `unknown key '${key}' in ${where}${allowed ? `; allowed: ${allowed}` : ""}`,
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
      return {
        ...base,
        message: hint ? `${where} is not valid: ${hint}` : `${where} does not match ${String(error.params.pattern)}`,
        position: sourceMap.valuePosition(path),
      };
    case "enum":
      return {
        ...base,
        message: withHint(`${where} must be one of: ${(error.params.allowedValues as unknown[]).join(", ")}`),
        position: sourceMap.valuePosition(path),
      };
    case "const":
      return {
        ...base,
        message: withHint(`${where} must be ${JSON.stringify(error.params.allowedValue)}`),
        position: sourceMap.valuePosition(path),
      };
    case "not":
      return { ...base, message: withHint(`${where} is not allowed here`), position: sourceMap.valuePosition(path) };
    case "type": {
      const expected = String(error.params.type).replace(/,/g, " or ").replace("null", "empty");
      return { ...base, message: withHint(`${where} must be ${expected}`), position: sourceMap.valuePosition(path) };
    }
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
