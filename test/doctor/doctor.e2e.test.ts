/**
 * `photosync doctor` against the emulator, configured as a real tenant (endpoint variables, CA
 * file, certificate): it passes on both demo tenants, and fails line by line, with the fix, for
 * each strict switch and each missing permission. A case changes one thing of the running
 * tenant (an app's roles, a switch) and puts it back, so one tenant start serves many cases.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEMO_READER_CLIENT_ID, DEMO_WRITER_CLIENT_ID } from "../../src/emulator/index.js";
import type { DoctorCheck, DoctorReport } from "../../src/doctor/report.js";
import type { CliResult } from "../support/cli.js";
import { runCli } from "../support/cli.js";
import { linesOf, tablesOf } from "../support/markdown.js";
import type { TestTenant } from "../support/tenant.js";
import { useExampleTenant } from "../support/tenant.js";
import { useFidelityTenant } from "../fidelity/helpers.js";
import { spoTenant } from "../fidelity/spo-tenant.js";
import type { SpoTenant } from "../fidelity/spo-tenant.js";

const READER_APP = `the app registration "photosync (read-only, pull requests)" (client id ${DEMO_READER_CLIENT_ID})`;
const WRITER_APP = `the app registration "photosync (apply, main branch)" (client id ${DEMO_WRITER_CLIENT_ID})`;
const FAST = { PHOTOSYNC_RETRY_ATTEMPTS: "1", PHOTOSYNC_RETRY_BACKOFF_MS: "1" };

/** Every output of every run, scanned once at the end for anything shaped like a token. */
const outputs: string[] = [];

async function doctor(root: string, tenant: TestTenant, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<CliResult & { report: DoctorReport }> {
  const identity = args.includes("--writer") ? "writer" : "reader";
  const result = await runCli(["doctor", "--format", "json", ...args], { cwd: root, env: { ...tenant.env(identity), ...FAST, ...env } });
  outputs.push(result.stdout, result.stderr);
  return { ...result, report: JSON.parse(result.stdout) as DoctorReport };
}

/** Requests (batch items included) whose path matches. */
const requestsMatching = (tenant: TestTenant, pattern: RegExp): number => tenant.emulator.core.counters.requests().filter((entry) => pattern.test(decodeURIComponent(entry.path))).length;

const find = (report: DoctorReport, title: string | RegExp): DoctorCheck | undefined => report.checks.find((check) => (typeof title === "string" ? check.title === title : title.test(check.title)));
const failed = (report: DoctorReport): string[] => report.checks.filter((check) => check.status === "fail").map((check) => check.title);

afterAll(() => {
  const everything = outputs.join("\n");
  expect(everything).not.toMatch(/eyJ[\w-]{4,}/);
});

describe("doctor on the demo tenant (current)", () => {
  const example = useExampleTenant("demo");
  let root: string;
  let tenant: TestTenant;
  /** The tenant's settings before a case changed them: put back after each. */
  let saved: string;
  beforeAll(() => {
    ({ tenant } = example);
    root = example.repo.root;
    saved = JSON.stringify(tenant.emulator.core.tenant.config);
  });
  afterEach(() => {
    Object.assign(tenant.emulator.core.tenant.config, JSON.parse(saved));
    tenant.emulator.admin.setFaults({});
  });
  const config = () => tenant.emulator.core.tenant.config;
  const app = (clientId: string) => config().apps.find((candidate) => candidate.clientId === clientId)!;
  const withoutRole = (clientId: string, api: "graph" | "sharepoint", ...roles: string[]) => {
    app(clientId).roles[api] = app(clientId).roles[api].filter((role) => !roles.includes(role));
  };

  it("passes with the reader: exit 0, the tenant's model named, what photosync will manage, nothing written", async () => {
    const text = await runCli(["doctor"], { cwd: root, env: { ...tenant.env("reader"), ...FAST } });
    outputs.push(text.stdout, text.stderr);
    expect(text.code, text.stdout + text.stderr).toBe(0);
    expect(text.stdout).toContain("pass  current: Entra ID holds every photo");
    expect(text.stdout).toContain("Nothing was written.");
    expect(text.stdout).toContain("pass  Graph photos for all 8 people");
    expect(text.stdout).toContain("pass  SharePoint thumbnails and profile properties for all 8 people");
    expect(text.stdout).toMatch(/\d+ passed, 0 failed, 0 warnings, \d+ notes: everything the manifest asks for is possible/);
    expect(text.stderr).toBe("");

    const { report, code } = await doctor(root, tenant);
    expect(code).toBe(0);
    expect(report.format).toBe("photosync.doctor/v1");
    expect(report).toMatchObject({ identity: "reader", wrote: false, app: { clientId: DEMO_READER_CLIENT_ID, name: "photosync (read-only, pull requests)" } });
    expect(report.counts.fail).toBe(0);
    for (const permission of ["User.Read.All", "ProfilePhoto.Read.All", "PeopleSettings.Read.All"]) expect(find(report, new RegExp(`^Microsoft Graph ${permission.replace(/\./g, "\\.")} `))?.status).toBe("pass");
    for (const permission of ["Sites.Read.All", "User.Read.All"]) expect(find(report, new RegExp(`^SharePoint ${permission.replace(/\./g, "\\.")} `))?.status).toBe("pass");
    expect(find(report, "Thumbnail folder: /User Photos/Profile Pictures")?.status).toBe("pass");
    expect(find(report, /^Read the profile of /)?.status).toBe("pass");
    expect(find(report, "source: cloud")?.status).toBe("pass");
    expect(find(report, /SetPhotoEnabled/)).toMatchObject({ status: "info", detail: expect.stringContaining("Set-OwaMailboxPolicy -Identity OwaMailboxPolicy-Default -SetPhotoEnabled $false") });
    expect(find(report, /SetPhotoEnabled/)!.detail).toContain("Get-OwaMailboxPolicy | Format-List Identity,SetPhotoEnabled");
  });

  it("the markdown checklist, as GitHub renders it: one table per area with the fix column", async () => {
    withoutRole(DEMO_READER_CLIENT_ID, "graph", "PeopleSettings.Read.All");
    const result = await runCli(["doctor", "--format", "markdown"], { cwd: root, env: { ...tenant.env("reader"), ...FAST } });
    outputs.push(result.stdout);
    // A run can do without PeopleSettings.Read.All (photos.yaml keeps no tenant.photoUpdates): a warning.
    expect(result.code).toBe(0);
    expect(linesOf(result.stdout)).toEqual(expect.arrayContaining(["photosync doctor", "Sign-in and permissions", "Graph photos", "Photo update settings", "SharePoint", "What photosync will manage"]));
    const tables = tablesOf(result.stdout);
    expect(tables).toHaveLength(5);
    for (const table of tables) expect(table.header).toEqual(["", "Check", "Details", "Fix"]);
    const row = tables[0]!.rows.find((cells) => cells[1] === "Microsoft Graph PeopleSettings.Read.All (reading the photo update settings)");
    expect(row?.[0]).toBe("⚠️ warn");
    expect(row?.[2]).toBe("not granted: plans cannot tell whether the tenant refuses every Graph photo write (photoUpdateSettings source onPremises)");
    expect(row?.[3]).toContain(`grant ${READER_APP} the Microsoft Graph application permission PeopleSettings.Read.All`);
    expect(tables[2]!.rows[0]![2]).toBe("not checked: the app lacks the Microsoft Graph application permission PeopleSettings.Read.All (above)");
  });

  it("entraSizes onePixel (the default): says a listed size came back 1x1 and that photosync reads the whole photo; all: the size is served", async () => {
    const { report } = await doctor(root, tenant);
    expect(find(report, "adele.vance@contoso.com")).toMatchObject({
      status: "info",
      detail: expect.stringMatching(/sizes listed: 648x648; 96x96 served as a 1x1 jpeg, not the size asked for: photosync checks what it is served and reads the whole photo instead/),
    });
    config().graph = { ...config().graph!, entraSizes: "all" };
    const all = await doctor(root, tenant);
    expect(find(all.report, "adele.vance@contoso.com")).toMatchObject({ status: "pass", detail: expect.stringMatching(/sizes listed: 48x48, .*648x648; 96x96 served as a 96x96 jpeg/) });
  });

  describe("each missing permission is one failed line with its fix, and exit 1", () => {
    it.each([
      ["graph", "User.Read.All", "Microsoft Graph User.Read.All (looking people up)", "Microsoft Graph", /^No Graph photos/],
      ["sharepoint", "Sites.Read.All", "SharePoint Sites.Read.All (reading thumbnails)", "SharePoint", /^No SharePoint thumbnails or profile properties/],
      ["sharepoint", "User.Read.All", "SharePoint User.Read.All (reading user profiles)", "SharePoint", /^SharePoint thumbnails but not profile properties/],
    ] as const)("reader without %s %s", async (api, role, title, apiName, manage) => {
      withoutRole(DEMO_READER_CLIENT_ID, api, role);
      const { report, code } = await doctor(root, tenant);
      expect(code).toBe(1);
      expect(find(report, title)).toMatchObject({ status: "fail", fix: expect.stringContaining(`grant ${READER_APP} the ${apiName} application permission ${role}`) });
      expect(find(report, title)!.fix).toContain("and grant admin consent");
      // The one root cause is failed once; the summary says what it costs.
      expect(failed(report).filter((check) => !/^(No |SharePoint thumbnails but)/.test(check))).toEqual([title]);
      if (manage) expect(find(report, manage)).toMatchObject({ status: "fail", fix: find(report, title)!.fix });
    });

    it("reader without ProfilePhoto.Read.All but with User.Read.All: granted through it (Graph lets User.Read.All read photos)", async () => {
      withoutRole(DEMO_READER_CLIENT_ID, "graph", "ProfilePhoto.Read.All");
      const { report, code } = await doctor(root, tenant);
      expect(code).toBe(0);
      expect(find(report, "Microsoft Graph ProfilePhoto.Read.All (reading photos)")).toMatchObject({ status: "pass", detail: "granted through User.Read.All" });
    });

    it("SharePoint profile reads need SharePoint's own User.Read.All: the fix says Sites.* is not enough, and the profile read is not tried", async () => {
      withoutRole(DEMO_READER_CLIENT_ID, "sharepoint", "User.Read.All");
      const before = requestsMatching(tenant, /getpropertiesfor/i);
      const { report } = await doctor(root, tenant);
      expect(find(report, "SharePoint User.Read.All (reading user profiles)")!.fix).toContain("Sites.* permissions do not give access to user profiles");
      expect(find(report, "Reading a user profile")).toMatchObject({ status: "info", detail: "not checked: the app lacks the SharePoint application permission User.Read.All (above)" });
      expect(requestsMatching(tenant, /getpropertiesfor/i)).toBe(before);
    });

    it.each([
      ["graph", ["ProfilePhoto.ReadWrite.All"], "Microsoft Graph ProfilePhoto.ReadWrite.All (writing photos)", "Microsoft Graph", "ProfilePhoto.ReadWrite.All", /^No Graph photos/],
      ["sharepoint", ["Sites.FullControl.All"], "SharePoint Sites.ReadWrite.All (writing thumbnails)", "SharePoint", "Sites.ReadWrite.All", /^No SharePoint thumbnails/],
      ["sharepoint", ["User.ReadWrite.All"], "SharePoint User.ReadWrite.All (writing profile properties)", "SharePoint", "User.ReadWrite.All", /^SharePoint thumbnails but not profile properties/],
    ] as const)("writer without %s %s", async (api, roles, title, apiName, permission, manage) => {
      withoutRole(DEMO_WRITER_CLIENT_ID, api, ...roles);
      // Sites.FullControl.All also grants profile writes; the thumbnails' case keeps User.ReadWrite.All, the profiles' case Sites.ReadWrite.All.
      if (permission === "User.ReadWrite.All") app(DEMO_WRITER_CLIENT_ID).roles.sharepoint = ["Sites.ReadWrite.All"];
      const { report, code } = await doctor(root, tenant, ["--writer"]);
      expect(code).toBe(1);
      expect(report.identity).toBe("writer");
      expect(find(report, title)).toMatchObject({ status: "fail", fix: expect.stringContaining(`grant ${WRITER_APP} the ${apiName} application permission ${permission}`) });
      expect(find(report, manage)).toMatchObject({ status: "fail" });
    });
  });

  describe("sign-in and SharePoint's refusal of a token", () => {
    it("a certificate not registered on the app: one failed line with the fix; the other sign-ins say the same cause once", async () => {
      const env = { AZURE_CLIENT_CERTIFICATE_PATH: tenant.env("writer").AZURE_CLIENT_CERTIFICATE_PATH };
      const { report, code } = await doctor(root, tenant, [], env);
      expect(code).toBe(1);
      expect(find(report, "Sign-in to Microsoft Graph")).toMatchObject({
        status: "fail",
        fix: expect.stringMatching(/the certificate in AZURE_CLIENT_CERTIFICATE_PATH is not registered on app 5f0d1c8e-0000-4000-a000-00000000a001 .*Certificates & secrets.*AADSTS700027/),
      });
      expect(find(report, "Sign-in to SharePoint Online (My Site host)")).toMatchObject({ status: "info", detail: "not checked: the same sign-in failure as above" });
      expect(find(report, "Microsoft Graph application permissions")).toMatchObject({ status: "info", detail: expect.stringMatching(/^not checked: sign-in to Microsoft Graph failed/) });
      expect(find(report, "The tenant's photo behaviour and a sample of people")?.detail).toMatch(/^not checked/);
      expect(failed(report).filter((title) => !title.startsWith("No "))).toEqual(["Sign-in to Microsoft Graph"]);
    });

    it("a client secret: SharePoint refuses the app-only token; the fix says to use a certificate or a federated credential", async () => {
      const registration = tenant.emulator.endpoints.apps.find((candidate) => candidate.clientId === DEMO_READER_CLIENT_ID)!;
      const { AZURE_CLIENT_CERTIFICATE_PATH: _certificate, ...env } = tenant.env("reader");
      const result = await runCli(["doctor", "--format", "json"], { cwd: root, env: { ...env, ...FAST, AZURE_CLIENT_SECRET: registration.secret! } });
      outputs.push(result.stdout, result.stderr);
      const report = JSON.parse(result.stdout) as DoctorReport;
      expect(result.code).toBe(1);
      expect(find(report, "SharePoint Online (My Site host) accepts photosync's token")).toMatchObject({
        status: "fail",
        detail: "refused (401: Unsupported app only token.)",
        fix: expect.stringContaining("never a client secret: set AZURE_CLIENT_CERTIFICATE_PATH"),
      });
      expect(find(report, "SharePoint Online (admin host) accepts photosync's token")).toMatchObject({ status: "info", detail: "not checked: refused as above" });
      expect(find(report, "Thumbnail folder: /User Photos/Profile Pictures")).toBeUndefined();
      expect(result.stdout + result.stderr).not.toContain(registration.secret!);
    });

    it("tokenAudience host: a SharePoint host given another host's token is refused, with the per-host fix", async () => {
      const env = { PHOTOSYNC_ADMIN_URL: tenant.env().PHOTOSYNC_MYSITE_URL };
      const { report, code } = await doctor(root, tenant, [], env);
      expect(code).toBe(1);
      expect(find(report, "SharePoint Online (admin host) accepts photosync's token")).toMatchObject({
        status: "fail",
        detail: expect.stringContaining("AudienceUriValidationFailedException"),
        fix: expect.stringContaining("was given a token for another host (SharePoint tokens are per host"),
      });
      expect(find(report, "Reading a user profile")?.detail).toBe("not checked: SharePoint Online (admin host) refused photosync's token (above)");
    });
  });

  it("Graph refusing the photo reads although the roles are there: one failed line with the refusal and its fix", async () => {
    tenant.emulator.admin.setFaults({ rules: [{ match: { service: "graph", path: "/photo" }, errorRate: 1, errorStatus: 403 }] });
    const { report, code } = await doctor(root, tenant);
    expect(code).toBe(1);
    expect(find(report, "Reading people and photos through Graph")).toMatchObject({
      status: "fail",
      fix: expect.stringMatching(/^Microsoft Graph refused photosync's token while reading profile photos \(403 .*ProfilePhoto\.Read\.All .*admin consent/),
    });
    expect(find(report, /^No Graph photos/)?.status).toBe("fail");
  });

  describe("the tenant's settings and SharePoint's strict switches", () => {
    it("photoUpdateSettings source onPremises: every Graph photo write will be refused, with the fix", async () => {
      config().photoUpdateSettings.source = "onPremises";
      const { report, code } = await doctor(root, tenant);
      expect(code).toBe(1);
      expect(find(report, "source: onPremises: every Graph photo write will be refused")).toMatchObject({
        status: "fail",
        fix: expect.stringContaining("set photoUpdateSettings source to cloud (tenant.photoUpdates: { source: cloud } in photos.yaml"),
      });
      expect(find(report, /^No Graph photos/)).toMatchObject({ status: "fail" });
      expect(find(report, /^SharePoint thumbnails and profile properties/)?.status).toBe("pass");
    });

    it("the thumbnail folder missing: a warning that apply creates it, exit 0", async () => {
      config().spo.thumbnailFolder = "missing";
      const { report, code } = await doctor(root, tenant);
      expect(code).toBe(0);
      expect(find(report, "Thumbnail folder /User Photos/Profile Pictures does not exist yet")).toMatchObject({
        status: "warn",
        detail: expect.stringContaining("apply creates the folder first"),
        fix: expect.stringContaining("apply creates the folder before the first upload"),
      });
    });

    it("appOnlyProfileWrites denied, --writer --probe-user: the write is refused, with apply's fix; nothing written", async () => {
      config().spo.appOnlyProfileWrites = "denied";
      const { report, code, stdout } = await doctor(root, tenant, ["--writer", "--probe-user", "adele.vance@contoso.com"]);
      expect(code).toBe(1);
      expect(report.wrote).toBe(false);
      expect(find(report, "SharePoint refused a profile write for adele.vance@contoso.com")).toMatchObject({
        status: "fail",
        fix: expect.stringContaining("this tenant refuses app-only profile writes (sp-dev-docs #3718"),
      });
      expect(find(report, /^SharePoint thumbnails but not profile properties/)).toMatchObject({ status: "fail" });
      expect(stdout).not.toContain("wrote SPS-PicturePlaceholderState back");
    });

    it("--writer --probe-user with profile writes allowed: exactly one write, of the value the property had; said so", async () => {
      const user = () => tenant.emulator.core.tenant.findUser("adele.vance@contoso.com")!;
      const before = { ...user().profile };
      const writes = requestsMatching(tenant, /setsinglevalueprofileproperty/i);
      const { report, code } = await doctor(root, tenant, ["--writer", "--probe-user", "Adele.Vance@contoso.com"]);
      expect(code).toBe(0);
      expect(report.wrote).toBe(true);
      expect(find(report, "Profile write for adele.vance@contoso.com")).toMatchObject({ status: "pass", detail: "wrote SPS-PicturePlaceholderState back with the value it had (idempotent: nothing changed)" });
      expect(requestsMatching(tenant, /setsinglevalueprofileproperty/i) - writes).toBe(1);
      expect(user().profile).toEqual(before);
      const text = await runCli(["doctor", "--writer", "--probe-user", "adele.vance@contoso.com"], { cwd: root, env: { ...tenant.env("writer"), ...FAST } });
      outputs.push(text.stdout);
      expect(text.stdout).toContain("One idempotent profile write was made (SPS-PicturePlaceholderState written back with the value it had)");
    });

    it("--writer alone checks the writer's permissions and writes nothing", async () => {
      const writes = requestsMatching(tenant, /setsinglevalueprofileproperty/i);
      const { report, code } = await doctor(root, tenant, ["--writer"]);
      expect(code).toBe(0);
      expect(report.wrote).toBe(false);
      expect(find(report, "Writing a user profile (one idempotent write)")).toMatchObject({ status: "info", detail: expect.stringMatching(/^not checked: give --probe-user UPN/) });
      expect(find(report, "Whether SharePoint accepts uploaded profile pictures")?.status).toBe("info");
      expect(requestsMatching(tenant, /setsinglevalueprofileproperty/i)).toBe(writes);
    });
  });

  describe("the command line", () => {
    it("--probe-user not in the manifest, or a --sample that is not a number of people: exit 64, nothing read", async () => {
      tenant.emulator.admin.resetCounters();
      const unknown = await runCli(["doctor", "--probe-user", "nobody@contoso.com"], { cwd: root, env: tenant.env() });
      expect(unknown.code).toBe(64);
      expect(unknown.stderr).toContain("photosync: --probe-user: not in the manifest: nobody@contoso.com; nothing was read or written");
      const zero = await runCli(["doctor", "--sample", "0"], { cwd: root, env: tenant.env() });
      expect(zero.code).toBe(64);
      expect(tenant.emulator.admin.counters().totals.requests).toBe(0);
    });

    it("--out writes the checklist to a file (standard output says where); colour only on a terminal, never with NO_COLOR", async () => {
      const out = await runCli(["doctor", "--format", "markdown", "--out", "doctor.md"], { cwd: root, env: { ...tenant.env(), ...FAST } });
      expect(out.code).toBe(0);
      expect(out.stdout).toMatch(/^photosync doctor: \d+ passed, 0 failed, .*; checklist written to doctor\.md\n$/);
      expect(tablesOf(await readFile(path.join(root, "doctor.md"), "utf8"))).toHaveLength(5);
      const tty = await runCli(["doctor"], { cwd: root, env: { ...tenant.env(), ...FAST }, tty: true });
      expect(tty.stdout).toContain("\u001b[32mpass\u001b[0m");
      const noColour = await runCli(["doctor"], { cwd: root, env: { ...tenant.env(), ...FAST, NO_COLOR: "1" }, tty: true });
      expect(noColour.stdout).not.toContain("\u001b[");
      outputs.push(out.stdout, tty.stdout, noColour.stdout);
    });

    it("--sample N reads N people, the probe user first", async () => {
      const { report } = await doctor(root, tenant, ["--sample", "2", "--probe-user", "nestor.wilke@contoso.com"]);
      const people = report.checks.filter((check) => check.area === "graph" && check.title.includes("@")).map((check) => check.title);
      expect(people).toEqual(["nestor.wilke@contoso.com", "adele.vance@contoso.com"]);
    });
  });
});

describe("doctor on the legacy demo tenant", () => {
  const example = useExampleTenant("legacy");

  it("passes, names the model (mailbox first), and says who is routed to Entra ID: no mailbox, unlicensed, Exchange Foundation", async () => {
    const { tenant, repo } = example;
    // Megan: licensed with Exchange Foundation only (an enabled exchange plan, no mailbox; microsoft-graph-docs #8877).
    const megan = tenant.emulator.core.tenant.findUser("megan.bowen@contoso.com")!;
    Object.assign(megan, { exchangePlan: "foundation", mailbox: "none", licensed: true });
    const text = await runCli(["doctor", "--sample", "8"], { cwd: repo.root, env: { ...tenant.env(), ...FAST } });
    outputs.push(text.stdout, text.stderr);
    expect(text.code, text.stdout).toBe(0);
    expect(text.stdout).toContain("pass  legacy: mailbox first");
    const { report } = await doctor(repo.root, tenant, ["--sample", "8"]);
    for (const upn of ["nestor.wilke@contoso.com", "isaiah.langer@contoso.com", "megan.bowen@contoso.com"]) {
      expect(find(report, upn), upn).toMatchObject({ status: "info", detail: expect.stringContaining("no usable Exchange Online mailbox: routed to Entra ID (Graph beta)") });
    }
    expect(find(report, "adele.vance@contoso.com")).toMatchObject({ status: "pass", detail: expect.stringContaining("in the Exchange Online mailbox (Graph v1.0)") });
    expect(find(report, "patti.fernandez_fabrikam.com#EXT#@contoso.onmicrosoft.com")).toMatchObject({ status: "info", detail: expect.stringContaining("guest account") });
  });
});

describe("doctor on a French My Site", () => {
  let t: SpoTenant;
  beforeAll(async () => {
    t = await spoTenant({ sharepoint: { locale: "fr-FR" } });
  });
  afterAll(() => t?.close());

  it("finds the localised thumbnail folder (Images du profil): pass, exit 0", async () => {
    const { report, code } = await doctor(t.root, t.tenant);
    expect(code).toBe(0);
    expect(find(report, "Thumbnail folder: /User Photos/Images du profil")?.status).toBe("pass");
    // Everyone here has a mailbox: the answers cannot tell the model, and doctor says so without failing.
    expect(find(report, "undetermined: every person sampled has a mailbox")?.status).toBe("info");
  });
});

describe("doctor when photos.yaml keeps who may change photos (tenant.photoUpdates)", () => {
  const ADMINS_ONLY = ["  photoUpdates:", "    source: cloud", "    allowedRoles: [User Administrator, People Administrator]"].join("\n");
  const t = useFidelityTenant({
    tenant: "",
    users: ["  - upn: ann@contoso.com", "  - upn: ben@contoso.com"].join("\n"),
    manifest: { "ann@contoso.com": "photos/ann.jpg", "ben@contoso.com": "photos/ben.jpg" },
    manifestTenant: ADMINS_ONLY,
  });
  const roles = (clientId: string) => t.tenant.emulator.core.tenant.config.apps.find((candidate) => candidate.clientId === clientId)!.roles;

  it("the reader: the live setting in words, and that photos.yaml asks for a change plan will show and apply make", async () => {
    const { report, code } = await doctor(t.repo.root, t.tenant);
    expect(code).toBe(0);
    expect(find(report, "Who may change photos: everyone can change their own photo; photos.yaml asks for a change")).toMatchObject({
      status: "info",
      detail: expect.stringContaining("only User Administrators and People Administrators can change photos; people can no longer change their own"),
    });
    expect(find(report, "Who may change photos (tenant.photoUpdates)")).toMatchObject({ status: "pass", detail: "planned (apply changes it with the writer identity)" });
  });

  it("a writer without PeopleSettings.ReadWrite.All: one failed line with the grant, and the setting is not managed", async () => {
    const graph = roles(DEMO_WRITER_CLIENT_ID).graph;
    const saved = [...graph];
    roles(DEMO_WRITER_CLIENT_ID).graph = graph.filter((role) => role !== "PeopleSettings.ReadWrite.All").concat("PeopleSettings.Read.All");
    try {
      const { report, code } = await doctor(t.repo.root, t.tenant, ["--writer"]);
      expect(code).toBe(1);
      const title = "Microsoft Graph PeopleSettings.ReadWrite.All (changing who may change photos)";
      expect(find(report, title)).toMatchObject({ status: "fail", fix: expect.stringContaining("the Microsoft Graph application permission PeopleSettings.ReadWrite.All") });
      expect(find(report, "Not who may change photos (tenant.photoUpdates)")).toMatchObject({ status: "fail", detail: `because: ${title}` });
      // The setting is still read (PeopleSettings.Read.All reads it): the live value is shown.
      expect(find(report, /^Who may change photos: everyone can change their own photo/)).toBeDefined();
      expect(failed(report)).toEqual([title, "Not who may change photos (tenant.photoUpdates)"]);
    } finally {
      roles(DEMO_WRITER_CLIENT_ID).graph = saved;
    }
  });

  it("once applied, the live setting is as photos.yaml says", async () => {
    const applied = await t.apply();
    expect(applied.code).toBe(0);
    const { report } = await doctor(t.repo.root, t.tenant);
    expect(find(report, "Who may change photos: only User Administrators and People Administrators can change photos")).toMatchObject({ status: "pass", detail: "as photos.yaml says (tenant.photoUpdates)" });
  });
});
