/**
 * Which stores apply to a person, decided from the manifest, the directory's facts and the tenant's
 * photo model. Pure.
 *
 * A current tenant (MC678855, the default): Entra ID is the photo store for everyone; Graph v1.0
 * reads and writes it, mailbox or not, and Exchange, Outlook and Teams show it. One Graph photo per
 * person, routed as aad (the manifest's exo and aad both mean "the Graph photo").
 *
 * A legacy tenant (detected from the "no mailbox" answers of Graph v1.0, stores/read-live.ts):
 * - A cloud mailbox: Exchange Online (Graph v1.0) and SharePoint. Entra ID follows the mailbox
 *   photo (an EXO write reaches Entra ID, and Graph beta reads the mailbox first), so writing it
 *   again would only double the work.
 * - No cloud mailbox (none, or on-premises): Entra ID (Graph beta) and SharePoint — the fallback
 *   the hand-written scripts use; Entra ID is managed then even if only exo is listed.
 * - Unlicensed: no mailbox and no SharePoint profile to write; Entra ID only.
 * - Guests: their photo belongs to their home organisation; skipped.
 * A person whose manifest entry lists stores gets exactly those (the override wins over licence and
 * guest status), except that exo without a cloud mailbox becomes aad.
 */
import type { StoreName } from "./desired.js";
import { STORE_NAMES } from "./desired.js";
import type { DirectoryUser } from "./observations.js";

/**
 * current: Entra ID holds everyone's photo; legacy: Graph v1.0 is the Exchange mailbox (facts).
 * undetermined: routed as current (one Graph v1.0 photo), but the answers could not tell, because
 * everyone read has a mailbox and v1.0 answers them alike in both models.
 */
export type TenantModel = "current" | "legacy" | "undetermined";

/**
 * A store that applies, or one that does not and why. `holder` says, for a Graph photo, which
 * store holds it and why (shown in the plan).
 */
export type StoreRoute = { store: StoreName; managed: true; holder?: string } | { store: StoreName; managed: false; reason: string };

/** Where a Graph photo lives, in the plan's words. */
export const HOLDERS = {
  current: "Entra ID (current tenant: Graph writes Entra ID for everyone)",
  undetermined: "the Graph v1.0 photo (Entra ID in a current tenant, the mailbox in a legacy one: everyone read has a mailbox, so the answers cannot tell)",
  legacyExo: "Exchange Online mailbox (legacy tenant: Graph v1.0 writes the mailbox)",
  legacyAad: "Entra ID (legacy tenant, no Exchange Online mailbox: the Graph beta fallback)",
} as const;

export const SKIP_REASONS = {
  guest: "guest account: their photo is managed by their home organisation",
  unlicensedExo: "unlicensed: no Exchange Online mailbox",
  unlicensedSpo: "unlicensed: no SharePoint user profile",
  noMailbox: "no Exchange Online mailbox: Entra ID holds the photo",
  onPremisesMailbox: "mailbox is on-premises: Entra ID holds the photo",
  followsExo: "follows the Exchange Online photo for mailbox users",
} as const;

/**
 * The route for each store that applies to this user, in the order exo, aad, spo. Stores the manifest
 * does not manage for the user are left out, with one exception: when exo is managed and the user has
 * no Exchange Online mailbox, aad takes its place (the Graph beta fallback).
 */
export function routeStores(stores: readonly StoreName[], overridden: boolean, user: DirectoryUser, model: TenantModel): StoreRoute[] {
  if (model === "legacy") return withHolders(legacyRoutes(stores, overridden, user));
  return currentRoutes(stores, overridden, user, model === "current" ? HOLDERS.current : HOLDERS.undetermined);
}

/** Current tenants: one Graph photo (aad) whenever exo or aad is managed, plus SharePoint. */
function currentRoutes(stores: readonly StoreName[], overridden: boolean, user: DirectoryUser, holder: string): StoreRoute[] {
  const routes: StoreRoute[] = [];
  const guest = !overridden && user.userType === "Guest";
  if (stores.includes("exo") || stores.includes("aad")) {
    routes.push(guest ? { store: "aad", managed: false, reason: SKIP_REASONS.guest } : { store: "aad", managed: true, holder });
  }
  if (stores.includes("spo")) {
    if (guest) routes.push({ store: "spo", managed: false, reason: SKIP_REASONS.guest });
    else if (overridden || user.licensed) routes.push({ store: "spo", managed: true });
    else routes.push({ store: "spo", managed: false, reason: SKIP_REASONS.unlicensedSpo });
  }
  return routes;
}

function withHolders(routes: StoreRoute[]): StoreRoute[] {
  return routes.map((route) => (route.managed && route.store !== "spo" ? { ...route, holder: route.store === "exo" ? HOLDERS.legacyExo : HOLDERS.legacyAad } : route));
}

function legacyRoutes(stores: readonly StoreName[], overridden: boolean, user: DirectoryUser): StoreRoute[] {
  const ordered = STORE_NAMES.filter((store) => stores.includes(store));
  if (overridden) {
    // The person's own list wins over licence and guest status, but not over physics: without a
    // cloud mailbox there is no Exchange photo to write, so Entra ID takes it (the beta fallback).
    if (!stores.includes("exo") || user.mailbox === "cloud") return ordered.map((store) => ({ store, managed: true }));
    const withEntra = STORE_NAMES.filter((store) => store === "aad" || stores.includes(store));
    return withEntra.map((store) => (store === "exo" ? { store, managed: false, reason: noMailboxReason({ ...user, licensed: true }) } : { store, managed: true }));
  }
  if (user.userType === "Guest") return ordered.map((store) => ({ store, managed: false, reason: SKIP_REASONS.guest }));

  const routes: StoreRoute[] = [];
  const hasMailbox = user.licensed && user.mailbox === "cloud";
  if (stores.includes("exo")) {
    if (hasMailbox) routes.push({ store: "exo", managed: true });
    else routes.push({ store: "exo", managed: false, reason: noMailboxReason(user) });
  }
  if (stores.includes("aad") || (stores.includes("exo") && !hasMailbox)) {
    if (hasMailbox && stores.includes("exo")) routes.push({ store: "aad", managed: false, reason: SKIP_REASONS.followsExo });
    else routes.push({ store: "aad", managed: true });
  }
  if (stores.includes("spo")) {
    if (user.licensed) routes.push({ store: "spo", managed: true });
    else routes.push({ store: "spo", managed: false, reason: SKIP_REASONS.unlicensedSpo });
  }
  return routes;
}

function noMailboxReason(user: DirectoryUser): string {
  if (!user.licensed) return SKIP_REASONS.unlicensedExo;
  return user.mailbox === "onPremises" ? SKIP_REASONS.onPremisesMailbox : SKIP_REASONS.noMailbox;
}

/** The routes of one manifest entry for a person with these directory facts, in a tenant of this model. */
export function routePerson(user: { stores: readonly StoreName[]; storesOverridden: boolean }, identity: DirectoryUser, model: TenantModel): StoreRoute[] {
  return routeStores(user.stores, user.storesOverridden, identity, model);
}
