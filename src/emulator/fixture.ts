/**
 * Tenant fixtures: a YAML description of a tenant (settings, apps, users and the photos already in
 * each store) turned into the emulator's initial state. Photos come from files (rendered the way
 * photosync renders: square crop, white background) or from synthetic portraits by seed, and are
 * then stored the way the service stores an upload (re-encoded), so "in sync" means what it means
 * in a real tenant: same picture, different bytes.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import sharp from "sharp";
import { parse } from "yaml";
import { renderPortrait } from "../demo/portrait.js";
import type { BlobStore } from "./blobs.js";
import { reencodeUpload } from "./images.js";
import { DEFAULT_PROPAGATION, GRAPH_DEFAULTS, PHOTO_UPDATES_TAKE_EFFECT_SECONDS } from "./model.js";
import type { AppRecord, EntraSizes, FederatedIssuer, Mailbox, NoMailboxAnswer, NoPhotoAnswer, PhotoBehaviour, TenantConfig, TenantState, UserRecord } from "./model.js";
import { LIST_VIEW_THRESHOLD } from "./sharepoint/list-items.js";
import { DEFAULT_LOCALE, mySiteLocale } from "./sharepoint/locale.js";
import { Tenant } from "./state.js";

export interface PhotoSource {
  /** Image file, relative to the fixture's base directory. */
  file?: string;
  /** Seed of a synthetic portrait (src/demo/portrait.ts). */
  portrait?: string;
  /** Side of the square rendition stored (default 648). */
  size?: number;
}

export interface FixtureUser {
  upn: string;
  id?: string;
  displayName?: string;
  mail?: string | null;
  mailbox?: Mailbox;
  licensed?: boolean;
  /** foundation: licensed with Exchange Foundation only: an enabled exchange plan in the directory, no mailbox. */
  exchangePlan?: "foundation";
  guest?: boolean;
  accountEnabled?: boolean;
  onPremisesSyncEnabled?: boolean | null;
  /** Exchange photo (reaches Entra ID too, as the real propagation does). */
  photo?: PhotoSource;
  /** Per-store photos; `spo` also sets the profile properties as SharePoint's own sync does. */
  photos?: { exo?: PhotoSource; aad?: PhotoSource; spo?: PhotoSource };
  profile?: Record<string, string>;
}

export interface FixtureApp {
  clientId: string;
  displayName?: string;
  secrets?: string[];
  /** PEM certificates (or files) allowed to sign assertions; "generate" makes one at start-up. */
  certificates?: string[];
  federated?: { issuer: string; subject: string; audiences?: string[] }[];
  roles?: { graph?: string[]; sharepoint?: string[] };
}

export interface Fixture {
  tenant?: {
    id?: string;
    domain?: string;
    name?: string;
    behaviour?: PhotoBehaviour;
    noPhoto?: NoPhotoAnswer;
    noMailboxAnswer?: NoMailboxAnswer;
    /** takesEffectSeconds: how long a PATCH of the source takes to be enforced (default 86400: "up to 24 hours"). */
    photoUpdateSettings?: { source?: "cloud" | "onPremises"; allowedRoles?: string[] | null; takesEffectSeconds?: number };
    sharepoint?: {
      library?: string;
      /** The thumbnail folder's name; wins over the locale's. */
      folder?: string;
      /** The My Site host's locale (web Language): en-US, fr-FR, pt-BR, de-DE, nl-NL, es-ES (default en-US). */
      locale?: string;
      /** Whether the folder exists yet (default: present when a user has `photos.spo`, else missing). */
      thumbnailFolder?: "present" | "missing";
      /** SPS-PictureExchangeSyncState that SharePoint's own sync sets for mailbox users (default "1"). */
      syncState?: string;
      uploadsDisabled?: boolean;
      thumbnails?: { small?: number; medium?: number; large?: number };
      /** The most items one page of a list answers, whatever `$top` asks (default 5000, the list view threshold). */
      listPageLimit?: number;
      tokenAudience?: "host" | "any";
      profileReadPermission?: "user" | "sites";
      appOnlyProfileWrites?: "denied" | "allowed";
    };
    /** Graph wire switches (docs/emulator.md): `batchPhotoConcurrency` (default 4), `entraSizes` (default onePixel). */
    graph?: { batchPhotoConcurrency?: number; entraSizes?: EntraSizes };
    /** Read-after-write delay per store, in seconds (model.ts DEFAULT_PROPAGATION). */
    propagation?: { graphSeconds?: number; sharepointSeconds?: number };
  };
  apps?: FixtureApp[];
  federatedIssuers?: FederatedIssuer[];
  users?: FixtureUser[];
}

/** A stable GUID from a string (ids that survive re-seeding). */
export function stableGuid(text: string): string {
  const hex = createHash("sha256").update(text).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function parseFixture(text: string): Fixture {
  const value = parse(text) as unknown;
  if (value === null || typeof value !== "object") throw new Error("tenant fixture: expected a YAML mapping");
  return value as Fixture;
}

export async function readFixture(path: string): Promise<Fixture> {
  return parseFixture(await readFile(path, "utf8"));
}

/** A switch's value, or its first (harshest) value when absent; anything else is a fixture error. */
function oneOf<T extends string>(key: string, value: T | undefined, values: readonly [T, ...T[]]): T {
  if (value === undefined) return values[0];
  if (!values.includes(value)) throw new Error(`tenant fixture: tenant.${key} must be one of ${values.join(", ")}, not ${JSON.stringify(value)}`);
  return value;
}

function tenantConfig(fixture: Fixture): TenantConfig {
  const t = fixture.tenant ?? {};
  const domain = t.domain ?? "contoso.onmicrosoft.com";
  const name = t.name ?? domain.split(".")[0] ?? "contoso";
  const locale = t.sharepoint?.locale ?? DEFAULT_LOCALE;
  const folder = t.sharepoint?.folder ?? mySiteLocale(locale).folder;
  if (folder === undefined) throw new Error(`tenant fixture: no source names the thumbnail folder of a ${locale} My Site; give sharepoint.folder`);
  return {
    tenantId: t.id ?? stableGuid(`tenant:${domain}`),
    domain,
    name,
    behaviour: t.behaviour ?? "current",
    noPhoto: t.noPhoto ?? "imageNotFound",
    // The harsher of the two reported answers: the one a reader must recognise without a hint.
    noMailboxAnswer: t.noMailboxAnswer ?? "authenticationError",
    photoUpdateSettings: photoUpdateSettings(t.photoUpdateSettings),
    spo: {
      library: t.sharepoint?.library ?? "User Photos",
      folder,
      locale,
      // The harsher default: no folder until something is put there, unless the fixture seeds thumbnails.
      thumbnailFolder: t.sharepoint?.thumbnailFolder ?? ((fixture.users ?? []).some((user) => user.photos?.spo !== undefined) ? "present" : "missing"),
      syncState: t.sharepoint?.syncState ?? "1",
      uploadsDisabled: t.sharepoint?.uploadsDisabled ?? false,
      thumbnails: { small: t.sharepoint?.thumbnails?.small ?? 48, medium: t.sharepoint?.thumbnails?.medium ?? 72, large: t.sharepoint?.thumbnails?.large ?? 300 },
      listPageLimit: listPageLimit(t.sharepoint?.listPageLimit),
      // Disputed behaviours: the harsher one unless the fixture says otherwise (model.ts).
      tokenAudience: oneOf("sharepoint.tokenAudience", t.sharepoint?.tokenAudience, ["host", "any"]),
      profileReadPermission: oneOf("sharepoint.profileReadPermission", t.sharepoint?.profileReadPermission, ["user", "sites"]),
      appOnlyProfileWrites: oneOf("sharepoint.appOnlyProfileWrites", t.sharepoint?.appOnlyProfileWrites, ["denied", "allowed"]),
    },
    apps: [],
    federatedIssuers: fixture.federatedIssuers ?? [],
    graph: graphConfig(t.graph),
    propagation: propagation(t.propagation),
  };
}

/** Graph's default is source cloud and allowedRoles null (not []); the delay is a number of seconds. */
function photoUpdateSettings(value: NonNullable<Fixture["tenant"]>["photoUpdateSettings"]): TenantConfig["photoUpdateSettings"] {
  const source = oneOf("photoUpdateSettings.source", value?.source, ["cloud", "onPremises"]);
  const seconds = value?.takesEffectSeconds ?? PHOTO_UPDATES_TAKE_EFFECT_SECONDS;
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) {
    throw new Error(`tenant fixture: photoUpdateSettings.takesEffectSeconds must be a number of seconds (0 or more), not ${JSON.stringify(seconds)}`);
  }
  const roles = value?.allowedRoles;
  if (roles !== undefined && roles !== null && !Array.isArray(roles)) throw new Error("tenant fixture: photoUpdateSettings.allowedRoles must be a list of role template ids, or null");
  return { source, allowedRoles: roles ? roles.map(String) : null, takesEffectSeconds: seconds };
}

function graphConfig(graph: NonNullable<Fixture["tenant"]>["graph"]): NonNullable<TenantConfig["graph"]> {
  const concurrency = graph?.batchPhotoConcurrency ?? GRAPH_DEFAULTS.batchPhotoConcurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`tenant fixture: tenant.graph.batchPhotoConcurrency must be a whole number of at least 1, not ${String(concurrency)}`);
  const sizes = graph?.entraSizes ?? GRAPH_DEFAULTS.entraSizes;
  if (!["all", "stored", "onePixel"].includes(sizes)) throw new Error(`tenant fixture: tenant.graph.entraSizes must be all, stored or onePixel, not ${String(sizes)}`);
  return { batchPhotoConcurrency: concurrency, entraSizes: sizes };
}

/** A delay that is not a number of seconds is a fixture error; SharePoint's is only modelled at 0. */
function listPageLimit(value: number | undefined): number {
  if (value === undefined) return LIST_VIEW_THRESHOLD;
  if (!Number.isInteger(value) || value < 1 || value > LIST_VIEW_THRESHOLD) throw new Error(`tenant fixture: sharepoint.listPageLimit must be a whole number from 1 to ${LIST_VIEW_THRESHOLD}`);
  return value;
}

function propagation(value: { graphSeconds?: number; sharepointSeconds?: number } | undefined): NonNullable<TenantConfig["propagation"]> {
  const graphSeconds = value?.graphSeconds ?? DEFAULT_PROPAGATION.graphSeconds;
  const sharepointSeconds = value?.sharepointSeconds ?? DEFAULT_PROPAGATION.sharepointSeconds;
  if (typeof graphSeconds !== "number" || !Number.isFinite(graphSeconds) || graphSeconds < 0) {
    throw new Error(`tenant fixture: propagation.graphSeconds must be a number of seconds (0 or more), not ${JSON.stringify(graphSeconds)}`);
  }
  if (sharepointSeconds !== 0) {
    throw new Error("tenant fixture: propagation.sharepointSeconds: only 0 is modelled (SharePoint files are readable as soon as they are written)");
  }
  return { graphSeconds, sharepointSeconds };
}

export interface SeedOptions {
  /** Directory photo files are relative to (default: the current directory). */
  baseDir?: string;
  /** Turns "generate" certificate entries into PEMs (the server provides this). */
  certificate(app: FixtureApp): Promise<string>;
}

async function renderSource(source: PhotoSource, baseDir: string): Promise<Buffer> {
  const size = source.size ?? 648;
  let input: Buffer;
  if (source.file !== undefined) {
    const path = isAbsolute(source.file) ? source.file : resolve(baseDir, source.file);
    try {
      input = await readFile(path);
    } catch {
      // A fresh checkout without the example photos still gets a deterministic face.
      input = await renderPortrait({ seed: source.file, width: 800, height: 800 });
    }
  } else {
    input = await renderPortrait({ seed: source.portrait ?? "portrait", width: Math.max(size, 256), height: Math.max(size, 256) });
  }
  return sharp(input).rotate().resize(size, size, { fit: "cover", position: sharp.strategy.attention }).flatten({ background: "#ffffff" }).jpeg({ quality: 90 }).toBuffer();
}

async function apps(fixture: Fixture, options: SeedOptions): Promise<AppRecord[]> {
  const out: AppRecord[] = [];
  for (const app of fixture.apps ?? []) {
    const certificates: string[] = [];
    for (const entry of app.certificates ?? []) {
      if (entry === "generate") certificates.push(await options.certificate(app));
      else if (entry.includes("-----BEGIN")) certificates.push(entry);
      else certificates.push(await readFile(isAbsolute(entry) ? entry : resolve(options.baseDir ?? process.cwd(), entry), "utf8"));
    }
    out.push({
      clientId: app.clientId,
      displayName: app.displayName ?? app.clientId,
      secrets: app.secrets ?? [],
      certificates,
      federated: (app.federated ?? []).map((credential) => ({ issuer: credential.issuer, subject: credential.subject, audiences: credential.audiences ?? ["api://AzureADTokenExchange"] })),
      roles: { graph: app.roles?.graph ?? [], sharepoint: app.roles?.sharepoint ?? [] },
    });
  }
  return out;
}

function userRecord(entry: FixtureUser): UserRecord {
  const upn = entry.upn;
  const guest = entry.guest === true || upn.includes("#EXT#");
  const foundation = entry.exchangePlan === "foundation";
  // Exchange Foundation gives no mailbox, whatever the rest of the licence includes.
  const mailbox = foundation ? "none" : (entry.mailbox ?? (guest ? "none" : "cloud"));
  return {
    id: entry.id ?? stableGuid(`user:${upn.toLowerCase()}`),
    userPrincipalName: upn,
    displayName: entry.displayName ?? upn.split("@")[0]?.split(/[._]/).map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join(" ") ?? upn,
    mail: entry.mail !== undefined ? entry.mail : guest ? null : upn,
    userType: guest ? "Guest" : "Member",
    accountEnabled: entry.accountEnabled ?? true,
    mailbox,
    licensed: foundation ? true : (entry.licensed ?? !guest),
    ...(foundation ? { exchangePlan: "foundation" as const } : {}),
    onPremisesSyncEnabled: entry.onPremisesSyncEnabled ?? null,
    photos: {},
    profile: { ...entry.profile },
  };
}

/** Builds the initial state from a fixture; photo bytes go into `blobs`. */
export async function seedState(fixture: Fixture, blobs: BlobStore, options: SeedOptions): Promise<TenantState> {
  const config = tenantConfig(fixture);
  config.apps = await apps(fixture, options);
  const state: TenantState = { version: 1, tenant: config, users: [], spoFiles: [], sequence: 0 };
  const tenant = new Tenant(state, blobs);
  const baseDir = options.baseDir ?? process.cwd();
  const entries = fixture.users ?? [];
  for (const entry of entries) tenant.addUser(userRecord(entry));
  // Photos: a few at a time (sharp uses its own thread pool).
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      const entry = entries[next++] as FixtureUser;
      const user = tenant.findUser(entry.id ?? entry.upn);
      if (user === undefined) continue;
      const exo = entry.photos?.exo ?? entry.photo;
      if (exo !== undefined) await tenant.writePhoto(user, "exo", await reencodeUpload(await renderSource(exo, baseDir), "exo"));
      if (entry.photos?.aad !== undefined) await tenant.storePhoto(user, "aad", await reencodeUpload(await renderSource(entry.photos.aad, baseDir), "aad"));
      if (entry.photos?.spo !== undefined) {
        // As SharePoint's own sync leaves them (its sizes, its properties); the fixture's profile wins.
        await tenant.writeOwnThumbnails(user, await renderSource(entry.photos.spo, baseDir));
        user.profile = { ...user.profile, "SPS-PictureTimestamp": "1700000000", ...entry.profile };
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return state;
}
