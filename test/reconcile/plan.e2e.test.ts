/**
 * `photosync plan` end to end: the real @azure/identity, Graph client and PnPjs against the
 * emulator, configured only through endpoint variables, as for a real tenant.
 */
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { renderPortrait } from "../../src/demo/portrait.js";
import { createTrustedHttp } from "../../src/tenant/http.js";
import type { Plan } from "../../src/model/plan.js";
import { runCli } from "../support/cli.js";
import type { TestTenant } from "../support/tenant.js";
import { requestsTo, useExampleTenant } from "../support/tenant.js";
import { HOLDERS } from "../../src/model/routing.js";

let repo: { root: string; remove(): Promise<void> };
let tenant: TestTenant;

/** Retries as in production, but with short back-offs so a storm does not take the test's time. */
const FAST_RETRIES = { PHOTOSYNC_RETRY_BACKOFF_MS: "50" };

async function planJson(args: string[] = []): Promise<{ code: number; plan: Plan; stderr: string }> {
  const result = await runCli(["plan", "--format", "json", ...args], { cwd: repo.root, env: { ...tenant.env(), ...FAST_RETRIES } });
  return { code: result.code, plan: result.stdout ? (JSON.parse(result.stdout) as Plan) : (undefined as unknown as Plan), stderr: result.stderr };
}

function actions(plan: Plan): Record<string, Record<string, string>> {
  return Object.fromEntries(plan.users.map((user) => [user.upn, Object.fromEntries(user.steps.map((step) => [step.store, step.action]))]));
}

// The per-store assertions here are the legacy split's (exo for mailbox users, aad for the others);
// the current demo tenant is planned, applied and re-planned in demo-tenants.e2e.test.ts.
const example = useExampleTenant("legacy");
beforeAll(() => {
  ({ repo, tenant } = example);
});
beforeEach(() => {
  tenant.emulator.admin.setFaults({});
});

describe("photosync plan against the demo tenant", () => {
  it("plans the example repo: every kind of person, exit code 2 for changes", async () => {
    const { code, plan } = await planJson();
    expect(code).toBe(2);
    expect(actions(plan)).toEqual({
      // Re-encoded by the service, yet the same photo: nothing to do.
      "adele.vance@contoso.com": { exo: "noop", aad: "skip", spo: "noop" },
      "alex.wilber@contoso.com": { exo: "update", aad: "skip", spo: "update" },
      "isaiah.langer@contoso.com": { exo: "skip", aad: "create", spo: "skip" },
      // A 96 px thumbnail synced from on-premises AD sits in Entra ID; the mailbox has none.
      "lee.gu@contoso.com": { exo: "create", aad: "skip", spo: "create" },
      "megan.bowen@contoso.com": { exo: "create", aad: "skip", spo: "create" },
      // No Exchange Online mailbox: routed to Entra ID and SharePoint.
      "nestor.wilke@contoso.com": { exo: "skip", aad: "create", spo: "create" },
      "patti.fernandez_fabrikam.com#EXT#@contoso.onmicrosoft.com": { exo: "skip", aad: "skip", spo: "skip" },
      "pradeep.gupta@contoso.com": { exo: "delete", aad: "skip", spo: "delete" },
    });
    const nestor = plan.users.find((user) => user.upn.startsWith("nestor"))!;
    expect(nestor.steps[0]!.reason).toBe("no Exchange Online mailbox: Entra ID holds the photo");
    expect(plan.counts).toEqual({ create: 7, update: 2, delete: 2, noop: 2, pending: 0, skip: 11, unknown: 0 });
  });

  it("never reads or touches people the manifest does not manage", async () => {
    tenant.emulator.admin.resetCounters();
    await planJson();
    const log = tenant.emulator.core.counters.requests();
    for (const unmanaged of ["joni.sherman", "grady.archie", "svc-scanner"]) {
      expect(log.filter((entry) => decodeURIComponent(entry.path).toLowerCase().includes(unmanaged))).toEqual([]);
    }
  });

  it("downloads no photo bytes on a second plan of unchanged photos", async () => {
    await planJson();
    tenant.emulator.admin.resetCounters();
    const { plan } = await planJson();
    expect(plan.counts.unknown).toBe(0);
    expect(requestsTo(tenant.emulator, "$value")).toBe(0);
    // Metadata and SharePoint ETags are still read: the cache never decides on its own.
    expect(requestsTo(tenant.emulator, "/users/{id}/photo (batch item)")).toBeGreaterThan(0);
  });

  it("reads a few people's photos directly, leaving the caches of the whole tenant alone", async () => {
    await planJson();
    const cacheFiles = ["live.jsonl", "facts.jsonl", "source-index.json"].map((name) => path.join(repo.root, ".photosync", "cache", name));
    const before = await Promise.all(cacheFiles.map((file) => readFile(file, "utf8")));
    tenant.emulator.admin.resetCounters();
    const { plan } = await planJson(["--users", "adele.vance@contoso.com"]);
    // Adele has a mailbox: her v1.0 answer cannot tell legacy from current, so her one Graph photo
    // is planned as the v1.0 photo, and the plan says the model is undetermined.
    expect(actions(plan)).toEqual({ "adele.vance@contoso.com": { aad: "noop", spo: "noop" } });
    expect(plan.users[0]!.steps[0]!.holder).toBe(HOLDERS.undetermined);
    expect(requestsTo(tenant.emulator, "$value")).toBeGreaterThan(0);
    expect(await Promise.all(cacheFiles.map((file) => readFile(file, "utf8")))).toEqual(before);
  });

  it("finds a photo changed by hand, and then counts it as an update", async () => {
    const other = await renderPortrait({ seed: "someone else entirely", width: 648, height: 648 });
    // "By hand": through the emulator's admin API, as Outlook on the web would change it.
    const http = createTrustedHttp({ caPem: tenant.emulator.endpoints.caCertPem });
    const response = await http.fetch(`${tenant.emulator.endpoints.adminApiUrl}/photos/exo/adele.vance@contoso.com`, { method: "PUT", body: other });
    await http.close();
    expect(response.status).toBe(200);
    const { plan } = await planJson(["--users", "adele.vance@contoso.com"]);
    expect(plan.users[0]!.steps[0]).toMatchObject({ store: "aad", action: "update", reason: expect.stringMatching(/^(a different picture|different colours) \(/) });
  });

  it("reports a 503 storm on one person as unknown and exit 1, while everyone else is planned", async () => {
    const megan = tenant.emulator.core.tenant.findUser("megan.bowen@contoso.com")!;
    tenant.emulator.admin.setFaults({ rules: [{ match: { service: "graph", user: megan.id, path: "/photo" }, failFirst: 1000, errorStatus: 503 }] });
    const { code, plan } = await planJson();
    expect(code).toBe(1);
    const table = actions(plan);
    expect(table["megan.bowen@contoso.com"]!.exo).toBe("unknown");
    expect(table["alex.wilber@contoso.com"]).toEqual({ exo: "update", aad: "skip", spo: "update" });
    expect(plan.counts.unknown).toBe(1);
  });

  it("waits for Retry-After when throttled, and still plans everyone", async () => {
    tenant.emulator.admin.setFaults({ rules: [{ match: { service: "graph", path: "/photo" }, throttleFirst: 1, retryAfterSeconds: 1 }] });
    const before = tenant.emulator.core.faults.throttled;
    const { plan } = await planJson();
    expect(tenant.emulator.core.faults.throttled).toBeGreaterThan(before);
    expect(tenant.emulator.core.faults.earlyRetries).toBe(0);
    expect(plan.counts.unknown).toBe(0);
  });

  it("retries a throttled SharePoint $batch after its Retry-After, and still plans everyone", async () => {
    tenant.emulator.admin.setFaults({ rules: [{ match: { service: "sharepoint", method: "POST", path: "/_api/\\$batch" }, throttleFirst: 1, retryAfterSeconds: 1 }] });
    const before = tenant.emulator.core.faults.throttled;
    const { plan } = await planJson();
    // (Not earlyRetries: the thumbnails' and the profiles' first batches go out together, before
    // either is answered, and share the emulator's throttle key. test/tenant/http-backoff.test.ts
    // shows that nothing is sent to a service after its 429 until the Retry-After.)
    expect(tenant.emulator.core.faults.throttled).toBeGreaterThan(before);
    expect(plan.counts.unknown).toBe(0);
    expect(actions(plan)["alex.wilber@contoso.com"]).toEqual({ exo: "update", aad: "skip", spo: "update" });
  });

  it("downloads thumbnails past a throttle, and reports one that keeps failing as unknown", async () => {
    // A cold live cache, so that every thumbnail is downloaded.
    await rm(path.join(repo.root, ".photosync", "cache", "live.jsonl"), { force: true });
    tenant.emulator.admin.setFaults({
      rules: [
        { match: { service: "sharepoint", method: "GET", path: "LThumb\\.jpg.*\\$value$" }, throttleFirst: 1, retryAfterSeconds: 1 },
        { match: { service: "sharepoint", method: "GET", path: "alex_wilber.*\\$value$" }, failFirst: 1000, errorStatus: 500 },
      ],
    });
    const before = tenant.emulator.core.faults.throttled;
    const { code, plan } = await planJson();
    expect(code).toBe(1);
    expect(tenant.emulator.core.faults.throttled).toBeGreaterThan(before);
    expect(tenant.emulator.core.faults.earlyRetries).toBe(0);
    const alex = plan.users.find((user) => user.upn === "alex.wilber@contoso.com")!;
    expect(alex.steps.find((step) => step.store === "spo")).toMatchObject({ action: "unknown", reason: expect.stringContaining("500") });
    expect(plan.counts.unknown).toBe(1);
    // Her large thumbnail was throttled first, then read: the same photo.
    expect(actions(plan)["adele.vance@contoso.com"]!.spo).toBe("noop");
  });

  it("plans only the people asked for with --users, and refuses people not in the manifest", async () => {
    const { plan } = await planJson(["--users", "Nestor.Wilke@contoso.com"]);
    expect(plan.users.map((user) => user.upn)).toEqual(["nestor.wilke@contoso.com"]);
    const unknown = await runCli(["plan", "--users", "nobody@contoso.com"], { cwd: repo.root, env: tenant.env() });
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain("--users: not in the manifest: nobody@contoso.com");
  });

  it("shows progress on a terminal's standard error, and none off one", async () => {
    const onTerminal = await runCli(["plan", "--format", "json"], { cwd: repo.root, env: tenant.env(), tty: true });
    expect(onTerminal.code).toBe(2);
    // Which phase the status line caught depends on timing: photos being analysed (counted), or the tenant's reads.
    expect(onTerminal.stderr).toMatch(/plan: 8 people: (checking and analysing photos… \d+s|analysing photos .* \d\/8 \d+s|reading the tenant… \d+s)/);
    // Standard output is the plan alone.
    expect((JSON.parse(onTerminal.stdout) as Plan).users).toHaveLength(8);
    const piped = await runCli(["plan", "--format", "json"], { cwd: repo.root, env: tenant.env() });
    expect(piped.stderr).toBe("");
  });

  it("writes the markdown plan to a file with --out and prints the counts", async () => {
    const result = await runCli(["plan", "--format", "markdown", "--out", "plan.md"], { cwd: repo.root, env: tenant.env() });
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^\d+ to create, \d+ to update, \d+ to delete, .*; plan written to plan\.md \(digest [0-9a-f]{64}\)\n$/);
    const { readFile } = await import("node:fs/promises");
    expect(await readFile(`${repo.root}/plan.md`, "utf8")).toContain("<!-- photosync:plan -->");
  });

  it("refuses to plan a broken manifest, and reads nothing", async () => {
    const { writeFile, readFile } = await import("node:fs/promises");
    const manifest = `${repo.root}/photos.yaml`;
    const original = await readFile(manifest, "utf8");
    await writeFile(manifest, original.replace("adele.vance@contoso.com: photos/adele.vance.jpg", "adele.vance@contoso.com: photos/missing.jpg"));
    try {
      tenant.emulator.admin.resetCounters();
      const result = await runCli(["plan"], { cwd: repo.root, env: tenant.env() });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("photos/missing.jpg does not exist");
      expect(tenant.emulator.admin.counters().totals.requests).toBe(0);
    } finally {
      await writeFile(manifest, original);
    }
  });
});
