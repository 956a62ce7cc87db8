import type { Command } from "commander";
import path from "node:path";
import { runImport } from "../../reconcile/import-run.js";
import type { ImportRunResult } from "../../reconcile/import-run.js";
import { runPlan } from "../../reconcile/plan-run.js";
import { countsLine } from "../../plan/format-text.js";
import { hasChanges } from "../../plan/plan.js";
import { createProgress } from "../../images/progress.js";
import type { Progress } from "../../images/progress.js";
import { readSettings } from "../settings.js";
import { parseUsers } from "../options.js";
import { EXIT } from "../io.js";
import type { CliIo, CommandContext } from "../io.js";
import { addTenantOptions, reportProblems } from "./plan.js";

interface ImportCommandOptions {
  manifest: string;
  users?: string[];
  all?: boolean;
  includeGuests?: boolean;
  includeDisabled?: boolean;
  force?: boolean;
  placeholders?: boolean;
  emulator?: boolean;
  resetEmulator?: boolean;
}

/** The summary a person reads after an import: what was written, who has no photo, who was skipped and why. */
export function formatImportSummary(result: Extract<ImportRunResult, { ok: true }>, manifestName: string, placeholders = false): string {
  const lines: string[] = [];
  const fresh = result.imported.filter((person) => !person.resumed);
  const resumed = result.imported.filter((person) => person.resumed);
  lines.push(`photosync import: ${result.imported.length} imported (${fresh.length} downloaded, ${resumed.length} from an interrupted import), ${result.withoutPhoto.length} without a photo, ${result.skipped.length} skipped`);
  for (const person of result.imported) {
    const from = person.resumed ? "already downloaded by an earlier import" : `from ${person.source}, ${person.width}x${person.height}`;
    lines.push(`  + ${person.upn}: ${person.path} (${from})`);
    if (person.note) lines.push(`      ${person.note}`);
    if (person.stores) lines.push(`      stores: [${person.stores.kept.join(", ")}]: ${person.stores.why}`);
  }
  if (result.withoutPhoto.length > 0) {
    const next = placeholders ? `written to ${manifestName} as commented-out entries: add each photo, then uncomment its line` : "add their photos by hand, or re-run with --placeholders for commented-out entries";
    lines.push(`No photo in Microsoft 365 (${result.withoutPhoto.length}): ${next}`);
    for (const upn of result.withoutPhoto) lines.push(`  - ${upn}`);
  }
  if (result.skipped.length > 0) {
    lines.push(`Skipped (${result.skipped.length}):`);
    for (const person of result.skipped) lines.push(`  ! ${person.upn}: ${person.reason}`);
  }
  lines.push(result.manifestChanged ? `${manifestName} updated in place.` : `${manifestName} unchanged.`);
  return `${lines.join("\n")}\n`;
}

async function planImported(options: ImportCommandOptions, upns: string[], io: CliIo, manifestPath: string, manifestName: string): Promise<number> {
  const settings = readSettings(io.env, io.cwd);
  const result = await runPlan({
    manifestPath,
    displayName: manifestName,
    settings,
    users: upns,
    ...(options.emulator || options.resetEmulator ? { emulator: {} } : {}),
    warn: (message) => io.stderr.write(`photosync: warning: ${message}\n`),
  });
  if (!result.ok) return reportProblems(result, io);
  io.stdout.write(`Plan for the imported people: ${countsLine(result.plan)}\n`);
  if (result.plan.counts.unknown > 0) return EXIT.failure;
  if (hasChanges(result.plan)) {
    for (const user of result.plan.users) {
      for (const step of user.steps) if (["create", "update", "delete"].includes(step.action)) io.stdout.write(`  ~ ${user.upn}: ${step.store} ${step.action}: ${step.reason}\n`);
    }
  }
  return EXIT.ok;
}

export function registerImport(program: Command, { io, setExitCode }: CommandContext): void {
  addTenantOptions(
    program
      .command("import")
      .description("Bring the tenant's current photos into the repo: download them into photos/ and add the people to photos.yaml (in place), then plan them.")
      .option("-m, --manifest <file>", "the manifest", "photos.yaml")
      .option("-u, --users <upns>", "only these people, comma-separated UPNs (case-insensitive; each must be in the tenant)", parseUsers)
      .option("--all", "everyone in the tenant (members, enabled; see --include-guests and --include-disabled)")
      .option("--include-guests", "guests too (their photo belongs to their home organisation)")
      .option("--include-disabled", "disabled accounts too")
      .option("--force", "overwrite existing photo files and photos.yaml entries")
      .option("--placeholders", "write people without a photo as commented-out entries, for someone to fill in"),
  ).action(async (options: ImportCommandOptions) => {
    if (!options.users && !options.all) {
      io.stderr.write("photosync: import needs --users a@x,b@y or --all; nothing was read or written\n");
      setExitCode(EXIT.usage);
      return;
    }
    if (options.users && options.all) {
      io.stderr.write("photosync: import takes --users or --all, not both; nothing was read or written\n");
      setExitCode(EXIT.usage);
      return;
    }
    const settings = readSettings(io.env, io.cwd);
    const manifestPath = path.resolve(io.cwd, options.manifest);
    const manifestName = path.relative(io.cwd, manifestPath) || manifestPath;
    let progress: Progress | undefined;
    let result: ImportRunResult;
    try {
      result = await runImport({
        manifestPath,
        displayName: manifestName,
        settings,
        ...(options.users ? { users: options.users } : {}),
        ...(options.includeGuests ? { includeGuests: true } : {}),
        ...(options.includeDisabled ? { includeDisabled: true } : {}),
        ...(options.force ? { force: true } : {}),
        ...(options.placeholders ? { placeholders: true } : {}),
        ...(options.emulator || options.resetEmulator ? { emulator: { reset: options.resetEmulator === true } } : {}),
        warn: (message) => io.stderr.write(`photosync: warning: ${message}\n`),
        onDownloads: (photos) => (progress = createProgress(io.stderr, photos, "import: checking photos")),
        onDownloaded: (upn) => progress?.tick(upn),
      });
    } finally {
      progress?.stop();
    }
    if (!result.ok) {
      setExitCode(reportProblems(result, io));
      return;
    }
    io.stdout.write(formatImportSummary(result, manifestName, options.placeholders === true));
    const upns = result.imported.map((person) => person.upn);
    setExitCode(upns.length > 0 ? await planImported(options, upns, io, manifestPath, manifestName) : EXIT.ok);
  });
}
