/**
 * Safety rails, checked before any write (octoDNS's update/delete thresholds): refuse a plan that
 * would change an unusual share of the managed people, or a manifest that manages nobody. Pure.
 */
import type { SafetySettings } from "../model/desired.js";
import type { Plan } from "../model/plan.js";

export interface RailRefusal {
  rail: "max-update-share" | "max-remove-share" | "no-managed-users";
  message: string;
}

function peopleWith(plan: Plan, actions: ReadonlyArray<string>): number {
  return plan.users.filter((user) => user.steps.some((step) => actions.includes(step.action))).length;
}

const percent = (share: number): string => `${Math.round(share * 1000) / 10}%`;

/** Every rail the plan breaks; empty when it may be applied. */
export function checkRails(plan: Plan, managedUsers: number, safety: SafetySettings): RailRefusal[] {
  if (managedUsers === 0) {
    return [{ rail: "no-managed-users", message: "the manifest manages no users; an empty or truncated photos.yaml is refused" }];
  }
  if (managedUsers < safety.minManagedForShare) return [];
  const refusals: RailRefusal[] = [];
  const updating = peopleWith(plan, ["create", "update"]);
  const removing = peopleWith(plan, ["delete"]);
  const updateShare = updating / managedUsers;
  const removeShare = removing / managedUsers;
  if (updateShare > safety.maxUpdateShare) {
    refusals.push({
      rail: "max-update-share",
      message: `${updating} of ${managedUsers} managed people would get a new photo (${percent(updateShare)}), over safety.maxUpdateShare ${percent(safety.maxUpdateShare)} by ${percent(updateShare - safety.maxUpdateShare)}`,
    });
  }
  if (removeShare > safety.maxRemoveShare) {
    refusals.push({
      rail: "max-remove-share",
      message: `${removing} of ${managedUsers} managed people would lose their photo (${percent(removeShare)}), over safety.maxRemoveShare ${percent(safety.maxRemoveShare)} by ${percent(removeShare - safety.maxRemoveShare)}`,
    });
  }
  return refusals;
}
