/**
 * End-to-end set-up: a copy of the example repo in a temporary folder, and an emulator that
 * photosync reaches the way it reaches a real tenant — through endpoint variables, the CA file and
 * a certificate credential — so the real-tenant configuration path is what the tests exercise.
 */
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { BUILT_IN_TENANTS, DEMO_READER_CLIENT_ID, DEMO_WRITER_CLIENT_ID, parseFixture, startEmulator } from "../../src/emulator/index.js";
import type { EmulatorOptions, RunningEmulator } from "../../src/emulator/index.js";

export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");

export async function copyExampleRepo(): Promise<{ root: string; remove(): Promise<void> }> {
  const root = await mkdtemp(path.join(tmpdir(), "photosync-e2e-"));
  await cp(path.join(REPO_ROOT, "photos.yaml"), path.join(root, "photos.yaml"));
  await cp(path.join(REPO_ROOT, "photos"), path.join(root, "photos"), { recursive: true });
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}

export interface TestTenant {
  emulator: RunningEmulator;
  /** Environment for photosync as if configured for a real tenant. */
  env(app?: "reader" | "writer"): NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** The built-in demo tenants: demo behaves as a current tenant (photos in Entra ID), legacy as before MC678855. */
export type DemoTenant = keyof typeof BUILT_IN_TENANTS;
export const DEMO_TENANTS: readonly DemoTenant[] = ["demo", "legacy"];

export async function startTestTenant(root: string, options: EmulatorOptions = {}, demo: DemoTenant = "demo"): Promise<TestTenant> {
  // Graph serves writes at once here: these tests are not about propagation, and would each wait
  // the default few seconds for it (test/fidelity/read-after-write-propagation is about it).
  const emulator = await startEmulator({ statePath: path.join(root, ".emulator-state"), fixtureBaseDir: root, fixture: parseFixture(BUILT_IN_TENANTS[demo]), propagation: { graphSeconds: 0 }, ...options });
  const e = emulator.endpoints;
  return {
    emulator,
    env(app = "reader") {
      const clientId = app === "reader" ? DEMO_READER_CLIENT_ID : DEMO_WRITER_CLIENT_ID;
      const registration = e.apps.find((candidate) => candidate.clientId === clientId)!;
      return {
        PHOTOSYNC_AUTHORITY_HOST: e.authorityHost,
        PHOTOSYNC_GRAPH_URL: e.graphBaseUrl,
        PHOTOSYNC_MYSITE_URL: e.mySiteUrl,
        PHOTOSYNC_ADMIN_URL: e.adminSiteUrl,
        PHOTOSYNC_CA_FILE: e.caFile!,
        AZURE_TENANT_ID: e.tenantId,
        AZURE_CLIENT_ID: clientId,
        AZURE_CLIENT_CERTIFICATE_PATH: registration.certificatePath!,
      };
    },
    close: () => emulator.close(),
  };
}

/** How many requests reached an endpoint whose key contains `fragment` (batch items included). */
export function requestsTo(emulator: RunningEmulator, fragment: string): number {
  return Object.entries(emulator.admin.counters().endpoints)
    .filter(([endpoint]) => endpoint.includes(fragment))
    .reduce((sum, [, count]) => sum + count.count, 0);
}

/**
 * For a test file: a copy of the example repo and an emulator tenant for it, made before the
 * file's tests and removed after them. The fields are set once the file's beforeAll has run.
 */
export function useExampleTenant(demo: DemoTenant = "demo"): { repo: { root: string; remove(): Promise<void> }; tenant: TestTenant } {
  const example = {} as { repo: { root: string; remove(): Promise<void> }; tenant: TestTenant };
  beforeAll(async () => {
    example.repo = await copyExampleRepo();
    example.tenant = await startTestTenant(example.repo.root, {}, demo);
  });
  afterAll(async () => {
    await example.tenant?.close();
    await example.repo?.remove();
  });
  return example;
}
