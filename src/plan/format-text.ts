/** The plan for a terminal, in the manner of `terraform plan`. Pure. */
import type { Action, Plan, PlanNotice, SettingsStep, StoreStep, UserPlan } from "../model/plan.js";
import { describePhotoUpdates } from "../model/photo-updates.js";
import { hasChanges } from "./plan.js";
import { userStateDiff } from "./state-diff.js";

export interface TextStyle {
  colour: boolean;
  /** Show users whose every step is a no-op too. */
  verbose?: boolean;
  /** Show the unified diff under each changing user. */
  diff?: boolean;
}

export const SYMBOL: Record<Action, string> = { create: "+", update: "~", delete: "-", noop: "=", pending: "…", skip: "·", unknown: "!" };
const COLOUR_CODE: Record<Action, number> = { create: 32, update: 33, delete: 31, noop: 2, pending: 36, skip: 2, unknown: 35 };

function paint(text: string, action: Action, style: TextStyle): string {
  return style.colour ? `\u001b[${COLOUR_CODE[action]}m${text}\u001b[0m` : text;
}

/** The most significant action of a user, for the symbol in front of their name. */
/** A user whose managed stores are all in line counts as noop even if other stores were skipped. */
export function userAction(user: UserPlan): Action {
  const order: Action[] = ["unknown", "delete", "update", "create", "pending", "noop", "skip"];
  return order.find((action) => user.steps.some((step) => step.action === action)) ?? "noop";
}

const photo = (summary: StoreStep["before"]): string => (summary ? `${summary.width}x${summary.height} #${summary.hash.slice(0, 8)}` : "none");

function stepLine(step: StoreStep, style: TextStyle): string {
  const change = step.before !== undefined || step.after !== undefined ? `  [${photo(step.before)} → ${photo(step.after)}]` : "";
  const label = `${SYMBOL[step.action]} ${step.store.padEnd(3)} ${step.action.padEnd(7)}`;
  return `      ${paint(label, step.action, style)} ${step.reason}${step.action === "noop" || step.action === "skip" ? "" : change}`;
}

/**
 * People by their most significant action (userAction): what a reader counts, where the step
 * counts are what apply does. A person with a failed read counts as unknown, whatever else changes.
 */
export interface PeopleCounts {
  change: number;
  /** The write steps (create, update, delete) of the people to change. */
  changeSteps: number;
  unchanged: number;
  skipped: number;
  unknown: number;
  /** People whose only outstanding steps are writes an earlier apply made, not served yet. */
  pending: number;
}

const WRITES: ReadonlySet<Action> = new Set(["create", "update", "delete"]);

export function countPeople(result: Plan): PeopleCounts {
  const counts: PeopleCounts = { change: 0, changeSteps: 0, unchanged: 0, skipped: 0, unknown: 0, pending: 0 };
  for (const user of result.users) {
    const action = userAction(user);
    if (WRITES.has(action)) {
      counts.change++;
      counts.changeSteps += user.steps.filter((step) => WRITES.has(step.action)).length;
    } else if (action === "noop") counts.unchanged++;
    else if (action === "pending") counts.pending++;
    else if (action === "skip") counts.skipped++;
    else counts.unknown++;
  }
  return counts;
}

export const plural = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;

/** "3 people to change (4 steps), 5 unchanged, 2 skipped, 0 unknown". */
export function peopleLine(result: Plan): string {
  const people = countPeople(result);
  const steps = people.changeSteps > 0 ? ` (${plural(people.changeSteps, "step", "steps")})` : "";
  // "pending" only when there is some: the line stays as it was for every tenant without.
  const pending = people.pending > 0 ? `, ${people.pending} pending` : "";
  // The tenant settings only when one changes: the line stays as it was for every other plan.
  const changingSettings = (result.settings ?? []).filter((step) => step.action === "update").length;
  const settings = changingSettings > 0 ? `, ${plural(changingSettings, "tenant setting", "tenant settings")} to change` : "";
  return `${plural(people.change, "person", "people")} to change${steps}${settings}, ${people.unchanged} unchanged${pending}, ${people.skipped} skipped, ${people.unknown} unknown`;
}

/** Step counts: what apply will do, store by store. */
export function countsLine(result: Plan): string {
  const { create, update, delete: remove, noop, pending, skip, unknown } = result.counts;
  const waiting = pending > 0 ? `, ${pending} pending (written, not yet served)` : "";
  return `${create} to create, ${update} to update, ${remove} to delete, ${noop} unchanged${waiting}, ${skip} skipped, ${unknown} unknown`;
}

/**
 * Which store holds the Graph photos and why, said once for everyone: "Graph photos: Entra ID
 * (current tenant: …), 8 people". A legacy tenant has two holders (mailbox users and the others).
 */
export function holderLines(result: Plan): string[] {
  const people = new Map<string, number>();
  for (const user of result.users) {
    const holders = new Set(user.steps.flatMap((step) => (step.holder ? [step.holder] : [])));
    for (const holder of holders) people.set(holder, (people.get(holder) ?? 0) + 1);
  }
  if (people.size === 0) return [];
  return [`Graph photos: ${[...people].map(([holder, count]) => `${holder}, ${plural(count, "person", "people")}`).join("; ")}.`, ""];
}

/** Tenant-wide notices, each once: what is true, what photosync does about it, and the fix. */
export function noticeLines(notices: readonly PlanNotice[] | undefined): string[] {
  if (!notices || notices.length === 0) return [];
  const lines = ["Notes about this tenant:"];
  for (const notice of notices) {
    lines.push(`  ! ${notice.message}${notice.consequence ? `: ${notice.consequence}` : ""}.`);
    if (notice.fix) lines.push(`    Fix: ${notice.fix}.`);
  }
  lines.push("");
  return lines;
}

/** Tenant settings steps the reader must see: changes and unknowns (no-ops too when verbose). */
export function listedSettings(result: Plan, verbose = false): SettingsStep[] {
  return (result.settings ?? []).filter((step) => verbose || step.action !== "noop");
}

/** A settings step's before and after, in words: "everyone can change their own photo → only …". */
export function settingsChange(step: SettingsStep): { now: string; after: string } {
  return { now: step.before ? describePhotoUpdates(step.before) : "not known", after: describePhotoUpdates(step.after) };
}

function settingsLines(result: Plan, style: TextStyle): string[] {
  const steps = listedSettings(result, style.verbose);
  if (steps.length === 0) return [];
  const lines = ["  Tenant settings"];
  for (const step of steps) {
    lines.push(`      ${paint(`${SYMBOL[step.action]} ${step.setting} ${step.action.padEnd(7)}`, step.action, style)} ${step.reason}`);
    if (step.consequence) lines.push(`        What it means: ${step.consequence}.`);
  }
  lines.push("");
  return lines;
}

export function formatPlanText(result: Plan, style: TextStyle): string {
  const lines: string[] = [`photosync plan for ${result.tenant}`, ""];
  let quiet = 0;
  for (const user of result.users) {
    const action = userAction(user);
    if (action === "noop" && !style.verbose) {
      quiet++;
      continue;
    }
    lines.push(`  ${paint(SYMBOL[action], action, style)} ${user.upn}  (${user.placeholder !== undefined ? `default: ${user.placeholder}` : user.photo})`);
    for (const step of user.steps) lines.push(stepLine(step, style));
    const diff = style.diff ? userStateDiff(user) : undefined;
    if (diff) lines.push(...diff.split("\n").map((line) => `        ${line}`));
    lines.push("");
  }
  if (quiet > 0) lines.push(`  ${quiet} user${quiet === 1 ? "" : "s"} already in line (use --verbose to list them)`, "");
  lines.push(...settingsLines(result, style));
  lines.push(...holderLines(result));
  lines.push(...noticeLines(result.notices));
  const verdict = result.counts.unknown > 0 ? "Plan incomplete: some reads failed" : hasChanges(result) ? "Plan" : "No changes";
  lines.push(`${verdict}: ${peopleLine(result)}.`, `Steps: ${countsLine(result)}.`);
  lines.push(`Digest: ${result.digest}`);
  return `${lines.join("\n")}\n`;
}
