/**
 * What `photosync doctor` found, judged: the facts the pipeline gathered (reconcile/doctor-run.ts)
 * turned into a checklist with a fix for every failure. Pure.
 *
 * One root cause, one failed line: a check that cannot run because an earlier one failed says
 * "not checked: <why>" (info), and the pipeline does not try it (`blockers` decides both).
 */
import type { PhotoObservation, PhotoUpdateSettingsRead, ServiceError } from "../model/observations.js";
import type { PlanNotice } from "../model/plan.js";
import type { StoreRoute, TenantModel } from "../model/routing.js";
import { HOLDERS } from "../model/routing.js";
import type { DesiredPhotoUpdates } from "../model/photo-updates.js";
import { describePhotoUpdates } from "../model/photo-updates.js";
import { photoUpdatesNotice } from "../plan/plan.js";
import { photoUpdatesStep } from "../plan/settings.js";
import type { AccessInspection, Permission, ResourceAccess } from "../tenant/access.js";
import type { PhotoSizes } from "../stores/graph/photo-sizes.js";
import type { ThumbnailFolder } from "../stores/sharepoint/folder.js";
import type { ProfileWriteCapability } from "../stores/sharepoint/write.js";
import type { CheckArea, CheckStatus, DoctorCheck, DoctorReport } from "./report.js";
import { DOCTOR_FORMAT, countChecks } from "./report.js";

/** What Graph listed and served of one person's photo (GET /photos, then the size photosync reads). */
export type SizeProbe = PhotoSizes;

export interface SampledPerson {
  upn: string;
  lookup: "found" | "missing" | "unknown";
  error?: ServiceError;
  routes?: readonly StoreRoute[];
  /** The Graph photo as read (the store the routes gave it). */
  photo?: PhotoObservation;
  sizes?: SizeProbe;
}

export interface GraphFindings {
  model: TenantModel;
  sample: SampledPerson[];
}

export type ProfileRead =
  | { upn: string; outcome: "read" }
  | { upn: string; outcome: "no-profile" }
  | { upn: string; outcome: "denied"; error: ServiceError }
  | { upn: string; outcome: "failed"; error: ServiceError };

export interface SharePointFindings {
  /** refused: SharePoint refused to let the app read the library (an AccessError's message). */
  folder?: ThumbnailFolder | { state: "refused"; message: string };
  /** thumbnailFolderNotice's wording of a missing or unknown folder. */
  folderNotice?: PlanNotice;
  profileRead?: ProfileRead;
  /** `--writer --probe-user`: the one idempotent profile write, and apply's notice for a refusal. */
  profileWrite?: { upn: string; capability: ProfileWriteCapability; notice?: PlanNotice };
}

export interface DoctorFindings {
  tenant: string;
  identity: "reader" | "writer";
  clientId?: string;
  /** How many of the manifest's people each kind of store is asked for. */
  people: { total: number; graph: number; sharePoint: number };
  access: AccessInspection;
  permissions: { graph: readonly Permission[]; sharePoint: readonly Permission[] };
  /** refused: a read the token was refused (an AccessError's message). Absent: not read. */
  graph?: GraphFindings | { refused: string };
  photoUpdates?: PhotoUpdateSettingsRead;
  /** The manifest's tenant.photoUpdates, when it keeps who may change photos as code. */
  desiredPhotoUpdates?: DesiredPhotoUpdates;
  sharePoint?: SharePointFindings;
  probeUser?: string;
}

/** Why each later check cannot run (undefined: it can). Used by the pipeline to skip it and by the checklist to say so. */
export interface Blockers {
  graph?: string;
  photoUpdates?: string;
  sharePoint?: string;
  files?: string;
  profiles?: string;
  profileWrite?: string;
}

const missingNamed = (access: ResourceAccess | undefined, names: readonly string[]): Permission[] => access?.missing.filter((permission) => names.includes(permission.name)) ?? [];
const lacks = (api: string, missing: readonly Permission[]): string => `the app lacks the ${api} application permission ${missing.map((permission) => permission.name).join(" and ")} (above)`;

const PEOPLE_SETTINGS_READERS = ["PeopleSettings.Read.All", "PeopleSettings.ReadWrite.All"];

/** A SharePoint host that cannot be used: not signed in, or refused its token. */
function hostBlocked(host: ResourceAccess | undefined): string | undefined {
  if (!host) return undefined;
  if (!host.signIn.ok) return `sign-in to ${host.label} failed (above)`;
  if (host.refusal) return `${host.label} refused photosync's token (above)`;
  return undefined;
}

export function blockers(access: AccessInspection, options: { writer: boolean; probeUser?: string }): Blockers {
  const result: Blockers = {};
  const graph = access.graph;
  if (!graph.signIn.ok) {
    result.graph = result.photoUpdates = "sign-in to Microsoft Graph failed (above)";
  } else {
    const reads = missingNamed(graph, ["User.Read.All", "ProfilePhoto.Read.All"]);
    if (reads.length > 0) result.graph = lacks("Microsoft Graph", reads);
    // Either PeopleSettings permission reads the setting (the writer may be asked for ReadWrite.All).
    if (graph.roles && !PEOPLE_SETTINGS_READERS.some((role) => graph.roles!.includes(role))) result.photoUpdates = "the app lacks the Microsoft Graph application permission PeopleSettings.Read.All (above)";
  }
  if (access.mySite || access.admin) {
    const site = hostBlocked(access.mySite);
    const admin = hostBlocked(access.admin);
    if (site) result.sharePoint = result.files = site;
    else {
      const files = missingNamed(access.mySite, ["Sites.Read.All", "Sites.ReadWrite.All"]);
      if (files.length > 0) result.files = lacks("SharePoint", files);
    }
    if (admin) result.profiles = admin;
    else {
      const profiles = missingNamed(access.admin, ["User.Read.All", "User.ReadWrite.All"]);
      if (profiles.length > 0) result.profiles = lacks("SharePoint", profiles);
    }
  }
  // A profile is read and written by the person's current UPN, from the directory: no lookup, no profile check.
  if ((access.mySite || access.admin) && result.graph && !result.profiles) result.profiles = `people could not be looked up: ${result.graph}`;
  if (!options.writer) result.profileWrite = "doctor writes nothing without --writer --probe-user UPN";
  else if (!options.probeUser) result.profileWrite = "give --probe-user UPN (a person in the manifest) to try one idempotent profile write";
  else if (result.profiles) result.profileWrite = result.profiles;
  return result;
}

/** The app as a fix names it: its display name and client id when known. */
function appOf(findings: DoctorFindings): string {
  const name = findings.access.graph.appName ?? findings.access.mySite?.appName ?? findings.access.admin?.appName;
  if (name && findings.clientId) return `the app registration "${name}" (client id ${findings.clientId})`;
  if (findings.clientId) return `the app registration with client id ${findings.clientId}`;
  return name ? `the app registration "${name}"` : "the app registration photosync signs in as";
}

/** One line of fix for a missing application permission. */
export function grantFix(app: string, api: "Microsoft Graph" | "SharePoint", permission: string): string {
  const why = api === "SharePoint" && permission.startsWith("User.") ? "; Sites.* permissions do not give access to user profiles" : "";
  return `grant ${app} the ${api} application permission ${permission} (Entra admin center > App registrations > API permissions > Add a permission > ${api} > Application permissions) and grant admin consent${why}`;
}

/** What a failed check takes away from what photosync will manage. */
type Capability = "graph" | "files" | "profiles" | "settings";

interface Emit {
  (area: CheckArea, status: CheckStatus, title: string, detail?: string, fix?: string, affects?: readonly Capability[]): void;
}

const notChecked = (why: string): string => `not checked: ${why}`;

/** Graph's sign-in and directory reads come before everything (people are looked up first). */
const SIGN_IN_AFFECTS: Record<ResourceAccess["resource"], readonly Capability[]> = { graph: ["graph", "files", "profiles"], mySite: ["files"], admin: ["profiles"] };

/** What a missing permission takes away (PeopleSettings.Read.All only the settings check). */
function permissionAffects(api: "Microsoft Graph" | "SharePoint", name: string): Capability[] {
  if (api === "Microsoft Graph") return name === "User.Read.All" ? ["graph", "files", "profiles"] : name.startsWith("ProfilePhoto.") ? ["graph"] : name.startsWith("PeopleSettings.") ? ["settings"] : [];
  return name.startsWith("Sites.") ? ["files"] : ["profiles"];
}

function accessChecks(findings: DoctorFindings, emit: Emit): void {
  const { access } = findings;
  const app = appOf(findings);
  const hosts = [access.graph, access.mySite, access.admin].filter((host): host is ResourceAccess => host !== undefined);
  const failures = new Set<string>();
  for (const host of hosts) {
    if (!host.signIn.ok) {
      // The same failure on every resource (a wrong certificate) is one root cause, told once;
      // compared by its AADSTS code when it has one, since the rest of Entra's message carries trace ids.
      const cause = /AADSTS\d+/.exec(host.signIn.failure)?.[0] ?? host.signIn.failure.replace(/^sign-in to .*? failed/, "");
      if (failures.has(cause)) emit("access", "info", `Sign-in to ${host.label}`, notChecked("the same sign-in failure as above"));
      else emit("access", "fail", `Sign-in to ${host.label}`, "failed", host.signIn.failure, SIGN_IN_AFFECTS[host.resource]);
      failures.add(cause);
      continue;
    }
    const roles = host.roles ? `application permissions granted: ${host.roles.length > 0 ? host.roles.join(", ") : "none"}` : "a delegated token (no roles claim): the service decides per request";
    emit("access", "pass", `Signed in to ${host.label}`, roles);
  }
  // The permissions, one line each, judged by the roles of the API's token (both SharePoint hosts carry the same roles).
  const apis: Array<{ api: "Microsoft Graph" | "SharePoint"; token: ResourceAccess | undefined; needed: readonly Permission[] }> = [
    { api: "Microsoft Graph", token: access.graph, needed: findings.permissions.graph },
    { api: "SharePoint", token: [access.mySite, access.admin].find((host) => host?.signIn.ok) ?? access.mySite, needed: findings.permissions.sharePoint },
  ];
  for (const { api, token, needed } of apis) {
    if (!token || needed.length === 0) continue;
    if (!token.signIn.ok) {
      emit("access", "info", `${api} application permissions`, notChecked(`sign-in to ${token.label} failed (above)`));
      continue;
    }
    if (!token.roles) {
      emit("access", "info", `${api} application permissions`, "not checked: a delegated token carries no roles claim; each request is judged by the service");
      continue;
    }
    const roles = token.roles;
    for (const permission of needed) {
      const title = `${api} ${permission.name} (${permission.for})`;
      const through = permission.anyOf.find((role) => roles.includes(role));
      // A permission a run can do without is a warning: what the run then does not do is said.
      if (through === undefined && permission.withoutIt) emit("access", "warn", title, `not granted: ${permission.withoutIt}`, grantFix(app, api, permission.name));
      else if (through === undefined) emit("access", "fail", title, "not granted", grantFix(app, api, permission.name), permissionAffects(api, permission.name));
      else emit("access", "pass", title, through === permission.name ? "granted" : `granted through ${through}`);
    }
  }
  // SharePoint's own verdict on the token (POST /_api/contextinfo), per host.
  const refusals = new Set<string>();
  for (const host of [access.mySite, access.admin]) {
    if (!host?.signIn.ok) continue;
    if (host.refusal) {
      if (refusals.has(host.refusal.said)) emit("access", "info", `${host.label} accepts photosync's token`, notChecked("refused as above"));
      else emit("access", "fail", `${host.label} accepts photosync's token`, `refused (${host.refusal.status}: ${host.refusal.said})`, host.refusal.fix, host.resource === "mySite" ? ["files"] : ["profiles"]);
      refusals.add(host.refusal.said);
    } else if (host.unreachable) {
      emit("access", "warn", `${host.label} accepts photosync's token`, `could not ask ${host.url}: ${host.unreachable}`, "check the network path to SharePoint Online (proxy, PHOTOSYNC_CA_FILE for a TLS-inspecting proxy) and run doctor again");
    } else {
      emit("access", "pass", `${host.label} accepts photosync's token`, `${host.url} (POST /_api/contextinfo)`);
    }
  }
}

const MODEL_TITLES: Record<TenantModel, string> = {
  current: "current: Entra ID holds every photo",
  legacy: "legacy: mailbox first",
  undetermined: "undetermined: every person sampled has a mailbox",
};

const MODEL_DETAILS: Record<TenantModel, string> = {
  current: HOLDERS.current,
  legacy: `${HOLDERS.legacyExo}; people without one: ${HOLDERS.legacyAad}`,
  undetermined: `${HOLDERS.undetermined}; photosync plans one Graph photo per person, which is right in both models`,
};

function holderOf(routes: readonly StoreRoute[] | undefined): string | undefined {
  const route = routes?.find((candidate) => candidate.store !== "spo" && candidate.managed);
  return route?.managed ? route.holder : undefined;
}

function personCheck(person: SampledPerson, emit: Emit): void {
  const title = person.upn;
  if (person.lookup === "missing") {
    emit("graph", "warn", title, "not found in the directory (by UPN, or by id when the manifest gives one)", `check the UPN in photos.yaml against Entra ID (a renamed person keeps their id: add it as \`id:\`)`);
    return;
  }
  if (person.lookup === "unknown") {
    emit("graph", "warn", title, `the directory lookup failed (${person.error?.code ?? "no code"}: ${person.error?.message ?? ""})`, "run doctor again; if it lasts, check Microsoft 365's service health");
    return;
  }
  const graphRoutes = person.routes?.filter((route) => route.store !== "spo") ?? [];
  const managed = graphRoutes.find((route) => route.managed);
  if (!managed) {
    const skipped = graphRoutes.find((route) => !route.managed);
    emit("graph", "info", title, skipped && !skipped.managed ? `not managed in Graph: ${skipped.reason}` : "no Graph photo is managed for this person");
    return;
  }
  // The tenant's model line says where photos live; a person's line says it only where it differs (legacy tenants).
  const holder = holderOf(person.routes);
  const routed = holder === HOLDERS.legacyAad ? "no usable Exchange Online mailbox: routed to Entra ID (Graph beta)" : holder === HOLDERS.legacyExo ? "in the Exchange Online mailbox (Graph v1.0)" : undefined;
  const photo = person.photo;
  if (!photo || photo.state === "absent") {
    emit("graph", "info", title, `no photo yet${routed ? `; ${routed}` : ""}`);
    return;
  }
  if (photo.state === "unknown") {
    emit("graph", "warn", title, `the photo could not be read (${photo.error.code}: ${photo.error.message})${routed ? `; ${routed}` : ""}`, "run doctor again; if it lasts, check Microsoft 365's service health");
    return;
  }
  const parts = [`Graph serves a ${photo.width}x${photo.height} photo${routed ? `, ${routed}` : ""}`];
  const sizes = person.sizes;
  if (!sizes) {
    emit("graph", "pass", title, parts.join("; "));
    return;
  }
  parts.push(`sizes listed: ${sizes.listed.length > 0 ? sizes.listed.join(", ") : "none"}`);
  if (!sizes.served.ok) {
    parts.push(`${sizes.asked} could not be read (${sizes.served.error}): photosync reads the whole photo instead`);
    emit("graph", "info", title, parts.join("; "));
    return;
  }
  const served = `${sizes.asked} served as a ${sizes.served.width}x${sizes.served.height} ${sizes.served.format}`;
  if (sizes.served.why) {
    // Entra ID may answer a size it does not have with a 1x1 (beta profilephoto-get.md): photosync checks and reads the whole photo.
    parts.push(`${served}, not the size asked for: photosync checks what it is served and reads the whole photo instead`);
    emit("graph", "info", title, parts.join("; "));
    return;
  }
  parts.push(served);
  emit("graph", "pass", title, parts.join("; "));
}

function graphChecks(findings: DoctorFindings, block: Blockers, emit: Emit): void {
  if (findings.people.graph === 0) {
    emit("graph", "info", "Graph photos", "the manifest manages no Graph photo (exo or aad)");
    return;
  }
  if (block.graph) {
    emit("graph", "info", "The tenant's photo behaviour and a sample of people", notChecked(block.graph));
    return;
  }
  const graph = findings.graph;
  if (!graph) {
    emit("graph", "info", "The tenant's photo behaviour and a sample of people", notChecked("nobody was sampled"));
    return;
  }
  if ("refused" in graph) {
    emit("graph", "fail", "Reading people and photos through Graph", "refused", graph.refused, ["graph"]);
    return;
  }
  emit("graph", graph.model === "undetermined" ? "info" : "pass", MODEL_TITLES[graph.model], MODEL_DETAILS[graph.model]);
  for (const person of graph.sample) personCheck(person, emit);
}

/**
 * Who may change photos as the tenant has it, and, when photos.yaml keeps tenant.photoUpdates,
 * whether plan will show a change of it (the plan's own step, photoUpdatesStep, decides).
 */
function photoUpdateRolesChecks(findings: DoctorFindings, read: Extract<PhotoUpdateSettingsRead, { state: "read" }>, emit: Emit): void {
  const live = describePhotoUpdates(read);
  const desired = findings.desiredPhotoUpdates;
  if (!desired) {
    emit("photo-updates", "info", `Who may change photos: ${live}`, "photos.yaml leaves this setting alone (add tenant.photoUpdates to keep it as code)");
    return;
  }
  const step = photoUpdatesStep(desired, read);
  if (step.action === "noop") {
    emit("photo-updates", "pass", `Who may change photos: ${live}`, "as photos.yaml says (tenant.photoUpdates)");
    return;
  }
  const applies = findings.identity === "writer" ? "apply changes it with this identity" : "apply changes it with the writer identity (PeopleSettings.ReadWrite.All)";
  emit("photo-updates", "info", `Who may change photos: ${live}; photos.yaml asks for a change`, `plan shows a tenant-settings step and ${applies}: ${step.consequence ?? step.reason}`);
}

export const OWA_POLICY_READ = "Get-OwaMailboxPolicy | Format-List Identity,SetPhotoEnabled";
export const OWA_POLICY_SET = "Set-OwaMailboxPolicy -Identity OwaMailboxPolicy-Default -SetPhotoEnabled $false";

function photoUpdateChecks(findings: DoctorFindings, block: Blockers, emit: Emit): void {
  if (findings.people.graph === 0 && !findings.desiredPhotoUpdates) return;
  const title = "photoUpdateSettings (who may change photos through Microsoft 365)";
  if (block.photoUpdates) emit("photo-updates", "info", title, notChecked(block.photoUpdates));
  else if (findings.photoUpdates) {
    const read = findings.photoUpdates;
    const notice = photoUpdatesNotice(read);
    if (read.state === "unknown") {
      emit("photo-updates", "warn", title, notice?.message ?? "could not be read", notice?.fix ?? "run doctor again");
    } else if (notice && findings.desiredPhotoUpdates?.source === "cloud") {
      // photos.yaml turns it to cloud: apply makes the change; the writes wait for it to be in force.
      emit("photo-updates", "warn", `source: ${read.source}: Graph photo writes are refused until photos.yaml's source: cloud is applied and in force`, notice.message, "apply changes the setting (tenant.photoUpdates); Microsoft 365 can take up to 24 hours to put it in force, and until then Graph photo changes are skipped");
    } else if (notice && findings.people.graph > 0) {
      emit("photo-updates", "fail", `source: ${read.source}: every Graph photo write will be refused`, `${notice.message}; ${notice.consequence}`, notice.fix, ["graph"]);
    } else if (notice) {
      emit("photo-updates", "pass", `source: ${read.source}`, "photos are managed on-premises; photos.yaml manages no Graph photo");
    } else {
      emit("photo-updates", "pass", `source: ${read.source}`, "Graph photo writes are allowed for admins and apps");
    }
    if (read.state === "read") photoUpdateRolesChecks(findings, read, emit);
  }
  emit(
    "photo-updates",
    "info",
    "Outlook on the web's SetPhotoEnabled policy cannot be read through Graph",
    `check it with Exchange Online PowerShell: ${OWA_POLICY_READ}; to stop people changing their photo in Outlook on the web as well: ${OWA_POLICY_SET}`,
  );
}

function sharePointChecks(findings: DoctorFindings, block: Blockers, emit: Emit): void {
  if (findings.people.sharePoint === 0) return;
  const spo = findings.sharePoint ?? {};
  const folderTitle = "The User Photos library and its thumbnail folder";
  if (block.files) emit("sharepoint", "info", folderTitle, notChecked(block.files));
  else if (spo.folder?.state === "refused") emit("sharepoint", "fail", folderTitle, "refused", spo.folder.message, ["files"]);
  else if (spo.folder?.state === "found") emit("sharepoint", "pass", `Thumbnail folder: ${spo.folder.path}`, "found in the My Site host's User Photos library (its name follows the My Site's language)");
  else if (spo.folder?.state === "missing") {
    emit("sharepoint", "warn", `Thumbnail folder ${spo.folder.path} does not exist yet`, spo.folderNotice?.consequence ?? "apply creates it", "nothing to do if the writer has SharePoint Sites.ReadWrite.All: apply creates the folder before the first upload");
  } else if (spo.folder?.state === "unknown") {
    emit("sharepoint", "fail", folderTitle, spo.folderNotice?.message ?? spo.folder.error.message, spo.folderNotice?.fix ?? "run doctor again", ["files", "profiles"]);
  }

  const profileTitle = "Reading a user profile";
  const read = spo.profileRead;
  if (block.profiles) emit("sharepoint", "info", profileTitle, notChecked(block.profiles));
  else if (!read) emit("sharepoint", "info", profileTitle, notChecked("nobody sampled has a SharePoint profile to read"));
  else if (read.outcome === "read") emit("sharepoint", "pass", `Read the profile of ${read.upn}`, "SPS-PicturePlaceholderState, PictureURL and the other photo properties are readable");
  else if (read.outcome === "no-profile") emit("sharepoint", "warn", `Read the profile of ${read.upn}`, "SharePoint has no user profile for this person yet", "nothing to do if they are new: SharePoint creates the profile in its next sync; otherwise check their licence");
  else if (read.outcome === "denied") {
    emit("sharepoint", "fail", `SharePoint refused to read the profile of ${read.upn}`, `${read.error.status ?? "no status"}: ${read.error.message}`, grantFix(appOf(findings), "SharePoint", findings.identity === "writer" ? "User.ReadWrite.All" : "User.Read.All"), ["profiles"]);
  } else emit("sharepoint", "warn", `Read the profile of ${read.upn}`, `failed (${read.error.code}: ${read.error.message})`, "run doctor again; if it lasts, check Microsoft 365's service health");

  if (findings.identity !== "writer") return;
  const writeTitle = "Writing a user profile (one idempotent write)";
  const write = spo.profileWrite;
  if (block.profileWrite) emit("sharepoint", "info", writeTitle, notChecked(block.profileWrite));
  else if (!write) emit("sharepoint", "info", writeTitle, notChecked(`${findings.probeUser ?? "the probe user"} has no SharePoint profile to write`));
  else if (write.capability.state === "allowed") {
    emit("sharepoint", "pass", `Profile write for ${write.upn}`, "wrote SPS-PicturePlaceholderState back with the value it had (idempotent: nothing changed)");
  } else if (write.capability.state === "denied") {
    emit("sharepoint", "fail", `SharePoint refused a profile write for ${write.upn}`, write.notice?.message ?? `${write.capability.error.status ?? "no status"}: ${write.capability.error.message}`, write.notice?.fix ?? grantFix(appOf(findings), "SharePoint", "User.ReadWrite.All"), ["profiles"]);
  } else {
    emit("sharepoint", "warn", `Profile write for ${write.upn}`, `could not be tried (${write.capability.error.code}: ${write.capability.error.message})`, "run doctor again; if it lasts, check Microsoft 365's service health");
  }
  emit("sharepoint", "info", "Whether SharePoint accepts uploaded profile pictures", "only an upload tells (an admin may have disabled them); doctor uploads no file, so apply's first thumbnail upload is the test");
}

const forPeople = (count: number, total: number): string => (count === total ? `all ${total} ${total === 1 ? "person" : "people"}` : `${count} of ${total} people`);

function manageChecks(findings: DoctorFindings, failures: ReadonlyArray<{ check: DoctorCheck; affects: readonly Capability[] }>, emit: Emit): void {
  const first = (capability: Capability) => failures.find((failure) => failure.affects.includes(capability))?.check;
  const { total, graph, sharePoint } = findings.people;
  if (graph > 0) {
    const failed = first("graph");
    if (failed) emit("manage", "fail", `No Graph photos (asked for ${forPeople(graph, total)})`, `because: ${failed.title}`, failed.fix);
    else emit("manage", "pass", `Graph photos for ${forPeople(graph, total)}`);
  }
  if (findings.desiredPhotoUpdates) {
    const failed = first("settings");
    const title = "Who may change photos (tenant.photoUpdates)";
    if (failed) emit("manage", "fail", `Not ${title.charAt(0).toLowerCase()}${title.slice(1)}`, `because: ${failed.title}`, failed.fix);
    else emit("manage", "pass", title, findings.identity === "writer" ? "planned and applied" : "planned (apply changes it with the writer identity)");
  }
  if (sharePoint > 0) {
    const files = first("files");
    const profiles = first("profiles");
    if (files) emit("manage", "fail", `No SharePoint thumbnails or profile properties (asked for ${forPeople(sharePoint, total)})`, `because: ${files.title}`, files.fix);
    else if (profiles) emit("manage", "fail", `SharePoint thumbnails but not profile properties (asked for ${forPeople(sharePoint, total)})`, `because: ${profiles.title}`, profiles.fix);
    else {
      // Without a probe, the writer's profile writes are not known: said, not promised.
      const untried = findings.identity === "writer" && findings.sharePoint?.profileWrite?.capability.state !== "allowed";
      emit("manage", "pass", `SharePoint thumbnails and profile properties for ${forPeople(sharePoint, total)}`, untried ? "profile writes were not tried (--probe-user UPN tries one)" : undefined);
    }
  }
}

/** The checklist for what doctor found. */
export function doctorReport(findings: DoctorFindings, options: { probeUser?: string; wrote: boolean }): DoctorReport {
  const checks: DoctorCheck[] = [];
  const failures: Array<{ check: DoctorCheck; affects: readonly Capability[] }> = [];
  const emit: Emit = (area, status, title, detail, fix, affects = []) => {
    const check: DoctorCheck = { area, status, title, ...(detail ? { detail } : {}), ...(fix && (status === "fail" || status === "warn") ? { fix } : {}) };
    checks.push(check);
    if (status === "fail") failures.push({ check, affects });
  };
  const block = blockers(findings.access, { writer: findings.identity === "writer", ...(options.probeUser ? { probeUser: options.probeUser } : {}) });
  accessChecks(findings, emit);
  graphChecks(findings, block, emit);
  photoUpdateChecks(findings, block, emit);
  sharePointChecks(findings, block, emit);
  manageChecks(findings, [...failures], emit);
  const name = findings.access.graph.appName ?? findings.access.mySite?.appName;
  return {
    format: DOCTOR_FORMAT,
    tenant: findings.tenant,
    identity: findings.identity,
    app: { ...(findings.clientId ? { clientId: findings.clientId } : {}), ...(name ? { name } : {}) },
    wrote: options.wrote,
    checks,
    counts: countChecks(checks),
  };
}
