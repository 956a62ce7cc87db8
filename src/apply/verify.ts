/**
 * After writing, read every changed store again — bytes included, no cache — and plan those people
 * once more: a step is verified only when the store now holds what was asked for. A store that
 * accepted a write but serves something else is a failure, not a success.
 */
import type { DesiredState } from "../model/desired.js";
import { upnKey } from "../model/desired.js";
import type { DesiredImage } from "../model/plan.js";
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
  /** Reads tried before a mismatch counts (services can take a moment to serve a new photo). */
  attempts?: number;
  delayMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Marks each done step that does not read back as in line as failed. Returns how many failed. */
export async function verifyResults(
  connection: TenantConnection,
  state: DesiredState,
  desired: ReadonlyMap<string, DesiredImage>,
  results: UserResult[],
  options: VerifyOptions = {},
): Promise<number> {
  const attempts = options.attempts ?? 3;
  let pending = results.filter((result) => result.steps.some((step) => step.outcome === "done"));
  for (let attempt = 1; attempt <= attempts && pending.length > 0; attempt++) {
    if (attempt > 1) await sleep(options.delayMs ?? 2000);
    const keys = new Set(pending.map((result) => upnKey(result.upn)));
    const users = state.users.filter((user) => keys.has(upnKey(user.upn)));
    const reads = await readLive(connection, users, new LiveCache(), routePerson, options.read);
    const records = users.map((user): PersonRecord => {
      const read = reads.get(upnKey(user.upn));
      const image = desired.get(upnKey(user.upn));
      if (!image) throw new Error(`internal error: no desired photo for ${user.upn}; please report this`);
      return { desired: user, image, ...(read ? { live: read.live, ...(read.routes ? { routes: read.routes } : {}) } : {}) };
    });
    const again = new Map(plan({ state, records }).users.map((user) => [upnKey(user.upn), user]));
    const stillWrong: UserResult[] = [];
    for (const result of pending) {
      const steps = again.get(upnKey(result.upn))?.steps ?? [];
      // The step that must now be in line. A Graph photo is one photo whichever store the re-read
      // routes it to: written to Entra ID instead of a missing mailbox, or re-read by a plan of a few
      // people whose answers cannot tell a legacy tenant from a current one (read-live.ts).
      const checkOf = (store: string) => {
        const now = steps.find((candidate) => candidate.store === store);
        if (store === "spo" || (now !== undefined && now.action !== "skip")) return now;
        return steps.find((candidate) => candidate.store !== "spo" && candidate.store !== store && candidate.action !== "skip") ?? now;
      };
      const wrong = result.steps.filter((step) => step.outcome === "done" && checkOf(step.store)?.action !== "noop");
      if (wrong.length === 0) continue;
      if (attempt === attempts) {
        for (const step of wrong) {
          const now = checkOf(step.store);
          step.outcome = "failed";
          step.detail = `${step.detail}, but reading it back shows ${now ? `${now.action}: ${now.reason}` : "nothing"}`;
          step.error = { code: "VerificationFailed", message: "the store accepted the write but does not serve the photo that was written" };
        }
      }
      stillWrong.push(result);
    }
    pending = stillWrong;
  }
  return pending.length;
}
