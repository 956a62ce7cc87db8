/**
 * `photosync doctor`'s pipeline: load the manifest, sign in for every resource without stopping at
 * the first failure, read a small sample of managed people, and judge it (src/doctor/checks.ts).
 * Read-only, except `--writer --probe-user UPN`: one profile write of the value the property
 * already has (idempotent). A check whose prerequisite failed is not tried (`blockers`).
 */
import { spGet } from "@pnp/sp";
import type { Problem } from "../manifest/problems.js";
import { loadForRun } from "./load-for-run.js";
import type { DesiredState, DesiredUser } from "../model/desired.js";
import { upnKey } from "../model/desired.js";
import { AccessError } from "../model/errors.js";
import { HOLDERS, routePerson } from "../model/routing.js";
import { profileWriteNotice } from "../apply/execute.js";
import type { DoctorFindings, GraphFindings, SampledPerson, SharePointFindings } from "../doctor/checks.js";
import { blockers, doctorReport } from "../doctor/checks.js";
import type { DoctorReport } from "../doctor/report.js";
import { selectByUpn } from "../scope/users.js";
import { probePhotoSizes } from "../stores/graph/photo-sizes.js";
import type { PhotoSizes } from "../stores/graph/photo-sizes.js";
import { readPhotoUpdateSettings } from "../stores/graph/photo-settings.js";
import type { PhotoReadTarget } from "../stores/graph/read.js";
import { LiveCache } from "../stores/live-cache.js";
import { readLiveWithModel } from "../stores/read-live.js";
import type { LiveRead } from "../stores/read-live.js";
import { thumbnailFolderNotice } from "../stores/sharepoint/folder.js";
import { profileQuery } from "../stores/sharepoint/read.js";
import type { ProfileAnswer } from "../stores/sharepoint/read.js";
import { probeProfileWrites } from "../stores/sharepoint/write.js";
import type { TenantConnection } from "../stores/connection.js";
import { doctorPermissions, inspectAccess } from "../tenant/access.js";
import { toServiceError } from "../tenant/errors.js";
import type { SessionOptions } from "./session.js";
import { openConnection, readOptions } from "./session.js";

/** People sampled by default: enough to tell the photo model, few enough to be quick on 10,000. */
export const DEFAULT_SAMPLE = 5;

export interface DoctorRunOptions extends SessionOptions {
  manifestPath: string;
  displayName?: string;
  /** How many managed people to read (default DEFAULT_SAMPLE). */
  sample?: number;
  /** A person of the manifest: sampled first; with `writer`, the one idempotent profile write. */
  probeUser?: string;
}

export type DoctorRunResult = { ok: false; problems: Problem[] } | { ok: true; report: DoctorReport; state: DesiredState };

const graphStores = (user: DesiredUser): boolean => user.stores.includes("exo") || user.stores.includes("aad");

/** The sample: the probe user first, then the manifest's people in UPN order (deterministic). */
export function chooseSample(users: readonly DesiredUser[], size: number, probe?: DesiredUser): DesiredUser[] {
  const ordered = [...users].sort((a, b) => upnKey(a.upn).localeCompare(upnKey(b.upn)));
  const rest = ordered.filter((user) => user !== probe);
  return [...(probe ? [probe] : []), ...rest].slice(0, Math.max(size, probe ? 1 : 0));
}

async function readGraphSample(connection: TenantConnection, sample: readonly DesiredUser[], options: DoctorRunOptions): Promise<{ graph: GraphFindings | { refused: string }; reads: Map<string, LiveRead> }> {
  const read = readOptions(options.settings.retry);
  // Graph only here: SharePoint is checked on its own below, for one person.
  const graphOnly = sample.map((user) => ({ ...user, stores: user.stores.filter((store) => store !== "spo") }));
  let result: Awaited<ReturnType<typeof readLiveWithModel>>;
  try {
    result = await readLiveWithModel(connection, graphOnly, new LiveCache(), routePerson, read);
  } catch (error) {
    if (error instanceof AccessError) return { graph: { refused: error.message }, reads: new Map() };
    throw error;
  }
  const byVersion = { "v1.0": [] as PhotoReadTarget[], beta: [] as PhotoReadTarget[] };
  const people: SampledPerson[] = [];
  for (const user of sample) {
    const key = upnKey(user.upn);
    const live = result.reads.get(key);
    const lookup = live?.live.lookup;
    if (!lookup || lookup.state !== "found") {
      people.push({ upn: user.upn, lookup: lookup?.state ?? "unknown", ...(lookup?.state === "unknown" ? { error: lookup.error } : {}) });
      continue;
    }
    const photo = live.live.aad ?? live.live.exo;
    const routes = live.routes ?? [];
    people.push({ upn: user.upn, lookup: "found", routes, ...(photo ? { photo } : {}) });
    if (photo?.state === "present") {
      // Legacy tenants read people without a mailbox through beta (Entra ID); everyone else through v1.0.
      const holder = routes.find((route) => route.managed && route.store !== "spo");
      const beta = holder?.managed === true && holder.holder === HOLDERS.legacyAad;
      byVersion[beta ? "beta" : "v1.0"].push({ key, userId: lookup.user.id });
    }
  }
  const sizes = new Map<string, PhotoSizes>();
  for (const version of ["v1.0", "beta"] as const) {
    if (byVersion[version].length === 0) continue;
    for (const [key, probe] of await probePhotoSizes(connection.graph, version, byVersion[version], read.graph)) sizes.set(key, probe);
  }
  for (const person of people) {
    const probe = sizes.get(upnKey(person.upn));
    if (probe) person.sizes = probe;
  }
  return { graph: { model: result.model, sample: people }, reads: result.reads };
}

async function readProfile(connection: TenantConnection, upn: string): Promise<NonNullable<SharePointFindings["profileRead"]>> {
  try {
    const answer = (await spGet(profileQuery(connection.sharePoint.admin, upn))) as ProfileAnswer | null;
    return answer?.["odata.null"] || !answer?.UserProfileProperties ? { upn, outcome: "no-profile" } : { upn, outcome: "read" };
  } catch (error) {
    const failure = toServiceError(error);
    return { upn, outcome: failure.kind === "access" ? "denied" : "failed", error: failure };
  }
}

async function checkSharePoint(
  connection: TenantConnection,
  block: ReturnType<typeof blockers>,
  candidate: string | undefined,
  probe: string | undefined,
): Promise<SharePointFindings> {
  const findings: SharePointFindings = {};
  if (!block.files) {
    try {
      findings.folder = await connection.sharePoint.folder.discover();
      const notice = thumbnailFolderNotice(findings.folder);
      if (notice) findings.folderNotice = notice;
    } catch (error) {
      if (!(error instanceof AccessError)) throw error;
      findings.folder = { state: "refused", message: error.message };
    }
  }
  if (!block.profiles && candidate) findings.profileRead = await readProfile(connection, candidate);
  if (!block.profileWrite && probe) {
    const capability = await probeProfileWrites(connection.sharePoint.admin, probe);
    findings.profileWrite = { upn: probe, capability, ...(capability.state === "denied" ? { notice: profileWriteNotice(capability.error, 0) } : {}) };
  }
  return findings;
}

export async function runDoctor(options: DoctorRunOptions): Promise<DoctorRunResult> {
  const manifest = await loadForRun(options.manifestPath, options.displayName);
  if (!manifest.ok) return manifest;
  const state = manifest.state;
  let probe: DesiredUser | undefined;
  if (options.probeUser) {
    const selected = selectByUpn(state, [options.probeUser]);
    if (selected.unknown.length > 0) return { ok: false, problems: [{ severity: "error", code: "unknown-user", message: `not in the manifest: ${selected.unknown.join(", ")}` }] };
    probe = selected.users[0];
  }
  const writer = options.writer === true;
  const people = { total: state.users.length, graph: state.users.filter(graphStores).length, sharePoint: state.users.filter((user) => user.stores.includes("spo")).length };

  const session = await openConnection(state, options);
  try {
    const permissions = doctorPermissions({ writer, sharePoint: session.access.sharePoint, peopleSettings: session.access.peopleSettings });
    const access = await inspectAccess(session.access, permissions);
    const block = blockers(access, { writer, ...(probe ? { probeUser: probe.upn } : {}) });
    const findings: DoctorFindings = {
      tenant: state.tenant.id,
      identity: writer ? "writer" : "reader",
      ...(session.access.clientId ? { clientId: session.access.clientId } : {}),
      people,
      access,
      permissions,
      ...(probe ? { probeUser: probe.upn } : {}),
      ...(state.tenant.photoUpdates ? { desiredPhotoUpdates: state.tenant.photoUpdates } : {}),
    };
    const sample = chooseSample(state.users, options.sample ?? DEFAULT_SAMPLE, probe);
    let reads = new Map<string, LiveRead>();
    if (!block.graph && sample.length > 0) {
      const graph = await readGraphSample(session.connection, sample, options);
      findings.graph = graph.graph;
      reads = graph.reads;
    }
    // Read when Graph photos are managed (onPremises refuses their writes) or the setting is kept as code.
    if ((people.graph > 0 || state.tenant.photoUpdates) && !block.photoUpdates) findings.photoUpdates = await readPhotoUpdateSettings(session.connection.graph, readOptions(options.settings.retry).graph);
    if (people.sharePoint > 0 && !block.sharePoint) {
      // SharePoint names profiles by the tenant's current UPN: the directory's, from the sample's lookups.
      const tenantUpn = (user: DesiredUser | undefined): string | undefined => {
        const lookup = user ? reads.get(upnKey(user.upn))?.live.lookup : undefined;
        return lookup?.state === "found" && lookup.user.userType === "Member" && lookup.user.licensed ? lookup.user.upn : undefined;
      };
      const spoSample = sample.filter((user) => user.stores.includes("spo"));
      const candidate = tenantUpn(probe) ?? spoSample.map(tenantUpn).find((upn) => upn !== undefined);
      findings.sharePoint = await checkSharePoint(session.connection, block, candidate, writer && probe ? (tenantUpn(probe) ?? probe.upn) : undefined);
    }
    const wrote = findings.sharePoint?.profileWrite?.capability.state === "allowed";
    return { ok: true, report: doctorReport(findings, { ...(probe ? { probeUser: probe.upn } : {}), wrote }), state };
  } finally {
    await session.close();
  }
}
