/**
 * `photosync apply`'s core: re-read the tenant, recompute the plan, check it is the reviewed one
 * and within the safety rails, then write, then verify by reading back. Shared by the CLI and the
 * GitHub Actions glue.
 */
import { RenderCache, defaultCacheDir } from "../images/cache.js";
import type { Problem } from "../manifest/problems.js";
import { upnKey } from "../model/desired.js";
import type { DesiredImage, Plan, PlanNotice } from "../model/plan.js";
import type { AnalysedSource } from "../model/record.js";
import { hasChanges } from "../plan/plan.js";
import { WRITES, executePlan } from "../apply/execute.js";
import type { ApplyReport } from "../model/apply.js";
import { countOutcomes } from "../model/apply.js";
import type { RailRefusal } from "../plan/rails.js";
import { checkRails } from "../plan/rails.js";
import { verifyResults } from "../apply/verify.js";
import type { PlanRunOptions } from "./plan-run.js";
import { runPlan } from "./plan-run.js";
import { readOptions } from "./session.js";
import { loadPendingWrites, mergeAfterApply, pendingFile, savePendingWrites } from "./pending-writes.js";
import { pendingKey } from "../model/pending.js";
import { applySettings } from "../apply/settings.js";
import { photoUpdatesChangeFile, savePhotoUpdatesChange } from "./settings-changes.js";
import type { PicturesOutcome } from "./pictures-run.js";

export interface ApplyRunOptions extends Omit<PlanRunOptions, "keepSession" | "writer"> {
  /** Without it, apply only plans (a dry run). */
  yes: boolean;
  /** Refuse unless the recomputed plan has this digest. */
  expectDigest?: string;
  /** Apply even if a safety rail refuses. */
  force?: boolean;
}

export type ApplyRunResult =
  | { kind: "invalid"; problems: Problem[] }
  /** `refusals`: the safety rails `apply --yes` would refuse this plan by (a dry run says so up front). */
  | { kind: "dry-run"; plan: Plan; refusals: RailRefusal[]; pictures?: PicturesOutcome }
  | { kind: "digest-mismatch"; plan: Plan; expected: string }
  | { kind: "refused"; plan: Plan; refusals: RailRefusal[] }
  | { kind: "applied"; plan: Plan; report: ApplyReport; forced: RailRefusal[] };

export async function runApply(options: ApplyRunOptions): Promise<ApplyRunResult> {
  // The review sheet belongs to a dry run (the CLI refuses --pictures with --yes): never drawn while writing.
  const { pictures, ...rest } = options;
  const planned = await runPlan({ ...rest, ...(pictures && !options.yes ? { pictures } : {}), writer: options.yes, keepSession: true });
  if (!planned.ok) return { kind: "invalid", problems: planned.problems };
  const { plan, state, session } = planned;
  try {
    const refusals = checkRails(plan, state.users.length, state.safety);
    if (!options.yes) return { kind: "dry-run", plan, refusals, ...(planned.pictures ? { pictures: planned.pictures } : {}) };
    if (options.expectDigest !== undefined && options.expectDigest !== plan.digest) {
      return { kind: "digest-mismatch", plan, expected: options.expectDigest };
    }
    if (refusals.length > 0 && !options.force) return { kind: "refused", plan, refusals };

    // From here on only the people with something to write matter: let the tenant-wide
    // observations and everyone else's records go before rendering starts. What apply keeps of
    // each person is their identity, the analysis the plan made and the source it was made from.
    // executePlan writes the WRITES steps and reports the unknown ones.
    const acting = new Set(plan.users.filter((user) => user.steps.some((step) => WRITES.has(step.action) || step.action === "unknown")).map((user) => upnKey(user.upn)));
    const identities = new Map<string, { id: string; upn: string }>();
    const desired = new Map<string, DesiredImage>();
    const sources = new Map<string, AnalysedSource>();
    for (const [key, record] of planned.records) {
      if (!acting.has(key)) continue;
      const lookup = record.live?.lookup;
      if (lookup?.state === "found") identities.set(key, { id: lookup.user.id, upn: lookup.user.upn });
      desired.set(key, record.image);
      if (record.source) sources.set(key, record.source);
    }
    planned.records.clear();
    const read = options.read ?? readOptions(options.settings.retry);
    const cache = options.renderCache ?? new RenderCache(defaultCacheDir(state.rootDir));
    const connection = session!.connection;
    const graph = { onThrottled: connection.http.backoff.reporter("graph"), ...read.graph };
    const notices: PlanNotice[] = [...plan.notices];
    const onNotice = (notice: PlanNotice) => void notices.push(notice);
    const users = hasChanges(plan) || plan.counts.unknown > 0 ? await executePlan(connection, state, plan, identities, { graph, cache, sources, onNotice }) : [];
    // The tenant settings last (apply/settings.ts says why); the change's time is kept for the next plans.
    const settings = await applySettings(connection.graph, plan, state.tenant.photoUpdates, graph);
    if (settings.change) await savePhotoUpdatesChange(photoUpdatesChangeFile(state.rootDir), settings.change);
    const verified = await verifyResults(connection, state, desired, users, { read, ...options.settings.verify, planned: plan });
    // Pending writes are kept for the next plan; a write that was verified, or failed, ends its record.
    const file = pendingFile(state.rootDir);
    const recorded = await loadPendingWrites(file);
    const written = new Set(users.flatMap((user) => user.steps.filter((step) => step.outcome !== "skipped").map((step) => pendingKey(user.upn, step.store))));
    const merged = mergeAfterApply(recorded, written, verified.pending);
    if (merged.length > 0 || recorded.length > 0) await savePendingWrites(file, merged, recorded.length > 0);
    users.sort((a, b) => upnKey(a.upn).localeCompare(upnKey(b.upn)));
    const report: ApplyReport = {
      format: "photosync.apply/v1",
      tenant: plan.tenant,
      digest: plan.digest,
      users,
      ...(settings.results.length > 0 ? { settings: settings.results } : {}),
      counts: countOutcomes(users, settings.results),
      ...(notices.length > 0 ? { notices } : {}),
    };
    return { kind: "applied", plan, report, forced: refusals };
  } finally {
    await session?.close();
  }
}
