/**
 * The e2e tier's global setup: builds dist/ from src/ once per run, before any test file starts, so
 * the CLI that end-to-end tests spawn (`node dist/cli/main.js`, see cli.ts) is never missing or
 * older than the sources. Type errors are `npm run lint`'s to report (`--noCheck`: the emitted
 * JavaScript is the same, the build takes about half the time); anything that stops tsc emitting
 * fails the tier here, with tsc's own message.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";

const ROOT = path.resolve(import.meta.dirname, "../..");

export default async function buildDist(): Promise<void> {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  try {
    await promisify(execFile)(process.execPath, [tsc, "-p", "tsconfig.json", "--noCheck"], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`The e2e tests run the built CLI (dist/), and building it failed (tsc -p tsconfig.json --noCheck):\n${stdout}${stderr}`, { cause: error });
  }
  if (!existsSync(path.join(ROOT, "dist/cli/main.js"))) throw new Error("The e2e tests run the built CLI, and tsc -p tsconfig.json wrote no dist/cli/main.js");
}
