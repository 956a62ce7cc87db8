/** The plan as JSON: the Plan object itself, versioned by its `format` field. Pure. */
import type { Plan } from "../model/plan.js";

export function formatPlanJson(result: Plan): string {
  return [...formatPlanJsonChunks(result)].join("");
}

/** Characters per chunk: a 10,000-person plan (~13 MB) is written without being one string. */
const CHUNK_CHARS = 64 * 1024;

/**
 * The same text as `JSON.stringify(result, null, 2)` plus a newline, in chunks: the top level and
 * `users` are written here, everything inside a person by JSON.stringify.
 */
export function* formatPlanJsonChunks(result: Plan): Generator<string> {
  const indent = (text: string, pad: string): string => text.replace(/\n/g, `\n${pad}`);
  const entries = Object.entries(result).filter(([, value]) => value !== undefined);
  let chunk = "{\n";
  for (const [index, [key, value]] of entries.entries()) {
    const comma = index < entries.length - 1 ? "," : "";
    if (key === "users" && Array.isArray(value) && value.length > 0) {
      chunk += `  ${JSON.stringify(key)}: [\n`;
      for (const [i, user] of value.entries()) {
        chunk += `    ${indent(JSON.stringify(user, null, 2), "    ")}${i < value.length - 1 ? "," : ""}\n`;
        if (chunk.length >= CHUNK_CHARS) {
          yield chunk;
          chunk = "";
        }
      }
      chunk += `  ]${comma}\n`;
    } else {
      chunk += `  ${JSON.stringify(key)}: ${indent(JSON.stringify(value, null, 2), "  ")}${comma}\n`;
    }
  }
  yield `${chunk}}\n`;
}
