/** The plan: plain, sorted, versioned data. Computed by plan.ts, rendered by the format-* modules. */
import type { Fingerprint } from "./fingerprint.js";
import type { StoreName } from "./desired.js";
import type { SpoPropertyName, ThumbnailName } from "./observations.js";
import type { PhotoUpdatesPatch, PhotoUpdatesValue } from "./photo-updates.js";

/** "pending": a write apply made is not served yet (model/pending.ts); nothing to write again. */
export type Action = "create" | "update" | "delete" | "noop" | "pending" | "skip" | "unknown";
export const ACTIONS: readonly Action[] = ["create", "update", "delete", "noop", "pending", "skip", "unknown"];
/** Actions that write to the tenant. */
export const CHANGING_ACTIONS: readonly Action[] = ["create", "update", "delete"];

/** A photo as the plan shows it: enough to see what changes, small enough for a PR comment. */
export interface PhotoSummary {
  width: number;
  height: number;
  /** The 64-bit perceptual hash (hex), to tell photos apart at a glance. */
  hash: string;
}

export interface StoreStep {
  store: StoreName;
  action: Action;
  /** Why, in words a person can check: "a different picture (hash distance 31 > 10)". */
  reason: string;
  /** A Graph photo: which store holds it and why, e.g. "Entra ID (current tenant: Graph writes Entra ID for everyone)". */
  holder?: string;
  /** The photo in the store now (null: none); absent when unknown or not applicable. */
  before?: PhotoSummary | null;
  /** The photo after apply (null: removed). */
  after?: PhotoSummary | null;
  /** How far the live photo is from the desired one. */
  distance?: { hash: number; colour: number; pixels: number };
  /** SharePoint: thumbnails present before and after, and the profile properties before and after. */
  thumbnails?: { before: ThumbnailName[]; after: ThumbnailName[] };
  properties?: { before: Partial<Record<SpoPropertyName, string>>; after: Partial<Record<SpoPropertyName, string>> };
}

export interface UserPlan {
  upn: string;
  /** The Entra object id, when the tenant was read. */
  id?: string;
  /** The photo file as written in the manifest, "remove" (no photo), or "default" (the default picture). */
  photo: string;
  /** photo "default": the default picture's file (defaults.placeholder), so JSON readers need not guess. */
  placeholder?: string;
  steps: StoreStep[];
}

export type ActionCounts = Record<Action, number>;

/**
 * Something true of the whole tenant that changes what photosync can do there, said once per plan
 * instead of once per person: a permission SharePoint refuses, a tenant that refuses every Graph
 * photo write, a thumbnail folder that cannot be found. `fix` is one sentence of what to do.
 */
export interface PlanNotice {
  /** Stable, for tests and scripts: "spo-profile-read-denied", "graph-writes-onpremises", … */
  code: string;
  /** The services it is about. */
  service: "graph" | "sharepoint";
  /** What is true, in words: "SharePoint refuses to read user profiles with this app's token". */
  message: string;
  /** What photosync still does about it, in words: "thumbnails are planned; profile properties are not". */
  consequence?: string;
  /** What to do: "grant the SharePoint application permission User.Read.All to photosync-reader". */
  fix?: string;
}

/**
 * A tenant-wide setting the manifest keeps (today: tenant.photoUpdates, "who may change photos").
 * Part of the digest and of the counts; not of the per-person safety-rail shares.
 */
export interface SettingsStep {
  setting: "photoUpdates";
  /** update: apply PATCHes `patch`; noop: in line; unknown: the setting could not be read (never an update). */
  action: "update" | "noop" | "unknown";
  /** Why, in words. */
  reason: string;
  /** The setting as read (absent when unknown). */
  before?: PhotoUpdatesValue;
  /** What the manifest asks (allowedRoles absent: left alone, as with source onPremises). */
  after: { source: "cloud" | "onPremises"; allowedRoles?: string[] | null };
  /** update: only the properties that differ. */
  patch?: PhotoUpdatesPatch;
  /** update: what the change means for people, in words, with the up-to-24-hours delay. */
  consequence?: string;
}

export interface Plan {
  format: "photosync.plan/v1";
  tenant: string;
  /** Tenant-wide findings, each said once (empty when there are none). */
  notices: PlanNotice[];
  /** Users, sorted by UPN (case-insensitive); each user's steps in store order exo, aad, spo. */
  users: UserPlan[];
  /** Tenant-wide settings the manifest keeps; absent when it keeps none. */
  settings?: SettingsStep[];
  /** Steps per action over all users and settings. */
  counts: ActionCounts;
  /** sha256 of the canonical JSON of tenant + users (+ settings): binds an apply to the plan that was reviewed. */
  digest: string;
}

/** What the planner needs to know of one user's desired photo after rendering. */
export type DesiredImage =
  | {
      state: "rendered";
      path: string;
      graph: { edge: number; fingerprint: Fingerprint };
      thumbnails: Record<ThumbnailName, { edge: number; fingerprint: Fingerprint }>;
    }
  | { state: "remove" };
