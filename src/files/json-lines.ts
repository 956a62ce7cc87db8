/**
 * JSON-lines cache files: a first line `{"format": ...}`, then one JSON value per line. Read and
 * written a line at a time, so a file sized for a whole tenant never
 * sits in memory as one text. A line that does not parse (a torn or edited file) is skipped: these
 * files only make runs faster, and their readers check every value they take.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

/** Lines written per chunk. */
const LINES_PER_CHUNK = 500;

/** A line's JSON, or undefined when it is not JSON. */
function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/**
 * Each value after the format line, when that line names `format`. A missing or unreadable file,
 * or one of another format, yields what was read before the problem (nothing, for a missing file).
 */
export async function* readJsonLines(file: string, format: string): AsyncGenerator<unknown> {
  const stream = createReadStream(file, { encoding: "utf8" });
  try {
    let first = true;
    for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
      if (first) {
        first = false;
        if ((parseLine(line) as { format?: unknown } | undefined)?.format !== format) return;
        continue;
      }
      yield parseLine(line);
    }
  } catch {
    // Missing or unreadable: what was read is all there is; the next save rewrites the file.
  } finally {
    stream.destroy();
  }
}

/** The text of a JSON-lines file, in chunks of LINES_PER_CHUNK lines (for writeCacheEntry). */
export function* jsonLines(format: string, values: Iterable<unknown>): Generator<string> {
  yield `${JSON.stringify({ format })}\n`;
  let chunk = "";
  let count = 0;
  for (const value of values) {
    chunk += `${JSON.stringify(value)}\n`;
    if (++count % LINES_PER_CHUNK === 0) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk !== "") yield chunk;
}
