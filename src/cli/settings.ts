/**
 * The one reader of the environment. Every command turns `io.env` into a typed, frozen Settings
 * first, before anything is read from the tenant or the repo's git, so a bad value is one clear
 * error naming its variable; the layers below get settings (or their slice), never the environment.
 * Secrets (client secret, OIDC request token, GitHub token) are kept only in memory and never
 * printed: nothing here formats them into a message.
 *
 * Tuning, for unusual networks and services (and fast tests). Unset or empty means the default; a
 * Retry-After from the service is always honoured.
 * - PHOTOSYNC_RETRY_ATTEMPTS: tries per request (default 5).
 * - PHOTOSYNC_RETRY_BACKOFF_MS: first back-off without a Retry-After (default 1000, doubling).
 * - PHOTOSYNC_EMULATOR_TENANT: the built-in tenant of --emulator: demo (default; current behaviour)
 *   or legacy (mailbox-first Graph v1.0); each keeps its own state.
 * - PHOTOSYNC_VERIFY_WINDOW_SECONDS: how long apply keeps reading a write back before a Graph store
 *   that still serves the photo from before is reported pending (default 60; 0: read once).
 * - PHOTOSYNC_VERIFY_DELAY_MS: first wait between those reads (default 1000, doubling, at most 15 s).
 */
import type { GitHubEnvironment } from "../github/context.js";
import { UserError } from "../model/errors.js";
import type { ChildEnv } from "../scope/git.js";
import type { AuthMethod, AuthSettings } from "../tenant/auth.js";
import { AUTH_METHODS } from "../tenant/auth.js";
import type { EndpointOverrides } from "../tenant/endpoints.js";
import type { OidcRequest } from "../tenant/github-oidc.js";

export interface RetrySettings {
  /** Tries per request. */
  maxAttempts: number;
  /** First back-off without a Retry-After, doubling. */
  backoffMs: number;
}

export interface VerifySettings {
  /** How long apply reads a write back (Graph can take a while to serve a new photo). */
  windowMs: number;
  /** First wait between reads, doubling. */
  delayMs: number;
}

export interface ColourSettings {
  /** NO_COLOR is set and not empty (https://no-color.org). */
  noColor: boolean;
  /** FORCE_COLOR is set and not "0". */
  forceColor: boolean;
}

export interface Settings {
  cwd: string;
  /** Sign-in: the method and its inputs, plus the GitHub OIDC request (github-oidc). */
  auth: Readonly<AuthSettings & { oidc: Readonly<OidcRequest> }>;
  endpoints: Readonly<EndpointOverrides>;
  retry: Readonly<RetrySettings>;
  verify: Readonly<VerifySettings>;
  colour: Readonly<ColourSettings>;
  github: Readonly<GitHubEnvironment>;
  /** The environment git runs with for --changed-since (its own HOME, PATH, GIT_* and proxy settings). */
  gitEnv: ChildEnv;
  /** The built-in tenant --emulator starts. */
  emulatorTenant: "demo" | "legacy";
}

export const DEFAULT_RETRY: RetrySettings = { maxAttempts: 5, backoffMs: 1000 };
export const DEFAULT_VERIFY: VerifySettings = { windowMs: 60_000, delayMs: 1000 };

/** A setting that is wrong; the message names the variable. */
export class SettingsError extends UserError {
  override name = "SettingsError";
}

const set = (value: string | undefined): string | undefined => (value === undefined || value === "" ? undefined : value);

function tryCount(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value.trim() === "") return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new SettingsError(`${name}=${value} is not a whole number of at least 1`);
  return number;
}

function seconds(env: NodeJS.ProcessEnv, name: string, fallbackMs: number): number {
  const value = env[name];
  if (value === undefined || value.trim() === "") return fallbackMs;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new SettingsError(`${name}=${value} is not a number of seconds (0 or more)`);
  return number * 1000;
}

function milliseconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value.trim() === "") return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new SettingsError(`${name}=${value} is not a number of milliseconds (0 or more)`);
  return number;
}

/** Which sign-in method the environment asks for: PHOTOSYNC_AUTH, else the first whose inputs are present. */
function readAuth(env: NodeJS.ProcessEnv): Settings["auth"] {
  const explicit = set(env.PHOTOSYNC_AUTH) as AuthMethod | undefined;
  if (explicit !== undefined && !AUTH_METHODS.includes(explicit)) {
    throw new SettingsError(`PHOTOSYNC_AUTH=${explicit} is not one of ${AUTH_METHODS.join(", ")}`);
  }
  const method: AuthMethod =
    explicit ??
    (env.ACTIONS_ID_TOKEN_REQUEST_URL && env.AZURE_CLIENT_ID
      ? "github-oidc"
      : env.AZURE_FEDERATED_TOKEN_FILE
        ? "workload-identity"
        : env.AZURE_CLIENT_CERTIFICATE_PATH
          ? "certificate"
          : env.AZURE_CLIENT_SECRET
            ? "secret"
            : "default");
  const oidc: OidcRequest = {
    ...(env.ACTIONS_ID_TOKEN_REQUEST_URL ? { requestUrl: env.ACTIONS_ID_TOKEN_REQUEST_URL } : {}),
    ...(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ? { requestToken: env.ACTIONS_ID_TOKEN_REQUEST_TOKEN } : {}),
  };
  return Object.freeze({
    method,
    ...(env.AZURE_CLIENT_ID ? { clientId: env.AZURE_CLIENT_ID } : {}),
    ...(env.AZURE_CLIENT_CERTIFICATE_PATH ? { certificatePath: env.AZURE_CLIENT_CERTIFICATE_PATH } : {}),
    ...(env.AZURE_CLIENT_SECRET ? { secret: env.AZURE_CLIENT_SECRET } : {}),
    // Passed to WorkloadIdentityCredential explicitly rather than left for it to find in process.env.
    ...(env.AZURE_FEDERATED_TOKEN_FILE ? { federatedTokenFile: env.AZURE_FEDERATED_TOKEN_FILE } : {}),
    oidc: Object.freeze(oidc),
  });
}

function readEndpoints(env: NodeJS.ProcessEnv): EndpointOverrides {
  return {
    ...(env.PHOTOSYNC_AUTHORITY_HOST !== undefined ? { authorityHost: env.PHOTOSYNC_AUTHORITY_HOST } : {}),
    ...(env.PHOTOSYNC_GRAPH_URL !== undefined ? { graphUrl: env.PHOTOSYNC_GRAPH_URL } : {}),
    ...(env.PHOTOSYNC_MYSITE_URL !== undefined ? { mySiteUrl: env.PHOTOSYNC_MYSITE_URL } : {}),
    ...(env.PHOTOSYNC_ADMIN_URL !== undefined ? { adminUrl: env.PHOTOSYNC_ADMIN_URL } : {}),
    ...(set(env.PHOTOSYNC_CA_FILE) !== undefined ? { caFile: env.PHOTOSYNC_CA_FILE! } : {}),
    ...(env.AZURE_TENANT_ID !== undefined ? { tenantId: env.AZURE_TENANT_ID } : {}),
  };
}

function readGitHub(env: NodeJS.ProcessEnv): GitHubEnvironment {
  const optional = (key: keyof GitHubEnvironment, name: string) => (env[name] !== undefined ? { [key]: env[name] } : {});
  return {
    isActions: env.GITHUB_ACTIONS === "true",
    ...optional("workspace", "GITHUB_WORKSPACE"),
    ...(env.GITHUB_TOKEN ? { token: env.GITHUB_TOKEN } : {}),
    ...optional("repository", "GITHUB_REPOSITORY"),
    ...(env.GITHUB_EVENT_PATH ? { eventPath: env.GITHUB_EVENT_PATH } : {}),
    ...optional("eventName", "GITHUB_EVENT_NAME"),
    ...optional("serverUrl", "GITHUB_SERVER_URL"),
    ...optional("apiUrl", "GITHUB_API_URL"),
    ...optional("runId", "GITHUB_RUN_ID"),
    ...optional("sha", "GITHUB_SHA"),
    files: Object.freeze({ ...(env.GITHUB_STEP_SUMMARY ? { summary: env.GITHUB_STEP_SUMMARY } : {}), ...(env.GITHUB_OUTPUT ? { output: env.GITHUB_OUTPUT } : {}) }),
  } as GitHubEnvironment;
}

function emulatorTenant(env: NodeJS.ProcessEnv): "demo" | "legacy" {
  const value = set(env.PHOTOSYNC_EMULATOR_TENANT?.trim());
  if (value === undefined || value === "demo" || value === "legacy") return value ?? "demo";
  throw new SettingsError(`PHOTOSYNC_EMULATOR_TENANT=${value} is not a built-in emulator tenant: use demo (current behaviour) or legacy`);
}

/** Reads and checks every setting photosync takes from the environment; throws SettingsError naming a bad variable. */
export function readSettings(env: NodeJS.ProcessEnv, cwd: string): Settings {
  const noColor = env.NO_COLOR;
  return Object.freeze({
    cwd,
    auth: readAuth(env),
    endpoints: Object.freeze(readEndpoints(env)),
    retry: Object.freeze({
      maxAttempts: tryCount(env, "PHOTOSYNC_RETRY_ATTEMPTS", DEFAULT_RETRY.maxAttempts),
      backoffMs: milliseconds(env, "PHOTOSYNC_RETRY_BACKOFF_MS", DEFAULT_RETRY.backoffMs),
    }),
    verify: Object.freeze({
      windowMs: seconds(env, "PHOTOSYNC_VERIFY_WINDOW_SECONDS", DEFAULT_VERIFY.windowMs),
      delayMs: milliseconds(env, "PHOTOSYNC_VERIFY_DELAY_MS", DEFAULT_VERIFY.delayMs),
    }),
    colour: Object.freeze({ noColor: noColor !== undefined && noColor !== "", forceColor: env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" }),
    github: Object.freeze(readGitHub(env)),
    gitEnv: Object.freeze({ ...env }),
    emulatorTenant: emulatorTenant(env),
  });
}
