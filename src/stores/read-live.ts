/**
 * Reads everything the planner needs about the desired users, and nothing more: the directory
 * facts, then only the stores that apply to each person. Which stores apply is the caller's
 * decision (`route`, model/routing.ts); this module only reads what it is told to, and tells the
 * router which photo model the tenant's answers show.
 *
 * The Graph photo is read once per person through v1.0, the documented API. In a current tenant
 * (the default, MC678855) that is everyone's Entra ID photo, mailbox or not, and the routes stay
 * the current ones. When a v1.0 answer says "no mailbox" the tenant is a legacy one: everyone is
 * routed again as legacy (mailbox users' v1.0 photo is their Exchange photo), a person the answer
 * revealed to have no usable mailbox gets a corrected identity (the directory's answer is left as
 * it was), and people routed to Entra ID are read through beta. The routes returned are the ones
 * the reads followed.
 */
import type { DesiredUser } from "../model/desired.js";
import { upnKey } from "../model/desired.js";
import type { StoreRoute, TenantModel } from "../model/routing.js";
import type { TenantConnection } from "./connection.js";
import { lookupUsers } from "./graph/directory.js";
import type { BatchOptions } from "./graph/batch.js";
import { readGraphPhotos } from "./graph/read.js";
import type { PhotoReadTarget } from "./graph/read.js";
import type { DirectoryUser, LiveUser, PhotoObservation, SpoObservation, UserLookup } from "../model/observations.js";
import type { KeptPhotos } from "./kept-photos.js";
import type { LiveCache } from "./live-cache.js";
import { readSharePoint } from "./sharepoint/read.js";
import { assumedOperationsPerMinute } from "../tenant/budget.js";
import type { SpoReadOptions, SpoTarget } from "./sharepoint/read.js";

export interface ReadOptions {
  graph?: BatchOptions;
  sharePoint?: SpoReadOptions;
  /** Keep the photo bytes the reads download (a run drawing a before/after sheet), within its budget. */
  keep?: KeptPhotos;
}

/** Which stores apply to a person with these directory facts, in a tenant of this photo model. */
export type Router = (user: DesiredUser, identity: DirectoryUser, model: TenantModel) => readonly StoreRoute[];

/** What was read of one person, and the routes the reads followed (absent when not found). */
export interface LiveRead {
  live: LiveUser;
  routes?: readonly StoreRoute[];
}

/** Graph $batch reads in flight at once (writes keep graph-batch's default). */
export const GRAPH_READ_CONCURRENCY = 8;

const manages = (routes: readonly StoreRoute[] | undefined, store: string): boolean => routes?.some((route) => route.managed && route.store === store) ?? false;

export async function readLive(
  connection: TenantConnection,
  users: readonly DesiredUser[],
  cache: LiveCache,
  route: Router,
  readOptions: ReadOptions = {},
): Promise<Map<string, LiveRead>> {
  return (await readLiveWithModel(connection, users, cache, route, readOptions)).reads;
}

/** readLive, with the photo model the tenant's answers showed (doctor reports it). */
export async function readLiveWithModel(
  connection: TenantConnection,
  users: readonly DesiredUser[],
  cache: LiveCache,
  route: Router,
  readOptions: ReadOptions = {},
): Promise<{ reads: Map<string, LiveRead>; model: TenantModel }> {
  const backoff = connection.http.backoff;
  const options = {
    graph: { concurrency: GRAPH_READ_CONCURRENCY, onThrottled: backoff.reporter("graph"), ...readOptions.graph },
    sharePoint: { onThrottled: backoff.reporter("sharepoint"), ...readOptions.sharePoint },
  };
  const lookups = await lookupUsers(connection.graph, users, options.graph);
  const people = users.map((user) => {
    const key = upnKey(user.upn);
    const lookup: UserLookup = lookups.get(key)!;
    return { user, key, lookup, routes: lookup.state === "found" ? route(user, lookup.user, "current") : undefined };
  });
  const targetsFor = (store: string, routesOf: (person: (typeof people)[number]) => readonly StoreRoute[] | undefined): PhotoReadTarget[] =>
    people.flatMap((person) => (person.lookup.state === "found" && manages(routesOf(person), store) ? [{ key: person.key, userId: person.lookup.user.id }] : []));

  // SharePoint names files and profiles by the tenant's current UPN, which differs after a rename.
  // Whether SharePoint is managed depends on the licence alone, never on the photo model or the
  // mailbox facts the Graph read may correct below, so SharePoint is read while Graph is.
  const spoTargets: SpoTarget[] = people.flatMap((person) =>
    person.lookup.state === "found" && manages(person.routes, "spo") ? [{ key: person.key, upn: person.lookup.user.upn }] : [],
  );
  const keep = readOptions.keep;
  // Everyone whose SharePoint is managed holds a licence: the tenant's tier is at least theirs.
  if (spoTargets.length > 0) connection.http.sharePointBudget.assume(assumedOperationsPerMinute(spoTargets.length));
  const sharePoint =
    spoTargets.length > 0
      ? readSharePoint(connection.sharePoint, spoTargets, cache, options.sharePoint, keep && ((key, bytes) => keep.keep("spo", key, bytes)))
      : Promise.resolve(new Map<string, SpoObservation>());
  // Awaited below; until then a failure must not count as unhandled.
  sharePoint.catch(() => undefined);

  // One v1.0 read per person with a Graph photo (the current routes route it as aad). The cache
  // partition is named after the API ("exo" for v1.0, as before), not the store it turns out to be.
  const v1Reads = await readGraphPhotos(connection.graph, "v1.0", "exo", targetsFor("aad", (person) => person.routes), cache, options.graph, keep && ((key, bytes) => keep.keep("graph-v1.0", key, bytes)));
  // A "no mailbox" answer proves a legacy tenant; a photo answer for someone the directory shows
  // without a usable mailbox proves a current one. Mailbox users are answered alike in both.
  const mailboxless = (person: (typeof people)[number]) => person.lookup.state === "found" && (person.lookup.user.mailbox !== "cloud" || !person.lookup.user.licensed);
  const proves = (person: (typeof people)[number]) => {
    const read = v1Reads.get(person.key);
    return read !== undefined && (read.state === "present" || read.state === "absent") && mailboxless(person);
  };
  const model: TenantModel = [...v1Reads.values()].some((read) => read.state === "no-mailbox") ? "legacy" : people.some(proves) ? "current" : "undetermined";
  // The v1.0 photo is the Exchange one in a legacy tenant, everyone's Entra ID one otherwise (as below).
  keep?.rename("graph-v1.0", model === "legacy" ? "exo" : "aad");

  const final = new Map<string, { lookup: UserLookup; routes: readonly StoreRoute[] | undefined }>();
  for (const person of people) {
    if (person.lookup.state !== "found") {
      final.set(person.key, { lookup: person.lookup, routes: person.routes });
      continue;
    }
    if (model !== "legacy") {
      final.set(person.key, { lookup: person.lookup, routes: model === "current" ? person.routes : route(person.user, person.lookup.user, model) });
      continue;
    }
    const read = v1Reads.get(person.key);
    // The directory suggested a mailbox, Exchange says there is none: a corrected identity, routed from its facts.
    const identity: DirectoryUser = read?.state === "no-mailbox" ? { ...person.lookup.user, mailbox: read.onPremises ? "onPremises" : "none" } : person.lookup.user;
    final.set(person.key, { lookup: identity === person.lookup.user ? person.lookup : { state: "found", user: identity }, routes: route(person.user, identity, "legacy") });
  }
  const finalOf = (person: (typeof people)[number]) => final.get(person.key)!;

  // Legacy tenants only: Entra ID photos of people without a usable mailbox, through beta.
  const betaTargets = model === "legacy" ? targetsFor("aad", (person) => finalOf(person).routes) : [];
  const [betaReads, spo] = await Promise.all([
    betaTargets.length > 0
      ? readGraphPhotos(connection.graph, "beta", "aad", betaTargets, cache, options.graph, keep && ((key, bytes) => keep.keep("aad", key, bytes)))
      : Promise.resolve(new Map<string, never>()),
    sharePoint,
  ]);
  const result = new Map<string, LiveRead>();
  for (const person of people) {
    const { lookup, routes } = finalOf(person);
    const live: LiveUser = { lookup };
    const v1 = v1Reads.get(person.key);
    const graphPhoto = (read: typeof v1): PhotoObservation | undefined => (read && read.state !== "no-mailbox" ? read : undefined);
    if (model !== "legacy") {
      const read = graphPhoto(v1);
      if (read) live.aad = read;
    } else {
      const exo = manages(routes, "exo") ? graphPhoto(v1) : undefined;
      if (exo) live.exo = exo;
      const aad = graphPhoto(betaReads.get(person.key));
      if (aad) live.aad = aad;
    }
    const spoRead = spo.get(person.key);
    if (spoRead) live.spo = spoRead;
    result.set(person.key, routes ? { live, routes } : { live });
  }
  return { reads: result, model };
}
