/**
 * `photosync apply` end to end with the real clients against the emulator: every scenario converges
 * (apply, then plan again: no changes, as DNSControl's integration suite checks), faults are
 * survived or reported per person, and nothing is written when it must not be.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ApplyRefusal } from "../../src/apply/format.js";
import type { ApplyReport } from "../../src/model/apply.js";
import type { Plan } from "../../src/model/plan.js";
import { runCli } from "../support/cli.js";
import type { TestTenant } from "../support/tenant.js";
import { requestsTo, useExampleTenant } from "../support/tenant.js";

const FAST = { PHOTOSYNC_RETRY_BACKOFF_MS: "20", PHOTOSYNC_VERIFY_DELAY_MS: "10" };

let repo: { root: string; remove(): Promise<void> };
let tenant: TestTenant;
let original: string;

const env = (app: "reader" | "writer" = "writer") => ({ ...tenant.env(app), ...FAST });
const apply = (args: string[] = []) => runCli(["apply", "--yes", "--format", "json", ...args], { cwd: repo.root, env: env() });
async function planAgain(): Promise<Plan> {
  const result = await runCli(["plan", "--format", "json"], { cwd: repo.root, env: env("reader") });
  return JSON.parse(result.stdout) as Plan;
}
const writes = () => requestsTo(tenant.emulator, "PUT") + requestsTo(tenant.emulator, "DELETE") + requestsTo(tenant.emulator, "AddUsingPath") + requestsTo(tenant.emulator, "SetSingleValueProfileProperty") + requestsTo(tenant.emulator, "/delete");

// The per-store assertions here are the legacy split's (exo for mailbox users, aad for the others);
// the current demo tenant is planned, applied and re-planned in demo-tenants.e2e.test.ts.
const example = useExampleTenant("legacy");
beforeAll(async () => {
  ({ repo, tenant } = example);
  original = await readFile(path.join(repo.root, "photos.yaml"), "utf8");
});
beforeEach(async () => {
  await tenant.emulator.core.reset();
  tenant.emulator.admin.setFaults({});
  tenant.emulator.admin.resetCounters();
  await writeFile(path.join(repo.root, "photos.yaml"), original);
});

describe("apply converges", () => {
  it("creates, updates and removes across stores (mailbox, no mailbox, unlicensed), then plans no changes", async () => {
    const result = await apply();
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as ApplyReport;
    expect(report.counts).toEqual({ done: 11, pending: 0, failed: 0, skipped: 0 });
    const nestor = report.users.find((user) => user.upn.startsWith("nestor"))!;
    expect(nestor.steps.map((step) => [step.store, step.action, step.outcome])).toEqual([
      ["aad", "create", "done"],
      ["spo", "create", "done"],
    ]);
    const again = await planAgain();
    expect(again.counts).toMatchObject({ create: 0, update: 0, delete: 0, unknown: 0 });
    // And a second apply has nothing to do.
    tenant.emulator.admin.resetCounters();
    const second = JSON.parse((await apply()).stdout) as ApplyReport;
    expect(second.users).toEqual([]);
    expect(writes()).toBe(0);
  });

  it("leaves SharePoint pointing at files that exist, and a removed person with the placeholder", async () => {
    await apply();
    const tenantState = tenant.emulator.core.tenant;
    const megan = tenantState.findUser("megan.bowen@contoso.com")!;
    expect(megan.profile["SPS-PicturePlaceholderState"]).toBe("0");
    expect(decodeURI(new URL(megan.profile.PictureURL!).pathname)).toBe("/User Photos/Profile Pictures/megan_bowen_contoso_com_MThumb.jpg");
    expect(tenantState.spoFile("/User Photos/Profile Pictures/megan_bowen_contoso_com_MThumb.jpg")).toBeDefined();
    const pradeep = tenantState.findUser("pradeep.gupta@contoso.com")!;
    expect(pradeep.profile).toMatchObject({ "SPS-PicturePlaceholderState": "1", PictureURL: "" });
    expect(tenantState.spoFile("/User Photos/Profile Pictures/pradeep_gupta_contoso_com_MThumb.jpg")).toBeUndefined();
    expect(pradeep.photos.exo).toBeUndefined();
  });

  it("manages SharePoint alone for a person whose entry says so", async () => {
    await writeFile(path.join(repo.root, "photos.yaml"), original.replace("megan.bowen@contoso.com: photos/megan.bowen.png", "megan.bowen@contoso.com: { photo: photos/megan.bowen.png, stores: [spo] }"));
    const report = JSON.parse((await apply(["--users", "megan.bowen@contoso.com"])).stdout) as ApplyReport;
    expect(report.users[0]!.steps.map((step) => `${step.store} ${step.outcome}`)).toEqual(["spo done"]);
    expect(tenant.emulator.core.tenant.findUser("megan.bowen@contoso.com")!.photos.exo).toBeUndefined();
  });
});

describe("apply is safe", () => {
  it("only shows the plan without --yes, writes nothing, and signs in read-only", async () => {
    const result = await runCli(["apply", "--format", "json"], { cwd: repo.root, env: env("reader") });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("dry run: nothing was written; run with --yes");
    expect((JSON.parse(result.stdout) as Plan).counts.create).toBe(7);
    expect(result.stderr).not.toContain("people:");
    // On a terminal, progress on standard error; the plan on standard output stays clean.
    const onTerminal = await runCli(["apply", "--format", "json"], { cwd: repo.root, env: env("reader"), tty: true });
    // Which phases the status line caught depends on timing; the last one is the tenant's reads.
    expect(onTerminal.stderr).toMatch(/apply: 8 people: reading the tenant… \d+s/);
    expect((JSON.parse(onTerminal.stdout) as Plan).counts.create).toBe(7);
    expect(writes()).toBe(0);
  });

  it("refuses a malformed --expect-digest (exit 64) before reading anything", async () => {
    for (const digest of ["abc", "0".repeat(63), "A".repeat(64), ` ${"0".repeat(64)}`]) {
      const result = await apply(["--expect-digest", digest]);
      expect(result.code, digest).toBe(64);
      expect(result.stderr).toContain("a plan digest is 64 lower-case hex digits");
      expect(result.stdout).toBe("");
    }
    expect(Object.keys(tenant.emulator.admin.counters().endpoints)).toEqual([]);
  });

  it("refuses a plan that is not the reviewed one (exit 4), and applies the reviewed one", async () => {
    const reviewed = (JSON.parse((await runCli(["plan", "--format", "json"], { cwd: repo.root, env: env("reader") })).stdout) as Plan).digest;
    const refused = await apply(["--expect-digest", "0".repeat(64)]);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain(`expected digest ${"0".repeat(64)}, now ${reviewed}`);
    expect(writes()).toBe(0);
    const accepted = await apply(["--expect-digest", reviewed]);
    expect(accepted.code).toBe(0);
  });

  it("refuses an apply that would touch a large share of people (exit 3) unless forced", async () => {
    // Ten more people (not yet in the tenant, so skipped) lift the manifest above the rails' floor of 10.
    const extra = Array.from({ length: 10 }, (_, i) => `  newcomer${i}@contoso.com: photos/megan.bowen.png\n`).join("");
    // The remove rail is opened wide so that the update rail (measured against the people who have a
    // photo now, the creates counted apart) is the one that refuses.
    await writeFile(path.join(repo.root, "photos.yaml"), `${original.replace("maxUpdateShare: 0.3", "maxUpdateShare: 0.2").replace("maxRemoveShare: 0.1", "maxRemoveShare: 1")}${extra}`);
    // The dry run says up front that --yes alone would be refused, by which rail and how much.
    const dryRun = await runCli(["apply"], { cwd: repo.root, env: env("reader") });
    expect(dryRun.code).toBe(2);
    expect(dryRun.stderr).toContain("apply --yes would be refused by safety rail max-update-share: 1 of 3 people with a photo in the tenant would get a different photo (33.3%), over safety.maxUpdateShare 20% by 13.3%; 4 more would get a first photo, which this rail does not count");
    expect(dryRun.stderr).toContain("--force");
    expect(dryRun.stderr).not.toContain("run with --yes to apply this plan");
    const refused = await apply();
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("refused by safety rail max-update-share: 1 of 3 people with a photo in the tenant would get a different photo (33.3%), over safety.maxUpdateShare 20% by 13.3%; 4 more would get a first photo, which this rail does not count");
    expect(refused.stderr).toContain("nothing was written");
    // --format json: a refusal document on stdout, not an empty stream.
    const document = JSON.parse(refused.stdout) as ApplyRefusal;
    expect(document).toMatchObject({ format: "photosync.apply/v1", tenant: "contoso.onmicrosoft.com", users: [], counts: { done: 0, failed: 0, skipped: 0 } });
    expect(document.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(document.refused).toEqual({
      reason: "safety-rail",
      rail: "max-update-share",
      message: expect.stringContaining("over safety.maxUpdateShare 20% by 13.3%") as string,
      rails: [{ rail: "max-update-share", message: document.refused.message }],
    });
    expect(writes()).toBe(0);
    const forced = await apply(["--force"]);
    expect(forced.code).toBe(0);
    expect((JSON.parse(forced.stdout) as ApplyReport).counts.failed).toBe(0);
  });

  it("refuses removing a large share of people, and an empty manifest", async () => {
    const removeAll = original.replace(/^( {2}(adele\.vance|alex\.wilber|lee\.gu)@contoso\.com): .*$/gm, "$1: remove");
    const padded = `${removeAll}${Array.from({ length: 4 }, (_, i) => `  spare${i}@contoso.com: photos/megan.bowen.png\n`).join("")}`;
    await writeFile(path.join(repo.root, "photos.yaml"), padded.replace("maxUpdateShare: 0.3", "maxUpdateShare: 1"));
    const refused = await apply();
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/refused by safety rail max-remove-share: 3 of 3 people with a photo in the tenant would lose their photo \(100%\), over safety\.maxRemoveShare 10% by 90%/);
    expect(writes()).toBe(0);
    const forced = await apply(["--force"]);
    expect(forced.stderr).toContain("--force: overriding safety rail max-remove-share");
    expect(forced.code).toBe(0);

    await writeFile(path.join(repo.root, "photos.yaml"), original.replace(/^users:[\s\S]*$/m, "users: {}\n"));
    const empty = await apply();
    expect(empty.code).toBe(3);
    expect(empty.stderr).toContain("the manifest manages no users");
  });
});

describe("apply under faults", () => {
  it("converges through throttling, 5xx answers and dropped connections, never retrying early", async () => {
    tenant.emulator.admin.setFaults({
      seed: 7,
      rules: [
        { match: { service: "graph" }, throttleRate: 0.1, retryAfterSeconds: 1 },
        { match: { service: "sharepoint" }, errorRate: 0.15, errorStatus: 503 },
        { match: { service: "sharepoint", method: "POST" }, dropRate: 0.1 },
      ],
    });
    const result = await apply();
    const report = JSON.parse(result.stdout) as ApplyReport;
    expect(report.counts.failed).toBe(0);
    expect(tenant.emulator.core.faults.throttled).toBeGreaterThan(0);
    expect(tenant.emulator.core.faults.earlyRetries).toBe(0);
    tenant.emulator.admin.setFaults({});
    expect((await planAgain()).counts).toMatchObject({ create: 0, update: 0, delete: 0, unknown: 0 });
  });

  it("reports a person the service keeps refusing as failed, with the service's error, and goes on with the others", async () => {
    const megan = tenant.emulator.core.tenant.findUser("megan.bowen@contoso.com")!;
    tenant.emulator.admin.setFaults({ rules: [{ match: { service: "graph", method: "PUT", user: megan.id }, failFirst: 1000, errorStatus: 503 }] });
    const result = await apply();
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as ApplyReport;
    const step = report.users.find((user) => user.upn.startsWith("megan"))!.steps.find((candidate) => candidate.store === "exo")!;
    expect(step).toMatchObject({ outcome: "failed", error: { status: 503 } });
    expect(report.counts).toMatchObject({ done: 10, failed: 1 });
  });

  it("catches a store that accepts a write but serves something else", async () => {
    tenant.emulator.admin.setFaults({ rules: [{ match: { service: "graph", user: tenant.emulator.core.tenant.findUser("alex.wilber@contoso.com")!.id }, corruptWrites: true }] });
    const result = await apply();
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as ApplyReport;
    const alex = report.users.find((user) => user.upn.startsWith("alex"))!.steps.find((step) => step.store === "exo")!;
    expect(alex).toMatchObject({ outcome: "failed", error: { code: "VerificationFailed" }, detail: expect.stringContaining("reading it back shows update") });
  });
});
