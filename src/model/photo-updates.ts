/**
 * "Who may change photos" (Graph beta /admin/people/photoUpdateSettings) as photosync compares and
 * explains it. Pure. The Graph docs (concepts/profilephoto-configure-settings.md,
 * api/photoupdatesettings-*.md): `source` cloud | onPremises (| unknownFutureValue), compared
 * case-insensitively (the docs PATCH "onpremises" and GET answers "onPremises"); `allowedRoles` null
 * means everyone may update their own photo, a list of role template ids means only those roles may
 * update photos; with source onPremises every cloud photo write is refused and allowedRoles do not
 * apply. A change "can take up to 24 hours" to be propagated.
 */
import { roleHolders } from "./entra-roles.js";

/** The manifest's tenant.photoUpdates, resolved: role template ids, lower-case, each once. */
export type DesiredPhotoUpdates = { source: "onPremises" } | { source: "cloud"; allowedRoles: string[] | null };

/** The setting as read (ids trimmed and lower-cased). */
export interface PhotoUpdatesValue {
  source: string;
  allowedRoles: string[] | null;
}

/** The body of the PATCH: only the properties that differ. */
export interface PhotoUpdatesPatch {
  source?: "cloud" | "onPremises";
  allowedRoles?: string[] | null;
}

/** "Up to 24 hours" (concepts/profilephoto-configure-settings.md). */
export const PHOTO_UPDATES_TAKE_EFFECT_MS = 24 * 60 * 60 * 1000;
export const TAKES_EFFECT_NOTE = "Microsoft 365 can take up to 24 hours to put a change of this setting in force";

const isOnPremises = (source: string): boolean => source.toLowerCase() === "onpremises";
const sameSource = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Role lists as sets; null (everyone) is not an empty list. */
function sameRoles(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === null || b === null) return a === b;
  const left = new Set(a.map((id) => id.toLowerCase()));
  const right = new Set(b.map((id) => id.toLowerCase()));
  return left.size === right.size && [...left].every((id) => right.has(id));
}

/** What to PATCH to make `live` what the manifest asks; empty when they agree. */
export function photoUpdatesPatch(desired: DesiredPhotoUpdates, live: PhotoUpdatesValue): PhotoUpdatesPatch {
  const patch: PhotoUpdatesPatch = {};
  if (!sameSource(desired.source, live.source)) patch.source = desired.source;
  // allowedRoles apply to cloud only: with onPremises the manifest has none and leaves them alone.
  if (desired.source === "cloud" && !sameRoles(desired.allowedRoles, live.allowedRoles)) patch.allowedRoles = desired.allowedRoles;
  return patch;
}

/** "User Administrators and People Administrators"; "A, B and C". */
function holdersOf(ids: readonly string[]): string {
  const names = ids.map(roleHolders);
  return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** Who may change photos under a value, in words ("everyone can change their own photo"). */
export function describePhotoUpdates(value: { source: string; allowedRoles?: readonly string[] | null }): string {
  if (isOnPremises(value.source)) return "photos are managed on-premises: Microsoft 365 refuses every Graph photo write";
  if (!sameSource(value.source, "cloud")) return `source ${value.source}`;
  if (value.allowedRoles === null || value.allowedRoles === undefined) return "everyone can change their own photo";
  if (value.allowedRoles.length === 0) return "no role is listed as allowed to change photos";
  return `only ${holdersOf(value.allowedRoles)} can change photos`;
}

/**
 * What applying the change means for people, in words, built from the role table: "only User
 * Administrators and People Administrators can change photos; people can no longer change their
 * own". `before` null: not known.
 */
export function photoUpdatesConsequence(desired: DesiredPhotoUpdates, before: PhotoUpdatesValue | null): string {
  const everyoneBefore = before !== null && sameSource(before.source, "cloud") && before.allowedRoles === null;
  const restrictedBefore = before !== null && (isOnPremises(before.source) || before.allowedRoles !== null);
  let sentence: string;
  if (desired.source === "onPremises") {
    sentence = "Microsoft 365 will refuse every Graph photo write, for admins, apps and people alike; photos can then be changed on-premises only";
  } else if (desired.allowedRoles === null) {
    sentence = restrictedBefore ? "everyone can change their own photo again" : "everyone can change their own photo";
    if (before !== null && isOnPremises(before.source)) sentence += ", and Graph photo writes are accepted again";
  } else {
    sentence = `only ${holdersOf(desired.allowedRoles)} can change photos; people ${everyoneBefore ? "can no longer" : "cannot"} change their own`;
    if (before !== null && isOnPremises(before.source)) sentence += "; Graph photo writes are accepted again";
  }
  return `${sentence} (${TAKES_EFFECT_NOTE})`;
}

/**
 * A change photosync made to the setting, kept between runs (reconcile/settings-changes.ts) so that a
 * plan within 24 hours can say it may not be in force yet.
 */
export interface PhotoUpdatesChange {
  /** What apply PATCHed. */
  patch: PhotoUpdatesPatch;
  /** When (ISO 8601). */
  at: string;
}

/** The change that may not be in force yet at `now` (ms), if any. */
export function changeNotInForceYet(change: PhotoUpdatesChange | undefined, now: number): PhotoUpdatesChange | undefined {
  if (!change) return undefined;
  const age = now - Date.parse(change.at);
  return Number.isFinite(age) && age >= 0 && age < PHOTO_UPDATES_TAKE_EFFECT_MS ? change : undefined;
}
