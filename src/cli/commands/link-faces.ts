import { InvalidArgumentError } from "commander";
import type { Command } from "commander";
import { readGitHubContext } from "../../github/context.js";
import { readSettings } from "../settings.js";
import { EXIT } from "../io.js";
import type { CommandContext } from "../io.js";

/** An artifact link is an https URL (upload-artifact's `artifact-url` output). */
export function parseArtifactUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new InvalidArgumentError("--url is the uploaded sheet's link (upload-artifact's artifact-url output), an https URL.");
  }
  if (url.protocol !== "https:") throw new InvalidArgumentError("--url is the uploaded sheet's link (upload-artifact's artifact-url output), an https URL.");
  return url.href;
}

/** `--faces N`: how many people the sheet shows (the plan step's `faces` output). */
export function parseFaces(value: string): number {
  const faces = Number(value);
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError("--faces is the number of people on the sheet (the plan step's faces output), a whole number.");
  return faces;
}

/**
 * `photosync link-faces`: after the workflow uploaded the review sheet, link it from the job
 * summary and from the sticky plan comment or the drift issue the plan step wrote (github/faces-link.ts).
 */
export function registerLinkFaces(program: Command, { io, setExitCode }: CommandContext): void {
  program
    .command("link-faces")
    .description("GitHub Actions: link the uploaded before/after review sheet from the job summary and the plan comment or drift issue. Plans nothing. Exit 1 when a body to link could not be found.")
    .requiredOption("--url <url>", "the uploaded sheet's link (actions/upload-artifact's artifact-url output)", parseArtifactUrl)
    .requiredOption("--faces <n>", "how many people the sheet shows (the plan or drift step's faces output)", parseFaces)
    .option("--comment", "also link it from the pull request's sticky plan comment")
    .option("--drift-issue", "also link it from the open drift issue (\"Review the 2 drifted faces\")")
    .action(async (options: { url: string; faces: number; comment?: boolean; driftIssue?: boolean }) => {
      const settings = readSettings(io.env, io.cwd);
      const refusal = !settings.github.isActions
        ? "link-faces runs inside GitHub Actions (GITHUB_ACTIONS=true), after the sheet was uploaded"
        : (options.comment || options.driftIssue) && !settings.github.token
          ? "link-faces needs GITHUB_TOKEN to edit the plan comment or the drift issue: pass it to this step (env: GITHUB_TOKEN: ${{ github.token }})"
          : undefined;
      if (refusal) {
        io.stderr.write(`photosync: ${refusal}\n`);
        setExitCode(EXIT.failure);
        return;
      }
      if (options.faces === 0) {
        io.stdout.write("photosync: the sheet shows nobody: nothing to link\n");
        setExitCode(EXIT.ok);
        return;
      }
      const { linkFaces } = await import("../../github/faces-link.js");
      const result = await linkFaces(readGitHubContext(settings.github), { url: options.url, people: options.faces, comment: options.comment === true, driftIssue: options.driftIssue === true });
      io.stdout.write(`photosync: review sheet linked from ${result.linked.join(", ")}\n`);
      for (const problem of result.problems) io.stderr.write(`photosync: ${problem}\n`);
      setExitCode(result.problems.length > 0 ? EXIT.failure : EXIT.ok);
    });
}
