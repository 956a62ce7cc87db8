/**
 * Fidelity: read-after-write propagation (m365-facts.md "Propagation"; graph-explorer-v4 #1269).
 * Graph may go on serving the previous photo for a while after a write. With the emulator's
 * `propagation.graphSeconds` on, the real CLI over HTTPS:
 * - verifies within its window (PHOTOSYNC_VERIFY_WINDOW_SECONDS) when Graph catches up in time;
 * - with a window shorter than the delay, reports the write as pending (exit 0, not failed), the
 *   next plan shows it as pending (not an update to upload again), and once Graph serves the new
 *   photo the plan has no changes and the pending record is gone.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { renderPortrait } from "../../src/demo/portrait.js";
import { DEMO_READER_CLIENT_ID, DEMO_WRITER_CLIENT_ID, type Fixture } from "../../src/emulator/index.js";
import type { ApplyReport } from "../../src/model/apply.js";
import type { Plan } from "../../src/model/plan.js";
import { runCli } from "../support/cli.js";
import { makeTempRepo, type TempRepo } from "../support/temp-repo.js";
import { startTestTenant, type TestTenant } from "../support/tenant.js";

const DELAY_SECONDS = 2;

// A small tenant of its own: two people without a mailbox (Entra ID holds their photo), one
// without a photo yet (create) and one with another photo (update).
const fixture: Fixture = {
  tenant: { domain: "contoso.onmicrosoft.com", name: "contoso", behaviour: "current" },
  apps: [
    { clientId: DEMO_READER_CLIENT_ID, certificates: ["generate"], roles: { graph: ["ProfilePhoto.Read.All", "User.Read.All", "PeopleSettings.Read.All"], sharepoint: ["Sites.Read.All"] } },
    { clientId: DEMO_WRITER_CLIENT_ID, certificates: ["generate"], roles: { graph: ["ProfilePhoto.ReadWrite.All", "User.Read.All", "PeopleSettings.ReadWrite.All"], sharepoint: ["Sites.FullControl.All", "User.ReadWrite.All"] } },
  ],
  users: [
    { upn: "nina@contoso.com", mailbox: "none" },
    { upn: "omar@contoso.com", mailbox: "none", photos: { aad: { portrait: "omar-before", size: 360 } } },
  ],
};

const MANIFEST = `version: 1
tenant:
  id: contoso.onmicrosoft.com
  stores: [aad]
  sharepoint:
    mySiteHost: contoso-my.sharepoint.com
    adminHost: contoso-admin.sharepoint.com
safety:
  maxUpdateShare: 1
  maxRemoveShare: 1
users:
  nina@contoso.com: photos/nina.jpg
  omar@contoso.com: photos/omar.jpg
`;

let repo: TempRepo | undefined;
let tenant: TestTenant | undefined;
afterEach(async () => {
  await tenant?.close();
  await repo?.remove();
  tenant = undefined;
  repo = undefined;
});

async function setUp(): Promise<{ repo: TempRepo; tenant: TestTenant }> {
  repo = await makeTempRepo(MANIFEST, {
    "photos/nina.jpg": await renderPortrait({ seed: "nina", width: 648, height: 648 }),
    "photos/omar.jpg": await renderPortrait({ seed: "omar-after", width: 648, height: 648 }),
  });
  tenant = await startTestTenant(repo.root, { fixture, propagation: { graphSeconds: DELAY_SECONDS } });
  return { repo, tenant };
}

const FAST = { PHOTOSYNC_RETRY_BACKOFF_MS: "20", PHOTOSYNC_VERIFY_DELAY_MS: "250" };

async function plan(repo: TempRepo, tenant: TestTenant): Promise<{ code: number; plan: Plan }> {
  const result = await runCli(["plan", "--format", "json"], { cwd: repo.root, env: { ...tenant.env("reader"), ...FAST } });
  return { code: result.code, plan: JSON.parse(result.stdout) as Plan };
}

const steps = (result: Plan) => result.users.map((user) => [user.upn, user.steps.map((step) => step.action).join(",")]);

describe("read-after-write propagation", () => {
  it("apply --yes waits for Graph to serve the new photos within its window, then plan has no changes", async () => {
    const { repo, tenant } = await setUp();
    const started = Date.now();
    const result = await runCli(["apply", "--yes", "--format", "json"], { cwd: repo.root, env: { ...tenant.env("writer"), ...FAST } });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as ApplyReport;
    expect(report.counts).toEqual({ done: 2, pending: 0, failed: 0, skipped: 0 });
    // It did wait for the delay: the first read-back still saw the old photos.
    expect(Date.now() - started).toBeGreaterThanOrEqual(DELAY_SECONDS * 1000);
    const again = await plan(repo, tenant);
    expect(again.code).toBe(0);
    expect(again.plan.counts).toMatchObject({ create: 0, update: 0, delete: 0, pending: 0, unknown: 0 });
  });

  it("a window shorter than the delay: pending (not failed, exit 0), the next plan says pending (not update), and after the delay no changes", async () => {
    const { repo, tenant } = await setUp();
    const env = { ...tenant.env("writer"), ...FAST, PHOTOSYNC_VERIFY_WINDOW_SECONDS: "0.3" };
    const text = await runCli(["apply", "--yes"], { cwd: repo.root, env });
    const written = Date.now();
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain("Apply complete, writes pending: 0 done, 2 pending, 0 failed, 0 skipped.");
    expect(text.stdout).toContain("Pending: written, not yet served (Graph can take minutes; photosync will check on the next run).");
    const record = JSON.parse(await readFile(path.join(repo.root, ".photosync", "cache", "pending.json"), "utf8")) as { writes: { upn: string; store: string; previous: string | null }[] };
    expect(record.writes.map((write) => [write.upn, write.store, write.previous === null])).toEqual([
      ["nina@contoso.com", "aad", true],
      ["omar@contoso.com", "aad", false],
    ]);

    const next = await plan(repo, tenant);
    expect(next.code).toBe(0);
    expect(steps(next.plan)).toEqual([
      ["nina@contoso.com", "pending"],
      ["omar@contoso.com", "pending"],
    ]);
    expect(next.plan.counts).toMatchObject({ create: 0, update: 0, pending: 2 });
    expect(next.plan.users[0]?.steps[0]?.reason).toContain("not yet served");
    const shown = await runCli(["plan"], { cwd: repo.root, env: { ...tenant.env("reader"), ...FAST } });
    expect(shown.stdout).toContain("No changes: 0 people to change, 0 unchanged, 2 pending, 0 skipped, 0 unknown.");

    // An apply now has nothing to write.
    const idle = JSON.parse((await runCli(["apply", "--yes", "--format", "json"], { cwd: repo.root, env })).stdout) as ApplyReport;
    expect(idle.users).toEqual([]);

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, DELAY_SECONDS * 1000 + 200 - (Date.now() - written))));
    const served = await plan(repo, tenant);
    expect(served.code).toBe(0);
    expect(steps(served.plan)).toEqual([
      ["nina@contoso.com", "noop"],
      ["omar@contoso.com", "noop"],
    ]);
    const after = JSON.parse(await readFile(path.join(repo.root, ".photosync", "cache", "pending.json"), "utf8")) as { writes: unknown[] };
    expect(after.writes).toEqual([]);
  });
});
