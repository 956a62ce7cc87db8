/**
 * An apply killed at arbitrary points (SIGKILL: no clean-up runs) must leave nothing a re-run cannot
 * finish, and never a SharePoint profile whose PictureURL points at a missing file.
 */
import { spawn } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../src/model/plan.js";
import { cliProcessArgs, runCli } from "../support/cli.js";
import type { TestTenant } from "../support/tenant.js";
import { useExampleTenant } from "../support/tenant.js";

const FAST = { PHOTOSYNC_RETRY_BACKOFF_MS: "20", PHOTOSYNC_VERIFY_DELAY_MS: "10" };
/**
 * Kill points, as the number of write requests the emulator has received: tied to progress, not to
 * the clock, so every run interrupts the same stages whatever the machine's speed.
 */
const KILL_AFTER_WRITES = [1, 3, 7, 12, 16];

function writesSoFar(): number {
  return tenant.emulator.core.counters
    .requests()
    .filter((entry) => entry.method !== "GET" && !entry.path.endsWith("/$batch") && !entry.path.includes("contextinfo") && !entry.path.includes("/token") && entry.service !== "admin")
    .length;
}

let repo: { root: string; remove(): Promise<void> };
let tenant: TestTenant;

const example = useExampleTenant();
beforeAll(() => {
  ({ repo, tenant } = example);
});

/** Runs `photosync apply --yes` as a separate process and kills it once it has sent `writes` writes. */
function applyKilledAfter(writes: number): Promise<string> {
  const child = spawn(process.execPath, cliProcessArgs(["apply", "--yes"]), {
    cwd: repo.root,
    env: { ...process.env, ...tenant.env("writer"), ...FAST, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const watch = setInterval(() => {
    if (writesSoFar() >= writes) child.kill("SIGKILL");
  }, 2);
  return new Promise((resolve) => {
    child.on("exit", (_code, signal) => {
      clearInterval(watch);
      resolve(signal === "SIGKILL" ? "killed" : output);
    });
  });
}

/** Profiles that show a picture must point at a thumbnail that exists. */
function orphanedPictureUrls(): string[] {
  const state = tenant.emulator.core.tenant;
  return state
    .users()
    .filter((user) => user.profile["SPS-PicturePlaceholderState"] === "0" && user.profile.PictureURL)
    .filter((user) => !state.spoFile(decodeURI(new URL(user.profile.PictureURL!).pathname)))
    .map((user) => user.userPrincipalName);
}

describe("an interrupted apply", () => {
  it("never leaves a PictureURL pointing at a missing file, and a re-run converges", async () => {
    // Slow every request a little so the kills land in the middle of the writes.
    const outcomes: string[] = [];
    for (const writes of KILL_AFTER_WRITES) {
      await tenant.emulator.core.reset();
      tenant.emulator.admin.resetCounters();
      // A little latency, so the process is still mid-way when the kill arrives.
      tenant.emulator.admin.setFaults({ rules: [{ match: { service: "any" }, latencyMs: 15, jitterMs: 10 }], seed: writes });
      outcomes.push(await applyKilledAfter(writes));
      expect(orphanedPictureUrls(), `after a kill at write ${writes}`).toEqual([]);

      tenant.emulator.admin.setFaults({});
      const rerun = await runCli(["apply", "--yes", "--format", "json"], { cwd: repo.root, env: { ...tenant.env("writer"), ...FAST } });
      expect(rerun.code, `re-run after a kill at write ${writes}: ${rerun.stderr}`).toBe(0);
      const plan = JSON.parse((await runCli(["plan", "--format", "json"], { cwd: repo.root, env: tenant.env("reader") })).stdout) as Plan;
      expect(plan.counts, `plan after the re-run (kill at write ${writes})`).toMatchObject({ create: 0, update: 0, delete: 0, unknown: 0 });
      expect(orphanedPictureUrls()).toEqual([]);
    }
    // Every kill must have interrupted a running apply, or the test proved nothing.
    expect(outcomes).toEqual(KILL_AFTER_WRITES.map(() => "killed"));
  });
});
