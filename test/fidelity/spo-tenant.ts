/**
 * A small tenant of our own for the SharePoint fidelity tests (not the demo tenant, whose behaviour
 * other work changes): two licensed people with cloud mailboxes and no photos anywhere, the demo
 * apps' client ids (so test/support/tenant.ts signs in as usual) with the SharePoint permissions
 * and switches the test asks for, and a repo managing Exchange Online and SharePoint.
 */
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEMO_READER_CLIENT_ID, DEMO_WRITER_CLIENT_ID } from "../../src/emulator/index.js";
import type { Fixture, FixtureUser } from "../../src/emulator/index.js";
import type { Plan } from "../../src/model/plan.js";
import type { ApplyReport } from "../../src/model/apply.js";
import { runCli } from "../support/cli.js";
import { REPO_ROOT, startTestTenant } from "../support/tenant.js";
import type { TestTenant } from "../support/tenant.js";

export type SpoSwitches = NonNullable<NonNullable<Fixture["tenant"]>["sharepoint"]>;

export interface SpoTenantOptions {
  sharepoint?: SpoSwitches;
  readerSharePointRoles?: string[];
  writerSharePointRoles?: string[];
  /** UPNs (default two plain ones). */
  upns?: string[];
  /** More fixture fields per UPN (photos, profile). */
  users?: Record<string, Partial<FixtureUser>>;
}

export interface SpoTenant {
  root: string;
  tenant: TestTenant;
  plan(app?: "reader" | "writer"): Promise<{ code: number; plan: Plan; stderr: string }>;
  apply(): Promise<{ code: number; report: ApplyReport; stderr: string; stdout: string }>;
  close(): Promise<void>;
}

const FAST = { PHOTOSYNC_RETRY_BACKOFF_MS: "20", PHOTOSYNC_VERIFY_DELAY_MS: "10", PHOTOSYNC_RETRY_ATTEMPTS: "2" };
const PHOTOS = ["adele.vance.jpg", "alex.wilber.jpg"];

export async function spoTenant(options: SpoTenantOptions = {}): Promise<SpoTenant> {
  const upns = options.upns ?? ["ann@contoso.com", "bob@contoso.com"];
  const root = await mkdtemp(path.join(tmpdir(), "photosync-fidelity-"));
  await cp(path.join(REPO_ROOT, "photos"), path.join(root, "photos"), { recursive: true });
  const users = upns.map((upn, index) => `  "${upn}": photos/${PHOTOS[index % PHOTOS.length]}`).join("\n");
  await writeFile(
    path.join(root, "photos.yaml"),
    `version: 1
tenant:
  id: contoso.onmicrosoft.com
  stores: [exo, spo]
  sharepoint:
    mySiteHost: contoso-my.sharepoint.com
    adminHost: contoso-admin.sharepoint.com
    thumbnails: { small: 48, medium: 72, large: 200 }
    exchangeSyncState: 0
defaults:
  minSize: 240
users:
${users}
`,
  );
  const fixture = {
    // The thumbnail folder exists here: these tests are about tokens and profiles (spo-folder-missing is about the folder).
    tenant: { id: "0c0a3a5e-5c1e-4d2b-9c61-000000c0a750", domain: "contoso.onmicrosoft.com", name: "contoso", sharepoint: { thumbnailFolder: "present", ...options.sharepoint } },
    apps: [
      { clientId: DEMO_READER_CLIENT_ID, displayName: "reader", certificates: ["generate"], roles: { graph: ["ProfilePhoto.Read.All", "User.Read.All", "PeopleSettings.Read.All"], sharepoint: options.readerSharePointRoles ?? ["Sites.Read.All", "User.Read.All"] } },
      { clientId: DEMO_WRITER_CLIENT_ID, displayName: "writer", certificates: ["generate"], roles: { graph: ["ProfilePhoto.ReadWrite.All", "User.Read.All", "PeopleSettings.ReadWrite.All"], sharepoint: options.writerSharePointRoles ?? ["Sites.ReadWrite.All", "User.ReadWrite.All"] } },
    ],
    users: upns.map((upn) => ({ upn, displayName: upn.split("@")[0], licensed: true, mailbox: "cloud", ...options.users?.[upn] })),
  } as Fixture;
  const tenant = await startTestTenant(root, { fixture });
  const env = (app: "reader" | "writer") => ({ ...tenant.env(app), ...FAST });
  return {
    root,
    tenant,
    async plan(app = "reader") {
      const result = await runCli(["plan", "--format", "json"], { cwd: root, env: env(app) });
      return { code: result.code, stderr: result.stderr, plan: JSON.parse(result.stdout) as Plan };
    },
    async apply() {
      const result = await runCli(["apply", "--yes", "--format", "json"], { cwd: root, env: env("writer") });
      return { code: result.code, stderr: result.stderr, stdout: result.stdout, report: JSON.parse(result.stdout) as ApplyReport };
    },
    async close() {
      await tenant.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
