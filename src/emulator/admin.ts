/**
 * The emulator's own admin API: not a Microsoft endpoint, served on its own port under /admin.
 * For tests, demos and benchmarks: read a store's state, change a photo "by hand" (drift), trigger
 * SharePoint's copy of the Exchange photo, configure faults and the tenant's behaviour, read
 * request counters, mint tokens, reset. No authentication: it listens on loopback only.
 */
import { json, bytes, empty, type EmuRequest, type EmuResponse } from "./http.js";
import { ImageRejected, availableSizes, reencodeUpload } from "./images.js";
import type { FaultConfig } from "./faults.js";
import type { NoPhotoAnswer, PhotoBehaviour, PhotoRecord, PhotoStore, UserRecord } from "./model.js";
import type { ThumbnailKind } from "./state.js";
import type { EmulatorCore } from "./core.js";
import { renderSize } from "./images.js";
import sharp from "sharp";

function photoView(photo: PhotoRecord | undefined): unknown {
  if (photo === undefined) return null;
  return { etag: photo.etag, width: photo.width, height: photo.height, sizes: availableSizes(photo), sha256: photo.blob, updated: photo.updated };
}

export function userView(core: EmulatorCore, user: UserRecord): unknown {
  const tenant = core.tenant;
  const kinds: ThumbnailKind[] = ["SThumb", "MThumb", "LThumb"];
  const files = kinds.map((kind) => {
    const file = tenant.spoFile(tenant.thumbnailPath(user.userPrincipalName, kind));
    return file === undefined ? { kind, exists: false } : { kind, exists: true, serverRelativeUrl: file.serverRelativeUrl, length: file.length, sha256: file.blob, version: file.version, modified: file.modified };
  });
  return {
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    displayName: user.displayName,
    userType: user.userType,
    accountEnabled: user.accountEnabled,
    mailbox: user.mailbox,
    licensed: user.licensed,
    onPremisesSyncEnabled: user.onPremisesSyncEnabled,
    exo: photoView(user.photos.exo),
    aad: photoView(user.photos.aad),
    // What Graph serves while a write propagates (exo, aad above are what is stored).
    propagating: Object.fromEntries(
      (["exo", "aad"] as const).flatMap((store) => {
        const until = tenant.propagatingUntil(user, store);
        return until === undefined ? [] : [[store, { served: photoView(tenant.servedPhoto(user, store)), until: new Date(until).toISOString() }]];
      }),
    ),
    spo: { files, profile: user.profile },
  };
}

async function asIs(body: Buffer): Promise<{ bytes: Buffer; width: number; height: number }> {
  const meta = await sharp(body).metadata();
  if (meta.format !== "jpeg" || meta.width === undefined || meta.height === undefined) throw new ImageRejected("notAnImage", "raw photos must be JPEG");
  return { bytes: body, width: meta.width, height: meta.height };
}

function notFound(message: string): EmuResponse {
  return json(404, { error: message });
}

function bodyJson<T>(request: EmuRequest): T {
  return JSON.parse(request.body.toString("utf8") || "{}") as T;
}

export async function handleAdmin(request: EmuRequest, core: EmulatorCore): Promise<EmuResponse> {
  const segments = request.url.pathname.split("/").filter((part) => part !== "").map(decodeURIComponent);
  if (segments[0] !== "admin") return notFound("the admin API lives under /admin");
  const [, area, a, b] = segments;
  const method = request.method;
  const tenant = core.tenant;
  try {
    if (area === "endpoints" && method === "GET") return json(200, core.endpoints);
    if (area === "counters" && method === "GET") {
      // The emulator's own CPU time since it started: benchmarks subtract two readings to show what the stand-in for Microsoft's servers cost.
      const { user, system } = process.cpuUsage();
      return json(200, { ...core.counters.snapshot(), throttling: { throttled: core.faults.throttled, earlyRetries: core.faults.earlyRetries }, sharePointBudget: core.faults.budgetUse(), batchPhotoPeak: core.counters.batchPhotoPeak, userAgents: core.counters.userAgents(), throttlePriorities: core.counters.throttlePriorities(), cpuMs: (user + system) / 1000 });
    }
    if (area === "counters" && method === "DELETE") {
      core.counters.reset();
      core.faults.resetUsage();
      return empty(204);
    }
    if (area === "requests" && method === "GET") return json(200, { requests: core.counters.requests(Number(request.url.searchParams.get("since") ?? 0)) });
    if (area === "faults" && method === "GET") return json(200, core.faults.current());
    if (area === "faults" && (method === "PUT" || method === "POST")) {
      core.faults.configure(bodyJson<FaultConfig>(request));
      return json(200, core.faults.current());
    }
    if (area === "faults" && method === "DELETE") {
      core.faults.configure({});
      return empty(204);
    }
    if (area === "reset" && method === "POST") {
      await core.reset();
      return empty(204);
    }
    if (area === "tenant" && method === "GET") {
      const { apps: _apps, ...config } = tenant.config;
      return json(200, config);
    }
    if (area === "tenant" && method === "PATCH") {
      const patch = bodyJson<{
        behaviour?: PhotoBehaviour;
        noPhoto?: NoPhotoAnswer;
        uploadsDisabled?: boolean;
        thumbnailFolder?: "present" | "missing";
        syncState?: string;
        propagation?: { graphSeconds?: number };
        photoUpdateSettings?: { source?: "cloud" | "onPremises"; allowedRoles?: string[] | null; takesEffectSeconds?: number };
      }>(request);
      // Changed "by hand" (behind photosync's back): in force at once; takesEffectSeconds for Graph's later PATCHes.
      const settings = patch.photoUpdateSettings;
      if (settings !== undefined) {
        if (settings.source !== undefined && settings.source !== "cloud" && settings.source !== "onPremises") return json(400, { error: "photoUpdateSettings.source must be cloud or onPremises" });
        if (settings.takesEffectSeconds !== undefined) tenant.config.photoUpdateSettings.takesEffectSeconds = settings.takesEffectSeconds;
        tenant.setPhotoUpdateSettings({ ...(settings.source ? { source: settings.source } : {}), ...(settings.allowedRoles !== undefined ? { allowedRoles: settings.allowedRoles } : {}) }, { delayed: false });
      }
      if (patch.propagation?.graphSeconds !== undefined) tenant.config.propagation = { graphSeconds: patch.propagation.graphSeconds, sharepointSeconds: 0 };
      if (patch.behaviour !== undefined) tenant.config.behaviour = patch.behaviour;
      if (patch.noPhoto !== undefined) tenant.config.noPhoto = patch.noPhoto;
      if (patch.uploadsDisabled !== undefined) tenant.config.spo.uploadsDisabled = patch.uploadsDisabled;
      if (patch.thumbnailFolder !== undefined) tenant.config.spo.thumbnailFolder = patch.thumbnailFolder;
      if (patch.syncState !== undefined) tenant.config.spo.syncState = patch.syncState;
      tenant.changed();
      const { apps: _apps, ...config } = tenant.config;
      return json(200, config);
    }
    if (area === "users" && method === "GET" && a === undefined) return json(200, { users: tenant.users().map((user) => userView(core, user)) });
    if (area === "users" && method === "GET" && a !== undefined) {
      const user = tenant.findUser(a);
      return user === undefined ? notFound(`no user ${a}`) : json(200, userView(core, user));
    }
    // "The user views their profile": SharePoint's own sync from their Graph photo (spo-sync: the older name).
    const viewing = area === "spo-sync" ? a : area === "users" && b === "view-profile" ? a : undefined;
    if (viewing !== undefined && method === "POST") {
      const user = tenant.findUser(viewing);
      if (user === undefined) return notFound(`no user ${viewing}`);
      return json(200, { result: await tenant.viewProfile(user), user: userView(core, user) });
    }
    if (area === "photos" && a !== undefined && b !== undefined) {
      const store = a as PhotoStore | "spo";
      const user = tenant.findUser(b);
      if (user === undefined) return notFound(`no user ${b}`);
      if (store !== "exo" && store !== "aad" && store !== "spo") return notFound(`no store ${store}`);
      if (method === "GET") {
        if (store === "spo") {
          const kind = (request.url.searchParams.get("kind") ?? "MThumb") as ThumbnailKind;
          const file = tenant.spoFile(tenant.thumbnailPath(user.userPrincipalName, kind));
          return file === undefined ? notFound("no such thumbnail") : bytes(200, await tenant.blobs.get(file.blob), "image/jpeg");
        }
        const photo = user.photos[store];
        if (photo === undefined) return notFound("no photo");
        const data = await tenant.photoBytes(photo, request.url.searchParams.get("size") ?? undefined);
        return data === undefined ? notFound("no such size") : bytes(200, data, "image/jpeg");
      }
      if (method === "DELETE") {
        if (store === "spo") {
          for (const kind of ["SThumb", "MThumb", "LThumb"] as const) tenant.deleteSpoFile(tenant.thumbnailPath(user.userPrincipalName, kind));
        } else {
          delete user.photos[store];
          tenant.changed();
        }
        return json(200, userView(core, user));
      }
      if (method === "PUT") {
        // A change made "by hand" (OWA, the admin centre, SharePoint's UI): drift.
        if (store === "spo") {
          const sizes = tenant.config.spo.thumbnails;
          for (const [kind, size] of [["SThumb", sizes.small], ["MThumb", sizes.medium], ["LThumb", sizes.large]] as const) {
            await tenant.putSpoFile(tenant.thumbnailPath(user.userPrincipalName, kind), await renderSize(request.body, size, size));
          }
          return json(200, userView(core, user));
        }
        // ?raw=1 stores the bytes as they are (a prepared JPEG): fast seeding of large tenants.
        const encoded = request.url.searchParams.get("raw") === "1" ? await asIs(request.body) : await reencodeUpload(request.body, store);
        if (request.url.searchParams.get("propagate") === "false") await tenant.storePhoto(user, store, encoded);
        else await tenant.writePhoto(user, store, encoded);
        return json(200, userView(core, user));
      }
    }
    if (area === "tokens" && method === "POST") {
      const options = bodyJson<{ clientId: string; resource?: "graph" | "sharepoint"; host?: "mysite" | "admin"; audience?: string; kind?: "secret" | "certificate" | "federated"; lifetimeSeconds?: number }>(request);
      const app = tenant.config.apps.find((candidate) => candidate.clientId === options.clientId);
      if (app === undefined) return notFound(`no app ${options.clientId}`);
      const resource = options.resource ?? "graph";
      // SharePoint tokens are per host (tokenAudience): the My Site host's unless `host` says admin.
      const audience = options.audience ?? (resource === "graph" ? "https://graph.microsoft.com" : `https://${tenant.config.name}${options.host === "admin" ? "-admin" : "-my"}.sharepoint.com`);
      const token = await core.tokens.issue(app, { resource, audience }, options.kind ?? "certificate", options.lifetimeSeconds);
      return json(200, { access_token: token });
    }
    if (area === "federated-token" && method === "POST") {
      const options = bodyJson<{ issuer?: string; subject: string; audience?: string; lifetimeSeconds?: number }>(request);
      const token = await core.tokens.mintFederatedToken({ ...options, ...(options.lifetimeSeconds !== undefined ? { lifetime: options.lifetimeSeconds } : {}) });
      return json(200, { token });
    }
    return notFound(`no admin route ${method} ${request.url.pathname}`);
  } catch (error) {
    if (error instanceof ImageRejected) return json(400, { error: error.message });
    if (error instanceof SyntaxError) return json(400, { error: "invalid JSON body" });
    throw error;
  }
}
