/** Who a plan covers: --changed-since on a real git history, renames followed by object id, and --emulator mode. */
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderPortrait } from "../../src/demo/portrait.js";
import type { Plan } from "../../src/model/plan.js";
import { runCli } from "../support/cli.js";
import type { TestTenant } from "../support/tenant.js";
import { copyExampleRepo, startTestTenant } from "../support/tenant.js";

const git = promisify(execFile);

describe("--changed-since and renames", () => {
  let repo: { root: string; remove(): Promise<void> };
  let tenant: TestTenant;
  const run = (root: string, args: string[]) =>
    git("git", ["-c", "user.name=photosync test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", ...args], { cwd: root });

  beforeAll(async () => {
    repo = await copyExampleRepo();
    // Legacy: the rename test asserts the legacy split's stores (demo-tenants.e2e.test.ts covers current).
    tenant = await startTestTenant(repo.root, {}, "legacy");
    await writeFile(path.join(repo.root, ".gitignore"), ".emulator-state/\n.photosync/\n");
    await run(repo.root, ["init", "-q", "-b", "main"]);
    await run(repo.root, ["add", "-A"]);
    await run(repo.root, ["commit", "-q", "-m", "base"]);
  });
  afterAll(async () => {
    await tenant.close();
    await repo.remove();
  });

  it("plans only the person whose photo file changed since the base commit", async () => {
    await writeFile(path.join(repo.root, "photos/megan.bowen.png"), await renderPortrait({ seed: "megan, new haircut", width: 800, height: 800 }, "png"));
    const result = await runCli(["plan", "--format", "json", "--changed-since", "main"], { cwd: repo.root, env: tenant.env() });
    expect(result.stderr).toMatch(/^photosync: planning people whose entry or photo changed since main \([0-9a-f]{12}\)\n$/);
    const plan = JSON.parse(result.stdout) as Plan;
    expect(plan.users.map((user) => user.upn)).toEqual(["megan.bowen@contoso.com"]);
    expect(result.code).toBe(2);
  });

  it("refuses a ref that is not a commit, with what to do", async () => {
    const result = await runCli(["plan", "--changed-since", "no-such-branch"], { cwd: repo.root, env: tenant.env() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("fetch-depth: 0");
  });

  it("follows a renamed person by object id", async () => {
    const adele = tenant.emulator.core.tenant.findUser("adele.vance@contoso.com")!;
    const manifest = path.join(repo.root, "photos.yaml");
    const original = await readFile(manifest, "utf8");
    // The manifest still has the old UPN; the id says who it is.
    await writeFile(manifest, original.replace("adele.vance@contoso.com: photos/adele.vance.jpg", `adele.old@contoso.com: { photo: photos/adele.vance.jpg, id: ${adele.id} }`));
    try {
      const result = await runCli(["plan", "--format", "json", "--users", "adele.old@contoso.com"], { cwd: repo.root, env: tenant.env() });
      const plan = JSON.parse(result.stdout) as Plan;
      expect(plan.users[0]).toMatchObject({ upn: "adele.old@contoso.com", id: adele.id });
      expect(plan.users[0]!.steps.map((step) => step.action)).toEqual(["noop", "noop"]);
    } finally {
      await writeFile(manifest, original);
    }
  });

  it("says a person the tenant does not have is skipped, not created", async () => {
    const manifest = path.join(repo.root, "photos.yaml");
    const original = await readFile(manifest, "utf8");
    await writeFile(manifest, `${original}  new.starter@contoso.com: photos/megan.bowen.png\n`);
    try {
      const result = await runCli(["plan", "--format", "json", "--users", "new.starter@contoso.com"], { cwd: repo.root, env: tenant.env() });
      const plan = JSON.parse(result.stdout) as Plan;
      expect(plan.users[0]!.steps.map((step) => [step.action, step.reason])).toEqual(Array(3).fill(["skip", "no such user in the tenant"]));
      expect(result.code).toBe(0);
    } finally {
      await writeFile(manifest, original);
    }
  });
});

describe("--emulator", () => {
  let repo: { root: string; remove(): Promise<void> };
  beforeAll(async () => {
    repo = await copyExampleRepo();
  });
  afterAll(() => repo.remove());

  it("plans the example repo against the built-in demo tenant, keeping its state in .photosync/emulator", async () => {
    // The demo tenant is a current one: one Graph photo per person, in Entra ID.
    const first = await runCli(["plan", "--emulator"], { cwd: repo.root });
    expect(first.code).toBe(2);
    expect(first.stdout).toContain("Graph photos: Entra ID (current tenant: Graph writes Entra ID for everyone), 7 people.\n");
    expect(first.stdout).toContain("Plan: 6 people to change (11 steps), 1 unchanged, 1 skipped, 0 unknown.\nSteps: 6 to create, 3 to update, 2 to delete, 2 unchanged, 3 skipped, 0 unknown.\n");
    const state = await readFile(path.join(repo.root, ".photosync/emulator/state.json"), "utf8");
    expect(state.length).toBeGreaterThan(0);
    // PHOTOSYNC_EMULATOR_TENANT=legacy: the same tenant before MC678855, with a state of its own.
    const legacy = await runCli(["plan", "--emulator"], { cwd: repo.root, env: { PHOTOSYNC_EMULATOR_TENANT: "legacy" } });
    expect(legacy.code).toBe(2);
    expect(legacy.stdout).toContain("Steps: 7 to create, 2 to update, 2 to delete, 2 unchanged, 11 skipped, 0 unknown.\n");
    expect((await readFile(path.join(repo.root, ".photosync/emulator-legacy/state.json"), "utf8")).length).toBeGreaterThan(0);
    const again = await runCli(["plan", "--emulator", "--reset-emulator", "--format", "json"], { cwd: repo.root });
    expect((JSON.parse(again.stdout) as Plan).digest).toMatch(/^[0-9a-f]{64}$/);
  });
});
