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

/**
 * What a legacy tenant's Graph v1.0 photo API answers a licensed user whose Exchange plan is
 * Foundation (the directory shows an enabled exchange plan, but there is no mailbox): reported as
 * 400 AuthenticationError (microsoft-graph-docs #8877), documented as 404 ErrorNonExistentMailbox.
 */
export type NoMailboxAnswer = "authenticationError" | "nonExistentMailbox";

export type PhotoStore = "exo" | "aad";

/**
 * Sizes Graph serves of an Entra ID-stored photo ("photos can be any dimension" there):
 * - all: every HD size up to the stored one, as Exchange does (the lenient reading);
 * - stored: only the stored size, any other is 404 ImageNotFound (microsoft-graph-docs #2319:
 *   "sometimes only one size exists");
 * - onePixel: only the stored size is real; another size answers 200 with a 1x1 image and the
 *   rest of the metadata (beta profilephoto-get.md: "the size 1x1 is returned"). The default.
 */
export type EntraSizes = "all" | "stored" | "onePixel";

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
  /**
   * foundation: the licence's Exchange plan is Exchange Foundation: the directory lists an enabled
   * exchange service plan, yet there is no mailbox (`mailbox` is "none"). Absent: a full plan.
   */
  exchangePlan?: "foundation";
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
  /** The list item's ID in the library (ascending in creation order; paged listings go by it). */
  itemId?: number;
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
  /** Legacy tenants: the answer to a licensed Foundation-plan user without a mailbox (see NoMailboxAnswer). */
  noMailboxAnswer: NoMailboxAnswer;
  /**
   * onPremises: every Graph photo write is refused (concepts/profilephoto-configure-settings.md).
   * allowedRoles null: everyone may update their own photo (what Graph answers by default).
   * "It can take up to 24 hours for the changes to be propagated": after a Graph PATCH that changes
   * the source, GET answers the new values at once but Graph photo writes follow `inForce` (the
   * source from before) until its `until` (ms on the tenant's clock); `takesEffectSeconds` is that
   * delay (absent: PHOTO_UPDATES_TAKE_EFFECT_SECONDS, the harsher default).
   */
  photoUpdateSettings: {
    source: "cloud" | "onPremises";
    allowedRoles: string[] | null;
    takesEffectSeconds?: number;
    inForce?: { source: "cloud" | "onPremises"; until: number };
  };
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
     * The most items one page of a list answers, whatever `$top` asks: 5,000 (the list view
     * threshold) by default; smaller makes a client follow `odata.nextLink` without 5,000 files.
     */
    listPageLimit: number;
    /**
     * Which SharePoint hosts a token is good for. `host` (default): only the host its `aud` names,
     * as pnp/powershell #5133 shows (an -admin token on another host: 401
     * AudienceUriValidationFailedException). `any`: every host of the tenant (the lenient belief).
     */
    tokenAudience: "host" | "any";
    /**
     * What PeopleManager reads need. `user` (default): SharePoint's User.Read.All or
     * User.ReadWrite.All application permission, Sites.* alone is "Access denied"
     * (pnp/powershell #5084). `sites`: any Sites.* permission will do (the lenient report).
     */
    profileReadPermission: "user" | "sites";
    /**
     * SetSingleValueProfileProperty with an Entra app-only token. `denied` (default): product
     * support says app-only tokens cannot write user profile data (sp-dev-docs #3718,
     * pnp/powershell #277): 403 "Access denied". `allowed`: with User.ReadWrite.All (or FullControl).
     */
    appOnlyProfileWrites: "denied" | "allowed";
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
  /** Graph wire behaviours Microsoft leaves disputed (docs/emulator.md); absent in older saved states: defaults. */
  graph?: {
    /** $batch photo items handed to the photo service at once (Q&A 1660054: 4). Larger = lenient. */
    batchPhotoConcurrency: number;
    entraSizes: EntraSizes;
  };
  /**
   * Read-after-write propagation (graph-explorer-v4 #1269): for this long after a Graph photo write
   * or delete, reads keep serving what was there before. Absent (a state file from before the
   * switch): DEFAULT_PROPAGATION. SharePoint files are readable at once; only 0 is modelled there.
   */
  propagation?: { graphSeconds: number; sharepointSeconds: number };
}

/** "Up to 24 hours" for a change of photoUpdateSettings to be in force: the harsher default, the whole of it. */
export const PHOTO_UPDATES_TAKE_EFFECT_SECONDS = 86_400;

/** The harsher default: Graph serves a new photo a few seconds late; SharePoint files at once. */
export const DEFAULT_PROPAGATION = { graphSeconds: 3, sharepointSeconds: 0 } as const;

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
/** Graph refuses any request body above 4 MB, a $batch envelope (base64 bodies, 4/3 larger) included. */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
/** The defaults of TenantConfig.graph: the harsher reading of each disputed behaviour. */
export const GRAPH_DEFAULTS = { batchPhotoConcurrency: 4, entraSizes: "onePixel" } as const satisfies NonNullable<TenantConfig["graph"]>;
