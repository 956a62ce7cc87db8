/**
 * Reads everything the planner needs about the desired users, and nothing more: the directory
 * facts, then only the stores that apply to each person (see model/routing.ts). A person the
 * Exchange read reveals to have no cloud mailbox is re-routed to Entra ID on the spot.
 */
import type { DesiredUser } from "../model/desired.js";
import { upnKey } from "../model/desired.js";
import { routeStores } from "../model/routing.js";
import type { TenantConnection } from "./connection.js";
import { lookupUsers } from "./graph/directory.js";
import type { BatchOptions } from "./graph/batch.js";
import { readGraphPhotos } from "./graph/read.js";
import type { PhotoReadTarget } from "./graph/read.js";
import type { LiveUser, SpoObservation } from "../model/observations.js";
import type { LiveCache } from "./live-cache.js";
import { readSharePoint } from "./sharepoint/read.js";
import type { SpoReadOptions, SpoTarget } from "./sharepoint/read.js";

export interface ReadOptions {
  graph?: BatchOptions;
  sharePoint?: SpoReadOptions;
}

function managedStores(user: DesiredUser, live: LiveUser): Set<string> {
  if (live.lookup.state !== "found") return new Set();
  return new Set(routeStores(user.stores, user.storesOverridden, live.lookup.user).filter((route) => route.managed).map((route) => route.store));
}

/** Graph $batch reads in flight at once (writes keep graph-batch's default). */
export const GRAPH_READ_CONCURRENCY = 8;

export async function readLive(connection: TenantConnection, users: readonly DesiredUser[], cache: LiveCache, readOptions: ReadOptions = {}): Promise<Map<string, LiveUser>> {
  const backoff = connection.http.backoff;
  const options = {
    graph: { concurrency: GRAPH_READ_CONCURRENCY, onThrottled: backoff.reporter("graph"), ...readOptions.graph },
    sharePoint: { onThrottled: backoff.reporter("sharepoint"), ...readOptions.sharePoint },
  };
  const lookups = await lookupUsers(connection.graph, users, options.graph);
  const live = new Map<string, LiveUser>(users.map((user) => [upnKey(user.upn), { lookup: lookups.get(upnKey(user.upn))! }]));
  const targetsFor = (store: string): PhotoReadTarget[] =>
    users.flatMap((user) => {
      const state = live.get(upnKey(user.upn))!;
      return managedStores(user, state).has(store) && state.lookup.state === "found" ? [{ key: upnKey(user.upn), userId: state.lookup.user.id }] : [];
    });

  // SharePoint names files and profiles by the tenant's current UPN, which differs after a rename.
  // Whether SharePoint is managed depends on the licence alone, never on the mailbox facts the
  // Exchange read may correct below, so SharePoint is read while Exchange and Entra ID are.
  const spoTargets: SpoTarget[] = users.flatMap((user) => {
    const state = live.get(upnKey(user.upn))!;
    return state.lookup.state === "found" && managedStores(user, state).has("spo") ? [{ key: upnKey(user.upn), upn: state.lookup.user.upn }] : [];
  });
  const sharePoint = spoTargets.length > 0 ? readSharePoint(connection.sharePoint, spoTargets, cache, options.sharePoint) : Promise.resolve(new Map<string, SpoObservation>());
  // Awaited below; until then a failure must not count as unhandled.
  sharePoint.catch(() => undefined);

  const exo = await readGraphPhotos(connection.graph, "v1.0", "exo", targetsFor("exo"), cache, options.graph);
  for (const [key, read] of exo) {
    const state = live.get(key)!;
    if (read.state === "no-mailbox" && state.lookup.state === "found") {
      // The directory suggested a mailbox, Exchange says there is none: correct the facts.
      state.lookup = { state: "found", user: { ...state.lookup.user, mailbox: read.onPremises ? "onPremises" : "none" } };
      continue;
    }
    if (read.state !== "no-mailbox") state.exo = read;
  }

  const [aad, spo] = await Promise.all([readGraphPhotos(connection.graph, "beta", "aad", targetsFor("aad"), cache, options.graph), sharePoint]);
  for (const [key, read] of aad) {
    if (read.state !== "no-mailbox") live.get(key)!.aad = read;
  }
  for (const [key, read] of spo) live.get(key)!.spo = read;
  return live;
}
