/**
 * After writing, read every changed store again — bytes included, no cache — and plan those people
 * once more: a step is verified only when the store now holds what was asked for. Graph can take a
 * while to serve a new photo (graph-explorer-v4 #1269), so reads are retried with a doubling
 * back-off up to a window. When the window runs out, a Graph store that still serves exactly the
 * photo it served before the write is *pending* (accepted, not yet served); one that serves
 * something else is a failure.
 */
import type { DesiredState } from "../model/desired.js";
import { upnKey } from "../model/desired.js";
import type { DesiredImage, Plan, PhotoSummary, StoreStep } from "../model/plan.js";
import type { PendingWrite } from "../model/pending.js";
import { plan } from "../plan/plan.js";
import type { TenantConnection } from "../stores/connection.js";
import { LiveCache } from "../stores/live-cache.js";
import type { ReadOptions } from "../stores/read-live.js";
import { readLive } from "../stores/read-live.js";
import type { PersonRecord } from "../model/record.js";
import { routePerson } from "../model/routing.js";
import type { UserResult } from "../model/apply.js";

export interface VerifyOptions {
  read?: ReadOptions;
  /** How long to keep reading back before a store still serving the old photo counts as pending (ms). */
  windowMs?: number;
  /** First wait between reads (ms), doubling up to MAX_DELAY_MS. */
  delayMs?: number;
  /** The plan that was applied: what each store served before the write. */
  planned?: Plan;
  /** Clock and timer (tests). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface VerifyResult {
  /** Steps marked failed. */
  failed: number;
  /** Steps marked pending, as records for the next plan (model/pending.ts). */
  pending: PendingWrite[];
}

export const DEFAULT_VERIFY_WINDOW_MS = 60_000;
/** The back-off doubles up to this: a minute's window is read about eight times, not sixty. */
export const MAX_DELAY_MS = 15_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function samePhoto(a: PhotoSummary | null | undefined, b: PhotoSummary | null | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  if (a === null || b === null) return a === b;
  return a.hash === b.hash && a.width === b.width && a.height === b.height;
}

/** Pending: a Graph store whose read-back still differs only by serving what it served before the write. */
function stillServesThePrevious(check: StoreStep | undefined, before: StoreStep | undefined): boolean {
  if (check === undefined || before === undefined || check.store === "spo") return false;
  if (check.action !== "create" && check.action !== "update" && check.action !== "delete") return false;
  return samePhoto(check.before, before.before);
}

/** Marks each done step that does not read back as in line as pending or failed. */
export async function verifyResults(
  connection: TenantConnection,
  state: DesiredState,
  desired: ReadonlyMap<string, DesiredImage>,
  results: UserResult[],
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const now = options.now ?? Date.now;
  const wait = options.sleep ?? sleep;
  const windowMs = options.windowMs ?? DEFAULT_VERIFY_WINDOW_MS;
  const deadline = now() + windowMs;
  let delay = Math.max(0, options.delayMs ?? 1000);
  const plannedUsers = new Map((options.planned?.users ?? []).map((user) => [upnKey(user.upn), user]));
  const outcome: VerifyResult = { failed: 0, pending: [] };
  let waiting = results.filter((result) => result.steps.some((step) => step.outcome === "done"));
  while (waiting.length > 0) {
    const keys = new Set(waiting.map((result) => upnKey(result.upn)));
    const users = state.users.filter((user) => keys.has(upnKey(user.upn)));
    const liveReads = await readLive(connection, users, new LiveCache(), routePerson, options.read);
    const records = users.map((user): PersonRecord => {
      const read = liveReads.get(upnKey(user.upn));
      const image = desired.get(upnKey(user.upn));
      if (!image) throw new Error(`internal error: no desired photo for ${user.upn}; please report this`);
      return { desired: user, image, ...(read ? { live: read.live, ...(read.routes ? { routes: read.routes } : {}) } : {}) };
    });
    const again = new Map(plan({ state, records }).users.map((user) => [upnKey(user.upn), user]));
    const remaining = deadline - now();
    const last = remaining <= 0;
    const stillWrong: UserResult[] = [];
    for (const result of waiting) {
      const steps = again.get(upnKey(result.upn))?.steps ?? [];
      // The step that must now be in line. A Graph photo is one photo whichever store the re-read
      // routes it to: written to Entra ID instead of a missing mailbox, or re-read by a plan of a few
      // people whose answers cannot tell a legacy tenant from a current one (read-live.ts).
      const checkOf = (store: string) => {
        const read = steps.find((candidate) => candidate.store === store);
        if (store === "spo" || (read !== undefined && read.action !== "skip")) return read;
        return steps.find((candidate) => candidate.store !== "spo" && candidate.store !== store && candidate.action !== "skip") ?? read;
      };
      const before = plannedUsers.get(upnKey(result.upn))?.steps ?? [];
      const image = desired.get(upnKey(result.upn));
      let undecided = false;
      for (const step of result.steps) {
        if (step.outcome !== "done") continue;
        const check = checkOf(step.store);
        if (check?.action === "noop") continue;
        // What the plan saw before the write, under the store written: the re-read may route the one
        // Graph photo to the other Graph store (checkOf), whose planned step was a skip without it.
        const planned = before.find((candidate) => candidate.store === step.store && candidate.action !== "skip") ?? before.find((candidate) => candidate.store === check?.store);
        const previous = stillServesThePrevious(check, planned);
        // A Graph store serving a third photo (neither the one written nor the one before) is not
        // propagating: it fails now rather than after the window. A failed read, or SharePoint, waits.
        const thirdPhoto = check !== undefined && check.store !== "spo" && check.action !== "unknown" && !previous;
        if (!last && !thirdPhoto) {
          undecided = true;
          continue;
        }
        if (image && previous) {
          step.outcome = "pending";
          step.detail = `${step.detail}; pending: written, not yet served after ${Math.round(windowMs / 1000)} s (Graph can take minutes; photosync will check on the next run)`;
          outcome.pending.push({
            upn: result.upn,
            // Keyed by the store the plan wrote: the next plan routes as this one did.
            store: step.store,
            desired: image.state === "remove" ? "remove" : image.graph.fingerprint.hash,
            previous: check!.before ? check!.before.hash : null,
            since: new Date(now()).toISOString(),
          });
          continue;
        }
        step.outcome = "failed";
        step.detail = `${step.detail}, but reading it back shows ${check ? `${check.action}: ${check.reason}` : "nothing"}`;
        step.error = { code: "VerificationFailed", message: "the store accepted the write but does not serve the photo that was written" };
        outcome.failed++;
      }
      if (undecided) stillWrong.push(result);
    }
    waiting = stillWrong;
    if (waiting.length > 0) {
      // The last wait ends at the window's end, so the final read-back is made then.
      await wait(Math.min(delay, Math.max(0, deadline - now())));
      delay = Math.min(Math.max(delay * 2, 1), MAX_DELAY_MS);
    }
  }
  return outcome;
}
