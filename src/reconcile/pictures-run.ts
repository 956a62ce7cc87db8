/**
 * The before/after review sheet's pictures (`--pictures DIR` of plan, drift and apply's dry run):
 * "before" is what the tenant serves now, "after" is what apply uploads. Read-only: nothing here
 * writes to the tenant, and nothing here can fail a plan (a picture that cannot be had is an
 * "unavailable" side with the reason).
 *
 * - Before: the bytes the plan's reads downloaded anyway (stores/kept-photos.ts); for anyone else
 *   on the sheet (a warm live cache downloaded nothing) one extra download per store, with the
 *   plan's retry and throttling options, counted. Only for people on the sheet (at most
 *   `max`, the rest omitted), so the extra cost is bounded whatever the tenant's size.
 * - After: apply's own render (apply/execute.ts renderFor, of the bytes the plan analysed, through
 *   the render cache apply uses): the Graph photo for exo and aad, the large thumbnail for spo.
 */
import pLimit from "p-limit";
import type { RenderCache } from "../images/cache.js";
import { rasterRefusal } from "../images/decode.js";
import { renderFor } from "../apply/execute.js";
import type { DesiredState, StoreName } from "../model/desired.js";
import { upnKey } from "../model/desired.js";
import type { Plan, StoreStep, UserPlan } from "../model/plan.js";
import { CHANGING_ACTIONS } from "../model/plan.js";
import type { AnalysedSource, PersonRecord } from "../model/record.js";
import { HOLDERS } from "../model/routing.js";
import type { PictureSide, ReviewSheetFiles, ReviewSheetInput } from "../pictures/input.js";
import { reviewSheetInput, sheetPeople } from "../pictures/panels.js";
import type { StorePictures } from "../pictures/panels.js";
import { writeReviewSheet } from "../pictures/sheet.js";
import type { TenantConnection } from "../stores/connection.js";
import type { GraphResult, GraphVersion } from "../stores/graph/batch.js";
import { graphBatch } from "../stores/graph/batch.js";
import { imageHeader } from "../stores/graph/read.js";
import type { KeptPhotos } from "../stores/kept-photos.js";
import type { ReadOptions } from "../stores/read-live.js";
import { DEFAULT_THUMBNAIL_FOLDER, thumbnailPath } from "../stores/sharepoint/names.js";
import { toServiceError } from "../tenant/errors.js";

export interface PicturesRequest {
  /** Where the sheet goes (created if needed). */
  dir: string;
  kind: ReviewSheetInput["kind"];
  /** People on the sheet at most (their pictures are the only ones fetched); the rest are omitted. */
  max?: number;
  /** People per PNG page (the drawing's default otherwise). */
  perPage?: number;
}

export interface PicturesOutcome {
  input: ReviewSheetInput;
  files: ReviewSheetFiles;
  /** Before pictures the plan's reads had already downloaded. */
  fromReads: number;
  /** Downloads made for the sheet alone (none when the plan's reads had them all). */
  extraDownloads: number;
}

/** SharePoint thumbnail downloads in flight at once (a sheet's few, not a tenant's). */
const SPO_PICTURE_CONCURRENCY = 4;

/** Bytes the tenant served, as a picture side: an image of known size, or why it cannot be shown. */
async function tenantPicture(bytes: Buffer): Promise<PictureSide> {
  const refusal = await rasterRefusal(bytes);
  if (refusal) return { kind: "unavailable", why: `the tenant served bytes that are ${refusal}` };
  const header = await imageHeader(bytes);
  if (!header) return { kind: "unavailable", why: "the tenant served bytes that are not a readable image" };
  return { kind: "image", bytes, width: header.width, height: header.height };
}

const failedRead = (error: unknown): PictureSide => ({ kind: "unavailable", why: `the tenant could not be read: ${toServiceError(error).message}` });

/** Which Graph API serves a store's photo: exo and a current tenant's aad are v1.0, a legacy tenant's aad is beta. */
const graphVersionOf = (step: StoreStep): GraphVersion => (step.store === "aad" && step.holder === HOLDERS.legacyAad ? "beta" : "v1.0");

interface BeforeNeeded {
  key: string;
  store: StoreName;
  step: StoreStep;
  record: PersonRecord;
}

/** Downloads the "before" pictures the reads did not keep: Graph in $batch requests per API, SharePoint one GET each. */
async function downloadBefore(connection: TenantConnection, needed: readonly BeforeNeeded[], read: ReadOptions): Promise<Map<string, PictureSide>> {
  const sides = new Map<string, PictureSide>();
  const id = (need: BeforeNeeded) => `${need.key}|${need.store}`;
  const graph = { onThrottled: connection.http.backoff.reporter("graph"), ...read.graph };
  for (const version of ["v1.0", "beta"] as const) {
    const mine = needed.filter((need) => need.store !== "spo" && graphVersionOf(need.step) === version);
    if (mine.length === 0) continue;
    let results: GraphResult[];
    try {
      // The whole photo: what the tenant serves as this person's picture (Entra ID may not have a smaller size).
      results = await graphBatch(connection.graph, version, mine.map((need) => ({ method: "GET", url: `/users/${userIdOf(need.record)}/photo/$value` })), graph);
    } catch (error) {
      for (const need of mine) sides.set(id(need), failedRead(error));
      continue;
    }
    await Promise.all(
      mine.map(async (need, index) => {
        const result = results[index]!;
        if (!result.ok) sides.set(id(need), { kind: "unavailable", why: `the tenant could not be read: ${result.error.message}` });
        else if (!Buffer.isBuffer(result.body)) sides.set(id(need), { kind: "unavailable", why: "the tenant answered without photo bytes" });
        else sides.set(id(need), await tenantPicture(result.body));
      }),
    );
  }
  const limit = pLimit(SPO_PICTURE_CONCURRENCY);
  await Promise.all(
    needed
      .filter((need) => need.store === "spo")
      .map((need) =>
        limit(async () => {
          const spo = need.record.live?.spo;
          const lookup = need.record.live?.lookup;
          // SharePoint names the files after the tenant's current UPN, in the folder the plan read.
          const upn = lookup?.state === "found" ? lookup.user.upn : need.record.desired.upn;
          const folder = spo?.state === "read" ? (spo.folder ?? DEFAULT_THUMBNAIL_FOLDER) : DEFAULT_THUMBNAIL_FOLDER;
          try {
            sides.set(id(need), await tenantPicture(await connection.sharePoint.mySite.download(thumbnailPath(folder, upn, "large"))));
          } catch (error) {
            sides.set(id(need), failedRead(error));
          }
        }),
      ),
  );
  return sides;
}

function userIdOf(record: PersonRecord): string {
  const lookup = record.live?.lookup;
  // A changing Graph step exists only for someone the directory found.
  if (lookup?.state !== "found") throw new Error(`internal error: a changing step for ${record.desired.upn}, who was not found; please report this`);
  return lookup.user.id;
}

/** The "after" of each of a person's changing stores: apply's render, or none when apply removes the photo. */
async function afterPictures(
  state: DesiredState,
  record: PersonRecord,
  steps: readonly StoreStep[],
  render: { cache?: RenderCache; sources: ReadonlyMap<string, AnalysedSource> },
): Promise<Map<StoreName, PictureSide>> {
  const sides = new Map<StoreName, PictureSide>();
  const uploads = steps.filter((step) => step.action !== "delete");
  for (const step of steps) if (step.action === "delete") sides.set(step.store, { kind: "none" });
  if (uploads.length === 0) return sides;
  try {
    const photo = await renderFor(state, record.desired, render);
    for (const step of uploads) {
      const variant = step.store === "spo" ? photo.variants["spo-L"] : photo.variants.graph;
      sides.set(step.store, { kind: "image", bytes: variant.bytes, width: variant.edge, height: variant.edge });
    }
  } catch (error) {
    for (const step of uploads) sides.set(step.store, { kind: "unavailable", why: `the photo could not be rendered: ${(error as Error).message}` });
  }
  return sides;
}

/**
 * Gathers every picture of the people on the sheet and writes it to `request.dir`. `kept` holds
 * the bytes the plan's reads downloaded; `records` are the plan's (identities, folders, sources).
 */
export async function writePictures(
  request: PicturesRequest,
  context: {
    plan: Plan;
    state: DesiredState;
    records: ReadonlyMap<string, PersonRecord>;
    connection: TenantConnection;
    kept: KeptPhotos;
    read: ReadOptions;
    renderCache?: RenderCache;
  },
): Promise<PicturesOutcome> {
  const { plan, state, records, connection, kept } = context;
  const chosen = sheetPeople(plan, request.max);
  const sources = new Map<string, AnalysedSource>();
  for (const [key, record] of records) if (record.source) sources.set(key, record.source);
  const render = { ...(context.renderCache ? { cache: context.renderCache } : {}), sources };

  const changingSteps = (user: UserPlan) => user.steps.filter((step) => CHANGING_ACTIONS.includes(step.action));
  const befores = new Map<string, PictureSide>();
  const needed: BeforeNeeded[] = [];
  let fromReads = 0;
  for (const user of chosen.people) {
    const key = upnKey(user.upn);
    const record = records.get(key);
    for (const step of changingSteps(user)) {
      const at = `${key}|${step.store}`;
      if (step.before === null) befores.set(at, { kind: "none" });
      else if (!record || step.before === undefined) befores.set(at, { kind: "unavailable", why: "the plan did not read this store" });
      else {
        const bytes = kept.get(step.store, key);
        if (bytes) {
          befores.set(at, await tenantPicture(bytes));
          fromReads++;
        } else needed.push({ key, store: step.store, step, record });
      }
    }
  }
  for (const [at, side] of await downloadBefore(connection, needed, context.read)) befores.set(at, side);

  const pictures = new Map<string, Partial<Record<StoreName, StorePictures>>>();
  // A few renders at a time: each is a full-size decode and four encodes.
  const limit = pLimit(4);
  await Promise.all(
    chosen.people.map((user) =>
      limit(async () => {
        const key = upnKey(user.upn);
        const record = records.get(key);
        const steps = changingSteps(user);
        const afters = record ? await afterPictures(state, record, steps, render) : new Map<StoreName, PictureSide>();
        const mine: Partial<Record<StoreName, StorePictures>> = {};
        for (const step of steps) {
          mine[step.store] = {
            before: befores.get(`${key}|${step.store}`) ?? { kind: "unavailable", why: "not gathered" },
            after: afters.get(step.store) ?? { kind: "unavailable", why: "the plan has no analysis of this person's photo" },
          };
        }
        pictures.set(key, mine);
      }),
    ),
  );
  const input = reviewSheetInput(plan, request.kind, chosen, pictures);
  const files = await writeReviewSheet(request.dir, input, request.perPage !== undefined ? { perPage: request.perPage } : {});
  return { input, files, fromReads, extraDownloads: needed.length };
}
