/**
 * Runs a program as its own child process and measures it: wall time from spawn to exit (process
 * start included), CPU time and peak RSS as the child itself reports them (child.ts).
 */
import { spawn } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

export interface Measured {
  wallMs: number;
  cpuMs: number;
  userCpuMs: number;
  systemCpuMs: number;
  peakRssMiB: number;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

let sequence = 0;

export async function measure(childScript: string, script: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; nodeOptions?: string[] }): Promise<Measured> {
  const usageFile = path.join(tmpdir(), `photosync-bench-usage-${process.pid}-${++sequence}.json`);
  const started = performance.now();
  const child = spawn(process.execPath, [...(options.nodeOptions ?? []), childScript, script, ...args], {
    cwd: options.cwd,
    env: { ...options.env, BENCH_USAGE_FILE: usageFile },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => resolve(code));
  });
  const wallMs = performance.now() - started;
  let usage: { userCpuMs: number; systemCpuMs: number; maxRssKiB: number };
  try {
    usage = JSON.parse(await readFile(usageFile, "utf8")) as typeof usage;
  } catch {
    throw new Error(`${path.basename(script)} ${args.join(" ")} exited ${exitCode} without reporting its usage: ${stderr.slice(-2000)}`);
  } finally {
    await rm(usageFile, { force: true });
  }
  return {
    wallMs,
    cpuMs: usage.userCpuMs + usage.systemCpuMs,
    userCpuMs: usage.userCpuMs,
    systemCpuMs: usage.systemCpuMs,
    peakRssMiB: usage.maxRssKiB / 1024,
    exitCode,
    stdout,
    stderr,
  };
}
