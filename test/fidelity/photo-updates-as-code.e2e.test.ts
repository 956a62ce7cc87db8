/**
 * "Who may change photos" kept as code (tenant.photoUpdates): plan shows the tenant-settings step
 * with its consequence in words, apply --yes --expect-digest PATCHes it with the writer
 * (PeopleSettings.ReadWrite.All), the next plan is clean, and a change behind photosync's back is
 * drift. With the emulator's "up to 24 hours" switch (photoUpdateSettings.takesEffectSeconds,
 * default 86400): after onPremises → cloud, the tenant still refuses Graph photo writes, and apply
 * says so once for the tenant instead of failing once per person.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { graphPhotoRequests, useFidelityTenant } from "./helpers.js";
import { runCli } from "../support/cli.js";
import type { FakeGitHub } from "../support/fake-github.js";
import { startFakeGitHub } from "../support/fake-github.js";
import { tablesOf } from "../support/markdown.js";
import { neededPermissions } from "../../src/tenant/access.js";
import { createTrustedHttp } from "../../src/tenant/http.js";

const USER_ADMIN = "fe930be7-5e62-47db-91af-98c3a49a38b1";
const PEOPLE_ADMIN = "024906de-61e5-49c8-8572-40335f1e0e10";
const CONSEQUENCE = "only User Administrators and People Administrators can change photos; people can no longer change their own";
const users = ["  - upn: ann@contoso.com", "  - upn: ben@contoso.com"].join("\n");
const manifest = { "ann@contoso.com": "photos/ann.jpg", "ben@contoso.com": "photos/ben.jpg" };
const ADMINS_ONLY = ["  photoUpdates:", "    source: cloud", "    allowedRoles: [User Administrator, People Administrator]"].join("\n");

describe("tenant.photoUpdates: only User Administrators and People Administrators", () => {
  const t = useFidelityTenant({ tenant: "", users, manifest, manifestTenant: ADMINS_ONLY });
  const settingsInEmulator = () => t.tenant.emulator.core.tenant.photoUpdateSettings();

  it("needs PeopleSettings.Read.All to plan it and PeopleSettings.ReadWrite.All to apply it", () => {
    expect(neededPermissions({ writer: false, sharePoint: false, peopleSettings: "read" }).graph.map((permission) => permission.name)).toContain("PeopleSettings.Read.All");
    expect(neededPermissions({ writer: true, sharePoint: false, peopleSettings: "write" }).graph.map((permission) => permission.name)).toContain("PeopleSettings.ReadWrite.All");
    expect(neededPermissions({ writer: true, sharePoint: false }).graph.map((permission) => permission.name)).not.toContain("PeopleSettings.ReadWrite.All");
  });

  it("plan (the reader) shows the step with the consequence in words; apply --expect-digest PATCHes it; the next plan is clean", async () => {
    const planned = await t.plan();
    expect(planned.code).toBe(2);
    expect(planned.plan.settings).toEqual([
      expect.objectContaining({ setting: "photoUpdates", action: "update", before: { source: "cloud", allowedRoles: null }, patch: { allowedRoles: [USER_ADMIN, PEOPLE_ADMIN] }, consequence: expect.stringContaining(CONSEQUENCE) }),
    ]);
    const text = await t.planText();
    expect(text.stdout).toContain(`What it means: ${CONSEQUENCE}`);
    expect(text.stdout).toContain("up to 24 hours");

    const applied = await t.apply(["--expect-digest", planned.plan.digest]);
    expect(applied.code).toBe(0);
    expect(applied.report.settings).toEqual([expect.objectContaining({ setting: "photoUpdates", action: "update", outcome: "done", detail: expect.stringContaining("read back: only User Administrators and People Administrators can change photos") })]);
    expect(settingsInEmulator()).toEqual({ source: "cloud", allowedRoles: [USER_ADMIN, PEOPLE_ADMIN] });

    const again = await t.plan();
    expect(again.code).toBe(0);
    expect(again.plan.settings).toEqual([expect.objectContaining({ action: "noop" })]);
    expect(again.plan.counts).toMatchObject({ create: 0, update: 0, delete: 0, unknown: 0 });
    // Within 24 hours of the change: said once, not a change.
    expect(again.plan.notices.filter((notice) => notice.code === "photo-updates-not-in-force")).toHaveLength(1);
  });

  it("an apply whose reviewed digest predates a change of the setting is refused", async () => {
    const planned = await t.plan();
    t.tenant.emulator.core.tenant.setPhotoUpdateSettings({ allowedRoles: [USER_ADMIN] }, { delayed: false });
    const applied = await runCli(["apply", "--yes", "--expect-digest", planned.plan.digest], { cwd: t.repo.root, env: { ...t.tenant.env("writer"), PHOTOSYNC_RETRY_BACKOFF_MS: "20" } });
    expect(applied.code).toBe(4);
    expect(settingsInEmulator().allowedRoles).toEqual([USER_ADMIN]);
    t.tenant.emulator.core.tenant.setPhotoUpdateSettings({ allowedRoles: [USER_ADMIN, PEOPLE_ADMIN] }, { delayed: false });
  });

  describe("drift", () => {
    let github: FakeGitHub;
    let files: string;
    beforeAll(async () => {
      github = await startFakeGitHub("contoso", "photos");
      files = await mkdtemp(path.join(tmpdir(), "photosync-drift-"));
    });
    afterAll(async () => {
      await github?.close();
      await rm(files, { recursive: true, force: true });
    });

    it("a change behind photosync's back (the emulator's admin API) is drift, shown in the issue", async () => {
      const http = createTrustedHttp({ caPem: t.tenant.emulator.endpoints.caCertPem });
      const response = await http.fetch(`${t.tenant.emulator.endpoints.adminApiUrl}/tenant`, { method: "PATCH", body: JSON.stringify({ photoUpdateSettings: { allowedRoles: null } }) });
      expect(response.status).toBe(200);
      const env = {
        ...t.tenant.env("reader"),
        GITHUB_ACTIONS: "true",
        GITHUB_TOKEN: "fake-token",
        GITHUB_REPOSITORY: "contoso/photos",
        GITHUB_API_URL: github.apiUrl,
        GITHUB_RUN_ID: "7",
        GITHUB_STEP_SUMMARY: path.join(files, "summary.md"),
        GITHUB_OUTPUT: path.join(files, "output"),
      };
      const drift = await runCli(["drift"], { cwd: t.repo.root, env });
      expect(drift.code).toBe(0);
      expect(drift.stdout).toContain("drift found");
      expect(github.unexpected).toEqual([]);
      expect(github.issues).toHaveLength(1);
      expect(github.issues[0]!.title).toBe("photosync: who may change photos differs from the repo");
      const table = tablesOf(github.issues[0]!.body).find((candidate) => candidate.header[0] === "setting");
      expect(table?.rows[0]?.slice(0, 4)).toEqual(["photoUpdates", "🔄 update", "everyone can change their own photo", "only User Administrators and People Administrators can change photos"]);
      expect(await readFile(path.join(files, "output"), "utf8")).toContain("drifted");
    });
  });
});

describe("a writer without PeopleSettings.ReadWrite.All", () => {
  const t = useFidelityTenant({ tenant: "", users, manifest, manifestTenant: ADMINS_ONLY, writerGraphRoles: "[ProfilePhoto.ReadWrite.All, User.Read.All, PeopleSettings.Read.All]" });

  it("the reader plans; apply --yes stops with one permission message before anything is written", async () => {
    expect((await t.plan()).code).toBe(2);
    t.tenant.emulator.admin.resetCounters();
    const applied = await runCli(["apply", "--yes"], { cwd: t.repo.root, env: t.tenant.env("writer") });
    expect(applied.code).toBe(1);
    expect(applied.stderr.match(/PeopleSettings\.ReadWrite\.All/g)).toHaveLength(2);
    expect(applied.stderr).toContain("changing who may change photos");
    expect(applied.stderr.trim().split("\n")).toHaveLength(1);
    expect(graphPhotoRequests(t.tenant, /photo\/\$value$|photoUpdateSettings/)).toBe(0);
    expect(t.tenant.emulator.core.tenant.photoUpdateSettings()).toEqual({ source: "cloud", allowedRoles: null });
  });
});

describe("onPremises → cloud with the 24-hour switch on (the default)", () => {
  const t = useFidelityTenant({ tenant: "  photoUpdateSettings: { source: onPremises }", users, manifest, manifestTenant: "  photoUpdates: { source: cloud }" });

  it("plans the change with Graph steps skipped until it is in force; apply then meets one tenant-wide refusal; after 24 h it writes", async () => {
    const planned = await t.plan();
    expect(planned.plan.settings).toEqual([expect.objectContaining({ action: "update", patch: { source: "cloud" }, consequence: expect.stringContaining("everyone can change their own photo again") })]);
    for (const user of planned.plan.users) {
      expect(user.steps.map((step) => step.action)).toEqual(["skip"]);
      expect(user.steps[0]!.reason).toContain("this plan sets it to cloud");
    }
    const first = await t.apply(["--expect-digest", planned.plan.digest]);
    expect(first.code).toBe(0);
    expect(first.report.settings).toEqual([expect.objectContaining({ outcome: "done" })]);

    // GET says cloud at once; the tenant still enforces onPremises.
    const replanned = await t.plan();
    expect(replanned.plan.users.map((user) => user.steps.map((step) => step.action))).toEqual([["create"], ["create"]]);
    expect(replanned.plan.notices.map((notice) => notice.code)).toContain("photo-updates-not-in-force");
    t.tenant.emulator.admin.resetCounters();
    const refused = await t.apply();
    expect(refused.code).toBe(1);
    const notices = (refused.report.notices ?? []).filter((notice) => notice.code === "graph-writes-refused");
    expect(notices).toHaveLength(1);
    expect(notices[0]!.message).toContain("the tenant still refuses Graph photo writes; the setting can take up to 24 hours");
    const steps = refused.report.users.flatMap((user) => user.steps);
    expect(steps.map((step) => step.outcome)).toEqual(["skipped", "skipped"]);
    expect(steps.every((step) => step.error === undefined)).toBe(true);
    expect(refused.report.counts.failed).toBe(0);

    // A day later the change is in force.
    t.tenant.emulator.core.tenant.now = () => Date.now() + 25 * 60 * 60 * 1000;
    const written = await t.apply();
    expect(written.code).toBe(0);
    expect(written.report.counts).toMatchObject({ done: 2, failed: 0, skipped: 0 });
    expect((await t.plan()).code).toBe(0);
  });
});
