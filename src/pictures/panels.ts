/**
 * The review sheet's data from a plan (pure): who is on it, and each person's before/after panels.
 * The pipeline (reconcile/pictures-run.ts) supplies the pictures; the drawing (sheet.ts) draws them.
 *
 * One person per plan user with a step that writes (create, update, delete), in plan order. A
 * person's changing stores share a panel when they show the same picture now, get the same
 * picture after apply, by the same action: the common case, Entra ID and SharePoint both getting
 * the new photo, is one panel; a SharePoint that is stale while Entra ID is fine is its own.
 */
import type { StoreName } from "../model/desired.js";
import { upnKey } from "../model/desired.js";
import type { PhotoSummary, Plan, StoreStep, UserPlan } from "../model/plan.js";
import { CHANGING_ACTIONS } from "../model/plan.js";
import { hammingDistance } from "../images/phash.js";
import type { PictureSide, ReviewPanel, ReviewPerson, ReviewSheetInput } from "./input.js";

/** People drawn (and whose pictures are downloaded) unless told otherwise: `--pictures-max`. */
export const PICTURES_MAX_DEFAULT = 200;

/**
 * Two summaries of one picture differ by a few hash bits when they come from different sizes
 * (a 96 px Graph download, a 300 px SharePoint thumbnail); another photo differs by far more (the
 * planner's own threshold for "a different picture" is 10 bits).
 */
const SAME_PICTURE_BITS = 4;

const changing = (step: StoreStep): boolean => CHANGING_ACTIONS.includes(step.action);

/** The people a sheet shows: those with a change, in plan order, at most `max`; the rest are counted. */
export function sheetPeople(plan: Plan, max = PICTURES_MAX_DEFAULT): { people: UserPlan[]; omitted: number } {
  const all = plan.users.filter((user) => user.steps.some(changing));
  return { people: all.slice(0, Math.max(0, max)), omitted: Math.max(0, all.length - Math.max(0, max)) };
}

/** The pictures gathered for one store's step: what it shows now, and what apply leaves there. */
export interface StorePictures {
  before: PictureSide;
  after: PictureSide;
}

/** Per person (upnKey), per changing store. */
export type GatheredPictures = ReadonlyMap<string, Partial<Record<StoreName, StorePictures>>>;

/** The same picture by the plan's summaries: both none, or hashes a few bits apart. Unknown is never the same. */
export function samePicture(a: PhotoSummary | null | undefined, b: PhotoSummary | null | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  if (a === null || b === null) return a === b;
  return a.hash === b.hash || (a.hash.length === b.hash.length && hammingDistance(a.hash, b.hash) <= SAME_PICTURE_BITS);
}

const missing = (why: string): PictureSide => ({ kind: "unavailable", why });

/** The first side that is a picture, else the first side there is. */
function bestSide(sides: readonly PictureSide[]): PictureSide {
  return sides.find((side) => side.kind === "image") ?? sides[0] ?? missing("not gathered");
}

/** One person's panels: their changing steps grouped by (action, before, after), in store order. */
export function personPanels(user: UserPlan, pictures: Partial<Record<StoreName, StorePictures>> = {}): ReviewPanel[] {
  const groups: Array<{ steps: StoreStep[] }> = [];
  for (const step of user.steps.filter(changing)) {
    const group = groups.find(({ steps: [first] }) => first!.action === step.action && samePicture(first!.before, step.before) && samePicture(first!.after, step.after));
    if (group) group.steps.push(step);
    else groups.push({ steps: [step] });
  }
  return groups.map(({ steps }) => {
    const sides = steps.map((step) => pictures[step.store] ?? { before: missing("not gathered"), after: missing("not gathered") });
    // Each reason once; one that another store's reason spells out in more detail (it holds it
    // whole: "the manifest says remove: …", "small, medium and large thumbnails: a different
    // picture …") is left to that one.
    const distinct = [...new Set(steps.map((step) => step.reason))];
    const reasons = distinct.filter((reason) => !distinct.some((other) => other !== reason && other.includes(reason)));
    return {
      stores: steps.map((step) => step.store),
      action: steps[0]!.action,
      reason: reasons.join("; "),
      before: bestSide(sides.map((side) => side.before)),
      after: bestSide(sides.map((side) => side.after)),
    };
  });
}

/** The sheet's input: the people chosen (sheetPeople), each with their panels and pictures. */
export function reviewSheetInput(
  plan: Plan,
  kind: ReviewSheetInput["kind"],
  chosen: { people: readonly UserPlan[]; omitted: number },
  pictures: GatheredPictures,
): ReviewSheetInput {
  const people: ReviewPerson[] = chosen.people.map((user) => ({ upn: user.upn, panels: personPanels(user, pictures.get(upnKey(user.upn))) }));
  return { kind, tenant: plan.tenant, digest: plan.digest, people, omitted: chosen.omitted };
}
