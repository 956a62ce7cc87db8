/**
 * The desired state that photos.yaml describes, after loading and validation.
 * Pure data: everything downstream (render, plan, apply) works from these types.
 */

import type { DesiredPhotoUpdates } from "./photo-updates.js";

/** The three places a Microsoft 365 profile photo lives. */
export type StoreName = "exo" | "aad" | "spo";
export const STORE_NAMES: readonly StoreName[] = ["exo", "aad", "spo"];

/** How a non-square photo is cropped to a square: a sharp strategy or a focal point (0..1 of width/height). */
export type CropMode = "centre" | "attention" | "entropy" | FocalPoint;
export interface FocalPoint {
  x: number;
  y: number;
}

/** Settings that change what a photo renders to; part of the render cache key. */
export interface RenderSettings {
  crop: CropMode;
  /** Colour transparent areas are flattened onto, as #rrggbb. */
  background: string;
}

/** SharePoint's three profile thumbnails, square edge in pixels. */
export interface ThumbnailSizes {
  small: number;
  medium: number;
  large: number;
}

export interface SharePointSettings {
  /** My Site host, e.g. contoso-my.sharepoint.com: holds "User Photos/Profile Pictures". */
  mySiteHost: string;
  /** Tenant admin host, e.g. contoso-admin.sharepoint.com: user profile properties are written there. */
  adminHost: string;
  thumbnails: ThumbnailSizes;
  /**
   * Value to keep SPS-PictureExchangeSyncState at (0 = not synced from Exchange). Undefined (the
   * default): left alone, never compared, because SharePoint sets it itself when it re-syncs a
   * mailbox user's photo and a fixed value would flip-flop with it.
   */
  exchangeSyncState?: number;
}

export interface TenantSettings {
  /** Tenant id (GUID) or primary domain, e.g. contoso.onmicrosoft.com. */
  id: string;
  /** Stores managed for every user unless the user overrides them. */
  stores: StoreName[];
  sharepoint: SharePointSettings;
  /**
   * Who may change photos (tenant.photoUpdates), with role template ids resolved. Absent: photosync
   * leaves the tenant's setting alone.
   */
  photoUpdates?: DesiredPhotoUpdates;
}

/** A photo file as the manifest names it. */
export interface PhotoFile {
  /** As written, relative to the repo root. */
  path: string;
  /** Resolved on disk. */
  absolutePath: string;
  /** Where the path is written (the user's key when it comes from defaults.photo). */
  position: SourcePosition;
}

export interface Defaults {
  /**
   * Path template of a person's OWN photo, for users whose entry gives no path: {upn}, {alias}
   * (UPN before @), {domain}.
   */
  photo: string;
  /**
   * defaults.placeholder: the one picture shown for people set to `default` (who must not show a
   * face). A file, not a template; absent when the manifest names none.
   */
  placeholder?: PhotoFile;
  render: RenderSettings;
  /** Smallest acceptable edge of a source photo, in pixels. */
  minSize: number;
}

export interface SafetySettings {
  /** Refuse an apply that updates more than this share of managed users. */
  maxUpdateShare: number;
  /** Refuse an apply that removes more than this share of managed users. */
  maxRemoveShare: number;
  /** The share rails apply only when at least this many users are managed. */
  minManagedForShare: number;
}

/** Where a position in a source file is (1-based line and column). */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

export type DesiredPhoto =
  /** The person's own photo. */
  | ({ kind: "photo" } & PhotoFile)
  /**
   * The default picture (`users.<upn>: default`): defaults.placeholder's file, at defaults.placeholder's
   * position, rendered with defaults' crop and background; a photo like any other to the stores.
   */
  | ({ kind: "default" } & PhotoFile)
  /** No photo at all: taken down everywhere. */
  | { kind: "remove" };

export interface DesiredUser {
  /** The UPN as written in the manifest. Compare with upnKey(). */
  upn: string;
  /** Entra object id, when given: follows renames. */
  id?: string;
  photo: DesiredPhoto;
  stores: StoreName[];
  /** True when the user's entry lists stores itself (it then wins over tenant facts). */
  storesOverridden: boolean;
  render: RenderSettings;
  position: SourcePosition;
}

export interface DesiredState {
  manifestPath: string;
  /** The repo root: the directory holding photos.yaml. */
  rootDir: string;
  tenant: TenantSettings;
  defaults: Defaults;
  safety: SafetySettings;
  /** UPN globs (case-insensitive) that photosync never touches. */
  ignore: string[];
  users: DesiredUser[];
}

/** UPNs are case-insensitive in Entra ID; this is the form to compare and key maps by. */
export function upnKey(upn: string): string {
  return upn.trim().toLowerCase();
}
