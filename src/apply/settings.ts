/**
 * Applying the plan's tenant-settings steps (plan.settings): PATCH photoUpdateSettings with the
 * writer identity, only the properties the reviewed plan says differ, then read it back. Runs after
 * the photo writes: those were planned against the setting the plan read, so none of them runs under
 * a setting it was not planned for, and the change's up-to-24-hours delay starts as the run ends
 * either way (docs/architecture.md).
 */
import type { Client } from "@microsoft/microsoft-graph-client";
import type { SettingsResult } from "../model/apply.js";
import type { Plan } from "../model/plan.js";
import type { DesiredPhotoUpdates, PhotoUpdatesChange } from "../model/photo-updates.js";
import { TAKES_EFFECT_NOTE, describePhotoUpdates, photoUpdatesPatch } from "../model/photo-updates.js";
import type { BatchOptions } from "../stores/graph/batch.js";
import { readPhotoUpdateSettings, writePhotoUpdateSettings } from "../stores/graph/photo-settings.js";

export interface SettingsOutcome {
  results: SettingsResult[];
  /** The change made, with its time, to be kept for the next plans (absent: none made). */
  change?: PhotoUpdatesChange;
}

const FIX = "grant the writer app the Microsoft Graph application permission PeopleSettings.ReadWrite.All with admin consent";

export async function applySettings(graph: Client, plan: Plan, desired: DesiredPhotoUpdates | undefined, options: BatchOptions = {}, now: () => Date = () => new Date()): Promise<SettingsOutcome> {
  const results: SettingsResult[] = [];
  let change: PhotoUpdatesChange | undefined;
  for (const step of plan.settings ?? []) {
    const base = { setting: step.setting, action: step.action };
    if (step.action === "unknown") {
      results.push({ ...base, outcome: "skipped", detail: `state unknown (${step.reason}); nothing written` });
      continue;
    }
    if (step.action !== "update" || !step.patch || !desired) continue;
    const written = await writePhotoUpdateSettings(graph, step.patch, options);
    if (!written.ok) {
      const access = written.error.status === 401 || written.error.status === 403;
      results.push({ ...base, outcome: "failed", detail: `Microsoft Graph refused the change of photoUpdateSettings${access ? `; ${FIX}` : ""}`, error: written.error });
      continue;
    }
    change = { patch: step.patch, at: now().toISOString() };
    const patched = `set ${Object.keys(step.patch).join(" and ")}`;
    const reread = await readPhotoUpdateSettings(graph, options);
    if (reread.state === "unknown") {
      results.push({ ...base, outcome: "done", detail: `${patched}; it could not be read back (${reread.error.code}: ${reread.error.message}); ${TAKES_EFFECT_NOTE}` });
      continue;
    }
    const left = photoUpdatesPatch(desired, reread);
    if (Object.keys(left).length > 0) {
      results.push({ ...base, outcome: "failed", detail: `${patched}, but reading it back shows ${describePhotoUpdates(reread)}; plan again` });
      continue;
    }
    results.push({ ...base, outcome: "done", detail: `${patched}; read back: ${describePhotoUpdates(reread)}; ${TAKES_EFFECT_NOTE}` });
  }
  return { results, ...(change ? { change } : {}) };
}
