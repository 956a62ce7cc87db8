/**
 * Sign-in and permission failures are one message with the fix, before any person is read, and
 * exit 1 — never one "unknown" line per person (issue: 24 copies of AADSTS7000215, 11 raw 403s).
 */
import { AggregateAuthenticationError, CredentialUnavailableError } from "@azure/identity";
import { SignJWT } from "jose";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_READER_CLIENT_ID } from "../../src/emulator/index.js";
import { grantedRoles, missingPermissions, neededPermissions, signInFailure } from "../../src/tenant/access.js";
import { runCli } from "../support/cli.js";
import type { TestTenant } from "../support/tenant.js";
import { useExampleTenant } from "../support/tenant.js";

let repo: { root: string; remove(): Promise<void> };
let tenant: TestTenant;

const example = useExampleTenant();
beforeAll(() => {
  ({ repo, tenant } = example);
});
beforeEach(() => tenant.emulator.admin.resetCounters());

/** Requests that reached Graph or SharePoint (sign-in excluded). */
function serviceRequests(): number {
  return Object.entries(tenant.emulator.admin.counters().endpoints)
    .filter(([endpoint]) => !/login|token|oauth|openid|discovery|contextinfo/i.test(endpoint))
    .reduce((sum, [, count]) => sum + count.count, 0);
}

function withSecret(secret: string): NodeJS.ProcessEnv {
  const { AZURE_CLIENT_CERTIFICATE_PATH: _certificate, ...env } = tenant.env();
  return { ...env, AZURE_CLIENT_SECRET: secret, PHOTOSYNC_RETRY_ATTEMPTS: "1" };
}

/** The lines on stderr, warnings apart. */
function errorLines(stderr: string): string[] {
  return stderr.split("\n").filter((line) => line !== "" && !line.startsWith("photosync: warning:"));
}

describe("sign-in and permission failures", () => {
  it("a wrong client secret: one message that says so, nothing read", async () => {
    const result = await runCli(["plan"], { cwd: repo.root, env: withSecret("not-the-secret") });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(errorLines(result.stderr)).toEqual([expect.stringMatching(/^photosync: sign-in to Microsoft Graph failed: the client secret is wrong or expired: set AZURE_CLIENT_SECRET .*AADSTS7000215/)]);
    expect(result.stderr).not.toContain("not-the-secret");
    expect(serviceRequests()).toBe(0);
  });

  it("an app id the tenant does not know: one message naming the id and what to check", async () => {
    const env = { ...tenant.env(), AZURE_CLIENT_ID: "11111111-2222-3333-4444-555555555555" };
    const result = await runCli(["plan", "--format", "json"], { cwd: repo.root, env });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(errorLines(result.stderr)).toEqual([expect.stringContaining("no app with client id 11111111-2222-3333-4444-555555555555 in this tenant: check AZURE_CLIENT_ID")]);
    expect(serviceRequests()).toBe(0);
  });

  it("apply --yes with the read-only app: one message naming the missing permission, nothing written", async () => {
    const result = await runCli(["apply", "--yes", "--force"], { cwd: repo.root, env: tenant.env("reader") });
    expect(result.code).toBe(1);
    const lines = errorLines(result.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`the app ${DEMO_READER_CLIENT_ID} lacks the Microsoft Graph application permission ProfilePhoto.ReadWrite.All (writing photos)`);
    expect(lines[0]).toContain("grant admin consent, or run with the writer app's identity");
    expect(result.stdout).not.toMatch(/403|ErrorAccessDenied|Authorization_RequestDenied/);
    expect(serviceRequests()).toBe(0);
  });

  it("a client secret where SharePoint is managed: SharePoint's refusal once, with the fix, not an unknown per person", async () => {
    const registration = tenant.emulator.endpoints.apps.find((app) => app.clientId === DEMO_READER_CLIENT_ID)!;
    const result = await runCli(["plan"], { cwd: repo.root, env: withSecret(registration.secret!) });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(errorLines(result.stderr)).toEqual([
      expect.stringMatching(/^photosync: SharePoint Online refused photosync's token \(401: Unsupported app only token\.\): .*never a client secret: set AZURE_CLIENT_CERTIFICATE_PATH/),
    ]);
    expect(result.stderr + result.stdout).not.toContain(registration.secret!);
    expect(serviceRequests()).toBe(0);
  });
});

describe("what the pre-flight asks for and says", () => {
  it("reads the granted permissions from the token's roles claim, and none from a delegated token", async () => {
    const key = new TextEncoder().encode("a test key, never a real one, long enough");
    const appToken = await new SignJWT({ roles: ["ProfilePhoto.Read.All", "User.Read.All"] }).setProtectedHeader({ alg: "HS256" }).sign(key);
    const personToken = await new SignJWT({ scp: "User.Read" }).setProtectedHeader({ alg: "HS256" }).sign(key);
    expect(grantedRoles(appToken)).toEqual(["ProfilePhoto.Read.All", "User.Read.All"]);
    expect(grantedRoles(personToken)).toBeUndefined();
    expect(grantedRoles("not a token")).toBeUndefined();
  });

  it("asks for least privilege: reads for plan, writes only for apply, SharePoint only when managed", () => {
    const names = (permissions: { name: string }[]) => permissions.map((permission) => permission.name);
    expect(names(neededPermissions({ writer: false, sharePoint: false }).graph)).toEqual(["User.Read.All", "ProfilePhoto.Read.All"]);
    expect(neededPermissions({ writer: false, sharePoint: false }).sharePoint).toEqual([]);
    expect(names(neededPermissions({ writer: true, sharePoint: true }).sharePoint)).toEqual(["Sites.ReadWrite.All", "User.ReadWrite.All"]);
    const writer = neededPermissions({ writer: true, sharePoint: false }).graph;
    expect(names(missingPermissions(["ProfilePhoto.Read.All", "User.Read.All"], writer))).toEqual(["ProfilePhoto.ReadWrite.All"]);
    expect(missingPermissions(["User.ReadWrite.All"], writer)).toEqual([]);
  });

  it("with nothing configured, says how to sign in or to try the emulator", () => {
    const error = new AggregateAuthenticationError([new CredentialUnavailableError("EnvironmentCredential is unavailable."), new CredentialUnavailableError("Azure CLI could not be found.")], "ChainedTokenCredential authentication failed.");
    const message = signInFailure(error, "default", undefined, "Microsoft Graph");
    expect(message).toContain("no credentials were found");
    expect(message).toContain("Set AZURE_CLIENT_ID with AZURE_CLIENT_CERTIFICATE_PATH");
    expect(message).toContain("`az login`");
    expect(message).toContain("--emulator");
  });

  it("never repeats a token that a library put in its message", () => {
    const token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    expect(signInFailure(new Error(`refused ${token}`), "certificate", "app", "Microsoft Graph")).not.toContain(token);
  });
});

describe("access failures after the pre-flight", () => {
  it("Graph answering 403 for people's photos: one message naming the permission, exit 1, no unknown per person", async () => {
    tenant.emulator.admin.setFaults({ rules: [{ match: { service: "graph", path: "/photo" }, errorRate: 1, errorStatus: 403 }] });
    try {
      const result = await runCli(["plan", "--no-detailed-exitcode"], { cwd: repo.root, env: tenant.env() });
      expect(result.code).toBe(1);
      expect(result.stdout).not.toMatch(/unknown/i);
      expect(errorLines(result.stderr)).toEqual([expect.stringMatching(/^photosync: Microsoft Graph refused photosync's token while reading profile photos \(403 .*ProfilePhoto\.Read\.All .*admin consent/)]);
    } finally {
      tenant.emulator.admin.setFaults({});
    }
  });

  it("Graph answering 503 for people's photos after the retries: unknown for them, exit 1", async () => {
    tenant.emulator.admin.setFaults({ rules: [{ match: { service: "graph", path: "/photo" }, errorRate: 1, errorStatus: 503 }] });
    try {
      const result = await runCli(["plan", "--no-detailed-exitcode"], { cwd: repo.root, env: { ...tenant.env(), PHOTOSYNC_RETRY_ATTEMPTS: "2", PHOTOSYNC_RETRY_BACKOFF_MS: "1" } });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/unknown/i);
      expect(result.stderr).not.toContain("refused photosync's token");
    } finally {
      tenant.emulator.admin.setFaults({});
    }
  });
});
