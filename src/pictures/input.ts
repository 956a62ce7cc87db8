/**
 * What a before/after review sheet shows ("review faces, not hashes"): gathered by the pipeline
 * (reconcile/pictures-run.ts), drawn by pictures/sheet-png.ts and pictures/sheet-html.ts.
 * Plain data: the bytes are images sharp can read (the tenant's answer, or our render).
 */
import type { Action } from "../model/plan.js";
import type { StoreName } from "../model/desired.js";

/** One side of a panel: a picture, no picture at all, or a picture we could not show and why. */
export type PictureSide =
  | { kind: "image"; bytes: Buffer; width: number; height: number }
  /** Before: the store has no photo. After: apply removes it. */
  | { kind: "none" }
  /** e.g. "not downloaded: only the first 200 changed people are fetched", "the tenant could not be read". */
  | { kind: "unavailable"; why: string };

/** One before/after pair: the stores that show the same thing now and get the same thing after apply. */
export interface ReviewPanel {
  /** In plan order (exo, aad, spo); drawn as words ("Exchange Online", "Entra ID", "SharePoint"). */
  stores: StoreName[];
  action: Action;
  /** The plan's reason, in words. */
  reason: string;
  before: PictureSide;
  after: PictureSide;
}

export interface ReviewPerson {
  upn: string;
  /** At least one; more when the stores differ (e.g. Entra ID in line, SharePoint stale). */
  panels: ReviewPanel[];
}

export interface ReviewSheetInput {
  kind: "plan" | "drift" | "apply-dry-run";
  tenant: string;
  /** The plan's digest, printed small so a sheet can be matched to its plan. */
  digest: string;
  /** Sorted as the plan sorts them (UPN, case-insensitive). */
  people: ReviewPerson[];
  /** People with a change who are not on the sheet (over the download bound), said on the sheet. */
  omitted: number;
}

/** What writeReviewSheet wrote (absolute paths). */
export interface ReviewSheetFiles {
  /** faces-1.png, faces-2.png, … : pages of at most `perPage` people. */
  pages: string[];
  /** faces.html: one self-contained page (every image inline as a data: URI). */
  html: string;
  /** How many people the sheet shows. */
  people: number;
}

/** People per PNG page unless told otherwise: fixed, so a page's size depends only on its people. */
export const PEOPLE_PER_PAGE = 8;
