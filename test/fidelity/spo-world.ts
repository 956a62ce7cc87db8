/**
 * Shared set-up of the SharePoint fidelity tests: a small repo (two people, Exchange Online and
 * SharePoint managed) and a tenant fixture of the test's own, with the demo apps' client ids so
 * the real CLI signs in with certificates as it would against a real tenant.
 */
import { renderPortrait } from "../../src/demo/portrait.js";
import type { Fixture } from "../../src/emulator/fixture.js";
import { DEMO_READER_CLIENT_ID, DEMO_WRITER_CLIENT_ID } from "../../src/emulator/index.js";
import type { ApplyReport } from "../../src/model/apply.js";
import type { Plan } from "../../src/model/plan.js";
import { runCli } from "../support/cli.js";
import { makeTempRepo, type TempRepo } from "../support/temp-repo.js";
import { startTestTenant, type TestTenant } from "../support/tenant.js";

export const MANIFEST = `version: 1
tenant:
  id: fabrikam.onmicrosoft.com
  stores: [exo, spo]
  sharepoint:
    mySiteHost: fabrikam-my.sharepoint.com
    adminHost: fabrikam-admin.sharepoint.com
users:
  ana@fabrikam.com: photos/ana.jpg
  bruno@fabrikam.com: photos/bruno.jpg
`;

export function spoFixture(sharepoint: NonNullable<Fixture["tenant"]>["sharepoint"], readerRoles: string[] = ["Sites.Read.All", "User.Read.All"]): Fixture {
  return {
    // Profile writes allowed: these tests are about the folder and the sync (spo-profile-write-app-only is about writes).
    tenant: { domain: "fabrikam.onmicrosoft.com", name: "fabrikam", behaviour: "current", sharepoint: { appOnlyProfileWrites: "allowed", ...sharepoint } },
    apps: [
      { clientId: DEMO_READER_CLIENT_ID, certificates: ["generate"], roles: { graph: ["ProfilePhoto.Read.All", "User.Read.All", "PeopleSettings.Read.All"], sharepoint: readerRoles } },
      { clientId: DEMO_WRITER_CLIENT_ID, certificates: ["generate"], roles: { graph: ["ProfilePhoto.ReadWrite.All", "User.Read.All", "PeopleSettings.ReadWrite.All"], sharepoint: ["Sites.FullControl.All", "User.ReadWrite.All"] } },
    ],
    users: [{ upn: "ana@fabrikam.com" }, { upn: "bruno@fabrikam.com" }],
  };
}

const FAST = { PHOTOSYNC_RETRY_BACKOFF_MS: "20", PHOTOSYNC_VERIFY_DELAY_MS: "10" };

export interface SpoWorld {
  repo: TempRepo;
  tenant: TestTenant;
  plan(app?: "reader" | "writer"): Promise<{ code: number; plan: Plan; stdout: string }>;
  apply(): Promise<{ code: number; report: ApplyReport; stdout: string; stderr: string }>;
  close(): Promise<void>;
}

export async function spoWorld(fixture: Fixture, manifest = MANIFEST): Promise<SpoWorld> {
  const repo = await makeTempRepo(manifest, {
    "photos/ana.jpg": await renderPortrait({ seed: "ana", width: 648, height: 648 }),
    "photos/bruno.jpg": await renderPortrait({ seed: "bruno", width: 648, height: 648 }),
  });
  const tenant = await startTestTenant(repo.root, { fixture });
  const env = (app: "reader" | "writer") => ({ ...tenant.env(app), ...FAST });
  return {
    repo,
    tenant,
    async plan(app = "reader") {
      const result = await runCli(["plan", "--format", "json"], { cwd: repo.root, env: env(app) });
      return { code: result.code, stdout: result.stdout, plan: JSON.parse(result.stdout) as Plan };
    },
    async apply() {
      const result = await runCli(["apply", "--yes", "--format", "json"], { cwd: repo.root, env: env("writer") });
      return { code: result.code, stdout: result.stdout, stderr: result.stderr, report: JSON.parse(result.stdout || "{}") as ApplyReport };
    },
    async close() {
      await tenant.close();
      await repo.remove();
    },
  };
}

/** The SharePoint steps of a plan, "upn action". */
export const spoSteps = (plan: Plan): string[] => plan.users.map((user) => `${user.upn} ${user.steps.find((step) => step.store === "spo")?.action ?? "-"}`);
