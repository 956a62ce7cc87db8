/**
 * `photosync render`: renders every managed photo exactly as it would be uploaded, into a
 * directory a person can look at, plus one contact sheet PNG with every photo labelled by UPN.
 */
import type { Command } from "commander";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { renderAll, renderJobs } from "../../images/batch.js";
import type { RenderOutcome } from "../../images/batch.js";
import { RenderCache, defaultCacheDir } from "../../images/cache.js";
import { contactSheet } from "../../images/contact-sheet.js";
import type { SheetEntry } from "../../images/contact-sheet.js";
import { createProgress } from "../../images/progress.js";
import { VARIANT_NAMES } from "../../images/settings.js";
import type { RenderedPhoto } from "../../images/variants.js";
import { loadManifest } from "../../manifest/load.js";
import type { Problem } from "../../manifest/problems.js";
import { upnKey } from "../../model/desired.js";
import { analyseDesired } from "../../reconcile/desired.js";
import { formatProblemLine } from "../../validate/format.js";
import { manifestProblems } from "../../validate/shared-thumbnails.js";
import { EXIT, useColour } from "../io.js";
import { unknownUsersMessage, usersOption } from "../options.js";
import { outDirProblem, replaceRender, userDirName } from "../render-output.js";

export { userDirName };
import type { CommandContext } from "../io.js";
import { readSettings } from "../settings.js";

export const CONTACT_SHEET = "contact-sheet.png";
export const INDEX_FILE = "index.json";

interface RenderCommandOptions {
  manifest: string;
  out?: string;
  users?: string[];
  cache: boolean;
}


/** What index.json records per user: enough to see what was rendered and why, without the image bytes. */
function indexEntry(outcome: RenderOutcome, dirName: string): unknown {
  if (!outcome.ok) return { upn: outcome.job.upn, photo: outcome.job.path, error: outcome.error };
  const photo: RenderedPhoto = outcome.photo;
  return {
    upn: outcome.job.upn,
    photo: outcome.job.path,
    source: photo.source,
    settings: photo.settings,
    warnings: photo.warnings,
    variants: Object.fromEntries(
      VARIANT_NAMES.map((name) => {
        const { bytes, ...variant } = photo.variants[name];
        return [name, { file: `${dirName}/${name}.jpg`, size: bytes.length, ...variant }];
      }),
    ),
  };
}

export function registerRender(program: Command, { io, setExitCode }: CommandContext): void {
  program
    .command("render")
    .description("Render every managed photo as it will be uploaded, plus a contact sheet to review them; exit 1 if any photo fails.")
    .option("-m, --manifest <file>", "the manifest", "photos.yaml")
    .option("-o, --out <dir>", "where to write the renders (default: .photosync/render next to the manifest)")
    .addOption(usersOption())
    .option("--no-cache", "render everything again; neither read nor write the render cache")
    .action(async (options: RenderCommandOptions) => {
      const colour = useColour(io, readSettings(io.env, io.cwd).colour);
      const paint = (code: number, text: string) => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
      const manifestPath = path.resolve(io.cwd, options.manifest);
      const displayName = path.relative(io.cwd, manifestPath) || manifestPath;

      const loaded = await loadManifest(manifestPath, { displayName });
      const refuse = (problems: readonly Problem[]) => {
        for (const problem of problems) io.stderr.write(`${formatProblemLine(problem)}\n`);
        io.stderr.write("photosync: nothing was rendered; fix the problems above (photosync validate shows them all)\n");
        setExitCode(EXIT.failure);
      };
      const manifestErrors = manifestProblems(loaded).filter((problem) => problem.severity === "error");
      if (!loaded.state || manifestErrors.length > 0) return refuse(manifestErrors);
      const state = loaded.state;

      const { jobs, removed, unknown } = renderJobs(state, options.users);
      if (unknown.length > 0) {
        io.stderr.write(`photosync: ${unknownUsersMessage(unknown)}; nothing was rendered\n`);
        setExitCode(EXIT.usage);
        return;
      }
      // The photos are checked as validate (and plan, and apply) check them: render previews what
      // apply would upload, and apply uploads nothing validate refuses.
      const cache = options.cache ? new RenderCache(defaultCacheDir(state.rootDir)) : undefined;
      const rendering = new Set(jobs.map((job) => upnKey(job.upn)));
      const checked = await analyseDesired(state, state.users.filter((user) => rendering.has(upnKey(user.upn))), cache);
      const photoErrors = checked.problems.filter((problem) => problem.severity === "error");
      if (photoErrors.length > 0) return refuse(photoErrors);
      if (removed.length > 0) io.stdout.write(`skipped (photo to be removed): ${removed.join(", ")}\n`);

      const outDir = options.out ? path.resolve(io.cwd, options.out) : path.join(state.rootDir, ".photosync", "render");
      const problem = await outDirProblem(outDir, state.rootDir, { ownsUnmarked: !options.out });
      if (problem) {
        io.stderr.write(`photosync: ${problem}; nothing was rendered\n`);
        setExitCode(EXIT.usage);
        return;
      }
      const progress = createProgress(io.stderr, jobs.length, "rendering");
      const { outcomes, stats } = await renderAll(jobs, {
        cache,
        onProgress: (_done, _total, outcome) => progress.tick(outcome.job.upn),
      });
      progress.stop();

      const rendered = outcomes.filter((outcome) => outcome.ok);
      await replaceRender(outDir, [
        INDEX_FILE,
        ...(rendered.length > 0 ? [CONTACT_SHEET] : []),
        ...rendered.flatMap((outcome) => VARIANT_NAMES.map((name) => `${userDirName(outcome.job.upn)}/${name}.jpg`)),
      ]);
      const index: unknown[] = [];
      const sheet: SheetEntry[] = [];
      let failed = 0;
      for (const outcome of outcomes) {
        const dirName = userDirName(outcome.job.upn);
        index.push(indexEntry(outcome, dirName));
        if (!outcome.ok) {
          failed++;
          io.stderr.write(`${paint(31, "✗")} ${outcome.job.upn}: ${outcome.job.path}: ${outcome.error}\n`);
          continue;
        }
        const userDir = path.join(outDir, dirName);
        await mkdir(userDir, { recursive: true });
        for (const name of VARIANT_NAMES) await writeFile(path.join(userDir, `${name}.jpg`), outcome.photo.variants[name].bytes);
        const { graph } = outcome.photo.variants;
        io.stdout.write(`${paint(32, "✓")} ${outcome.job.upn}: ${graph.edge} px, ${Math.ceil(graph.bytes.length / 1024)} KiB\n`);
        const warnings = [...outcome.photo.warnings];
        // The sheet is what a reviewer looks at: the warnings belong on it, not only in a terminal.
        sheet.push({ label: outcome.job.upn, image: graph.bytes, warnings });
        for (const warning of warnings) io.stdout.write(`  ${paint(33, "!")} ${warning}\n`);
      }
      await writeFile(path.join(outDir, INDEX_FILE), `${JSON.stringify(index, null, 2)}\n`);
      if (sheet.length > 0) await writeFile(path.join(outDir, CONTACT_SHEET), await contactSheet(sheet));
      for (const problem of stats.writeErrors) io.stderr.write(`warning: render cache not written: ${problem}\n`);

      const cached = stats.hits > 0 ? ` (${stats.hits} from cache)` : "";
      const sheetNote = sheet.length > 0 ? `; contact sheet: ${path.join(outDir, CONTACT_SHEET)}` : "";
      io.stdout.write(`Rendered ${rendered.length} of ${outcomes.length} photo(s) into ${outDir}${cached}${sheetNote}\n`);
      if (failed > 0) io.stderr.write(`${failed} photo(s) failed to render.\n`);
      setExitCode(failed > 0 ? EXIT.failure : EXIT.ok);
    });
}
