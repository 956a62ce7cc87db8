/**
 * Reads everything the planner needs about the desired users, and nothing more: the directory
 * facts, then only the stores that apply to each person. Which stores apply is the caller's
 * decision (`route`, model/routing.ts); this module only reads what it is told to.
 *
 * A person the Exchange read reveals to have no cloud mailbox gets a new, corrected identity (the
 * directory's answer is left as it was) and is routed once more from it; everyone else keeps the
 * routes decided from the directory's facts. The routes returned are the ones the reads followed.
 */
import type { DesiredUser } from "../model/desired.js";
import { upnKey } from "../model/desired.js";
import type { StoreRoute } from "../model/routing.js";
import type { TenantConnection } from "./connection.js";
import { lookupUsers } from "./graph/directory.js";
import type { BatchOptions } from "./graph/batch.js";
import { readGraphPhotos } from "./graph/read.js";
import type { PhotoReadTarget } from "./graph/read.js";
import type { DirectoryUser, LiveUser, PhotoObservation, SpoObservation, UserLookup } from "../model/observations.js";
import type { LiveCache } from "./live-cache.js";
import { readSharePoint } from "./sharepoint/read.js";
import type { SpoReadOptions, SpoTarget } from "./sharepoint/read.js";

export interface ReadOptions {
  graph?: BatchOptions;
  sharePoint?: SpoReadOptions;
}

/** Which stores apply to a person with these directory facts. */
export type Router = (user: DesiredUser, identity: DirectoryUser) => readonly StoreRoute[];

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
  const backoff = connection.http.backoff;
  const options = {
    graph: { concurrency: GRAPH_READ_CONCURRENCY, onThrottled: backoff.reporter("graph"), ...readOptions.graph },
    sharePoint: { onThrottled: backoff.reporter("sharepoint"), ...readOptions.sharePoint },
  };
  const lookups = await lookupUsers(connection.graph, users, options.graph);
  const people = users.map((user) => {
    const key = upnKey(user.upn);
    const lookup: UserLookup = lookups.get(key)!;
    return { user, key, lookup, routes: lookup.state === "found" ? route(user, lookup.user) : undefined };
  });
  const targetsFor = (store: string, routesOf: (person: (typeof people)[number]) => readonly StoreRoute[] | undefined): PhotoReadTarget[] =>
    people.flatMap((person) => (person.lookup.state === "found" && manages(routesOf(person), store) ? [{ key: person.key, userId: person.lookup.user.id }] : []));

  // SharePoint names files and profiles by the tenant's current UPN, which differs after a rename.
  // Whether SharePoint is managed depends on the licence alone, never on the mailbox facts the
  // Exchange read may correct below, so SharePoint is read while Exchange and Entra ID are.
  const spoTargets: SpoTarget[] = people.flatMap((person) =>
    person.lookup.state === "found" && manages(person.routes, "spo") ? [{ key: person.key, upn: person.lookup.user.upn }] : [],
  );
  const sharePoint = spoTargets.length > 0 ? readSharePoint(connection.sharePoint, spoTargets, cache, options.sharePoint) : Promise.resolve(new Map<string, SpoObservation>());
  // Awaited below; until then a failure must not count as unhandled.
  sharePoint.catch(() => undefined);

  const exoReads = await readGraphPhotos(connection.graph, "v1.0", "exo", targetsFor("exo", (person) => person.routes), cache, options.graph);
  const exo = new Map<string, PhotoObservation>();
  // The directory suggested a mailbox, Exchange says there is none: a corrected identity, routed from its facts.
  const corrected = new Map<string, { lookup: UserLookup; routes: readonly StoreRoute[] }>();
  for (const person of people) {
    const read = exoReads.get(person.key);
    if (!read || person.lookup.state !== "found") continue;
    if (read.state !== "no-mailbox") {
      exo.set(person.key, read);
      continue;
    }
    const identity: DirectoryUser = { ...person.lookup.user, mailbox: read.onPremises ? "onPremises" : "none" };
    corrected.set(person.key, { lookup: { state: "found", user: identity }, routes: route(person.user, identity) });
  }
  const final = (person: (typeof people)[number]) => corrected.get(person.key) ?? { lookup: person.lookup, routes: person.routes };

  const [aadReads, spo] = await Promise.all([readGraphPhotos(connection.graph, "beta", "aad", targetsFor("aad", (person) => final(person).routes), cache, options.graph), sharePoint]);
  const result = new Map<string, LiveRead>();
  for (const person of people) {
    const { lookup, routes } = final(person);
    const live: LiveUser = { lookup };
    const exoRead = exo.get(person.key);
    if (exoRead) live.exo = exoRead;
    const aadRead = aadReads.get(person.key);
    if (aadRead && aadRead.state !== "no-mailbox") live.aad = aadRead;
    const spoRead = spo.get(person.key);
    if (spoRead) live.spo = spoRead;
    result.set(person.key, routes ? { live, routes } : { live });
  }
  return result;
}
