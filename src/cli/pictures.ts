/**
 * `--pictures DIR` and `--pictures-max N` of plan, drift and apply's dry run: the options, the
 * check of DIR before anything is read, and the lines that name what was written.
 */
import { statSync } from "node:fs";
import path from "node:path";
import { InvalidArgumentError, Option } from "commander";
import type { Command } from "commander";
import { PICTURES_MAX_DEFAULT } from "../pictures/panels.js";
import type { PicturesOutcome } from "../reconcile/pictures-run.js";
import { plural } from "../plan/format-text.js";

export interface PicturesCommandOptions {
  pictures?: string;
  picturesMax: number;
}

/** `--pictures-max N`: a whole number of people, at least 1. */
export function parsePicturesMax(value: string): number {
  const max = Number(value);
  if (!/^\d+$/.test(value.trim()) || max < 1) throw new InvalidArgumentError("--pictures-max is a whole number of people, at least 1.");
  return max;
}

export function addPicturesOptions(command: Command): Command {
  return command
    .option("--pictures <dir>", "also write the before/after review sheet of the people with changes to this directory (faces.html, faces-1.png, …); read-only")
    .addOption(
      new Option("--pictures-max <n>", "people on the sheet at most: only their pictures are downloaded, the rest are counted as not shown")
        .argParser(parsePicturesMax)
        .default(PICTURES_MAX_DEFAULT),
    );
}

/** Why DIR cannot hold the sheet (an existing file, or under one), or undefined: it is, or can be made, a directory. */
export function picturesDirProblem(dir: string): string | undefined {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(at).isDirectory();
    } catch {
      if (path.dirname(at) === at) return undefined;
      continue;
    }
    if (isDirectory) return undefined;
    return at === path.resolve(dir)
      ? `--pictures: ${dir} is a file, not a directory; give a directory for the review sheet (it is created if missing). Nothing was read`
      : `--pictures: ${dir} is under ${at}, which is a file, not a directory; give a directory for the review sheet. Nothing was read`;
  }
}

/** What a run with --pictures says on standard error: the files, who is left out, what it cost. */
export function picturesLines(outcome: PicturesOutcome, cwd: string, max: number): string[] {
  // Relative to where the user is when under it; a folder elsewhere by its full path ("/tmp/faces/…",
  // not "../../tmp/faces/…").
  const shown = (file: string) => {
    const relative = path.relative(cwd, file);
    return relative === "" || relative.split(path.sep)[0] === ".." || path.isAbsolute(relative) ? file : relative;
  };
  const { files, input } = outcome;
  if (files.people === 0) return [`photosync: no face changes; ${shown(files.html)} says so`];
  const lines = [`photosync: before/after pictures of ${plural(files.people, "person", "people")}: ${[files.html, ...files.pages].map(shown).join(", ")}`];
  if (input.omitted > 0) lines.push(`photosync: ${plural(input.omitted, "more person", "more people")} with changes not on the sheet (--pictures-max ${max})`);
  lines.push(
    outcome.extraDownloads > 0
      ? `photosync: ${plural(outcome.extraDownloads, "extra photo download", "extra photo downloads")} for the pictures`
      : "photosync: no extra photo download for the pictures (the plan's reads had them)",
  );
  return lines;
}
