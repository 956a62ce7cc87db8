/**
 * Fidelity tests: the real product (the built CLI, with the real client libraries over HTTPS)
 * against an emulator tenant of the test's own, with one cited behaviour on. The tenant reuses the
 * demo tenant's apps (so the reader/writer credentials work as everywhere else) and nothing else.
 */
import { afterAll, beforeAll } from "vitest";
import { DEMO_TENANT_YAML, parseFixture } from "../../src/emulator/index.js";
import type { Plan } from "../../src/model/plan.js";
import type { ApplyReport } from "../../src/model/apply.js";
import { renderPortrait } from "../../src/demo/portrait.js";
import { runCli } from "../support/cli.js";
import { startTestTenant, type TestTenant } from "../support/tenant.js";
import { makeTempRepo, type TempRepo } from "../support/temp-repo.js";

const FAST = { PHOTOSYNC_RETRY_BACKOFF_MS: "20", PHOTOSYNC_VERIFY_DELAY_MS: "10" };

export interface FidelitySetup {
  /** Lines added under `tenant:` of the fixture, e.g. "  behaviour: legacy". */
  tenant: string;
  /** The fixture's `users:` entries (YAML, indented two spaces). */
  users: string;
  /** The manifest's users (UPN → photo file under photos/, generated). */
  manifest: Record<string, string>;
  stores?: string;
  /** Replaces the reader's Graph roles (to take a permission away). */
  readerGraphRoles?: string;
  /** Replaces the writer's Graph roles (to take a permission away). */
  writerGraphRoles?: string;
  /** Lines added under the manifest's `tenant:`, e.g. "  photoUpdates: { source: cloud }". */
  manifestTenant?: string;
}

export interface Fidelity {
  repo: TempRepo;
  tenant: TestTenant;
  plan(args?: string[]): Promise<{ code: number; plan: Plan; stderr: string }>;
  planText(args?: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  apply(args?: string[]): Promise<{ code: number; report: ApplyReport; stderr: string }>;
}

export function fixtureYaml(setup: FidelitySetup): string {
  const [head] = DEMO_TENANT_YAML.split("\nusers:\n");
  let yaml = head!.replace(/\n {2}behaviour: \w+\n/, "\n").replace("  noPhoto: imageNotFound\n", `  noPhoto: imageNotFound\n${setup.tenant}\n`);
  if (setup.readerGraphRoles) yaml = yaml.replace("graph: [ProfilePhoto.Read.All, User.Read.All, PeopleSettings.Read.All]", `graph: ${setup.readerGraphRoles}`);
  if (setup.writerGraphRoles) yaml = yaml.replace("graph: [ProfilePhoto.ReadWrite.All, User.Read.All, PeopleSettings.ReadWrite.All]", `graph: ${setup.writerGraphRoles}`);
  return `${yaml}\nusers:\n${setup.users}\n`;
}

function manifestYaml(setup: FidelitySetup): string {
  return [
    "version: 1",
    "tenant:",
    "  id: contoso.onmicrosoft.com",
    `  stores: ${setup.stores ?? "[exo, aad]"}`,
    "  sharepoint:",
    "    mySiteHost: contoso-my.sharepoint.com",
    "    adminHost: contoso-admin.sharepoint.com",
    "    thumbnails: { small: 48, medium: 72, large: 200 }",
    "    exchangeSyncState: 0",
    ...(setup.manifestTenant ? [setup.manifestTenant] : []),
    "safety:",
    "  maxUpdateShare: 1",
    "  maxRemoveShare: 1",
    "users:",
    ...Object.entries(setup.manifest).map(([upn, photo]) => `  ${upn}: ${photo}`),
    "",
  ].join("\n");
}

/** A repo and a tenant for the file's tests, made before them and removed after. */
export function useFidelityTenant(setup: FidelitySetup): Fidelity {
  const made = {} as Fidelity;
  beforeAll(async () => {
    const photos: Record<string, Buffer> = {};
    for (const photo of Object.values(setup.manifest)) if (photo !== "remove") photos[photo] = await renderPortrait({ seed: photo, width: 648, height: 648 });
    made.repo = await makeTempRepo(manifestYaml(setup), photos);
    made.tenant = await startTestTenant(made.repo.root, { fixture: parseFixture(fixtureYaml(setup)) });
    const env = (app: "reader" | "writer") => ({ ...made.tenant.env(app), ...FAST });
    made.plan = async (args = []) => {
      const result = await runCli(["plan", "--format", "json", ...args], { cwd: made.repo.root, env: env("reader") });
      return { code: result.code, plan: JSON.parse(result.stdout) as Plan, stderr: result.stderr };
    };
    made.planText = async (args = []) => runCli(["plan", ...args], { cwd: made.repo.root, env: env("reader") });
    made.apply = async (args = []) => {
      const result = await runCli(["apply", "--yes", "--format", "json", ...args], { cwd: made.repo.root, env: env("writer") });
      return { code: result.code, report: JSON.parse(result.stdout) as ApplyReport, stderr: result.stderr };
    };
  });
  afterAll(async () => {
    await made.tenant?.close();
    await made.repo?.remove();
  });
  return made;
}

/** Graph photo requests (batch items included) whose path matches, e.g. /^\/beta\/users\/[^/]+\/photo$/. */
export function graphPhotoRequests(tenant: TestTenant, pattern: RegExp): number {
  return tenant.emulator.core.counters.requests().filter((entry) => pattern.test(decodeURIComponent(entry.path))).length;
}
