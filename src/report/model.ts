/**
 * The coverage report's model: who in the tenant has which photo, and what is wrong with it. Pure:
 * it takes what was read (the directory, each person's observations, the plan of the managed
 * people) and returns plain, sorted data that the format-* modules render.
 *
 * Every person falls in exactly ONE category (categoryOf: ignored, then not managed, then the
 * managed people's photo state), so the summary's numbers do not overlap and add up to the
 * tenant's people. Guest, disabled and "differs
 * from the repo" are facts shown beside the category, not categories of their own.
 */
import type { Action, UserPlan } from "../model/plan.js";
import type { DirectoryUser, PhotoObservation, SpoObservation, ThumbnailName } from "../model/observations.js";
import { isProfileReadDenied } from "../model/observations.js";
import type { Fingerprint } from "../model/fingerprint.js";
import { compare } from "../images/compare.js";
import type { Measure } from "../images/compare.js";

export const REPORT_FORMAT = "photosync.report/v1";

export type Category = "unknown" | "ignored" | "unmanaged" | "none" | "spo-stale" | "spo-only" | "graph-only" | "default" | "everywhere";

/** The order categories are decided in, and shown in (problems first). */
export const CATEGORY_ORDER: readonly Category[] = ["unknown", "none", "spo-stale", "spo-only", "graph-only", "default", "everywhere", "unmanaged", "ignored"];

/** How each category reads in a sentence and as a group heading. */
export const CATEGORY_WORDS: Record<Category, { phrase: string; heading: string }> = {
  unknown: { phrase: "whose photos could not be read", heading: "Could not be read" },
  none: { phrase: "without any", heading: "No photo anywhere" },
  "spo-stale": { phrase: "where SharePoint shows an old picture", heading: "SharePoint shows a different picture" },
  "spo-only": { phrase: "with a photo only in SharePoint", heading: "Photo only in SharePoint" },
  "graph-only": { phrase: "with no SharePoint picture", heading: "No SharePoint picture" },
  default: { phrase: "showing the default picture", heading: "The default picture everywhere (photos.yaml: default)" },
  everywhere: { phrase: "with a photo everywhere", heading: "Photo everywhere" },
  unmanaged: { phrase: "not managed", heading: "Not managed (not in photos.yaml)" },
  ignored: { phrase: "ignored", heading: "Ignored (photos.yaml ignore)" },
};

export type StoreState = "present" | "absent" | "unknown" | "not-read";

/** Whether a managed person's photos match the repo, as the planner decided it. */
export type RepoMatch = "matches" | "differs" | "pending" | "unknown";

export interface ReportRow {
  upn: string;
  id: string;
  category: Category;
  managed: boolean;
  ignored: boolean;
  guest: boolean;
  disabled: boolean;
  /** The Graph photo (Entra ID; the Exchange mailbox's in a legacy tenant when that is the one read). */
  graph: StoreState;
  /** SharePoint's thumbnails: present when any of the three is there. */
  sharePoint: StoreState;
  /** Entra ID and SharePoint show the same picture (absent when either has none or was not read). */
  samePicture?: boolean;
  /** SPS-PicturePlaceholderState as read ("0" a real picture, "1" the placeholder); absent when not read. */
  placeholderState?: string;
  /** Managed people: the plan's verdict. */
  repo?: RepoMatch;
  /** Managed people: what the plan would change, in its own words ("Entra ID: update (…)"). */
  changes?: string[];
  /** Why a store could not be read, when one could not. */
  error?: string;
  /** Managed people set to the default picture (users.<upn>: default): no face, by choice, not a missing photo. */
  placeholder?: boolean;
  /** Small pictures of what was read, for the HTML page (data: URIs made by the pipeline). */
  thumbnails?: { graph?: string; sharePoint?: string };
}

export interface Report {
  format: typeof REPORT_FORMAT;
  generatedAt: string;
  tenant: string;
  total: number;
  counts: Record<Category, number>;
  guests: number;
  disabled: number;
  managed: number;
  /** Managed people whose photos the plan would change. */
  differFromRepo: number;
  rows: ReportRow[];
}

/** What the pipeline read of one person (all optional: a person not read has none). */
export interface PersonReading {
  user: DirectoryUser;
  managed: boolean;
  ignored: boolean;
  graph?: PhotoObservation;
  spo?: SpoObservation;
  /** The plan of a managed person. */
  plan?: UserPlan;
}

const graphState = (photo: PhotoObservation | undefined): StoreState => (photo === undefined ? "not-read" : photo.state);

function spoState(spo: SpoObservation | undefined): StoreState {
  if (spo === undefined) return "not-read";
  if (spo.state === "unknown") return "unknown";
  return Object.keys(spo.thumbnails).length > 0 ? "present" : "absent";
}

/** The thumbnail closest to a photo: the large one, else the next smaller. */
export function largestThumbnail(spo: SpoObservation | undefined): Fingerprint | undefined {
  if (spo === undefined || spo.state !== "read") return undefined;
  const order: ThumbnailName[] = ["large", "medium", "small"];
  for (const name of order) {
    const thumbnail = spo.thumbnails[name];
    if (thumbnail) return thumbnail.fingerprint;
  }
  return undefined;
}

const CHANGING: readonly Action[] = ["create", "update", "delete"];

export function repoMatch(plan: UserPlan): RepoMatch {
  const actions = plan.steps.map((step) => step.action);
  if (actions.includes("unknown")) return "unknown";
  if (actions.some((action) => CHANGING.includes(action))) return "differs";
  if (actions.includes("pending")) return "pending";
  return "matches";
}

function categoryOf(row: Omit<ReportRow, "category">): Category {
  if (row.ignored) return "ignored";
  if (!row.managed) return "unmanaged";
  if (row.graph === "unknown" || row.sharePoint === "unknown" || row.repo === "unknown") return "unknown";
  const graph = row.graph === "present";
  const spo = row.sharePoint === "present";
  if (!graph && !spo) return "none";
  // The default picture shown everywhere is its own group: a choice, told apart from a face.
  if (graph && spo) return row.samePicture === false ? "spo-stale" : row.placeholder ? "default" : "everywhere";
  return spo ? "spo-only" : "graph-only";
}

/** One person's row; `measure` is how photos are measured (default: compare.ts's). */
export function reportRow(reading: PersonReading, measure?: Measure): ReportRow {
  const graph = graphState(reading.graph);
  const sharePoint = spoState(reading.spo);
  const graphPrint = reading.graph?.state === "present" ? reading.graph.fingerprint : undefined;
  const spoPrint = largestThumbnail(reading.spo);
  const properties = reading.spo?.state === "read" ? reading.spo.properties : null;
  const placeholderState = properties && !isProfileReadDenied(properties) ? properties["SPS-PicturePlaceholderState"] : undefined;
  const errors = [reading.graph?.state === "unknown" ? `Graph: ${reading.graph.error.message}` : undefined, reading.spo?.state === "unknown" ? `SharePoint: ${reading.spo.error.message}` : undefined].filter(
    (error): error is string => error !== undefined,
  );
  const changes = reading.plan?.steps.filter((step) => CHANGING.includes(step.action) || step.action === "unknown").map((step) => `${step.store}: ${step.action} (${step.reason})`);
  const partial: Omit<ReportRow, "category"> = {
    upn: reading.user.upn,
    id: reading.user.id,
    managed: reading.managed,
    ignored: reading.ignored,
    guest: reading.user.userType === "Guest",
    disabled: !reading.user.accountEnabled,
    graph,
    sharePoint,
    ...(graphPrint && spoPrint ? { samePicture: compare(graphPrint, spoPrint, measure ? { measure } : {}).verdict !== "different" } : {}),
    ...(placeholderState !== undefined && placeholderState !== "" ? { placeholderState } : {}),
    ...(reading.plan ? { repo: repoMatch(reading.plan) } : {}),
    ...(reading.plan?.photo === "default" ? { placeholder: true } : {}),
    ...(changes && changes.length > 0 ? { changes } : {}),
    ...(errors.length > 0 ? { error: errors.join("; ") } : {}),
  };
  return { ...partial, category: categoryOf(partial) };
}

export function emptyCounts(): Record<Category, number> {
  return Object.fromEntries(CATEGORY_ORDER.map((category) => [category, 0])) as Record<Category, number>;
}

/** The report of these people, rows sorted by category (problems first), then UPN. */
export function buildReport(rows: readonly ReportRow[], tenant: string, generatedAt: Date): Report {
  const counts = emptyCounts();
  for (const row of rows) counts[row.category]++;
  const rank = new Map(CATEGORY_ORDER.map((category, index) => [category, index]));
  const sorted = [...rows].sort((a, b) => rank.get(a.category)! - rank.get(b.category)! || a.upn.toLowerCase().localeCompare(b.upn.toLowerCase()));
  return {
    format: REPORT_FORMAT,
    generatedAt: generatedAt.toISOString(),
    tenant,
    total: rows.length,
    counts,
    guests: rows.filter((row) => row.guest).length,
    disabled: rows.filter((row) => row.disabled).length,
    managed: rows.filter((row) => row.managed).length,
    differFromRepo: rows.filter((row) => row.repo === "differs").length,
    rows: sorted,
  };
}

const number = (value: number): string => value.toLocaleString("en-US");

/** "1,204 people: 1,050 with a photo everywhere, 98 without any, …": the categories that have anyone, in order. */
export function summaryLine(report: Report): string {
  const parts = CATEGORY_ORDER.filter((category) => report.counts[category] > 0).map((category) => `${number(report.counts[category])} ${CATEGORY_WORDS[category].phrase}`);
  const head = `${number(report.total)} ${report.total === 1 ? "person" : "people"}`;
  return parts.length > 0 ? `${head}: ${parts.join(", ")}` : head;
}

/** The facts beside the categories: "3 guests, 1 disabled; 2 of 8 managed people differ from the repo". */
export function factsLine(report: Report): string {
  return `${number(report.guests)} ${report.guests === 1 ? "guest" : "guests"}, ${number(report.disabled)} disabled; ${number(report.differFromRepo)} of ${number(report.managed)} managed ${report.managed === 1 ? "person differs" : "people differ"} from the repo`;
}

export { number as formatNumber };
