/**
 * The bench's side door into the emulator: its admin API (seeding, drift by hand, counters,
 * faults), over HTTPS trusting the emulator's CA.
 */
import { Agent, fetch } from "undici";
import type { EmulatorEndpoints, FaultConfig } from "../src/emulator/index.js";

export interface EndpointCount {
  count: number;
  bytesSent: number;
  bytesReceived: number;
  statuses: Record<string, number>;
}

export interface CounterSnapshot {
  endpoints: Record<string, EndpointCount>;
  throttling?: { throttled: number; earlyRetries: number };
  /** SharePoint's resource units per app (realistic profile), against the minute's and the day's budget. */
  sharePointBudget?: { perMinute: number; perDay: number; used: Record<string, number> };
  /** The emulator process's CPU time (user + system) since it started. */
  cpuMs?: number;
}

export class AdminClient {
  private readonly agent: Agent;
  private readonly base: string;

  constructor(endpoints: EmulatorEndpoints) {
    this.agent = new Agent({ connect: { ca: endpoints.caCertPem }, connections: 16 });
    this.base = endpoints.adminApiUrl;
  }

  private async call(method: string, route: string, body?: Buffer | string, contentType = "application/json"): Promise<unknown> {
    const response = await fetch(`${this.base}${route}`, {
      method,
      dispatcher: this.agent,
      ...(body !== undefined ? { body, headers: { "content-type": contentType } } : {}),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`admin ${method} ${route}: ${response.status} ${text.slice(0, 200)}`);
    return text === "" ? undefined : (JSON.parse(text) as unknown);
  }

  /** Stores a prepared JPEG as the person's photo in a Graph store (Exchange also reaches Entra ID). */
  putPhotoRaw(store: "exo" | "aad", upn: string, jpeg: Buffer): Promise<unknown> {
    return this.call("PUT", `/photos/${store}/${encodeURIComponent(upn)}?raw=1`, jpeg, "image/jpeg");
  }

  /** A change "by hand" in SharePoint: new thumbnails from this image. */
  putSpoPhoto(upn: string, image: Buffer): Promise<unknown> {
    return this.call("PUT", `/photos/spo/${encodeURIComponent(upn)}`, image, "image/jpeg");
  }

  /** SharePoint copies the Exchange photo into the thumbnails and the profile (as when a user opens it). */
  spoSync(upn: string): Promise<unknown> {
    return this.call("POST", `/spo-sync/${encodeURIComponent(upn)}`);
  }

  async counters(): Promise<CounterSnapshot> {
    return (await this.call("GET", "/counters")) as CounterSnapshot;
  }

  async resetCounters(): Promise<void> {
    await this.call("DELETE", "/counters");
  }

  async setFaults(config: FaultConfig): Promise<void> {
    await this.call("PUT", "/faults", JSON.stringify(config));
  }

  /** A token as sign-in would give it; SharePoint's are per host (the My Site host's unless `host` says admin). */
  async token(clientId: string, resource: "graph" | "sharepoint", host?: "mysite" | "admin"): Promise<string> {
    const answer = (await this.call("POST", "/tokens", JSON.stringify({ clientId, resource, ...(host ? { host } : {}), kind: "certificate", lifetimeSeconds: 7200 }))) as { access_token: string };
    return answer.access_token;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
