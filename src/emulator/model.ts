/**
 * The emulated tenant's state as plain data: what is persisted, what the admin API shows.
 * Photo bytes never live here, only the sha256 of a blob in the BlobStore.
 */

/** Where a user's mailbox lives; decides what Exchange-backed Graph calls do. */
export type Mailbox = "cloud" | "onPremises" | "none";

/** legacy: v1.0 photo needs an EXO mailbox; current: v1.0 writes Entra ID (after MC678855). */
export type PhotoBehaviour = "legacy" | "current";

/** How "no photo" is answered: 404 ImageNotFound (current), 200 1x1 GIF (older), 404 ErrorItemNotFound (EXO era). */
export type NoPhotoAnswer = "imageNotFound" | "gif" | "errorItemNotFound";

export type PhotoStore = "exo" | "aad";

export interface PhotoRecord {
  /** sha256 (hex) of the stored, re-encoded JPEG. */
  blob: string;
  width: number;
  height: number;
  /** 8 upper-case hex digits, like Graph's "@odata.mediaEtag" ("\"BA09D118\""). Changes on every write. */
  etag: string;
  updated: string;
  /** The served sizes other than the photo's own, made when it was stored: size → blob sha256. */
  renditions?: Record<string, string>;
}

export interface UserRecord {
  id: string;
  userPrincipalName: string;
  displayName: string;
  mail: string | null;
  userType: "Member" | "Guest";
  accountEnabled: boolean;
  mailbox: Mailbox;
  licensed: boolean;
  onPremisesSyncEnabled: boolean | null;
  photos: Partial<Record<PhotoStore, PhotoRecord>>;
  /** SharePoint user profile properties (only the ones photosync touches are modelled). */
  profile: Record<string, string>;
}

export interface SpoFileRecord {
  /** Server-relative URL as stored, e.g. "/User Photos/Profile Pictures/alex_wilber_contoso_com_MThumb.jpg". */
  serverRelativeUrl: string;
  blob: string;
  length: number;
  uniqueId: string;
  version: number;
  created: string;
  modified: string;
}

export interface AppRecord {
  clientId: string;
  displayName: string;
  secrets: string[];
  /** PEM certificates whose keys may sign client assertions. */
  certificates: string[];
  federated: { issuer: string; subject: string; audiences: string[] }[];
  /** Application permissions granted, per resource. */
  roles: { graph: string[]; sharepoint: string[] };
}

export interface FederatedIssuer {
  issuer: string;
  /** Public keys (JWK set) of the issuer. Absent: the emulator's own federation key stands in. */
  jwks?: { keys: Record<string, unknown>[] };
}

export interface TenantConfig {
  /** GUID, the `tid` claim. */
  tenantId: string;
  /** Initial domain, e.g. contoso.onmicrosoft.com. */
  domain: string;
  /** SharePoint prefix: {name}.sharepoint.com, {name}-my…, {name}-admin… */
  name: string;
  behaviour: PhotoBehaviour;
  noPhoto: NoPhotoAnswer;
  photoUpdateSettings: { source: "cloud" | "onPremises"; allowedRoles: string[] };
  spo: {
    library: string;
    folder: string;
    /** MC653734: some tenants refuse uploads to the My Site host's photo library. */
    uploadsDisabled: boolean;
    /**
     * Sizes SharePoint's own sync (from Exchange/Entra ID) writes: S and M squares of `small` and
     * `medium`, L at most `large` wide keeping the source's proportions (facts: 48, 72, up to 300).
     */
    thumbnails: { small: number; medium: number; large: number };
    /**
     * The My Site host's locale (its web's Language): names the thumbnail folder ("Profile
     * Pictures", "Images du profil", …). Absent in state saved by older emulators: en-US.
     */
    locale?: string;
    /** Whether the thumbnail folder exists yet (absent: present, as older emulators had it). */
    thumbnailFolder?: "present" | "missing";
    /** The SPS-PictureExchangeSyncState value SharePoint's own sync sets for a mailbox user (absent: "1"). */
    syncState?: string;
  };
  apps: AppRecord[];
  federatedIssuers: FederatedIssuer[];
}

export interface TenantState {
  version: 1;
  tenant: TenantConfig;
  users: UserRecord[];
  spoFiles: SpoFileRecord[];
  /** Monotonic write counter (etags, file versions). */
  sequence: number;
}

/** Graph's HD photo sizes (square). */
export const HD_SIZES = [48, 64, 96, 120, 240, 360, 432, 504, 648] as const;
export const MAX_EXO_SIZE = 648;
/** Graph refuses photo uploads above 4 MB. */
export const MAX_UPLOAD_BYTES = 4 * 1024 * 1024;
