/** The plan as JSON: the Plan object itself, versioned by its `format` field. Pure. */
import type { Plan } from "./model.js";

export function formatPlanJson(result: Plan): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
