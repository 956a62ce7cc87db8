/**
 * `photosync report` against an emulator tenant seeded with every case: a photo everywhere, none,
 * only in SharePoint, SharePoint showing another picture, a guest, a disabled account, people not
 * managed and ignored. The expected numbers come from the emulator's own state (its admin view),
 * not from the fixture; and the HTML page is opened in a real headless browser.
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_TENANT_YAML, parseFixture } from "../../src/emulator/index.js";
import { renderPortrait } from "../../src/demo/portrait.js";
import { fingerprintImage } from "../../src/images/fingerprint-image.js";
import { compare } from "../../src/images/compare.js";
import { loadManifest } from "../../src/manifest/load.js";
import { ignoreMatcher } from "../../src/manifest/build.js";
import { upnKey } from "../../src/model/desired.js";
import { createTrustedHttp } from "../../src/tenant/http.js";
import type { TrustedHttp } from "../../src/tenant/http.js";
import type { Category, Report } from "../../src/report/model.js";
import { CATEGORY_ORDER, CATEGORY_WORDS, emptyCounts } from "../../src/report/model.js";
import { runCli } from "../support/cli.js";
import { copyExampleRepo, requestsTo, startTestTenant } from "../support/tenant.js";
import type { TestTenant } from "../support/tenant.js";
import { openChromium } from "../support/browser.js";

/** The demo tenant and one person more: a disabled account (someone who left) with a photo. */
const FIXTURE = `${DEMO_TENANT_YAML.trimEnd()}
  - upn: former.employee@contoso.com
    displayName: Former Employee
    accountEnabled: false
    photo: { portrait: former.employee }
`;

let repo: { root: string; remove(): Promise<void> };
let tenant: TestTenant;
let http: TrustedHttp;

async function admin(route: string, init: { method?: string; body?: Buffer } = {}): Promise<Response> {
  return (await http.fetch(`${tenant.emulator.endpoints.adminApiUrl}${route}`, { method: init.method ?? "GET", ...(init.body ? { body: init.body } : {}) })) as unknown as Response;
}

beforeAll(async () => {
  repo = await copyExampleRepo();
  tenant = await startTestTenant(repo.root, { fixture: parseFixture(FIXTURE) });
  http = createTrustedHttp({ caPem: tenant.emulator.endpoints.caCertPem });
  // Changed by hand in SharePoint: Megan has a picture only there, Lee another person's picture.
  for (const [upn, seed] of [["megan.bowen@contoso.com", "megan-spo"], ["lee.gu@contoso.com", "someone-else"]] as const) {
    const response = await admin(`/photos/spo/${upn}`, { method: "PUT", body: await renderPortrait({ seed, width: 400, height: 400 }) });
    expect(response.status).toBe(200);
  }
});

afterAll(async () => {
  await http?.close();
  await tenant?.close();
  await repo?.remove();
});

interface AdminUser {
  userPrincipalName: string;
  userType: "Member" | "Guest";
  accountEnabled: boolean;
  aad: unknown;
  spo: { files: Array<{ kind: string; exists: boolean }> };
}

/** Each person's category as the emulator's own state says it (the rules README's "photosync report" states). */
async function expectedFromAdminView(): Promise<{ categories: Map<string, Category>; guests: number; disabled: number }> {
  const { users } = (await (await admin("/users")).json()) as { users: AdminUser[] };
  const loaded = await loadManifest(path.join(repo.root, "photos.yaml"));
  const managed = new Set(loaded.state!.users.map((user) => upnKey(user.upn)));
  const isIgnored = ignoreMatcher(loaded.state!.ignore);
  const categories = new Map<string, Category>();
  for (const user of users) {
    const upn = user.userPrincipalName;
    // The demo tenant is a current one: Graph's photo is the Entra ID photo.
    const graph = user.aad !== null;
    const spo = user.spo.files.some((file) => file.exists);
    let category: Category;
    if (isIgnored(upn)) category = "ignored";
    else if (!managed.has(upnKey(upn))) category = "unmanaged";
    else if (!graph && !spo) category = "none";
    else if (graph && spo) {
      const [aad, large] = await Promise.all([admin(`/photos/aad/${encodeURIComponent(upn)}`), admin(`/photos/spo/${encodeURIComponent(upn)}?kind=LThumb`)]);
      const verdict = compare(await fingerprintImage(Buffer.from(await aad.arrayBuffer())), await fingerprintImage(Buffer.from(await large.arrayBuffer()))).verdict;
      category = verdict === "different" ? "spo-stale" : "everywhere";
    } else category = spo ? "spo-only" : "graph-only";
    categories.set(upnKey(upn), category);
  }
  return { categories, guests: users.filter((user) => user.userType === "Guest").length, disabled: users.filter((user) => !user.accountEnabled).length };
}

async function reportJson(): Promise<Report> {
  const result = await runCli(["report", "--format", "json"], { cwd: repo.root, env: tenant.env() });
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Report;
}

describe("photosync report on a tenant with every case", () => {
  it("counts exactly what the emulator's admin view holds, each person once", async () => {
    const expected = await expectedFromAdminView();
    const report = await reportJson();
    expect(report.format).toBe("photosync.report/v1");
    const counts = emptyCounts();
    for (const category of expected.categories.values()) counts[category]++;
    expect(report.counts).toEqual(counts);
    expect(new Map(report.rows.map((row) => [upnKey(row.upn), row.category]))).toEqual(expected.categories);
    expect(report.total).toBe(expected.categories.size);
    expect(Object.values(report.counts).reduce((sum, count) => sum + count, 0)).toBe(report.total);
    expect(report.guests).toBe(expected.guests);
    expect(report.disabled).toBe(expected.disabled);
    // Every case is there: the seeding did what it says.
    for (const category of ["none", "spo-stale", "spo-only", "graph-only", "everywhere", "unmanaged", "ignored"] as const) expect(report.counts[category]).toBeGreaterThan(0);
    expect(report.guests).toBeGreaterThan(0);
    expect(report.disabled).toBeGreaterThan(0);
  });

  it("shows managed people as the planner does: whether their photo matches the repo", async () => {
    const report = await reportJson();
    const row = (upn: string) => report.rows.find((candidate) => candidate.upn === upn)!;
    expect(row("adele.vance@contoso.com").repo).toBe("matches");
    expect(row("isaiah.langer@contoso.com").repo).toBe("differs");
    expect(row("grady.archie@contoso.com").repo).toBeUndefined();
    expect(row("adele.vance@contoso.com").placeholderState).toBe("0");
  });

  it("reads the tenant with the read-only identity and writes nothing", async () => {
    tenant.emulator.admin.resetCounters();
    await reportJson();
    const log = tenant.emulator.core.counters.requests();
    expect(log.length).toBeGreaterThan(0);
    // Reads only: no upload, no delete, no profile property set (POSTs are $batch reads and SharePoint's form digest).
    expect(log.filter((entry) => ["PUT", "PATCH", "DELETE"].includes(entry.method) || /AddUsingPath|SetSingleValueProfileProperty|\/delete|recycle/i.test(entry.path))).toEqual([]);
  });

  it("downloads no photo bytes on a second run (the plan's live cache)", async () => {
    await reportJson();
    tenant.emulator.admin.resetCounters();
    await reportJson();
    const endpoints = Object.keys(tenant.emulator.admin.counters().endpoints);
    expect(endpoints.length).toBeGreaterThan(0);
    // Graph's /photo/$value and /photos/{size}/$value, and SharePoint's file downloads ($value too).
    expect(requestsTo(tenant.emulator, "$value")).toBe(0);
    expect(endpoints.filter((endpoint) => /\$value|openbinary|\/download/i.test(endpoint))).toEqual([]);
  });

  it("writes an HTML page a real browser shows: the groups, the people, pictures that decode", async () => {
    const out = path.join(repo.root, ".photosync", "report.html");
    const written = await runCli(["report", "--format", "html", "--out", out], { cwd: repo.root, env: tenant.env() });
    expect(written.code).toBe(0);
    const report = await reportJson();
    const browser = await openChromium();
    try {
      const page = await browser.context.newPage();
      const requested: string[] = [];
      page.on("request", (request) => requested.push(request.url()));
      await page.goto(`file://${out}`);
      const headings = await page.locator("h2").allTextContents();
      const shown = CATEGORY_ORDER.filter((category) => report.counts[category] > 0);
      expect(headings).toEqual(shown.map((category) => `${CATEGORY_WORDS[category].heading} (${report.counts[category]})`));
      expect(await page.locator("#summary").textContent()).toMatch(new RegExp(`^${report.total} people: `));
      for (const category of shown) {
        const people = await page.locator(`section#${category} tbody th`).allTextContents();
        expect(people).toEqual(report.rows.filter((row) => row.category === category).map((row) => row.upn));
      }
      const pictures = report.rows.reduce((sum, row) => sum + (row.graph === "present" ? 1 : 0) + (row.sharePoint === "present" ? 1 : 0), 0);
      expect(await page.locator("img").count()).toBe(pictures);
      const widths = await page.locator("img").evaluateAll((images) => images.map((image) => (image as unknown as { naturalWidth: number }).naturalWidth));
      expect(widths.every((width) => width > 0)).toBe(true);
      // One self-contained file: nothing but the page itself (and its data: pictures) was asked for.
      expect(requested.filter((url) => !url.startsWith("data:") && url !== `file://${out}`)).toEqual([]);
      await page.screenshot({ path: path.join(repo.root, ".photosync", "report.png"), fullPage: true });
      expect((await stat(path.join(repo.root, ".photosync", "report.png"))).size).toBeGreaterThan(0);
    } finally {
      await browser.close();
    }
    expect(await readFile(out, "utf8")).toContain('http-equiv="Content-Security-Policy"');
  }, 60_000);
});
