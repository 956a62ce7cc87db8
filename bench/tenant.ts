/**
 * The bench's tenant: the emulator process seeded with everyone in sync (Exchange photo = the
 * 648 px rendition of their repo photo, SharePoint thumbnails and profile copied from it), the
 * request latency switched on, and the environment that points photosync at it as at a real
 * tenant (endpoint variables, CA file, certificate sign-in).
 */
import { readFile } from "node:fs/promises";
import pLimit from "p-limit";
import { DEMO_READER_CLIENT_ID, DEMO_WRITER_CLIENT_ID } from "../src/emulator/demo-tenant.js";
import type { EmulatorEndpoints } from "../src/emulator/index.js";
import { AdminClient } from "./admin-client.js";
import type { CounterSnapshot } from "./admin-client.js";
import type { Dataset } from "./dataset.js";
import { upnOf } from "./workspace.js";

export type BenchProfile = "realistic" | "fast";

export class BenchTenant {
  readonly admin: AdminClient;

  constructor(readonly endpoints: EmulatorEndpoints) {
    this.admin = new AdminClient(endpoints);
  }

  /** photosync's environment for the read-only (plan) or read-write (apply) app. */
  env(app: "reader" | "writer"): NodeJS.ProcessEnv {
    const clientId = app === "reader" ? DEMO_READER_CLIENT_ID : DEMO_WRITER_CLIENT_ID;
    const registration = this.endpoints.apps.find((candidate) => candidate.clientId === clientId);
    if (registration?.certificatePath === undefined) throw new Error(`the emulator has no certificate for ${clientId}`);
    const e = this.endpoints;
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PHOTOSYNC_AUTHORITY_HOST: e.authorityHost,
      PHOTOSYNC_GRAPH_URL: e.graphBaseUrl,
      PHOTOSYNC_MYSITE_URL: e.mySiteUrl,
      PHOTOSYNC_ADMIN_URL: e.adminSiteUrl,
      PHOTOSYNC_CA_FILE: e.caFile,
      AZURE_TENANT_ID: e.tenantId,
      AZURE_CLIENT_ID: clientId,
      AZURE_CLIENT_CERTIFICATE_PATH: registration.certificatePath,
      NO_COLOR: "1",
    };
  }

  /** Puts persons' in-sync photos in Exchange (reaching Entra ID) and SharePoint. */
  async seedInSync(data: Dataset, people: readonly number[], onProgress?: (done: number) => void): Promise<void> {
    const limit = pLimit(8);
    let done = 0;
    await Promise.all(
      people.map((i) =>
        limit(async () => {
          await this.admin.putPhotoRaw("exo", upnOf(i), await readFile(data.tenantPhoto(i)));
          await this.admin.spoSync(upnOf(i));
          if (++done % 1000 === 0) onProgress?.(done);
        }),
      ),
    );
  }

  /**
   * Changes photos "by hand": person i gets person donor(i)'s picture in Exchange (and Entra ID)
   * and/or in SharePoint.
   */
  async driftByHand(data: Dataset, changes: ReadonlyArray<{ person: number; donor: number; exo: boolean; spo: boolean }>): Promise<void> {
    const limit = pLimit(8);
    await Promise.all(
      changes.map((change) =>
        limit(async () => {
          const photo = await readFile(data.tenantPhoto(change.donor));
          if (change.exo) await this.admin.putPhotoRaw("exo", upnOf(change.person), photo);
          if (change.spo) await this.admin.putSpoPhoto(upnOf(change.person), photo);
        }),
      ),
    );
  }

  /**
   * How the tenant answers. `realistic`: the emulator's realistic preset (Graph ~150 ms, SharePoint
   * ~200 ms, uploads slower, 4 photo items of a Graph $batch at a time, Entra ID's and SharePoint's
   * published limits and resource-unit budget for the tenant's size; docs/emulator.md). `fast`:
   * a flat `latencyMs` ± `jitterMs`/2 and no limits, where photosync's own CPU is what is measured.
   */
  async setProfile(profile: BenchProfile, latencyMs: number, jitterMs: number): Promise<void> {
    if (profile === "realistic") {
      await this.admin.setFaults({ preset: "realistic", seed: 8 });
      return;
    }
    const base = Math.max(0, latencyMs - jitterMs / 2);
    const services = ["graph", "sharepoint", "login"] as const;
    await this.admin.setFaults({ seed: 8, rules: services.map((service) => ({ match: { service }, latencyMs: base, jitterMs })) });
  }

  async resetCounters(): Promise<void> {
    await this.admin.resetCounters();
  }

  async counters(): Promise<CounterSnapshot> {
    return this.admin.counters();
  }
}

export interface ServiceSummary {
  /** HTTP requests (a $batch is one). */
  http: number;
  /** Requests inside $batches. */
  batchItems: number;
  /** What SharePoint meters: requests outside a $batch and every part of one (the $batch itself is not counted). */
  operations: number;
  /** Answers 429, batch parts included. */
  throttled: number;
  /** Bytes the service sent. */
  bytes: number;
}

export const SERVICES = ["graph", "sharepoint", "login"] as const;
export type BenchService = (typeof SERVICES)[number];

export interface RequestSummary {
  /** HTTP requests photosync sent (a $batch is one), admin API excluded. */
  http: number;
  /** Requests inside $batches. */
  batchItems: number;
  /** Bytes the services sent (all HTTP answers). */
  bytesDownloaded: number;
  /** Bytes of photo and thumbnail contents (batch items included). */
  photoBytes: number;
  /** Photo/thumbnail content requests (batch items included). */
  photoDownloads: number;
  services: Record<BenchService, ServiceSummary>;
  /** SharePoint resource units photosync's app used, and the budget (realistic profile only). */
  sharePointUnits?: { used: number; perMinute: number; perDay: number };
  byEndpoint: Record<string, { count: number; bytes: number }>;
}

const PHOTO_CONTENT = /\$value|\/photos\/\{size\}/;
const BATCH_ENVELOPE = /\$batch$/;

const emptyService = (): ServiceSummary => ({ http: 0, batchItems: 0, operations: 0, throttled: 0, bytes: 0 });

/** No request to any service (a scenario that talks to no tenant). */
export const noServiceRequests = (): Record<BenchService, ServiceSummary> => ({ graph: emptyService(), sharepoint: emptyService(), login: emptyService() });

export function summariseCounters(snapshot: CounterSnapshot): RequestSummary {
  const services = noServiceRequests();
  const summary: RequestSummary = { http: 0, batchItems: 0, bytesDownloaded: 0, photoBytes: 0, photoDownloads: 0, services, byEndpoint: {} };
  for (const [endpoint, count] of Object.entries(snapshot.endpoints)) {
    if (endpoint.startsWith("admin ")) continue;
    const item = endpoint.endsWith("(batch item)");
    const service = services[endpoint.split(" ")[0] as BenchService] as ServiceSummary | undefined;
    summary.byEndpoint[endpoint] = { count: count.count, bytes: count.bytesSent };
    if (service) {
      service.throttled += count.statuses["429"] ?? 0;
      if (item) service.batchItems += count.count;
      else {
        service.http += count.count;
        service.bytes += count.bytesSent;
      }
      if (item || !BATCH_ENVELOPE.test(endpoint)) service.operations += count.count;
    }
    if (item) summary.batchItems += count.count;
    else {
      summary.http += count.count;
      summary.bytesDownloaded += count.bytesSent;
    }
    if (PHOTO_CONTENT.test(endpoint) && endpoint.includes("GET")) {
      summary.photoBytes += count.bytesSent;
      summary.photoDownloads += count.count;
    }
  }
  const budget = snapshot.sharePointBudget;
  if (budget) summary.sharePointUnits = { used: Object.values(budget.used).reduce((sum, units) => sum + units, 0), perMinute: budget.perMinute, perDay: budget.perDay };
  return summary;
}
