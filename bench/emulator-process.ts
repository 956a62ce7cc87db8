/**
 * The emulator as a separate process (`photosync emulator`, from the bench's build), on loopback, child of the bench: it
 * gets SIGTERM when the bench ends, and its IPC channel closing (the bench died) stops it too.
 * The bench talks to it only through its endpoints file and admin API, as it would to a tenant.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { EmulatorEndpoints } from "../src/emulator/index.js";

export interface EmulatorProcess {
  endpoints: EmulatorEndpoints;
  pid: number;
  stop(): Promise<void>;
}

/** A timer that never keeps the bench alive on its own. */
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

export async function startEmulatorProcess(options: { entry: string; fixture: string; stateDir: string; log: (line: string) => void }): Promise<EmulatorProcess> {
  const endpointsFile = path.join(options.stateDir, "endpoints.json");
  const child: ChildProcess = spawn(
    process.execPath,
    [
      // The emulator holds every blob it serves: give it room at 10,000 people.
      "--max-old-space-size=4096",
      path.join(path.dirname(options.entry), "..", "..", "bench", "stop-with-parent.js"),
      options.entry,
      "emulator",
      "--tenant",
      options.fixture,
      "--state",
      options.stateDir,
      "--reset",
      "--endpoints",
      endpointsFile,
    ],
    { stdio: ["ignore", "pipe", "pipe", "ipc"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("Press Ctrl+C to stop.")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`the emulator exited (${code}) before it was ready: ${stderr.trim()}`)));
  });
  const stopOnExit = (): void => void child.kill("SIGTERM");
  process.once("exit", stopOnExit);
  await Promise.race([ready, sleep(600_000).then(() => Promise.reject(new Error("the emulator did not start within 10 minutes")))]);
  const endpoints = JSON.parse(await readFile(endpointsFile, "utf8")) as EmulatorEndpoints;
  options.log(`emulator: pid ${child.pid}, Graph ${endpoints.graphBaseUrl}, admin ${endpoints.adminApiUrl}`);
  return {
    endpoints,
    pid: child.pid!,
    async stop() {
      process.off("exit", stopOnExit);
      if (child.exitCode === null) child.kill("SIGTERM");
      await Promise.race([exited, sleep(15_000).then(() => void child.kill("SIGKILL"))]);
    },
  };
}
