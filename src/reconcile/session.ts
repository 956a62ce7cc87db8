/**
 * Opens the tenant a command works on: the real one (endpoints and sign-in from the environment),
 * or the built-in emulator when --emulator is given. Nothing here guesses: without --emulator the
 * real Microsoft endpoints are used.
 */
import { readFile } from "node:fs/promises";
import type { DesiredState } from "../model/desired.js";
import { checkAccess } from "../tenant/access.js";
import { authSettingsFromEnv, authWarning, createCredential } from "../tenant/auth.js";
import type { AuthSettings } from "../tenant/auth.js";
import { connectStores } from "../stores/connection.js";
import type { TenantConnection } from "../stores/connection.js";
import { tenantEndpoints } from "../tenant/endpoints.js";
import type { TenantEndpoints } from "../tenant/endpoints.js";
import { azureHttpClient } from "../tenant/http.js";
import type { LocalEmulator } from "../tenant/local-emulator.js";
import { openTenantSession } from "../tenant/session.js";

export interface SessionOptions {
  env: NodeJS.ProcessEnv;
  emulator?: { reset?: boolean };
  /** Sign in with the read-write identity (apply) instead of the read-only one. */
  writer?: boolean;
  warn?: (message: string) => void;
}

export interface RunSession {
  connection: TenantConnection;
  /** Present in --emulator mode. */
  emulator?: LocalEmulator;
  close(): Promise<void>;
}

export async function openSession(state: DesiredState, options: SessionOptions): Promise<RunSession> {
  let endpoints: TenantEndpoints;
  let auth: AuthSettings;
  let emulator: LocalEmulator | undefined;
  if (options.emulator) {
    // Loaded only when needed: process start is part of every plan's time (README Performance).
    const { startLocalEmulator } = await import("../tenant/local-emulator.js");
    emulator = await startLocalEmulator(state.rootDir, { ...options.emulator, ...(options.writer ? { writer: true } : {}) });
    endpoints = emulator.endpoints;
    auth = emulator.auth;
  } else {
    const caFile = options.env.PHOTOSYNC_CA_FILE;
    const caPem = caFile ? await readFile(caFile, "utf8") : undefined;
    endpoints = tenantEndpoints(state, options.env, caPem);
    auth = authSettingsFromEnv(options.env);
    const warning = authWarning(auth, state.users.some((user) => user.stores.includes("spo")));
    if (warning) options.warn?.(warning);
  }
  const sharePoint = state.users.some((user) => user.stores.includes("spo"));
  const connection = connectStores(
    openTenantSession(endpoints, (http) =>
      createCredential(auth, endpoints, {
        env: options.env,
        httpClient: azureHttpClient(http.fetch),
        // Instance discovery asks Microsoft's public cloud about the authority: only for the real one.
        disableInstanceDiscovery: emulator !== undefined || options.env.PHOTOSYNC_AUTHORITY_HOST !== undefined,
      }),
    ),
  );
  try {
    // One sign-in per service and a permission check before any person is read: a failure is
    // one message with its fix (AccessError), never an "unknown" per person.
    await checkAccess({
      credential: connection.credential,
      endpoints,
      http: connection.http,
      method: auth.method,
      ...(auth.clientId ? { clientId: auth.clientId } : {}),
      writer: options.writer === true,
      sharePoint,
    });
  } catch (error) {
    await connection.close();
    await emulator?.close();
    throw error;
  }
  return {
    connection,
    ...(emulator ? { emulator } : {}),
    async close() {
      await connection.close();
      await emulator?.close();
    },
  };
}
