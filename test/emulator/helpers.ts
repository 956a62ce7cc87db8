/** Shared set-up for the emulator tests: one emulator per test file, a trusting fetch, tokens. */
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../src/emulator/index.js";
import { createTrustedHttp, type TrustedHttp } from "../../src/tenant/http.js";

export interface Harness {
  emu: RunningEmulator;
  http: TrustedHttp;
  /** An access token minted through the real token endpoint with a client secret or via the admin API. */
  token(options: { app?: "reader" | "writer"; resource?: "graph" | "sharepoint"; host?: "mysite" | "admin"; kind?: "secret" | "certificate"; lifetimeSeconds?: number }): Promise<string>;
  admin(path: string, init?: { method?: string; body?: unknown; raw?: Buffer }): Promise<Response>;
  close(): Promise<void>;
}

export async function harness(options: EmulatorOptions = {}): Promise<Harness> {
  const emu = await startEmulator(options);
  const http = createTrustedHttp({ caPem: emu.endpoints.caCertPem });
  const apps = { reader: emu.endpoints.apps[0], writer: emu.endpoints.apps[1] };
  const admin = async (path: string, init: { method?: string; body?: unknown; raw?: Buffer } = {}): Promise<Response> => {
    const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
    return (await http.fetch(`${emu.endpoints.adminApiUrl}${path}`, { method: init.method ?? "GET", ...(body !== undefined ? { body } : {}) })) as unknown as Response;
  };
  return {
    emu,
    http,
    admin,
    async token({ app = "reader", resource = "graph", host, kind = "certificate", lifetimeSeconds }) {
      const record = apps[app];
      if (record === undefined) throw new Error("fixture without apps");
      const response = await admin("/tokens", { method: "POST", body: { clientId: record.clientId, resource, host, kind, lifetimeSeconds } });
      return ((await response.json()) as { access_token: string }).access_token;
    },
    async close() {
      await http.close();
      await emu.close();
    },
  };
}
