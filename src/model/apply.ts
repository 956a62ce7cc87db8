/** What an apply did: plain, sorted, versioned data, rendered by format.ts. */
import type { StoreName } from "./desired.js";
import type { Action, PlanNotice } from "./plan.js";
import type { ServiceError } from "./observations.js";

/**
 * "pending": written and accepted, but when the read-back window ran out the store still served the
 * photo from before the write (Graph can take minutes); not a failure, checked again by the next plan.
 */
export type Outcome = "done" | "pending" | "failed" | "skipped";

export interface StepResult {
  store: StoreName;
  action: Action;
  outcome: Outcome;
  /** What happened, in words: "uploaded 3 thumbnails, set PictureURL, …" or why it was skipped. */
  detail: string;
  /** The service's answer when it failed. */
  error?: ServiceError;
}

export interface UserResult {
  upn: string;
  steps: StepResult[];
}

/** What apply did to a tenant setting the plan changed (plan.settings). */
export interface SettingsResult {
  setting: "photoUpdates";
  action: Action;
  outcome: Outcome;
  detail: string;
  error?: ServiceError;
}

export interface ApplyReport {
  format: "photosync.apply/v1";
  tenant: string;
  /** The digest of the plan that was applied. */
  digest: string;
  users: UserResult[];
  /** The tenant settings apply changed or could not (absent: the plan changed none). */
  settings?: SettingsResult[];
  /** Steps per outcome, the settings' included. */
  counts: Record<Outcome, number>;
  /** Tenant-wide findings, each said once: the plan's, then the writes' (spo-profile-write-denied). Absent: none. */
  notices?: PlanNotice[];
}

export function countOutcomes(users: readonly UserResult[], settings: readonly SettingsResult[] = []): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { done: 0, pending: 0, failed: 0, skipped: 0 };
  for (const user of users) for (const step of user.steps) counts[step.outcome]++;
  for (const step of settings) counts[step.outcome]++;
  return counts;
}
