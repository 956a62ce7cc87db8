/**
 * What photosync observed in the tenant: plain data produced by the store adapters and consumed by
 * the planner. A read that failed is recorded as such ("unknown"), never as an absent photo.
 */
import type { Fingerprint } from "./fingerprint.js";

import type { ServiceError } from "./errors.js";

export type { ServiceError } from "./errors.js";

export type MailboxKind = "cloud" | "onPremises" | "none";

/** The directory facts that decide which stores apply to a person. */
export interface DirectoryUser {
  id: string;
  upn: string;
  userType: "Member" | "Guest";
  accountEnabled: boolean;
  licensed: boolean;
  mailbox: MailboxKind;
}

export type UserLookup =
  | { state: "found"; user: DirectoryUser }
  | { state: "missing" }
  | { state: "unknown"; error: ServiceError };

/** A Graph profile photo (Exchange Online or Entra ID) as read. */
export type PhotoObservation =
  | {
      state: "present";
      /** The size of the largest photo the service holds (from the metadata, not the bytes read). */
      width: number;
      height: number;
      etag?: string;
      /** Fingerprint of (a small rendition of) the photo, with width/height of the largest photo. */
      fingerprint: Fingerprint;
    }
  | { state: "absent" }
  | { state: "unknown"; error: ServiceError };

export type ThumbnailName = "small" | "medium" | "large";
export const THUMBNAIL_NAMES: readonly ThumbnailName[] = ["small", "medium", "large"];

/** The SharePoint profile properties photosync manages. */
export const SPO_PROPERTIES = ["PictureURL", "SPS-PicturePlaceholderState", "SPS-PictureExchangeSyncState"] as const;
export type SpoPropertyName = (typeof SPO_PROPERTIES)[number];

export interface ThumbnailObservation {
  etag?: string;
  fingerprint: Fingerprint;
}

/**
 * SharePoint refused to read user profiles with this app's token (403 Access denied): the same for
 * everyone, so the plan says it once (notice spo-profile-read-denied) and plans the thumbnails alone.
 */
export interface ProfileReadDenied {
  denied: ServiceError;
}

export function isProfileReadDenied(properties: Record<SpoPropertyName, string> | ProfileReadDenied | null): properties is ProfileReadDenied {
  return properties !== null && "denied" in properties;
}

/** SharePoint's thumbnails and profile properties of one person as read. */
export type SpoObservation =
  | {
      state: "read";
      thumbnails: Partial<Record<ThumbnailName, ThumbnailObservation>>;
      /** null: the person has no SharePoint user profile; ProfileReadDenied: not readable with this token. */
      properties: Record<SpoPropertyName, string> | ProfileReadDenied | null;
      /**
       * The thumbnail folder the thumbnails were looked for in, server-relative (localised, and
       * perhaps not created yet: then no thumbnails). Absent: the English default.
       */
      folder?: string;
    }
  | { state: "unknown"; error: ServiceError };

export interface LiveUser {
  lookup: UserLookup;
  exo?: PhotoObservation;
  aad?: PhotoObservation;
  spo?: SpoObservation;
}

/**
 * The tenant's photoUpdateSettings (Graph beta /admin/people/photoUpdateSettings) as read. With
 * source "onPremises" every Graph photo write is refused; allowedRoles null: everyone may update
 * their own photo (role template ids trimmed and lower-cased); unknown when it could not be read.
 */
export type PhotoUpdateSettingsRead = { state: "read"; source: string; allowedRoles: string[] | null } | { state: "unknown"; error: ServiceError };
