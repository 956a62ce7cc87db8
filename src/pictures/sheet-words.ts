/**
 * The review sheet's words, shared by its PNG pages and its HTML page so that both say the same:
 * stores and actions in words, each action with a sign that is not a colour, the alt text of
 * every picture. Pure.
 */
import type { Action } from "../model/plan.js";
import type { StoreName } from "../model/desired.js";
import type { ReviewSheetInput } from "./input.js";
import type { ShownPanel, ShownSide } from "./sheet-images.js";

export const STORE_WORDS: Record<StoreName, string> = { exo: "Exchange Online", aad: "Entra ID", spo: "SharePoint" };

/** The action with a sign in front (a reader who cannot tell the colours apart reads the sign). */
export const ACTION_WORDS: Record<Action, string> = {
  create: "+ create",
  update: "~ update",
  delete: "\u2212 remove",
  noop: "= in line",
  pending: "\u2026 pending",
  skip: "\u00b7 skipped",
  unknown: "! unknown",
};

/** The verb in an alt text: "after apply (update)". */
const ACTION_VERB: Record<Action, string> = { create: "create", update: "update", delete: "remove", noop: "no change", pending: "pending", skip: "skipped", unknown: "unknown" };

const KIND_WORDS: Record<ReviewSheetInput["kind"], string> = { plan: "plan", drift: "drift", "apply-dry-run": "apply (dry run)" };

export const storesInWords = (stores: readonly StoreName[]): string => stores.map((store) => STORE_WORDS[store]).join(", ");

/** The digest as the sheet prints it: enough to match a sheet to its plan. */
export const shortDigest = (digest: string): string => digest.slice(0, 12);

export function sheetTitle(input: Pick<ReviewSheetInput, "kind" | "tenant">): string {
  // Drift: the tenant moved away from the repo; apply would put the repo's picture back.
  const what = input.kind === "drift" ? "Faces that drifted" : "Faces that change";
  return `${what} \u2014 photosync ${KIND_WORDS[input.kind]}, ${input.tenant}`;
}

export function sheetFacts(input: Pick<ReviewSheetInput, "digest">, page?: { index: number; count: number; first: number; last: number; people: number }): string {
  const parts = [`digest ${shortDigest(input.digest)}`];
  if (page) parts.push(`page ${page.index} of ${page.count}`, page.first === page.last ? `person ${page.first} of ${page.people}` : `people ${page.first}\u2013${page.last} of ${page.people}`);
  return parts.join(" \u00b7 ");
}

/** Said when people with changes are left off the sheet. */
export function omittedLine(omitted: number): string {
  const people = omitted === 1 ? "1 more person with changes is" : `${omitted.toLocaleString("en-US")} more people with changes are`;
  return `${people} not shown (the sheet's download bound); the plan lists them all.`;
}

export const NO_CHANGES = "No face changes: nobody's photo is created, updated or removed.";

export type SideName = "before" | "after";

/** The caption over a side: "now" or "after apply". */
export const SIDE_WORDS: Record<SideName, string> = { before: "now", after: "after apply" };

/** What a side without a picture says in place of one. */
export function missingWords(side: Exclude<ShownSide, { kind: "image" }>, name: SideName, action: Action): string {
  if (side.kind === "unavailable") return "unavailable";
  return name === "after" && action === "delete" ? "removed" : "no photo";
}

export const sizeWords = (side: { width: number; height: number }): string => `${side.width}\u00d7${side.height}`;

/** "648×648", "no photo", "removed" or "unavailable: why": one side in words. */
export function sideWords(side: ShownSide, name: SideName, action: Action): string {
  if (side.kind === "image") return sizeWords(side);
  const missing = missingWords(side, name, action);
  return side.kind === "unavailable" ? `${missing}: ${side.why}` : missing;
}

/**
 * The alt text of a picture: who, where, which side, what: "alice@contoso.com, Entra ID, now:
 * the current photo, 648×648"; "…, after apply (update): the new photo, 648×648".
 */
export function altText(upn: string, panel: ShownPanel, name: SideName): string {
  const side = panel[name];
  const size = side.kind === "image" ? `, ${sizeWords(side)}` : "";
  const stores = storesInWords(panel.stores);
  if (name === "before") return `${upn}, ${stores}, now: the current photo${size}`;
  const what = panel.action === "create" || panel.action === "update" ? "the new photo" : "the photo";
  return `${upn}, ${stores}, after apply (${ACTION_VERB[panel.action]}): ${what}${size}`;
}
