/** Sign-in choices, end to end against the emulator's Entra ID: what works, what warns, what fails clearly. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { DEMO_READER_CLIENT_ID } from "../../src/emulator/index.js";
import { authWarning } from "../../src/tenant/auth.js";
import type { Plan } from "../../src/model/plan.js";
import { runCli } from "../support/cli.js";
import type { TestTenant } from "../support/tenant.js";
import { useExampleTenant } from "../support/tenant.js";

let repo: { root: string; remove(): Promise<void> };
let tenant: TestTenant;

const example = useExampleTenant();
beforeAll(() => {
  ({ repo, tenant } = example);
});

function withoutCertificate(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { AZURE_CLIENT_CERTIFICATE_PATH: _certificate, ...rest } = env;
  return rest;
}

describe("choosing the sign-in method", () => {
  it("warns that SharePoint refuses client secrets only when SharePoint is managed", () => {
    expect(authWarning({ method: "secret" }, true)).toContain("SharePoint Online refuses app-only tokens obtained with a secret");
    expect(authWarning({ method: "secret" }, false)).toBeUndefined();
    expect(authWarning({ method: "certificate" }, true)).toBeUndefined();
  });
});

describe("signing in to the emulated tenant", () => {
  it("with a client secret: warns, and SharePoint's refusal of it stops the run once, before anyone is read (exit 1)", async () => {
    const registration = tenant.emulator.endpoints.apps.find((app) => app.clientId === DEMO_READER_CLIENT_ID)!;
    const env = { ...withoutCertificate(tenant.env()), AZURE_CLIENT_SECRET: registration.secret!, PHOTOSYNC_RETRY_ATTEMPTS: "1" };
    const result = await runCli(["plan", "--format", "json"], { cwd: repo.root, env });
    expect(result.stderr).toContain("photosync: warning: a client secret is configured, but SharePoint Online refuses app-only tokens");
    expect(result.stderr).toContain("SharePoint Online refused photosync's token (401: Unsupported app only token.)");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stdout + result.stderr).not.toContain(registration.secret!);
  });

  it("with GitHub's OIDC token and a federated credential: no secret at all", async () => {
    const oidc = await tenant.emulator.core.tokens.mintFederatedToken({ issuer: "https://token.actions.githubusercontent.com", subject: "repo:contoso/photos:pull_request" });
    const requests: string[] = [];
    // A stand-in for the Actions runtime's ID-token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL).
    const server = createServer((request, response) => {
      requests.push(`${request.url} ${request.headers.authorization}`);
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ value: oidc }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token?api-version=2.0`;
    // The CLI's io captures what photosync writes; a library writing to process.stdout would bypass it.
    const write = vi.spyOn(process.stdout, "write");
    try {
      const env = { ...withoutCertificate(tenant.env()), ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: "runtime-request-token" };
      const result = await runCli(["plan", "--format", "json"], { cwd: repo.root, env });
      expect(result.stderr).toBe("");
      expect(result.code).toBe(2);
      expect((JSON.parse(result.stdout) as Plan).counts.unknown).toBe(0);
      expect(requests[0]).toBe("/token?api-version=2.0&audience=api%3A%2F%2FAzureADTokenExchange Bearer runtime-request-token");
      // Neither the ID token nor anything else goes around the io to standard output (no ::add-mask::, no ::debug::).
      expect(write.mock.calls.map(([text]) => String(text))).toEqual([]);
    } finally {
      write.mockRestore();
      server.close();
    }
  });

  it("fails clearly when the app has no client id configured", async () => {
    const { AZURE_CLIENT_ID: _id, ...env } = tenant.env();
    const result = await runCli(["plan"], { cwd: repo.root, env: { ...env, PHOTOSYNC_AUTH: "certificate" } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("sign-in method certificate needs the app's client id in AZURE_CLIENT_ID");
  });
});
