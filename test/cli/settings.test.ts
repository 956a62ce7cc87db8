/** cli/settings.ts: the one reader of the environment; what it checks, defaults and chooses. */
import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY, DEFAULT_VERIFY, SettingsError, readSettings } from "../../src/cli/settings.js";
import { runCli } from "../support/cli.js";

const read = (env: NodeJS.ProcessEnv) => readSettings(env, "/repo");

describe("readSettings", () => {
  it("defaults: five tries from a one-second back-off, read-backs for a minute from a one-second back-off, no GitHub, the developer's own sign-in", () => {
    const settings = read({});
    expect(settings.retry).toEqual({ maxAttempts: 5, backoffMs: 1000 });
    expect(settings.retry).toEqual(DEFAULT_RETRY);
    expect(settings.verify).toEqual(DEFAULT_VERIFY);
    expect(settings.verify).toEqual({ windowMs: 60_000, delayMs: 1000 });
    expect(settings.auth.method).toBe("default");
    expect(settings.endpoints).toEqual({});
    expect(settings.github).toEqual({ isActions: false, files: {} });
    expect(settings.colour).toEqual({ noColor: false, forceColor: false });
    expect(Object.isFrozen(settings)).toBe(true);
    expect(Object.isFrozen(settings.retry)).toBe(true);
  });

  it("reads the tuning, and treats an empty value as unset", () => {
    const settings = read({ PHOTOSYNC_RETRY_ATTEMPTS: "1", PHOTOSYNC_RETRY_BACKOFF_MS: "0", PHOTOSYNC_VERIFY_WINDOW_SECONDS: "0.5", PHOTOSYNC_VERIFY_DELAY_MS: "" });
    expect(settings.retry).toEqual({ maxAttempts: 1, backoffMs: 0 });
    expect(settings.verify).toEqual({ windowMs: 500, delayMs: 1000 });
  });

  it("refuses a bad value, naming the variable", () => {
    for (const [name, value] of [
      ["PHOTOSYNC_RETRY_ATTEMPTS", "five"],
      ["PHOTOSYNC_RETRY_ATTEMPTS", "0"],
      ["PHOTOSYNC_RETRY_ATTEMPTS", "2.5"],
      ["PHOTOSYNC_RETRY_BACKOFF_MS", "-1"],
      ["PHOTOSYNC_VERIFY_WINDOW_SECONDS", "x"],
      ["PHOTOSYNC_VERIFY_WINDOW_SECONDS", "-1"],
      ["PHOTOSYNC_VERIFY_DELAY_MS", "soon"],
    ] as const) {
      expect(() => read({ [name]: value }), `${name}=${value}`).toThrow(SettingsError);
      expect(() => read({ [name]: value })).toThrow(`${name}=${value} is not`);
    }
  });

  it("prefers GitHub OIDC, then workload identity, certificate, secret, and the developer's own sign-in", () => {
    expect(read({ ACTIONS_ID_TOKEN_REQUEST_URL: "https://x", AZURE_CLIENT_ID: "app", AZURE_CLIENT_SECRET: "s" }).auth.method).toBe("github-oidc");
    expect(read({ AZURE_FEDERATED_TOKEN_FILE: "/t", AZURE_CLIENT_ID: "app" }).auth.method).toBe("workload-identity");
    expect(read({ AZURE_CLIENT_CERTIFICATE_PATH: "/c.pem", AZURE_CLIENT_SECRET: "s" }).auth.method).toBe("certificate");
    expect(read({ AZURE_CLIENT_SECRET: "s" }).auth.method).toBe("secret");
    expect(read({}).auth.method).toBe("default");
    expect(read({ PHOTOSYNC_AUTH: "secret", AZURE_CLIENT_CERTIFICATE_PATH: "/c.pem", AZURE_CLIENT_SECRET: "s" }).auth.method).toBe("secret");
    expect(() => read({ PHOTOSYNC_AUTH: "password" })).toThrow("PHOTOSYNC_AUTH=password is not one of github-oidc, workload-identity, certificate, secret, default");
  });

  it("keeps the sign-in inputs, the endpoint overrides and GitHub's variables", () => {
    const settings = read({
      AZURE_CLIENT_ID: "app",
      AZURE_FEDERATED_TOKEN_FILE: "/t",
      ACTIONS_ID_TOKEN_REQUEST_URL: "https://runtime/token?api-version=2",
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: "request-token",
      PHOTOSYNC_AUTHORITY_HOST: "https://login.example",
      PHOTOSYNC_GRAPH_URL: "https://graph.example",
      PHOTOSYNC_CA_FILE: "/ca.pem",
      AZURE_TENANT_ID: "tenant",
      GITHUB_ACTIONS: "true",
      GITHUB_REPOSITORY: "contoso/photos",
      GITHUB_TOKEN: "ghs_x",
      GITHUB_OUTPUT: "/out",
      NO_COLOR: "1",
    });
    expect(settings.auth).toMatchObject({ method: "github-oidc", clientId: "app", federatedTokenFile: "/t", oidc: { requestUrl: "https://runtime/token?api-version=2", requestToken: "request-token" } });
    expect(settings.endpoints).toEqual({ authorityHost: "https://login.example", graphUrl: "https://graph.example", caFile: "/ca.pem", tenantId: "tenant" });
    expect(settings.github).toMatchObject({ isActions: true, repository: "contoso/photos", token: "ghs_x", files: { output: "/out" } });
    expect(settings.colour.noColor).toBe(true);
    expect(settings.gitEnv.GITHUB_REPOSITORY).toBe("contoso/photos");
  });

  it("is checked before anything is read: a plan with a bad value fails naming it", async () => {
    // No manifest, no tenant: the settings error comes first.
    const result = await runCli(["plan"], { cwd: "/nonexistent-photosync-repo", env: { PHOTOSYNC_RETRY_ATTEMPTS: "lots" } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("PHOTOSYNC_RETRY_ATTEMPTS=lots is not a whole number of at least 1");
  });
});
