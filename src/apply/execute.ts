/**
 * Carrying out a plan. Each person is independent: one person's failure never stops the others.
 * Graph writes go in $batch requests; SharePoint writes run per person in their safe order, several
 * people at a time. Only create/update/delete steps are acted on; an unknown step is never written.
 */
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import pLimit from "p-limit";
import { cacheKeyForHash, renderCached } from "../images/cache.js";
import type { RenderCache, RenderStats } from "../images/cache.js";
import { sha256 } from "../images/variants.js";
import type { RenderedPhoto } from "../images/variants.js";
import type { AnalysedSource } from "../model/record.js";
import type { DesiredState, DesiredUser, StoreName } from "../model/desired.js";
import { upnKey } from "../model/desired.js";
import { HOLDERS } from "../model/routing.js";
import type { Plan, PlanNotice, StoreStep, UserPlan } from "../model/plan.js";
import type { TenantConnection } from "../stores/connection.js";
import { throwIfAccessDenied, toServiceError } from "../tenant/errors.js";
import type { BatchOptions } from "../stores/graph/batch.js";
import type { WriteResult } from "../stores/graph/write.js";
import { writeGraphPhotos } from "../stores/graph/write.js";
import type { StepResult, UserResult } from "../model/apply.js";
import type { ServiceError } from "../model/errors.js";
import { probeProfileWrites, removeSpoPhoto, writeSpoPhoto, writeSpoThumbnails } from "../stores/sharepoint/write.js";
import type { ProfileWriteCapability } from "../stores/sharepoint/write.js";
import { DEFAULT_THUMBNAIL_FOLDER } from "../stores/sharepoint/names.js";

export interface ExecuteOptions {
  graph?: BatchOptions;
  /** People whose SharePoint steps run at once. */
  spoConcurrency?: number;
  cache?: RenderCache;
  /**
   * The source each person's plan was analysed from (keyed by upnKey): apply renders those bytes
   * and no others, and with a render cache finds the render without reading the file.
   */
  sources?: ReadonlyMap<string, AnalysedSource>;
  /** Counts the renders (hits, decodes) this apply made. */
  stats?: RenderStats;
  /** Told each tenant-wide finding of the writes (spo-profile-write-denied), once. */
  onNotice?: (notice: PlanNotice) => void;
}

/** Step actions that write to the tenant. */
export const WRITES: ReadonlySet<string> = new Set(["create", "update", "delete"]);

interface Work {
  plan: UserPlan;
  user: DesiredUser;
  userId: string;
  /** The tenant's current UPN (SharePoint names files after it). */
  tenantUpn: string;
  photo?: RenderedPhoto;
  results: Map<StoreName, StepResult>;
}

function record(work: Work, step: StoreStep, outcome: StepResult["outcome"], detail: string, error?: StepResult["error"]): void {
  work.results.set(step.store, { store: step.store, action: step.action, outcome, detail, ...(error ? { error } : {}) });
}

/** The render apply uploads for a person: of the very bytes the plan analysed (the review sheet's "after" too). */
export async function renderFor(state: DesiredState, user: DesiredUser, options: Pick<ExecuteOptions, "cache" | "sources" | "stats">): Promise<RenderedPhoto> {
  if (user.photo.kind === "remove") throw new Error("no photo to render");
  const { thumbnails } = state.tenant.sharepoint;
  const analysed = options.sources?.get(upnKey(user.upn));
  if (analysed && options.cache) {
    // The render of the very bytes the plan analysed: no need to read or hash the file again.
    const cached = await options.cache.read(cacheKeyForHash(analysed.sha256, user.render, thumbnails));
    if ("photo" in cached) {
      if (options.stats) options.stats.hits++;
      return { ...cached.photo, settings: user.render, thumbnails };
    }
  }
  const bytes = await readFile(user.photo.absolutePath);
  // Uploading bytes nobody reviewed is worse than not uploading: the plan's analysis is of other bytes.
  if (analysed && sha256(bytes) !== analysed.sha256) throw new Error("the file changed after the plan analysed it; plan again");
  return renderCached(bytes, user.render, thumbnails, options.cache, options.stats);
}

/**
 * The tenant refused a Graph photo write because it disables cloud photo updates (source onPremises
 * still in force: a change to cloud takes up to 24 hours). Set on the first such refusal: no further
 * Graph photo write is sent in this apply, and the report says it once (graphWritesRefusedNotice).
 */
interface GraphRefusal {
  error?: ServiceError;
  steps: number;
}

const REFUSED_DETAIL = "not written: the tenant still refuses Graph photo writes (see the note about this tenant)";

/** One Graph photo write: a person and the store their step names. */
interface GraphWork {
  work: Work;
  store: "exo" | "aad";
}

const graphWrite = ({ work }: GraphWork) => ({ userId: work.userId, ...(work.user.photo.kind !== "remove" ? { jpeg: work.photo!.variants.graph.bytes } : {}) });

/**
 * The Graph photo writes, exo and aad steps alike, through v1.0 first (but for the people the plan
 * already found without a mailbox in a legacy tenant), in one stream of batches:
 * v1.0 is the documented API, and in a current tenant (MC678855) it is Entra ID for everyone. The
 * people v1.0 says have no usable mailbox (a legacy tenant) are returned for the Entra ID fallback
 * (beta): uploads of either store, and deletes of the Entra ID photo (an Exchange photo that
 * cannot exist needs no delete).
 */
async function graphWrites(connection: TenantConnection, works: Work[], options: ExecuteOptions, refusal: GraphRefusal): Promise<GraphWork[]> {
  const mine: GraphWork[] = works.flatMap((work) =>
    (["exo", "aad"] as const).filter((store) => work.plan.steps.some((step) => step.store === store && WRITES.has(step.action))).map((store) => ({ work, store })),
  );
  if (mine.length === 0) return [];
  if (refusal.error) {
    for (const { work, store } of mine) refusedStep(work, store, refusal);
    return [];
  }
  // The plan's reads already found these people without a mailbox in a legacy tenant: straight to
  // the Entra ID fallback, without a v1.0 write that is bound to be refused.
  const knownNoMailbox = (item: GraphWork) => item.work.plan.steps.find((step) => step.store === item.store)?.holder === HOLDERS.legacyAad;
  const noMailbox: GraphWork[] = mine.filter(knownNoMailbox);
  const viaV1 = mine.filter((item) => !knownNoMailbox(item));
  const results = viaV1.length > 0 ? await writeGraphPhotos(connection.graph, "v1.0", viaV1.map(graphWrite), options.graph) : [];
  viaV1.forEach((item, index) => {
    const { work, store } = item;
    const step = work.plan.steps.find((candidate) => candidate.store === store)!;
    const result: WriteResult = results[index]!;
    if (result.ok) record(work, step, "done", step.action === "delete" ? "deleted the photo" : `uploaded the ${work.photo!.variants.graph.edge} px photo`);
    else if (result.tenantRefused) {
      refusal.error ??= result.error;
      refusedStep(work, store, refusal);
    } else if (result.noMailbox && (store === "aad" || step.action !== "delete")) noMailbox.push(item);
    else record(work, step, "failed", "the service refused the write", result.error);
  });
  return noMailbox;
}

function refusedStep(work: Work, store: "exo" | "aad", refusal: GraphRefusal): void {
  record(work, work.plan.steps.find((candidate) => candidate.store === store)!, "skipped", REFUSED_DETAIL);
  refusal.steps++;
}

/** The one notice for Graph photo writes the tenant refused (photoUpdateSettings not yet in force). Pure. */
export function graphWritesRefusedNotice(error: ServiceError, steps: number): PlanNotice {
  return {
    code: "graph-writes-refused",
    service: "graph",
    message: `the tenant still refuses Graph photo writes; the setting can take up to 24 hours to be in force after a change of photoUpdateSettings to source cloud (${error.status ?? "no status"} ${error.code}: ${error.message})`,
    consequence: `apply sent no further Graph photo write: ${steps} Graph ${steps === 1 ? "step was" : "steps were"} not written; SharePoint steps were applied as usual`,
    fix: "wait until the change is in force (up to 24 hours after it was made), then plan and apply again; if photoUpdateSettings still says onPremises, set tenant.photoUpdates.source to cloud",
  };
}

/** Graph v1.0 said "no mailbox" (a legacy tenant): write Entra ID through beta instead, and say so. */
async function entraFallback(connection: TenantConnection, items: GraphWork[], options: ExecuteOptions, refusal: GraphRefusal): Promise<void> {
  if (items.length === 0) return;
  if (refusal.error) {
    for (const { work, store } of items) refusedStep(work, store, refusal);
    return;
  }
  const results = await writeGraphPhotos(connection.graph, "beta", items.map(graphWrite), options.graph);
  items.forEach(({ work, store }, index) => {
    const step = work.plan.steps.find((candidate) => candidate.store === store)!;
    const result = results[index]!;
    const done = step.action === "delete" ? "deleted the Entra ID photo" : "wrote the photo to Entra ID";
    const why = store === "exo" ? "no Exchange Online mailbox after all" : "Graph v1.0 answered that there is no Exchange Online mailbox (a legacy tenant)";
    if (result.ok) record(work, step, "done", `${why}: ${done} (Graph beta) instead`);
    else if (result.tenantRefused) {
      refusal.error ??= result.error;
      refusedStep(work, store, refusal);
    } else record(work, step, "failed", `${why}, and the Entra ID fallback (Graph beta) was refused`, result.error);
  });
}

/** Where a removal deletes thumbnails: the discovered folder (a missing one holds none; 404s are ignored). */
function thumbnailFolderPath(connection: TenantConnection): string {
  const folder = connection.sharePoint.folder.last;
  return folder !== undefined && folder.state !== "unknown" ? folder.path : DEFAULT_THUMBNAIL_FOLDER;
}

/** The notice for profile writes SharePoint refuses, with the fix. Pure. */
export function profileWriteNotice(error: ServiceError, notDone: number): PlanNotice {
  return {
    code: "spo-profile-write-denied",
    service: "sharepoint",
    message: `SharePoint refused to write user profile properties with this app's token (${error.status ?? "no status"}: ${error.message})`,
    consequence:
      `the SharePoint steps that set PictureURL and the other profile properties were not done (${notDone} ${notDone === 1 ? "person" : "people"}), and no thumbnail was uploaded for them, so nothing points at a missing file; ` +
      "Graph photos were written, and thumbnails whose PictureURL already pointed at them were uploaded",
    fix:
      "check that the writer app has the SharePoint application permission User.ReadWrite.All with admin consent; if it has, this tenant refuses app-only profile writes " +
      "(sp-dev-docs #3718: Microsoft support says an Entra app-only token cannot write user profile data): drop spo from tenant.stores and let SharePoint take the photo from Entra ID itself, " +
      "which it does when the person views their profile",
  };
}

/** Whether the plan could read the profiles (if not, no step says PictureURL is already right). */
const profilesWereRead = (plan: Plan): boolean => !plan.notices.some((notice) => notice.code === "spo-profile-read-denied");

/** A create/update that changes no profile property: its PictureURL already points at the thumbnails. */
function thumbnailsOnly(step: StoreStep, plan: Plan): boolean {
  return step.action !== "delete" && profilesWereRead(plan) && Object.keys(step.properties?.after ?? {}).length === 0;
}

async function sharePoint(
  connection: TenantConnection,
  state: DesiredState,
  plan: Plan,
  works: Work[],
  profileWrites: (upn: string) => Promise<ProfileWriteCapability>,
  denied: Work[],
  options: ExecuteOptions,
): Promise<void> {
  const mine = works.filter((work) => work.plan.steps.some((step) => step.store === "spo" && WRITES.has(step.action)));
  if (mine.length === 0) return;
  // Asked once per apply, before the first upload: no thumbnail is uploaded that PictureURL cannot point at.
  const capability = await profileWrites(mine[0]!.tenantUpn);
  const limit = pLimit(options.spoConcurrency ?? 8);
  const thumbnails = (work: Work) => ({ small: work.photo!.variants["spo-S"].bytes, medium: work.photo!.variants["spo-M"].bytes, large: work.photo!.variants["spo-L"].bytes });
  await Promise.all(
    mine.map((work) =>
      limit(async () => {
        const step = work.plan.steps.find((candidate) => candidate.store === "spo")!;
        if (capability.state === "denied" && !thumbnailsOnly(step, plan)) {
          // Said once for everyone (the notice); each person's step says only what was not done.
          record(work, step, "skipped", "not written: SharePoint refuses profile writes with this app's token (see the note about this tenant); nothing was uploaded");
          denied.push(work);
          return;
        }
        try {
          const done =
            step.action === "delete"
              ? await removeSpoPhoto(connection.sharePoint, thumbnailFolderPath(connection), work.tenantUpn)
              : capability.state === "denied"
                ? await writeSpoThumbnails(connection.sharePoint.mySite, { upn: work.tenantUpn, folder: await connection.sharePoint.folder.ensure(), thumbnails: thumbnails(work) })
                : await writeSpoPhoto(connection.sharePoint, {
                    upn: work.tenantUpn,
                    mySiteHost: state.tenant.sharepoint.mySiteHost,
                    // Discovered by the plan's read; created here, once, when it was missing.
                    folder: await connection.sharePoint.folder.ensure(),
                    ...(state.tenant.sharepoint.exchangeSyncState !== undefined ? { exchangeSyncState: state.tenant.sharepoint.exchangeSyncState } : {}),
                    thumbnails: thumbnails(work),
                  });
          record(work, step, "done", done.join("; "));
        } catch (error) {
          const failure = toServiceError(error);
          // A refused token is everyone's problem, not this person's: stop with one message.
          throwIfAccessDenied(failure, "SharePoint", "Sites.ReadWrite.All and User.ReadWrite.All (SharePoint)", "writing profile pictures and properties");
          record(work, step, "failed", "SharePoint refused a write; nothing after it was attempted", failure);
        }
      }),
    ),
  );
}

/**
 * People rendered and written together. Apply renders one wave while it writes the previous one, so
 * its memory holds two waves of rendered photos whatever the plan's size (an initial rollout writes
 * everyone). 80 people fill the 4 Graph $batch requests of 20 that are written at once.
 */
export const WAVE_SIZE = 80;
/**
 * Photos rendered at once: one per core (sharp's own concurrency is 1 on glibc Linux). More only
 * adds decoded photos in memory, for no speed.
 */
const RENDER_CONCURRENCY = Math.max(2, availableParallelism());

/** Executes the plan's writes; the results list every step that was to change or was unknown. */
export async function executePlan(
  connection: TenantConnection,
  state: DesiredState,
  plan: Plan,
  userIds: ReadonlyMap<string, { id: string; upn: string }>,
  options: ExecuteOptions = {},
): Promise<UserResult[]> {
  const byKey = new Map(state.users.map((user) => [upnKey(user.upn), user]));
  const untouched: UserResult[] = [];
  const written: Work[] = [];
  const renderLimit = pLimit(RENDER_CONCURRENCY);
  // SharePoint's profile writes are probed once, on the first person with a SharePoint write.
  let probe: Promise<ProfileWriteCapability> | undefined;
  const profileWrites = (upn: string): Promise<ProfileWriteCapability> => (probe ??= probeProfileWrites(connection.sharePoint.admin, upn));
  const deniedProfiles: Work[] = [];
  const refusal: GraphRefusal = { steps: 0 };

  /** The wave's people with something to write, their photos rendered. Never rejects: a failure is the person's result. */
  const prepare = async (wave: readonly UserPlan[]): Promise<Work[]> => {
    const works: Work[] = [];
    await Promise.all(
      wave.map((userPlan) =>
        renderLimit(async () => {
          const user = byKey.get(upnKey(userPlan.upn))!;
          const identity = userIds.get(upnKey(userPlan.upn));
          const work: Work = { plan: userPlan, user, userId: identity?.id ?? "", tenantUpn: identity?.upn ?? user.upn, results: new Map() };
          for (const step of userPlan.steps) {
            if (step.action === "unknown") record(work, step, "skipped", `state unknown (${step.reason}); nothing written`);
          }
          const writes = userPlan.steps.filter((step) => WRITES.has(step.action));
          if (writes.length === 0) {
            if (work.results.size > 0) untouched.push({ upn: userPlan.upn, steps: [...work.results.values()] });
            return;
          }
          // A person's own photo and the default picture alike are rendered and uploaded.
          if (user.photo.kind !== "remove") {
            try {
              work.photo = await renderFor(state, user, options);
            } catch (error) {
              // The repo's photo, not the tenant: said as such, with what to do (nothing was sent).
              const reason = error instanceof Error ? error.message.split("\n")[0]! : String(error);
              const problem = { code: "photo-render", message: `${user.photo.path} could not be rendered (${reason}); export the photo again and check it with photosync validate` };
              for (const step of writes) record(work, step, "failed", `the repo's photo ${user.photo.path} could not be rendered; nothing was written`, problem);
              untouched.push({ upn: userPlan.upn, steps: [...work.results.values()] });
              return;
            }
          }
          works.push(work);
        }),
      ),
    );
    return works;
  };

  const waves: UserPlan[][] = [];
  for (let start = 0; start < plan.users.length; start += WAVE_SIZE) waves.push(plan.users.slice(start, start + WAVE_SIZE));
  let next = waves.length > 0 ? prepare(waves[0]!) : undefined;
  for (let index = 0; next !== undefined; index++) {
    const works = await next;
    next = index + 1 < waves.length ? prepare(waves[index + 1]!) : undefined;
    const [noMailbox] = await Promise.all([graphWrites(connection, works, options, refusal), sharePoint(connection, state, plan, works, profileWrites, deniedProfiles, options)]);
    await entraFallback(connection, noMailbox, options, refusal);
    // Written: the photo's bytes are no longer needed.
    for (const work of works) delete work.photo;
    written.push(...works);
  }

  const capability = probe ? await probe : undefined;
  if (capability?.state === "denied") options.onNotice?.(profileWriteNotice(capability.error, deniedProfiles.length));
  if (refusal.error) options.onNotice?.(graphWritesRefusedNotice(refusal.error, refusal.steps));
  const results = [...untouched, ...written.map((work) => ({ upn: work.plan.upn, steps: [...work.results.values()] }))];
  const storeOrder: StoreName[] = ["exo", "aad", "spo"];
  for (const result of results) result.steps.sort((a, b) => storeOrder.indexOf(a.store) - storeOrder.indexOf(b.store));
  return results.filter((result) => result.steps.length > 0).sort((a, b) => upnKey(a.upn).localeCompare(upnKey(b.upn)));
}
