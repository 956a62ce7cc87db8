/**
 * The tenant-settings step of a plan: tenant.photoUpdates against the photoUpdateSettings read.
 * Pure. A setting that could not be read is "unknown", never an update (a failed read is not
 * drift); one that agrees is a noop. A change photosync made less than 24 hours ago (it may not be
 * in force yet) is said once as a notice.
 */
import type { PhotoUpdateSettingsRead } from "../model/observations.js";
import type { PlanNotice, SettingsStep } from "../model/plan.js";
import type { DesiredPhotoUpdates, PhotoUpdatesChange } from "../model/photo-updates.js";
import { TAKES_EFFECT_NOTE, describePhotoUpdates, photoUpdatesConsequence, photoUpdatesPatch } from "../model/photo-updates.js";

const afterOf = (desired: DesiredPhotoUpdates): SettingsStep["after"] => (desired.source === "cloud" ? { source: "cloud", allowedRoles: desired.allowedRoles } : { source: "onPremises" });

export function photoUpdatesStep(desired: DesiredPhotoUpdates, read: PhotoUpdateSettingsRead | undefined): SettingsStep {
  const base = { setting: "photoUpdates" as const, after: afterOf(desired) };
  if (!read) return { ...base, action: "unknown", reason: "not read" };
  if (read.state === "unknown") {
    return { ...base, action: "unknown", reason: `read failed: ${read.error.code}: ${read.error.message}; the setting is left as it is` };
  }
  const before = { source: read.source, allowedRoles: read.allowedRoles };
  const patch = photoUpdatesPatch(desired, before);
  if (Object.keys(patch).length === 0) {
    // A recent change that may not be in force yet is the plan's notice (notInForceNotice), not part
    // of the step: the step, and so the digest, stays the same whether or not this run has the record.
    return { ...base, action: "noop", reason: `as the manifest says: ${describePhotoUpdates(before)}`, before };
  }
  return {
    ...base,
    action: "update",
    reason: `now ${describePhotoUpdates(before)}; the manifest says ${describePhotoUpdates(base.after)}`,
    before,
    patch,
    consequence: photoUpdatesConsequence(desired, before),
  };
}

/** The settings step turns the tenant's source from onPremises to cloud in this plan. */
export function turnsCloud(step: SettingsStep | undefined): boolean {
  return step?.action === "update" && step.patch?.source === "cloud";
}

/**
 * Said once when photosync changed the setting less than 24 hours ago: Microsoft 365 may still act
 * on the value from before (apply stops its Graph writes at the first refusal and says so).
 */
export function notInForceNotice(recent: PhotoUpdatesChange | undefined): PlanNotice | undefined {
  if (!recent) return undefined;
  const refusedStill = recent.patch.source === "cloud" ? "Graph photo writes may still be refused until then (apply then stops its Graph writes and says so once)" : "Microsoft 365 may still act on the setting from before until then";
  return {
    code: "photo-updates-not-in-force",
    service: "graph",
    message: `photosync changed the tenant's photo update settings at ${recent.at}, and ${TAKES_EFFECT_NOTE}`,
    consequence: refusedStill,
    fix: "nothing to do but wait; plan again after the 24 hours",
  };
}
