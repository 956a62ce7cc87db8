import { Option } from "commander";
import type { Command } from "commander";
import path from "node:path";
import { writeAtomic } from "../../files/write-atomic.js";
import { runReport } from "../../reconcile/report-run.js";
import type { Report } from "../../report/model.js";
import { summaryLine } from "../../report/model.js";
import { formatReportCsv, formatReportJson, formatReportMarkdown, formatReportText } from "../../report/format.js";
import { formatReportHtml } from "../../report/format-html.js";
import { fitHeapGrowthToPlan } from "../heap.js";
import { createRunProgress } from "../progress.js";
import { readSettings } from "../settings.js";
import { EXIT } from "../io.js";
import type { CommandContext } from "../io.js";
import { addTenantOptions, reportProblems } from "./plan.js";

export type ReportFormat = "text" | "json" | "csv" | "markdown" | "html";
export const REPORT_FORMATS: readonly ReportFormat[] = ["text", "json", "csv", "markdown", "html"];

export function formatReport(report: Report, format: ReportFormat, options: { htmlLink?: string } = {}): string {
  switch (format) {
    case "json":
      return formatReportJson(report);
    case "csv":
      return formatReportCsv(report);
    case "markdown":
      return formatReportMarkdown(report, options.htmlLink ? { htmlLink: options.htmlLink } : {});
    case "html":
      return formatReportHtml(report);
    default:
      return formatReportText(report);
  }
}

/**
 * `photosync report`: every person of the tenant, managed or not, and which photo each store
 * shows. Read-only (the reader identity); exit 0 whatever it finds, 1 when it could not read.
 */
export function registerReport(program: Command, { io, setExitCode }: CommandContext): void {
  addTenantOptions(
    program
      .command("report")
      .description("Show every person of the tenant: managed or not, which stores have a photo, whether they agree and match the repo. Read-only.")
      .option("-m, --manifest <file>", "the manifest", "photos.yaml")
      .addOption(new Option("-f, --format <format>", "output format").choices([...REPORT_FORMATS]).default("text"))
      .option("-o, --out <file>", "write the report to this file instead of standard output")
      .option("--html-link <url>", "markdown: link the HTML page from the summary (a workflow passes the artifact's URL)"),
  ).action(async (options: { manifest: string; format: ReportFormat; out?: string; htmlLink?: string; emulator?: boolean; resetEmulator?: boolean }) => {
    const settings = readSettings(io.env, io.cwd);
    const manifestPath = path.resolve(io.cwd, options.manifest);
    // On a terminal, a status line while the managed people are planned and the tenant is read.
    const progress = createRunProgress(io.stderr, "report", "checking and analysing photos", "reading the tenant");
    let result: Awaited<ReturnType<typeof runReport>>;
    try {
      result = await runReport({
        manifestPath,
        displayName: path.relative(io.cwd, manifestPath) || manifestPath,
        settings,
        thumbnails: options.format === "html",
        ...(options.emulator || options.resetEmulator ? { emulator: { reset: options.resetEmulator === true } } : {}),
        warn: (message) => progress.log(`photosync: warning: ${message}\n`),
        onLoaded: ({ people }) => {
          fitHeapGrowthToPlan(people);
          progress.started(people);
        },
        onAnalysed: (done, total) => progress.analysed(done, total),
      });
    } finally {
      progress.stop();
    }
    if (!result.ok) {
      setExitCode(reportProblems(result, io));
      return;
    }
    const output = formatReport(result.report, options.format, options.htmlLink ? { htmlLink: options.htmlLink } : {});
    if (options.out) {
      // Whole or not at all: a half-written page would be taken for the report.
      await writeAtomic(path.resolve(io.cwd, options.out), output);
      io.stdout.write(`${summaryLine(result.report)}; report written to ${options.out}\n`);
    } else {
      io.stdout.write(output);
    }
    setExitCode(result.report.counts.unknown > 0 ? EXIT.failure : EXIT.ok);
  });
}
