/**
 * `--emulator`: the built-in Microsoft 365 emulator started in this process, seeded with the demo
 * tenant on first use and keeping its state in .photosync/emulator/ (git-ignored), so a `plan`
 * after an `apply` sees the same tenant. Clients reach it exactly as they reach Microsoft 365: over
 * HTTPS, trusting the emulator's own CA explicitly.
 */
import path from "node:path";
import { BUILT_IN_TENANTS, DEMO_READER_CLIENT_ID, DEMO_WRITER_CLIENT_ID, parseFixture, startEmulator } from "../emulator/index.js";
import type { BuiltInTenant, RunningEmulator } from "../emulator/index.js";
import type { AuthSettings } from "./auth.js";
import type { TenantEndpoints } from "./endpoints.js";

export interface LocalEmulator {
  emulator: RunningEmulator;
  endpoints: TenantEndpoints;
  auth: AuthSettings;
  close(): Promise<void>;
}

/** Each built-in tenant keeps its own state, so switching between them needs no reset. */
export function emulatorStateDir(rootDir: string, tenant: BuiltInTenant = "demo"): string {
  return path.join(rootDir, ".photosync", tenant === "demo" ? "emulator" : `emulator-${tenant}`);
}

/**
 * Starts the emulator for the repo at rootDir; `writer` chooses the read-write app (apply), `tenant`
 * the built-in tenant (demo: current behaviour; legacy: mailbox-first Graph v1.0).
 */
export async function startLocalEmulator(rootDir: string, options: { reset?: boolean; writer?: boolean; tenant?: BuiltInTenant } = {}): Promise<LocalEmulator> {
  const tenant = options.tenant ?? "demo";
  const emulator = await startEmulator({
    statePath: emulatorStateDir(rootDir, tenant),
    fixture: parseFixture(BUILT_IN_TENANTS[tenant]),
    fixtureBaseDir: rootDir,
    reset: options.reset === true,
  });
  const e = emulator.endpoints;
  const clientId = options.writer ? DEMO_WRITER_CLIENT_ID : DEMO_READER_CLIENT_ID;
  const app = e.apps.find((candidate) => candidate.clientId === clientId);
  if (!app?.certificatePem) throw new Error(`the emulator's tenant has no certificate for app ${clientId}; run with --reset-emulator`);
  return {
    emulator,
    endpoints: {
      tenantId: e.tenantId,
      authorityHost: e.authorityHost,
      graphBaseUrl: e.graphBaseUrl,
      graphCustomHosts: e.graphCustomHosts,
      graphScope: e.graphScope,
      mySiteUrl: e.mySiteUrl,
      adminSiteUrl: e.adminSiteUrl,
      mySiteScope: e.mySiteScope,
      adminScope: e.adminScope,
      mySiteHost: e.sharePointHosts.mySite,
      caPem: e.caCertPem,
    },
    // A certificate: the credential SharePoint accepts for app-only access, as in a real tenant.
    auth: { method: "certificate", clientId, certificatePem: app.certificatePem },
    close: () => emulator.close(),
  };
}
