/**
 * plan(desired, live) → Plan. Pure: the same inputs always give the same plan and digest.
 * A read that failed gives "unknown" for that store, never a change.
 */
import { createHash } from "node:crypto";
import { stringify } from "safe-stable-stringify";
import { compare } from "../images/compare.js";
import type { Measure } from "../images/compare.js";
import type { Fingerprint } from "../model/fingerprint.js";
import { largestGraphSizeAtMost } from "../images/graph-sizes.js";
import type { DesiredState, StoreName } from "../model/desired.js";
import { upnKey } from "../model/desired.js";
import type { PhotoObservation, PhotoUpdateSettingsRead, ServiceError, SpoObservation, SpoPropertyName, ThumbnailName } from "../model/observations.js";
import { SPO_PROPERTIES, THUMBNAIL_NAMES, isProfileReadDenied } from "../model/observations.js";
import type { ActionCounts, DesiredImage, Plan, PlanNotice, PhotoSummary, SettingsStep, StoreStep, UserPlan } from "../model/plan.js";
import type { PhotoUpdatesChange } from "../model/photo-updates.js";
import { TAKES_EFFECT_NOTE } from "../model/photo-updates.js";
import { notInForceNotice, photoUpdatesStep, turnsCloud } from "./settings.js";
import { ACTIONS, CHANGING_ACTIONS } from "../model/plan.js";
import type { PersonRecord } from "../model/record.js";
import type { PendingInput } from "../model/pending.js";
import { explainingWrite } from "../model/pending.js";
import { DEFAULT_THUMBNAIL_FOLDER, SHAREPOINT_OWN_THUMBNAILS, pictureUrl, samePictureUrl } from "../stores/sharepoint/names.js";

/** The planner's input: one record per planned person, routed already (reconcile/plan-run.ts). */
export interface PlanInput {
  state: DesiredState;
  records: readonly PersonRecord[];
  /** Tenant-wide findings of the reads (PlanNotice), passed through to the plan in order. */
  notices?: readonly PlanNotice[];
  /** The tenant's photoUpdateSettings as read: onPremises turns every Graph write into a skip, said once. */
  photoUpdates?: PhotoUpdateSettingsRead;
  /** Graph writes an earlier apply made that were not served yet (model/pending.ts), and the time now. */
  pending?: PendingInput;
  /** A change apply made to photoUpdateSettings less than 24 hours ago (it may not be in force yet). */
  recentPhotoUpdatesChange?: PhotoUpdatesChange;
  /** How photos are measured against their render (default: compare.ts's measure): a run passes one that remembers. */
  measure?: Measure;
}

/** Why a Graph photo step is not written when the tenant manages photos on-premises. */
export const ONPREMISES_SKIP_REASON = "Graph photo writes are refused in this tenant (photoUpdateSettings source: onPremises)";

/**
 * The notice photoUpdateSettings calls for, if any: onPremises refuses every Graph photo write
 * (concepts/profilephoto-configure-settings.md); settings that could not be read are said once too.
 */
export function photoUpdatesNotice(read: PhotoUpdateSettingsRead | undefined, turningCloud = false): PlanNotice | undefined {
  if (read === undefined) return undefined;
  if (read.state === "unknown") {
    return {
      code: "graph-photo-settings-unread",
      service: "graph",
      message: `photosync could not read the tenant's photo update settings (${read.error.code}: ${read.error.message})`,
      consequence: "Graph photo writes are planned as usual; if the tenant manages photos on-premises, Microsoft 365 will refuse them",
      fix: "grant the Microsoft Graph application permission PeopleSettings.Read.All to photosync's identity and grant admin consent",
    };
  }
  if (read.source.toLowerCase() !== "onpremises") return undefined;
  return {
    code: "graph-writes-onpremises",
    service: "graph",
    message: "This tenant manages profile photos on-premises (photoUpdateSettings source: onPremises), so Microsoft 365 refuses every Graph photo write, for admins and apps alike",
    consequence: "Graph photo changes are shown as skipped and apply does not attempt them; SharePoint steps are planned and applied as usual",
    fix: turningCloud
      ? "this plan sets photoUpdateSettings source to cloud (tenant.photoUpdates); up to 24 hours after apply, plan and apply again to write the Graph photos"
      : "set photoUpdateSettings source to cloud (tenant.photoUpdates: { source: cloud } in photos.yaml, or PATCH beta/admin/people/photoUpdateSettings; up to 24 hours to take effect), or manage these photos on-premises",
  };
}

/** Why, too, when this plan sets the source to cloud: the change is not in force at once. */
const TURNING_CLOUD = `; this plan sets it to cloud (tenant.photoUpdates), but ${TAKES_EFFECT_NOTE}: plan and apply again once it is`;

/** A Graph step that would write becomes a skip when the tenant refuses Graph photo writes. */
function refusedGraphWrite(step: StoreStep, turningCloud: boolean): StoreStep {
  if (step.store === "spo" || !CHANGING_ACTIONS.includes(step.action)) return step;
  const why = `${ONPREMISES_SKIP_REASON}${turningCloud ? TURNING_CLOUD : ""}`;
  return { store: step.store, action: "skip", reason: `${why}; would ${step.action}: ${step.reason}`, ...(step.holder ? { holder: step.holder } : {}) };
}

const summary = (fingerprint: Fingerprint, width = fingerprint.width, height = fingerprint.height): PhotoSummary => ({
  width,
  height,
  hash: fingerprint.hash,
});

/**
 * A change that an earlier apply already wrote, while the store still serves what it served before:
 * pending, not drift to upload again (Graph can take minutes to serve a new photo). The reason
 * names the time of the write, not its age, so the plan's digest does not change by the minute.
 */
function pendingStep(step: StoreStep, upn: string, desired: DesiredImage, pending: PendingInput | undefined): StoreStep {
  if (step.action !== "create" && step.action !== "update" && step.action !== "delete") return step;
  const wanted = desired.state === "remove" ? "remove" : desired.graph.fingerprint.hash;
  const write = explainingWrite(pending, upn, step.store, wanted, step.before ? step.before.hash : null);
  if (!write) return step;
  return { ...step, action: "pending", reason: `written by apply at ${write.since}, not yet served (Graph can take minutes, up to 48 h); the store still serves the photo from before` };
}

/** Exchange Online and Entra ID: one photo each, compared by fingerprint and size. */
function graphStep(store: StoreName, desired: DesiredImage, observed: PhotoObservation | undefined, measure: Measure | undefined): StoreStep {
  if (!observed) return { store, action: "unknown", reason: "not read" };
  if (observed.state === "unknown") return { store, action: "unknown", reason: `read failed: ${observed.error.code}: ${observed.error.message}` };
  const before = observed.state === "present" ? summary(observed.fingerprint, observed.width, observed.height) : null;
  if (desired.state === "remove") {
    return before
      ? { store, action: "delete", reason: "the manifest says remove", before, after: null }
      : { store, action: "noop", reason: "no photo, as the manifest says", before: null, after: null };
  }
  const after = summary(desired.graph.fingerprint);
  if (observed.state === "absent") return { store, action: "create", reason: "no photo yet", before: null, after };
  // The service keeps only its fixed sizes up to what was uploaded: a 400 px upload is served at 360.
  const minEdge = largestGraphSizeAtMost(desired.graph.edge) ?? desired.graph.edge;
  const result = compare(desired.graph.fingerprint, { ...observed.fingerprint, width: observed.width, height: observed.height }, { minEdge, ...(measure ? { measure } : {}) });
  return { store, action: result.same ? "noop" : "update", reason: result.reason, before, after, distance: result.distances };
}

function expectedProperties(state: DesiredState, upn: string, desired: DesiredImage, folder: string): Record<SpoPropertyName, string> {
  if (desired.state === "remove") {
    return { PictureURL: "", "SPS-PicturePlaceholderState": "1", "SPS-PictureExchangeSyncState": "" };
  }
  const syncState = state.tenant.sharepoint.exchangeSyncState;
  return {
    PictureURL: pictureUrl(state.tenant.sharepoint.mySiteHost, folder, upn),
    "SPS-PicturePlaceholderState": "0",
    "SPS-PictureExchangeSyncState": syncState !== undefined ? String(syncState) : "",
  };
}

/**
 * The properties that differ. ExchangeSyncState is compared only when the manifest asks for a
 * value, and never on removal: SharePoint sets it itself as it re-syncs a mailbox user's photo
 * (its meaning is disputed), so comparing it by default would show drift after every re-sync.
 */
function propertyDifferences(actual: Record<SpoPropertyName, string>, expected: Record<SpoPropertyName, string>, removing: boolean, compareSyncState: boolean): SpoPropertyName[] {
  const differing: SpoPropertyName[] = [];
  if (!samePictureUrl(actual.PictureURL, expected.PictureURL)) differing.push("PictureURL");
  const placeholder = (value: string) => (value.trim() === "0" ? "0" : "1"); // empty means placeholder too
  if (placeholder(actual["SPS-PicturePlaceholderState"]) !== expected["SPS-PicturePlaceholderState"]) differing.push("SPS-PicturePlaceholderState");
  if (!removing && compareSyncState && actual["SPS-PictureExchangeSyncState"].trim() !== expected["SPS-PictureExchangeSyncState"]) differing.push("SPS-PictureExchangeSyncState");
  return differing;
}

/**
 * Whether a live thumbnail has a size photosync accepts: its own (the manifest's square edge) or
 * the one SharePoint gives it in its own sync (S 48, M 72, L up to 300 wide keeping proportions;
 * an L narrower than both the manifest's edge and 300 is too small). Anything else is "the wrong size".
 */
function acceptedThumbnailSize(name: ThumbnailName, width: number, height: number, edge: number): boolean {
  if (width === edge && height === edge) return true;
  if (name === "small") return width === SHAREPOINT_OWN_THUMBNAILS.small && height === SHAREPOINT_OWN_THUMBNAILS.small;
  if (name === "medium") return width === SHAREPOINT_OWN_THUMBNAILS.medium && height === SHAREPOINT_OWN_THUMBNAILS.medium;
  return width <= SHAREPOINT_OWN_THUMBNAILS.largeMaxWidth && width >= Math.min(edge, SHAREPOINT_OWN_THUMBNAILS.largeMaxWidth);
}

/** "small", "small and large", "small, medium and large". */
function listed(names: readonly string[]): string {
  return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** SharePoint: three thumbnails and three profile properties, all of which must agree. */
function spoStep(state: DesiredState, upn: string, desired: DesiredImage, observed: SpoObservation | undefined, measure: Measure | undefined): StoreStep {
  const store = "spo";
  if (!observed) return { store, action: "unknown", reason: "not read" };
  if (observed.state === "unknown") return { store, action: "unknown", reason: `read failed: ${observed.error.code}: ${observed.error.message}` };
  if (!observed.properties) {
    return { store, action: "skip", reason: "no SharePoint user profile yet (SharePoint creates it when the person first uses it)" };
  }
  // Profiles not readable with this token: the thumbnails alone are planned, and the plan's one
  // notice (spo-profile-read-denied) says the properties were not checked, instead of each person.
  const live = isProfileReadDenied(observed.properties) ? undefined : observed.properties;
  const expected = expectedProperties(state, upn, desired, observed.folder ?? DEFAULT_THUMBNAIL_FOLDER);
  const present = THUMBNAIL_NAMES.filter((name) => observed.thumbnails[name]);
  const removing = desired.state === "remove";
  const differing = live ? propertyDifferences(live, expected, removing, state.tenant.sharepoint.exchangeSyncState !== undefined) : [];
  const propertiesShown = (names: readonly SpoPropertyName[]) => ({
    before: Object.fromEntries(names.map((name) => [name, live![name]])),
    after: Object.fromEntries(names.map((name) => [name, expected[name]])),
  });
  const large = observed.thumbnails.large;
  const before = large ? summary(large.fingerprint) : null;

  if (removing) {
    if (present.length === 0 && differing.length === 0) {
      return { store, action: "noop", reason: "no photo, as the manifest says", before: null, after: null };
    }
    const parts = [present.length > 0 ? `remove ${present.join(", ")} thumbnail${present.length > 1 ? "s" : ""}` : "", differing.length > 0 ? `reset ${differing.join(", ")}` : ""];
    return {
      store,
      action: "delete",
      reason: `the manifest says remove: ${parts.filter(Boolean).join("; ")}`,
      before,
      after: null,
      thumbnails: { before: present, after: [] },
      properties: propertiesShown(differing),
    };
  }

  const after = summary(desired.thumbnails.large.fingerprint);
  const thumbnailsAfter = [...THUMBNAIL_NAMES];
  if (present.length === 0 && (differing.length > 0 || !live)) {
    return { store, action: "create", reason: "no photo yet", before: null, after, thumbnails: { before: [], after: thumbnailsAfter }, properties: propertiesShown(differing) };
  }
  // What is wrong with each thumbnail; the same finding for several is said once ("small and medium thumbnails missing").
  const thumbnailIssues = new Map<string, ThumbnailName[]>();
  const note = (name: ThumbnailName, issue: string) => {
    const names = thumbnailIssues.get(issue);
    if (names) names.push(name);
    else thumbnailIssues.set(issue, [name]);
  };
  let distance: StoreStep["distance"];
  for (const name of THUMBNAIL_NAMES) {
    const live = observed.thumbnails[name];
    const wanted = desired.thumbnails[name];
    if (!live) {
      note(name, " missing");
      continue;
    }
    const { width, height } = live.fingerprint;
    if (!acceptedThumbnailSize(name, width, height, wanted.edge)) {
      note(name, ` the wrong size (${width}x${height}, not ${wanted.edge}x${wanted.edge})`);
      continue;
    }
    // The size is accepted above; what remains is whether it is the same picture (and shape).
    const result = compare(wanted.fingerprint, live.fingerprint, { minEdge: Math.min(width, height), ...(measure ? { measure } : {}) });
    if (name === "large") distance = result.distances;
    if (!result.same) note(name, `: ${result.reason}`);
  }
  const problems = [...thumbnailIssues].map(([issue, names]) => `${listed(names)} ${names.length > 1 ? "thumbnails" : "thumbnail"}${issue}`);
  for (const name of differing) problems.push(`${name} is ${JSON.stringify(live![name])}, expected ${JSON.stringify(expected[name])}`);
  if (problems.length === 0) {
    return { store, action: "noop", reason: "same picture", before, after, ...(distance ? { distance } : {}) };
  }
  return {
    store,
    action: "update",
    reason: problems.join("; "),
    before,
    after,
    ...(distance ? { distance } : {}),
    thumbnails: { before: present, after: thumbnailsAfter },
    properties: propertiesShown(differing),
  };
}

/** How a step of a person set to default names what it writes: in words, and where it comes from. */
export const DEFAULT_PICTURE_WORDS = "the default picture (photos.yaml: default)";

/**
 * A step of a person set to default says so: a reviewer must see that the picture going up is the
 * default picture, not this person's photo, and that a "same picture" is the default picture.
 */
function asDefaultPicture(step: StoreStep): StoreStep {
  if (step.action === "skip" || step.action === "unknown") return step;
  const reason = step.action === "create" ? DEFAULT_PICTURE_WORDS : `${DEFAULT_PICTURE_WORDS}: ${step.reason}`;
  return { ...step, reason };
}

function planUser(state: DesiredState, record: PersonRecord, pending: PendingInput | undefined, measure: Measure | undefined): UserPlan {
  const plan = planUserSteps(state, record, pending, measure);
  if (record.desired.photo.kind !== "default") return plan;
  const { upn, id, photo, steps } = plan;
  return { upn, ...(id !== undefined ? { id } : {}), photo, placeholder: record.desired.photo.path, steps: steps.map(asDefaultPicture) };
}

function planUserSteps(state: DesiredState, record: PersonRecord, pending: PendingInput | undefined, measure: Measure | undefined): UserPlan {
  const user = record.desired;
  const desired = record.image;
  const photo = user.photo.kind === "photo" ? user.photo.path : user.photo.kind;
  const live = record.live;
  const lookup = live?.lookup;
  if (!live || !lookup || lookup.state === "unknown") {
    const reason = lookup?.state === "unknown" ? `user lookup failed: ${lookup.error.code}: ${lookup.error.message}` : "not read";
    return { upn: user.upn, photo, steps: user.stores.map((store) => ({ store, action: "unknown", reason })) };
  }
  if (lookup.state === "missing") {
    return { upn: user.upn, photo, steps: user.stores.map((store) => ({ store, action: "skip", reason: "no such user in the tenant" })) };
  }
  if (!record.routes) throw new Error(`internal error: ${user.upn} was found but not routed; please report this`);
  const steps = record.routes.map((route): StoreStep => {
    if (!route.managed) return { store: route.store, action: "skip", reason: route.reason };
    if (route.store === "spo") return spoStep(state, lookup.user.upn, desired, live.spo, measure);
    const step = pendingStep(graphStep(route.store, desired, live[route.store], measure), user.upn, desired, pending);
    return route.holder ? { ...step, holder: route.holder } : step;
  });
  return { upn: user.upn, id: lookup.user.id, photo, steps };
}

/** Steps per action: every person's, and the tenant settings' (they are changes like any other). */
export function countActions(users: readonly UserPlan[], settings: readonly SettingsStep[] = []): ActionCounts {
  const counts = Object.fromEntries(ACTIONS.map((action) => [action, 0])) as ActionCounts;
  for (const user of users) for (const step of user.steps) counts[step.action]++;
  for (const step of settings) counts[step.action]++;
  return counts;
}

/**
 * sha256 of the canonical (key-sorted) JSON of what the plan would do:
 * `stringify({ format, settings, tenant, users })` (settings only when the manifest keeps any, so
 * a plan without them keeps its digest), hashed a person at a time so that a 10,000-person plan's
 * text is never built whole (its keys sort as format, settings, tenant, users).
 */
export function planDigest(tenant: string, users: readonly UserPlan[], settings?: readonly SettingsStep[]): string {
  const settingsPart = settings !== undefined ? `"settings":${stringify(settings)},` : "";
  const hash = createHash("sha256").update(`{"format":${stringify("photosync.plan/v1")},${settingsPart}"tenant":${stringify(tenant)},"users":[`);
  users.forEach((user, index) => hash.update(`${index > 0 ? "," : ""}${stringify(user) ?? "null"}`));
  return hash.update("]}").digest("hex");
}

/**
 * The one notice for profiles SharePoint would not let this app read (or none). Pure. Said once
 * for the tenant, with the refusal, the consequence and the fix, never as an error per person.
 */
export function profileReadNotice(records: readonly PersonRecord[]): PlanNotice | undefined {
  let denied: ServiceError | undefined;
  let people = 0;
  for (const record of records) {
    const spo = record.live?.spo;
    if (spo?.state !== "read" || !isProfileReadDenied(spo.properties)) continue;
    denied ??= spo.properties.denied;
    people++;
  }
  if (!denied) return undefined;
  return {
    code: "spo-profile-read-denied",
    service: "sharepoint",
    message: `SharePoint refused to read user profiles with this app's token (${denied.status ?? "no status"}: ${denied.message})`,
    consequence: `thumbnails in User Photos are still read and planned; the profile properties ${SPO_PROPERTIES.join(", ")} were not checked for anyone (${people} ${people === 1 ? "person" : "people"})`,
    fix: "grant the app photosync reads with the SharePoint application permission User.Read.All (Entra admin center > App registrations > API permissions > SharePoint > Application permissions) and grant admin consent; Sites.* permissions do not give access to user profiles",
  };
}

export function plan(input: PlanInput): Plan {
  const desiredSettings = input.state.tenant.photoUpdates;
  const settingsStep = desiredSettings ? photoUpdatesStep(desiredSettings, input.photoUpdates) : undefined;
  const settings = settingsStep ? [settingsStep] : undefined;
  const turningCloud = turnsCloud(settingsStep);
  const photoUpdates = photoUpdatesNotice(input.photoUpdates, turningCloud);
  const refused = photoUpdates?.code === "graph-writes-onpremises";
  const users = input.records
    .map((record) => planUser(input.state, record, input.pending, input.measure))
    .map((user) => (refused ? { ...user, steps: user.steps.map((step) => refusedGraphWrite(step, turningCloud)) } : user))
    .sort((a, b) => upnKey(a.upn).localeCompare(upnKey(b.upn)));
  const profileRead = profileReadNotice(input.records);
  const notInForce = notInForceNotice(input.recentPhotoUpdatesChange);
  return {
    format: "photosync.plan/v1",
    tenant: input.state.tenant.id,
    notices: [...(input.notices ?? []), ...(photoUpdates ? [photoUpdates] : []), ...(notInForce ? [notInForce] : []), ...(profileRead ? [profileRead] : [])],
    users,
    ...(settings ? { settings } : {}),
    counts: countActions(users, settings),
    digest: planDigest(input.state.tenant.id, users, settings),
  };
}

/** True when applying the plan would write something. */
export function hasChanges(result: Plan): boolean {
  return result.counts.create + result.counts.update + result.counts.delete > 0;
}
