/**
 * Runs one measured program (argv[2], a script path; the rest are its arguments) and, when the
 * process exits, writes what it cost to $BENCH_USAGE_FILE: CPU time (user + system), peak RSS and
 * the time since the process started. The measured program runs unchanged in this process, so
 * peak RSS is its own (sharp's threads included).
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [script, ...args] = process.argv.slice(2);
const usageFile = process.env.BENCH_USAGE_FILE;
if (script === undefined || usageFile === undefined) throw new Error("usage: BENCH_USAGE_FILE=F child.js SCRIPT [ARGS...]");
process.argv = [process.argv[0]!, path.resolve(script), ...args];
process.once("exit", (code) => {
  const usage = process.resourceUsage();
  writeFileSync(
    usageFile,
    JSON.stringify({
      exitCode: code,
      userCpuMs: usage.userCPUTime / 1000,
      systemCpuMs: usage.systemCPUTime / 1000,
      maxRssKiB: usage.maxRSS,
      uptimeMs: performance.now(),
    }),
  );
});
await import(pathToFileURL(path.resolve(script)).href);
