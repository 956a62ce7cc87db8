/**
 * Git I/O for `plan --changed-since REF`. Git runs through execFile (no shell), arguments as an
 * array; the ref comes from CI and is untrusted: it is checked, passed after --end-of-options, and
 * resolved once to a commit id that every later command uses.
 */
import { execFile } from "node:child_process";
import { realpath } from "node:fs/promises";
import path from "node:path";
import { loadManifest } from "../manifest/load.js";
import type { LoadResult } from "../manifest/load.js";
import { PHOTOS_DIR } from "../manifest/photo-paths.js";
import type { DesiredState } from "../model/desired.js";
import { UserError } from "../model/errors.js";
import type { ChangeScope } from "./changed-since.js";
import { changedUsers, photoPathKey, stateFromManifestText } from "./changed-since.js";

/** Manifests are at most 16 MiB; diffs of a big photos/ fit easily. */
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
const FETCH_HINT = "fetch the base first: actions/checkout with fetch-depth: 0, or git fetch origin <base>";

export class GitError extends UserError {
  override readonly name = "GitError";
}

interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment git runs with (cli/settings.ts hands over the command's): PATH, HOME, GIT_* and the like. */
export type ChildEnv = Readonly<Record<string, string | undefined>>;

/** Runs git in `cwd` with `childEnv`; resolves with the exit code (never rejects for a non-zero exit). */
export function runGit(cwd: string, args: readonly string[], childEnv: ChildEnv): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    // Optional locks off: a read-only diff must not take .git/index.lock from a concurrent git.
    const env = { ...childEnv, GIT_OPTIONAL_LOCKS: "0", GIT_TERMINAL_PROMPT: "0" };
    execFile("git", ["--literal-pathspecs", ...args], { cwd, env, maxBuffer: MAX_OUTPUT_BYTES, encoding: "utf8" }, (error, stdout, stderr) => {
      if (!error) return resolve({ code: 0, stdout, stderr });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return reject(new GitError("--changed-since needs git, which is not installed or not on PATH; install git"));
      if (typeof code === "number") return resolve({ code, stdout, stderr });
      reject(new GitError(`git ${args[0] ?? ""} failed: ${error.message}`));
    });
  });
}

const firstLine = (text: string) => text.trim().split("\n")[0] ?? "";

/**
 * Why a ref given on the command line is refused, or undefined when git may judge it.
 * Branches, tags, commit ids and expressions such as origin/main or HEAD~1 pass.
 */
export function refProblem(ref: string): string | undefined {
  if (ref.length === 0) return "is empty";
  if (ref.length > 256) return "is longer than 256 characters";
  if (ref.startsWith("-")) return "starts with '-' (it would be read as an option)";
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f]/.test(ref)) return "contains a space or control character";
  if (ref.includes(":")) return "contains ':' (name a commit, not a file in it)";
  return undefined;
}

/** Splits NUL-terminated git output (-z) into paths. */
const splitZ = (text: string) => text.split("\0").filter((entry) => entry.length > 0);

async function repoRoot(cwd: string, env: ChildEnv): Promise<string> {
  const result = await runGit(cwd, ["rev-parse", "--show-toplevel"], env);
  if (result.code !== 0) {
    const detail = firstLine(result.stderr);
    throw new GitError(
      `--changed-since needs the git history, but ${cwd} is not in a usable git repository${detail ? ` (${detail})` : ""}; run photosync in a clone (actions/checkout)`,
    );
  }
  return realpath(result.stdout.trim());
}

/** The commit id a ref names; a clear error when it is unknown here. */
export async function resolveCommit(root: string, ref: string, env: ChildEnv): Promise<string> {
  const problem = refProblem(ref);
  if (problem) throw new GitError(`--changed-since ${JSON.stringify(ref)} is refused: the ref ${problem}`);
  const result = await runGit(root, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`], env);
  const commit = result.stdout.trim();
  if (result.code === 0 && /^[0-9a-f]{40,64}$/.test(commit)) return commit;
  const shallow = (await runGit(root, ["rev-parse", "--is-shallow-repository"], env)).stdout.trim() === "true";
  throw new GitError(
    `--changed-since: ${JSON.stringify(ref)} is not a commit in this repository${shallow ? " (this clone is shallow)" : ""}; ${FETCH_HINT}`,
  );
}

/** The text of a file at a commit, undefined when the commit has no such file. `file` is relative to the root. */
async function fileAt(root: string, commit: string, file: string, env: ChildEnv): Promise<string | undefined> {
  const blob = await runGit(root, ["rev-parse", "--verify", "--quiet", `${commit}:${file}`], env);
  if (blob.code !== 0) return undefined;
  const result = await runGit(root, ["cat-file", "blob", blob.stdout.trim()], env);
  if (result.code !== 0) throw new GitError(`cannot read ${file} at ${commit}: ${firstLine(result.stderr)}`);
  return result.stdout;
}

/** Files under `dir` (relative to the root) added, changed, deleted or renamed since `commit`, plus untracked ones. */
async function changedFiles(root: string, commit: string, dir: string, env: ChildEnv): Promise<string[]> {
  const diff = await runGit(root, ["diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", "--no-textconv", "--end-of-options", commit, "--", dir], env);
  if (diff.code !== 0) throw new GitError(`git diff against ${commit} failed: ${firstLine(diff.stderr)}`);
  const untracked = await runGit(root, ["ls-files", "--others", "--exclude-standard", "-z", "--", dir], env);
  if (untracked.code !== 0) throw new GitError(`git ls-files failed: ${firstLine(untracked.stderr)}`);
  return [...new Set([...splitZ(diff.stdout), ...splitZ(untracked.stdout)])].sort();
}

export interface ChangedSince extends ChangeScope {
  /** The ref as given, and the commit it named. */
  ref: string;
  commit: string;
  /** Photo files changed since the commit, relative to the manifest's directory. */
  changedPhotoPaths: string[];
}

/**
 * Who `plan --changed-since REF` plans: compares the manifest at REF's commit with the one on disk and
 * lists photo files changed between that commit and the working tree (untracked ones included).
 * Pass `loaded` when the manifest is already loaded; git runs with `env` (the command's settings).
 * Throws GitError with what to do.
 */
export async function resolveChangedSince(
  manifestPath: string,
  ref: string,
  options: { env: ChildEnv; loaded?: LoadResult },
): Promise<ChangedSince> {
  const env = options.env;
  const problem = refProblem(ref);
  if (problem) throw new GitError(`--changed-since ${JSON.stringify(ref)} is refused: the ref ${problem}`);
  const loaded = options.loaded ?? (await loadManifest(manifestPath));
  const current = loaded.state;
  if (!current) throw new Error(`${loaded.file} cannot be loaded; run photosync validate to see why`);
  const manifestReal = await realpath(path.resolve(manifestPath));
  const root = await repoRoot(path.dirname(manifestReal), env);
  const commit = await resolveCommit(root, ref, env);

  const toRepo = (absolute: string) => path.relative(root, absolute).split(path.sep).join("/");
  const manifestInRepo = toRepo(manifestReal);
  const manifestDirInRepo = toRepo(path.dirname(manifestReal));
  const photosInRepo = path.posix.join(manifestDirInRepo || ".", PHOTOS_DIR);

  // Changed paths, re-expressed relative to the manifest's directory (how users write them).
  const changedPhotoPaths = (await changedFiles(root, commit, photosInRepo, env)).map((file) => path.posix.relative(manifestDirInRepo, file));
  const changed = new Set(changedPhotoPaths);
  // A link the user names changed when its target did (git reports the target).
  const changedKeys = new Set(changedPhotoPaths.map(photoPathKey));
  for (const [link, target] of loaded.linkedPhotos ?? []) if (changedKeys.has(photoPathKey(target))) changed.add(link);

  const short = commit.slice(0, 12);
  const text = await fileAt(root, commit, manifestInRepo, env);
  let previous: DesiredState | undefined;
  let noPrevious = `${manifestInRepo} did not exist at ${ref} (${short}): planning everyone`;
  if (text !== undefined && text === loaded.text) {
    // The usual pull request changes photos, not the manifest: nothing to parse a second time.
    previous = current;
  } else if (text !== undefined) {
    const parsed = stateFromManifestText(text, manifestReal, `${manifestInRepo}@${short}`);
    if ("state" in parsed) previous = parsed.state;
    else noPrevious = `${parsed.error}: planning everyone`;
  }
  return { ...changedUsers(previous, current, changed, noPrevious), ref, commit, changedPhotoPaths };
}
