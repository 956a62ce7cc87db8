/**
 * `photosync plan`'s core, shared by the CLI and the GitHub Actions glue: load the manifest, choose
 * who to plan, render the desired photos, read the tenant, and compute the plan.
 */
import { RenderCache, defaultCacheDir } from "../images/cache.js";
import type { Problem } from "../manifest/problems.js";
import { loadForRun } from "./load-for-run.js";
import type { DesiredState, DesiredUser } from "../model/desired.js";
import { upnKey } from "../model/desired.js";
import { resolveChangedSince } from "../scope/git.js";
import { analyseDesired } from "./desired.js";
import { selectByUpn } from "../scope/users.js";
import type { DesiredImage, Plan } from "../model/plan.js";
import { plan } from "../plan/plan.js";
import type { AnalysedSource, PersonRecord } from "../model/record.js";
import { routePerson } from "../model/routing.js";
import { LiveCache } from "../stores/live-cache.js";
import { MeasureCache } from "../images/measure-cache.js";
import type { LiveRead, ReadOptions } from "../stores/read-live.js";
import { readLive } from "../stores/read-live.js";
import { readPhotoUpdateSettings } from "../stores/graph/photo-settings.js";
import type { SessionOptions, RunSession } from "./session.js";
import { openSession, readOptions } from "./session.js";
import { keepAfterPlan, loadPendingWrites, pendingFile, savePendingWrites } from "./pending-writes.js";
import { thumbnailFolderNotice } from "../stores/sharepoint/folder.js";
import { changeNotInForceYet } from "../model/photo-updates.js";
import { loadPhotoUpdatesChange, photoUpdatesChangeFile } from "./settings-changes.js";
import { KeptPhotos } from "../stores/kept-photos.js";
import type { PicturesOutcome, PicturesRequest } from "./pictures-run.js";
import { writePictures } from "./pictures-run.js";

/** Plans scoped (--users, --changed-since) to at most this many people do without the photo facts and live caches. */
const SMALL_PLAN_USERS = 25;

export interface PlanRunOptions extends SessionOptions {
  manifestPath: string;
  displayName?: string;
  /** Only these UPNs (case-insensitive). */
  users?: readonly string[];
  /** Only people whose entry or photo changed since this git ref. */
  changedSince?: string;
  read?: ReadOptions;
  /** Keep the session open for the caller (apply); the caller closes it. */
  keepSession?: boolean;
  /** A render cache other than the repo's (tests). */
  renderCache?: RenderCache;
  /** Called once the manifest is loaded, with how many people it manages (progress). */
  onLoaded?: (loaded: { people: number }) => void;
  /** Called as each planned person's photo has been analysed (progress on a terminal). */
  onAnalysed?: (done: number, total: number) => void;
  /** Also write the before/after review sheet of the people with changes (reconcile/pictures-run.ts). */
  pictures?: PicturesRequest;
  /** The caller measures more with the result's `measures` and saves them itself (report). */
  callerSavesMeasures?: boolean;
}

export type PlanRunResult =
  | { ok: false; problems: Problem[] }
  | {
      ok: true;
      plan: Plan;
      state: DesiredState;
      /** One record per planned person (keyed by upnKey): the analysis, what was read, the routes. */
      records: Map<string, PersonRecord>;
      /** What was planned: everyone, or a subset and why. */
      scope: { kind: "all" | "users" | "changed"; note?: string; dropped: Array<{ upn: string; reason: string }> };
      session?: RunSession;
      /** The distances this plan measured or remembered (report measures more with it, and saves it). */
      measures: MeasureCache;
      /** With `pictures`: the sheet written and what its pictures cost. */
      pictures?: PicturesOutcome;
    };

/** The pipeline's records: each person's analysis joined with what was read and the routes the reads followed. */
export function personRecords(
  users: readonly DesiredUser[],
  desired: ReadonlyMap<string, DesiredImage>,
  sources: ReadonlyMap<string, AnalysedSource>,
  reads: ReadonlyMap<string, LiveRead>,
): Map<string, PersonRecord> {
  const records = new Map<string, PersonRecord>();
  for (const user of users) {
    const key = upnKey(user.upn);
    const image = desired.get(key);
    // Photos with problems never reach the planner (refused above): a missing one is a bug.
    if (!image) throw new Error(`internal error: no desired photo for ${user.upn}; please report this`);
    const source = sources.get(key);
    const read = reads.get(key);
    records.set(key, { desired: user, image, ...(source ? { source } : {}), ...(read ? { live: read.live, ...(read.routes ? { routes: read.routes } : {}) } : {}) });
  }
  return records;
}

export async function runPlan(options: PlanRunOptions): Promise<PlanRunResult> {
  const manifest = await loadForRun(options.manifestPath, options.displayName);
  if (!manifest.ok) return manifest;
  const { state, loaded } = manifest;
  options.onLoaded?.({ people: state.users.length });

  let users: readonly DesiredUser[] = state.users;
  let scope: Extract<PlanRunResult, { ok: true }>["scope"] = { kind: "all", dropped: [] };
  if (options.users) {
    const selected = selectByUpn(state, options.users);
    if (selected.unknown.length > 0) {
      return { ok: false, problems: [{ severity: "error", code: "unknown-user", message: `not in the manifest: ${selected.unknown.join(", ")}` }] };
    }
    users = selected.users;
    scope = { kind: "users", dropped: [] };
  }
  if (options.changedSince) {
    const changed = await resolveChangedSince(options.manifestPath, options.changedSince, { env: options.settings.gitEnv, loaded });
    const dropped = changed.dropped.map((upn) => ({ upn, reason: changed.reasons[upnKey(upn)] ?? "no longer managed" }));
    if (changed.scope === "all") {
      scope = { kind: "all", note: changed.allReason ?? `everything may have changed since ${options.changedSince}`, dropped };
    } else {
      users = selectByUpn(state, changed.upns).users.filter((user) => users.includes(user));
      scope = { kind: "changed", note: `people whose entry or photo changed since ${options.changedSince} (${changed.commit.slice(0, 12)})`, dropped };
    }
  }

  // A plan scoped to a few people (a pull request's) does without the caches sized for the whole
  // tenant: analysing or downloading a handful of photos costs less than loading them.
  const fewPeople = scope.kind !== "all" && users.length <= SMALL_PLAN_USERS;
  // The desired photos are analysed, and checked as validate checks them, before anyone signs in:
  // a photo validate refuses stops the run here, with validate's positioned messages, and nothing
  // is read or written. (Overlapping the analysis with the tenant reads was faster, but signed in
  // and read the tenant for a repo that is not fit to plan.)
  const analysed = await analyseDesired(state, users, fewPeople ? undefined : (options.renderCache ?? new RenderCache(defaultCacheDir(state.rootDir))), options.onAnalysed);
  const photoErrors = analysed.problems.filter((problem) => problem.severity === "error");
  if (photoErrors.length > 0) return { ok: false, problems: photoErrors };
  const { desired, sources } = analysed;
  const session = await openSession(state, options);
  let handedOver = false;
  try {
    const cache = fewPeople ? new LiveCache() : LiveCache.forRepo(state.rootDir);
    const measures = fewPeople ? new MeasureCache() : MeasureCache.forRepo(state.rootDir);
    await Promise.all([cache.load(), measures.load()]);
    // With a sheet to draw, the reads keep the photo bytes they download (within a budget): the
    // sheet's "before" pictures then cost nothing more.
    const keptPhotos = options.pictures ? new KeptPhotos() : undefined;
    const read = { ...(options.read ?? readOptions(options.settings.retry)), ...(keptPhotos ? { keep: keptPhotos } : {}) };
    // The photo update settings are one request, read alongside the people (PeopleSettings.Read.All):
    // when Graph photos are planned (onPremises refuses them), and when the manifest keeps the setting.
    const managesGraph = users.some((user) => user.stores.includes("exo") || user.stores.includes("aad"));
    const [reads, photoUpdates, lastChange] = await Promise.all([
      users.length > 0 ? readLive(session.connection, users, cache, routePerson, read) : new Map<string, never>(),
      managesGraph || state.tenant.photoUpdates ? readPhotoUpdateSettings(session.connection.graph, read.graph) : undefined,
      loadPhotoUpdatesChange(photoUpdatesChangeFile(state.rootDir)),
    ]);
    const recentPhotoUpdatesChange = changeNotInForceYet(lastChange, Date.now());
    await cache.save();
    const records = personRecords(users, desired, sources, reads);
    // Tenant-wide findings of the reads, said once: the SharePoint thumbnail folder's (missing, or not found).
    const folderNotice = thumbnailFolderNotice(session.connection.sharePoint.folder.last);
    // Writes an earlier apply made that Graph did not serve yet: pending, not drift (model/pending.ts).
    const file = pendingFile(state.rootDir);
    const writes = await loadPendingWrites(file);
    const result = plan({
      state,
      records: [...records.values()],
      ...(photoUpdates ? { photoUpdates } : {}),
      pending: { writes, now: Date.now() },
      ...(folderNotice ? { notices: [folderNotice] } : {}),
      ...(recentPhotoUpdatesChange ? { recentPhotoUpdatesChange } : {}),
      measure: measures.measure,
    });
    // A plan of everyone used every pair worth keeping; a scoped one keeps the others' too.
    if (!options.callerSavesMeasures) await measures.save({ onlyUsed: scope.kind === "all" }).catch(() => undefined);
    const kept = keepAfterPlan(writes, new Map(result.users.map((user) => [upnKey(user.upn), new Map(user.steps.map((step) => [step.store, step.action]))])));
    if (kept.length !== writes.length) await savePendingWrites(file, kept, true);
    const pictures =
      options.pictures && keptPhotos
        ? await writePictures(options.pictures, {
            plan: result,
            state,
            records,
            connection: session.connection,
            kept: keptPhotos,
            read,
            renderCache: options.renderCache ?? new RenderCache(defaultCacheDir(state.rootDir)),
          })
        : undefined;
    handedOver = options.keepSession === true;
    return { ok: true, plan: result, state, records, scope, measures, ...(handedOver ? { session } : {}), ...(pictures ? { pictures } : {}) };
  } finally {
    // The caller closes a session it was given; any other, including after a failure, closes here.
    if (!handedOver) await session.close();
  }
}
