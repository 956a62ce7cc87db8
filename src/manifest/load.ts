/**
 * Loads photos.yaml: read → parse (with positions) → JSON Schema → DesiredState. Every problem found
 * on the way is collected, so one run reports everything wrong, not just the first thing.
 * Photo files are not opened here (see validate/ for that); their paths are checked.
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { buildDesiredState, checkUserEntries } from "./build.js";
import { checkPhotoPaths } from "./photo-paths.js";
import type { Problem } from "./problems.js";
import { sortProblems } from "./problems.js";
import { validateAgainstSchema } from "./schema.js";
import type { DesiredState, DesiredUser } from "../model/desired.js";
import { MAX_MANIFEST_BYTES, parseManifestText } from "./yaml-source.js";

export interface LoadResult {
  /** The manifest's name as used in problem positions. */
  file: string;
  /** Present when the manifest could be understood (it may still have errors, e.g. a missing photo). */
  state?: DesiredState;
  /** Users whose photo path names a readable file inside photos/ (subset of state.users). */
  readablePhotos: DesiredUser[];
  problems: Problem[];
  /** The manifest's text, when it could be read. */
  text?: string;
  /** Readable photos whose path, as written, is a link: path as written → real path in the repo. */
  linkedPhotos?: ReadonlyMap<string, string>;
}

export interface LoadOptions {
  /** How the manifest is named in messages; default: the path relative to the current directory. */
  displayName?: string;
}

export async function loadManifest(manifestPath: string, options: LoadOptions = {}): Promise<LoadResult> {
  const absolutePath = path.resolve(manifestPath);
  const file = options.displayName ?? (path.relative(process.cwd(), absolutePath) || absolutePath);
  let text: string;
  try {
    const { size } = await stat(absolutePath);
    if (size > MAX_MANIFEST_BYTES) {
      const message = `${file} is ${(size / 1024 / 1024).toFixed(1)} MiB, over the ${MAX_MANIFEST_BYTES / 1024 / 1024} MiB limit; split it or remove generated content`;
      return { file, readablePhotos: [], problems: [{ severity: "error", code: "manifest-too-large", message, position: { file, line: 1, column: 1 } }] };
    }
    text = await readFile(absolutePath, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === "ENOENT"
        ? `${file} does not exist; run photosync in the repo that holds photos.yaml, or pass --manifest`
        : code === "EISDIR"
          ? `${file} is a directory; pass the photos.yaml file inside it`
          : `${file} cannot be read (${code ?? String(error)})`;
    return { file, readablePhotos: [], problems: [{ severity: "error", code: "manifest-unreadable", message }] };
  }

  const { parsed, sourceMap, problems } = parseManifestText(file, text);
  if (!parsed || !sourceMap) return { file, text, readablePhotos: [], problems: sortProblems(problems) };

  const schemaProblems = validateAgainstSchema(parsed.data, sourceMap);
  problems.push(...schemaProblems, ...checkUserEntries(parsed.data, sourceMap));
  if (schemaProblems.length > 0) return { file, text, readablePhotos: [], problems: sortProblems(problems) };

  const built = buildDesiredState(parsed.data as Parameters<typeof buildDesiredState>[0], absolutePath, sourceMap);
  problems.push(...built.problems);
  const paths = checkPhotoPaths(built.state);
  problems.push(...paths.problems);
  const linkedPhotos = new Map([...paths.linked].map(([user, target]) => [(user.photo as { path: string }).path, target]));
  return { file, text, state: built.state, readablePhotos: paths.readable, linkedPhotos, problems: sortProblems(problems) };
}
