/** `photosync import`: the tenant's photos into an empty repo, then a plan with no changes; in place, resumable, careful. */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Plan } from "../../src/model/plan.js";
import { BUILT_IN_TENANTS, parseFixture } from "../../src/emulator/index.js";
import { runCli } from "../support/cli.js";
import type { DemoTenant, TestTenant } from "../support/tenant.js";
import { DEMO_TENANTS, startTestTenant } from "../support/tenant.js";

/** The example manifest's settings, with nobody in it yet, and a comment to keep. */
const EMPTY_MANIFEST = `# yaml-language-server: $schema=./schema/photos.schema.json
version: 1

tenant:
  id: contoso.onmicrosoft.com
  stores: [exo, aad, spo]     # every store
  sharepoint:
    mySiteHost: contoso-my.sharepoint.com
    adminHost: contoso-admin.sharepoint.com
    thumbnails: { small: 48, medium: 72, large: 200 }

defaults:
  photo: photos/{alias}.jpg
  minSize: 240

# Never touched.
ignore:
  - svc-*@contoso.com

users: {}
`;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function emptyRepo(demo: DemoTenant = "demo", manifest = EMPTY_MANIFEST): Promise<{ root: string; tenant: TestTenant }> {
  const root = await mkdtemp(path.join(tmpdir(), "photosync-import-"));
  await mkdir(path.join(root, "photos"));
  await writeFile(path.join(root, "photos.yaml"), manifest);
  const tenant = await startTestTenant(root, {}, demo);
  cleanups.push(async () => {
    await tenant.close();
    await rm(root, { recursive: true, force: true });
  });
  return { root, tenant };
}

/** Whole-photo downloads (`/photo/$value`) of one person so far. */
const wholeDownloads = (tenant: TestTenant, upn: string): number => {
  const id = tenant.emulator.core.tenant.findUser(upn)!.id;
  return tenant.emulator.core.counters.requests(0).filter((entry) => entry.path.includes(`/users/${id}/photo/$value`)).length;
};
/** Standard error of a run off a terminal: only the progress lines (plain, one every tenth). */
const onlyProgress = (stderr: string) => expect(stderr).toMatch(/^(import: checking photos: \d+\/\d+\n)*$/);

describe.each(DEMO_TENANTS)("import --all into an empty repo (%s tenant)", (demo) => {
  it("downloads everyone's photo, and the plan right after shows no changes", async () => {
    const { root, tenant } = await emptyRepo(demo);
    const imported = await runCli(["import", "--all"], { cwd: root, env: tenant.env() });
    onlyProgress(imported.stderr);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain("Plan for the imported people: ");
    const files = (await readdir(path.join(root, "photos"))).sort();
    expect(files).toEqual(expect.arrayContaining(["adele.vance.jpg", "alex.wilber.jpg", "grady.archie.jpg", "joni.sherman.jpg", "pradeep.gupta.jpg"]));
    // Guests, and the ignore list, are left out; people without a photo are listed.
    expect(files.some((file) => file.startsWith("patti") || file.startsWith("svc-"))).toBe(false);
    expect(imported.stdout).toMatch(/No photo in Microsoft 365 \(\d+\)/);
    expect(imported.stdout).toContain("  - megan.bowen@contoso.com");
    // Lee Gu's Entra ID photo is a 96 px thumbnail: below minSize, reported, not written. (In a
    // legacy tenant his mailbox, the store photosync reads for him, has none: "no photo".)
    if (demo === "demo") expect(imported.stdout).toMatch(/lee\.gu@contoso\.com: .*96×96 px; photos need at least 240 px/);

    const plan = await runCli(["plan", "--format", "json"], { cwd: root, env: tenant.env() });
    const result = JSON.parse(plan.stdout) as Plan;
    expect(result.users.map((user) => user.upn)).toEqual(expect.arrayContaining(["adele.vance@contoso.com", "grady.archie@contoso.com"]));
    const changing = result.users.flatMap((user) => user.steps.filter((step) => step.action !== "noop" && step.action !== "skip").map((step) => `${user.upn} ${step.store} ${step.action}`));
    expect(changing).toEqual([]);
    expect(plan.code).toBe(0);
  });
});

describe("import", () => {
  it("keeps the comments and formatting of a hand-written photos.yaml", async () => {
    const manifest = EMPTY_MANIFEST.replace(
      "users: {}\n",
      "users:\n  # Hand-written, with odd spacing.\n  adele.vance@contoso.com:    photos/adele.vance.jpg   # kept\n# The end.\n",
    );
    const { root, tenant } = await emptyRepo("demo", manifest);
    await writeFile(path.join(root, "photos/adele.vance.jpg"), "not replaced");
    const result = await runCli(["import", "--users", "ALEX.WILBER@contoso.com,adele.vance@contoso.com"], { cwd: root, env: tenant.env() });
    expect(result.code).toBe(0);
    const text = await readFile(path.join(root, "photos.yaml"), "utf8");
    const [before, after] = manifest.split("# The end.\n");
    expect(text).toBe(`${before}  alex.wilber@contoso.com:\n# The end.\n${after}`);
    expect(result.stdout).toContain("adele.vance@contoso.com: already in photos.yaml (use --force");
    expect(await readFile(path.join(root, "photos/adele.vance.jpg"), "utf8")).toBe("not replaced");
  });

  it("never overwrites a photo file without --force, and does with it", async () => {
    const { root, tenant } = await emptyRepo();
    await writeFile(path.join(root, "photos/alex.wilber.jpg"), "someone else's file");
    const refused = await runCli(["import", "--users", "alex.wilber@contoso.com"], { cwd: root, env: tenant.env() });
    expect(refused.stdout).toContain("alex.wilber@contoso.com: photos/alex.wilber.jpg already exists (use --force to overwrite it)");
    expect(await readFile(path.join(root, "photos/alex.wilber.jpg"), "utf8")).toBe("someone else's file");
    expect(await readFile(path.join(root, "photos.yaml"), "utf8")).toBe(EMPTY_MANIFEST);

    const forced = await runCli(["import", "--users", "alex.wilber@contoso.com", "--force"], { cwd: root, env: tenant.env() });
    expect(forced.code).toBe(0);
    expect((await readFile(path.join(root, "photos/alex.wilber.jpg"))).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(await readFile(path.join(root, "photos.yaml"), "utf8")).toContain("users:\n  alex.wilber@contoso.com:\n");
  });

  it("needs --users or --all (exit 64), and refuses people the tenant does not have", async () => {
    const { root, tenant } = await emptyRepo();
    const neither = await runCli(["import"], { cwd: root, env: tenant.env() });
    expect(neither.code).toBe(64);
    expect(neither.stderr).toContain("--users a@x,b@y or --all");
    const unknown = await runCli(["import", "--users", "nobody@contoso.com"], { cwd: root, env: tenant.env() });
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain("not in the tenant: nobody@contoso.com");
  });

  it("includes guests only with --include-guests, and writes placeholders with --placeholders", async () => {
    const { root, tenant } = await emptyRepo();
    const result = await runCli(["import", "--all", "--placeholders", "--include-guests"], { cwd: root, env: tenant.env() });
    expect(result.code).toBe(0);
    const text = await readFile(path.join(root, "photos.yaml"), "utf8");
    expect(text).toContain("  # megan.bowen@contoso.com:   # no photo in Microsoft 365: add photos/megan.bowen.jpg\n");
    expect(text).toContain("patti.fernandez_fabrikam.com#EXT#@contoso.onmicrosoft.com");
    expect(result.stdout).toContain("as commented-out entries: add each photo, then uncomment its line");
    expect(result.stdout).not.toContain("re-run with --placeholders");
  });

  it("resumes an interrupted import without downloading anything twice", async () => {
    const { root, tenant } = await emptyRepo();
    // The first run dies after writing some photos and before photos.yaml: simulated by its journal and files.
    const first = await runCli(["import", "--users", "adele.vance@contoso.com,alex.wilber@contoso.com"], { cwd: root, env: tenant.env() });
    expect(first.code).toBe(0);
    await writeFile(path.join(root, "photos.yaml"), EMPTY_MANIFEST);
    const adeleBefore = wholeDownloads(tenant, "adele.vance@contoso.com");
    const gradyBefore = wholeDownloads(tenant, "grady.archie@contoso.com");
    const again = await runCli(["import", "--all"], { cwd: root, env: tenant.env() });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("adele.vance@contoso.com: photos/adele.vance.jpg (already downloaded by an earlier import)");
    const text = await readFile(path.join(root, "photos.yaml"), "utf8");
    expect(text).toContain("  adele.vance@contoso.com:\n");
    // The run ends with a plan of the imported people, which reads their photos itself: what that
    // costs is measured by a plan alone, and the import must have cost nothing more for Adele.
    const adeleImport = wholeDownloads(tenant, "adele.vance@contoso.com") - adeleBefore;
    const gradyImport = wholeDownloads(tenant, "grady.archie@contoso.com") - gradyBefore;
    const planBefore = [wholeDownloads(tenant, "adele.vance@contoso.com"), wholeDownloads(tenant, "grady.archie@contoso.com")];
    await runCli(["plan", "--users", "adele.vance@contoso.com,grady.archie@contoso.com"], { cwd: root, env: tenant.env() });
    const planCost = [wholeDownloads(tenant, "adele.vance@contoso.com") - planBefore[0]!, wholeDownloads(tenant, "grady.archie@contoso.com") - planBefore[1]!];
    expect(adeleImport).toBe(planCost[0]);
    expect(gradyImport).toBeGreaterThan(planCost[1]!);
  });

  it("finishes a run a failing service interrupted, downloading nothing it already has", async () => {
    const { root, tenant } = await emptyRepo();
    const grady = tenant.emulator.core.tenant.findUser("grady.archie@contoso.com")!;
    // Graph fails every photo download of Grady's (503, past the retries): the run ends without him.
    tenant.emulator.admin.setFaults({ rules: [{ match: { service: "graph", path: "/photos?/", user: grady.id }, failFirst: 1000, errorStatus: 503 }] });
    const first = await runCli(["import", "--all"], { cwd: root, env: { ...tenant.env(), PHOTOSYNC_RETRY_BACKOFF_MS: "1" } });
    expect(first.stdout).toMatch(/! grady\.archie@contoso\.com: the photo could not be (read|downloaded) .*run import again later/);
    expect(await readFile(path.join(root, "photos.yaml"), "utf8")).not.toContain("grady.archie");
    const done = ["adele.vance@contoso.com", "alex.wilber@contoso.com", "joni.sherman@contoso.com", "pradeep.gupta@contoso.com"];
    const before = done.map((upn) => wholeDownloads(tenant, upn));

    tenant.emulator.admin.setFaults({});
    const again = await runCli(["import", "--all"], { cwd: root, env: tenant.env() });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("  + grady.archie@contoso.com: photos/grady.archie.jpg (from Entra ID");
    for (const upn of done) expect(again.stdout).toContain(`${upn}: already in photos.yaml`);
    // Only the plan at the end of the run read Grady; nobody done before was downloaded again.
    expect(done.map((upn) => wholeDownloads(tenant, upn))).toEqual(before);
  });

  it("keeps SharePoint when photos.yaml only asks for another SPS-PictureExchangeSyncState, and the plan says it will set it", async () => {
    const { root, tenant } = await emptyRepo("demo", EMPTY_MANIFEST.replace("    thumbnails: { small: 48, medium: 72, large: 200 }\n", "    thumbnails: { small: 48, medium: 72, large: 200 }\n    exchangeSyncState: 0\n"));
    const result = await runCli(["import", "--users", "alex.wilber@contoso.com"], { cwd: root, env: tenant.env() });
    expect(await readFile(path.join(root, "photos.yaml"), "utf8")).toContain("users:\n  alex.wilber@contoso.com:\n");
    expect(result.stdout).toContain('  ~ alex.wilber@contoso.com: spo update: SPS-PictureExchangeSyncState is "1", expected "0"');
  });

  it("refuses bytes from the tenant that are not an image, and writes nothing for that person", async () => {
    const { root, tenant } = await emptyRepo();
    const core = tenant.emulator.core.tenant;
    const grady = core.findUser("grady.archie@contoso.com")!;
    // The whole photo is an SVG with a script. Whichever read meets it first (the plan's reads fall
    // back to the whole photo where a size is not served; the import's download), it is refused
    // unread, and refused for good: "run again later" would not help.
    const record = grady.photos.aad!;
    record.blob = await core.blobs.put(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="648" height="648"><script>alert(1)</script></svg>'));
    record.etag = "HOSTILE1";
    const result = await runCli(["import", "--users", "grady.archie@contoso.com"], { cwd: root, env: tenant.env() });
    expect(result.stdout).toMatch(/! grady\.archie@contoso\.com: (Microsoft 365 serves something that is not a usable photo \(UnexpectedPhoto: Graph served bytes that are not a raster image \(markup, e\.g\. SVG\): refused unread\); nothing was written|the Entra ID photo is an SVG drawing)/);
    expect(result.stdout).not.toContain("run import again later");
    expect(await readdir(path.join(root, "photos"))).toEqual([]);
    expect(await readFile(path.join(root, "photos.yaml"), "utf8")).toBe(EMPTY_MANIFEST);
  });
});

describe("import from SharePoint", () => {
  it("takes SharePoint's large thumbnail where only SharePoint has a picture, and says so", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "photosync-import-"));
    await mkdir(path.join(root, "photos"));
    await writeFile(path.join(root, "photos.yaml"), EMPTY_MANIFEST.replace("minSize: 240", "minSize: 200"));
    const fixture = parseFixture(BUILT_IN_TENANTS.demo.replace("\nusers:\n", "\nusers:\n  - upn: sharepoint.only@contoso.com\n    displayName: SharePoint Only\n    photos:\n      spo: { portrait: sharepoint-only }\n"));
    const tenant = await startTestTenant(root, { fixture });
    cleanups.push(async () => {
      await tenant.close();
      await rm(root, { recursive: true, force: true });
    });
    const result = await runCli(["import", "--users", "sharepoint.only@contoso.com"], { cwd: root, env: tenant.env() });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\+ sharepoint\.only@contoso\.com: photos\/sharepoint\.only\.jpg \(from SharePoint \(large thumbnail\), \d+x\d+\)/);
    expect(result.stdout).toContain("only SharePoint has a photo: its large thumbnail");
    expect(await readFile(path.join(root, "photos.yaml"), "utf8")).toContain("  sharepoint.only@contoso.com:\n    stores: [spo]\n");
    expect(result.stdout).toContain("Plan for the imported people: 0 to create, 0 to update, 0 to delete");
  });
});
