/**
 * Safety rails, checked before any write, measured as octoDNS's raise_if_unsafe measures them:
 * against what exists. The update and remove shares are of the managed people who have a photo in
 * the tenant now; a person getting a first photo changes nothing anybody sees today, so creates
 * are counted apart and never trip the update rail (an initial rollout creates everyone). A
 * manifest that manages nobody is always refused. Pure.
 */
import type { SafetySettings } from "../model/desired.js";
import type { Plan, UserPlan } from "../model/plan.js";

export interface RailRefusal {
  rail: "max-update-share" | "max-remove-share" | "no-managed-users";
  message: string;
}

/** Who the rails count: people with a photo in the tenant, and what the plan does to them; creates apart. */
export interface RailCounts {
  /** People with a photo in at least one managed store now. */
  existing: number;
  /** People whose photo would change (an update step). */
  updating: number;
  /** People whose photo would be removed (a delete step). */
  removing: number;
  /** People who would only get a first photo (create steps, nothing updated or removed). */
  creating: number;
}

const has = (user: UserPlan, action: string): boolean => user.steps.some((step) => step.action === action);

/** A store holds a photo of this person now: a live photo shown, or one the plan would replace or remove. */
const exists = (user: UserPlan): boolean => user.steps.some((step) => step.action === "update" || step.action === "delete" || (step.before !== undefined && step.before !== null));

export function railCounts(plan: Plan): RailCounts {
  const counts: RailCounts = { existing: 0, updating: 0, removing: 0, creating: 0 };
  for (const user of plan.users) {
    const updating = has(user, "update");
    const removing = has(user, "delete");
    if (exists(user)) counts.existing++;
    if (updating) counts.updating++;
    if (removing) counts.removing++;
    if (!updating && !removing && has(user, "create")) counts.creating++;
  }
  return counts;
}

const percent = (share: number): string => `${Math.round(share * 1000) / 10}%`;

/** Every rail the plan breaks; empty when it may be applied. `managedUsers`: the people the manifest manages. */
export function checkRails(plan: Plan, managedUsers: number, safety: SafetySettings): RailRefusal[] {
  if (managedUsers === 0) {
    return [{ rail: "no-managed-users", message: "the manifest manages no users; an empty or truncated photos.yaml is refused" }];
  }
  // A share of a handful of people says nothing unusual.
  if (managedUsers < safety.minManagedForShare) return [];
  const { existing, updating, removing, creating } = railCounts(plan);
  // Nobody has a photo yet (an initial rollout): there is nothing to update or remove.
  if (existing === 0) return [];
  const refusals: RailRefusal[] = [];
  const updateShare = updating / existing;
  const removeShare = removing / existing;
  const of = `of ${existing} people with a photo in the tenant`;
  if (updateShare > safety.maxUpdateShare) {
    const firsts = creating > 0 ? `; ${creating} more would get a first photo, which this rail does not count` : "";
    refusals.push({
      rail: "max-update-share",
      message: `${updating} ${of} would get a different photo (${percent(updateShare)}), over safety.maxUpdateShare ${percent(safety.maxUpdateShare)} by ${percent(updateShare - safety.maxUpdateShare)}${firsts}`,
    });
  }
  if (removeShare > safety.maxRemoveShare) {
    refusals.push({
      rail: "max-remove-share",
      message: `${removing} ${of} would lose their photo (${percent(removeShare)}), over safety.maxRemoveShare ${percent(safety.maxRemoveShare)} by ${percent(removeShare - safety.maxRemoveShare)}`,
    });
  }
  return refusals;
}
