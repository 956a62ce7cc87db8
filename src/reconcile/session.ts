/**
 * Opens the tenant a command works on: the real one (endpoints and sign-in from the settings),
 * or the built-in emulator when --emulator is given. Nothing here guesses: without --emulator the
 * real Microsoft endpoints are used.
 */
import { readFile } from "node:fs/promises";
import type { DesiredState } from "../model/desired.js";
import { checkAccess } from "../tenant/access.js";
import type { AccessCheck } from "../tenant/access.js";
import { authWarning, createCredential } from "../tenant/auth.js";
import type { AuthSettings } from "../tenant/auth.js";
import { connectStores } from "../stores/connection.js";
import type { TenantConnection } from "../stores/connection.js";
import { tenantEndpoints } from "../tenant/endpoints.js";
import type { EndpointOverrides, TenantEndpoints } from "../tenant/endpoints.js";
import type { OidcRequest } from "../tenant/github-oidc.js";
import type { ChildEnv } from "../scope/git.js";
import { azureHttpClient } from "../tenant/http.js";
import type { LocalEmulator } from "../tenant/local-emulator.js";
import { openTenantSession } from "../tenant/session.js";
import type { ReadOptions } from "../stores/read-live.js";

/** What a run takes from the command's settings (cli/settings.ts reads them from the environment). */
export interface RunSettings {
  auth: AuthSettings & { oidc: OidcRequest };
  endpoints: EndpointOverrides;
  /** Tries per request and the first back-off, for the Graph and SharePoint reads. */
  retry: { maxAttempts: number; backoffMs: number };
  /** Reads back after apply: for how long, and the first wait between reads. */
  verify: { windowMs: number; delayMs: number };
  /** The environment git runs with (--changed-since). */
  gitEnv: ChildEnv;
  /** --emulator: which built-in tenant (PHOTOSYNC_EMULATOR_TENANT; default demo). */
  emulatorTenant?: "demo" | "legacy";
}

export interface SessionOptions {
  settings: RunSettings;
  emulator?: { reset?: boolean };
  /** Sign in with the read-write identity (apply) instead of the read-only one. */
  writer?: boolean;
  /** A scheduled check (drift): its Graph reads are marked `x-ms-throttle-priority: low`. */
  background?: boolean;
  warn?: (message: string) => void;
}

/** The reads' retry tuning from the settings, for Graph's batches and SharePoint's reads alike. */
export function readOptions(retry: RunSettings["retry"]): ReadOptions {
  const tuning = { maxAttempts: retry.maxAttempts, backoffMs: retry.backoffMs };
  return { graph: tuning, sharePoint: tuning };
}

export interface RunSession {
  connection: TenantConnection;
  /** Present in --emulator mode. */
  emulator?: LocalEmulator;
  close(): Promise<void>;
}

/** A session that has not been checked yet, and what checking it needs. */
export interface OpenedSession extends RunSession {
  access: AccessCheck;
}

/**
 * Opens the session without signing in: the endpoints, the credential and the store clients.
 * The caller checks access (openSession: stop at the first failure; doctor: report them all).
 */
export async function openConnection(state: DesiredState, options: SessionOptions): Promise<OpenedSession> {
  let endpoints: TenantEndpoints;
  let auth: AuthSettings;
  let emulator: LocalEmulator | undefined;
  if (options.emulator) {
    // Loaded only when needed: process start is part of every plan's time (README Performance).
    const { startLocalEmulator } = await import("../tenant/local-emulator.js");
    emulator = await startLocalEmulator(state.rootDir, {
      ...options.emulator,
      ...(options.writer ? { writer: true } : {}),
      ...(options.settings.emulatorTenant ? { tenant: options.settings.emulatorTenant } : {}),
    });
    endpoints = emulator.endpoints;
    auth = emulator.auth;
  } else {
    const caFile = options.settings.endpoints.caFile;
    const caPem = caFile ? await readFile(caFile, "utf8") : undefined;
    endpoints = tenantEndpoints(state, options.settings.endpoints, caPem);
    auth = options.settings.auth;
    const warning = authWarning(auth, state.users.some((user) => user.stores.includes("spo")));
    if (warning) options.warn?.(warning);
  }
  const sharePoint = state.users.some((user) => user.stores.includes("spo"));
  const connection = connectStores(
    openTenantSession(endpoints, (http) =>
      createCredential(auth, endpoints, {
        oidc: options.settings.auth.oidc,
        httpClient: azureHttpClient(http.fetch),
        // Instance discovery asks Microsoft's public cloud about the authority: only for the real one.
        disableInstanceDiscovery: emulator !== undefined || options.settings.endpoints.authorityHost !== undefined,
      }),
      // Every request of the session (Graph, SharePoint, downloads) retries by this one policy.
      options.settings.retry,
      options.background === true,
    ),
  );
  return {
    connection,
    ...(emulator ? { emulator } : {}),
    access: {
      credential: connection.credential,
      endpoints,
      http: connection.http,
      method: auth.method,
      ...(auth.clientId ? { clientId: auth.clientId } : {}),
      writer: options.writer === true,
      sharePoint,
      ...(state.tenant.photoUpdates ? { peopleSettings: options.writer === true ? ("write" as const) : ("read" as const) } : {}),
    },
    async close() {
      await connection.close();
      await emulator?.close();
    },
  };
}

export async function openSession(state: DesiredState, options: SessionOptions): Promise<RunSession> {
  const session = await openConnection(state, options);
  try {
    // One sign-in per service and a permission check before any person is read: a failure is
    // one message with its fix (AccessError), never an "unknown" per person.
    await checkAccess(session.access);
  } catch (error) {
    await session.close();
    throw error;
  }
  return { connection: session.connection, ...(session.emulator ? { emulator: session.emulator } : {}), close: session.close };
}
