/**
 * Turns schema-valid manifest data into a DesiredState, applying defaults, and reports the mistakes a
 * schema cannot see: the same person twice, an ignored person who is also listed, SharePoint managed
 * without SharePoint settings. Pure: no file system access (photo paths are checked in photo-paths.ts).
 */
import picomatch from "picomatch";
import path from "node:path";
import { photoPathShapeError } from "./photo-paths.js";
import type { PhotoUpdatesData } from "./photo-updates.js";
import { resolvePhotoUpdates } from "./photo-updates.js";
import type { Problem } from "./problems.js";
import { printable } from "./problems.js";
import type { SourceMap } from "./yaml-source.js";
import type {
  CropMode,
  Defaults,
  DesiredState,
  DesiredUser,
  SafetySettings,
  SourcePosition,
  StoreName,
  TenantSettings,
} from "../model/desired.js";
import { STORE_NAMES, upnKey } from "../model/desired.js";

export const DEFAULT_PHOTO_TEMPLATE = "photos/{upn}.jpg";
export const DEFAULT_MIN_SIZE = 240;
export const DEFAULT_THUMBNAILS = { small: 48, medium: 72, large: 200 } as const;
export const DEFAULT_SAFETY: SafetySettings = { maxUpdateShare: 0.3, maxRemoveShare: 0.1, minManagedForShare: 10 };

/** The manifest as the schema describes it (only what build reads). */
interface ManifestData {
  tenant: {
    id: string;
    stores?: StoreName[];
    sharepoint?: {
      mySiteHost: string;
      adminHost: string;
      thumbnails?: Partial<Record<"small" | "medium" | "large", number>>;
      exchangeSyncState?: number;
    };
    photoUpdates?: PhotoUpdatesData;
  };
  defaults?: { photo?: string; crop?: CropMode; background?: string; minSize?: number };
  safety?: Partial<SafetySettings>;
  ignore?: string[];
  users: Record<string, UserEntry>;
}

type UserEntry =
  | string
  | null
  | {
      photo?: string;
      remove?: true;
      id?: string;
      stores?: StoreName[];
      crop?: CropMode;
      background?: string;
    };

/** Expands a path template for one UPN: {upn}, {alias} and {domain}. */
export function expandPhotoTemplate(template: string, upn: string): string {
  const at = upn.lastIndexOf("@");
  const alias = at >= 0 ? upn.slice(0, at) : upn;
  const domain = at >= 0 ? upn.slice(at + 1) : "";
  return template.replace(/\{upn\}/g, upn).replace(/\{alias\}/g, alias).replace(/\{domain\}/g, domain);
}

/**
 * The photo path an entry names, explicitly or through the template, and where it is written;
 * undefined for removals and for entries the schema rejects.
 */
function photoPathOf(
  entry: unknown,
  template: string,
  upn: string,
  sourceMap: SourceMap,
): { path: string; position: SourcePosition } | undefined {
  const fromTemplate = () => ({ path: expandPhotoTemplate(template, upn), position: sourceMap.keyPosition(["users"], upn) });
  if (entry === "remove") return undefined;
  if (typeof entry === "string") return { path: entry, position: sourceMap.valuePosition(["users", upn]) };
  if (entry === null) return fromTemplate();
  if (typeof entry !== "object" || Array.isArray(entry)) return undefined;
  const { photo, remove } = entry as { photo?: unknown; remove?: unknown };
  if (remove === true) return undefined;
  if (typeof photo === "string") return { path: photo, position: sourceMap.valuePosition(["users", upn, "photo"]) };
  return photo === undefined ? fromTemplate() : undefined;
}

/** Compiles ignore globs into one case-insensitive matcher. */
export function ignoreMatcher(globs: readonly string[]): (upn: string) => boolean {
  if (globs.length === 0) return () => false;
  const match = picomatch(globs.map(upnKey), { nocase: true, dot: true });
  return (upn) => match(upnKey(upn));
}

/**
 * Checks the keys of `users` on their own, so these mistakes are reported even when other parts of the
 * manifest fail the schema: the same person twice (UPNs are case-insensitive), a listed person who
 * is also ignored, and a photo path that leads outside photos/.
 */
export function checkUserEntries(data: unknown, sourceMap: SourceMap): Problem[] {
  if (data === null || typeof data !== "object") return [];
  const { users, ignore, defaults } = data as { users?: unknown; ignore?: unknown; defaults?: { photo?: unknown } };
  const template = typeof defaults?.photo === "string" ? defaults.photo : DEFAULT_PHOTO_TEMPLATE;
  if (users === null || typeof users !== "object" || Array.isArray(users)) return [];
  const globs = Array.isArray(ignore) ? ignore.filter((glob): glob is string => typeof glob === "string" && glob.length > 0) : [];
  const isIgnored = ignoreMatcher(globs);
  const problems: Problem[] = [];
  const firstByKey = new Map<string, { upn: string; line: number }>();
  for (const [upn, entry] of Object.entries(users)) {
    const position = sourceMap.keyPosition(["users"], upn);
    const photo = photoPathOf(entry, template, upn, sourceMap);
    const shapeError = photo && photoPathShapeError(photo.path);
    // A plain word where a path or the word remove goes (delete, none, Remove) is meant as remove.
    if (typeof entry === "string" && photo && /^[\p{L}_-]+$/u.test(entry)) {
      const message = `${printable(upn)}: ${printable(entry)} is neither a photo path nor the word remove; did you mean remove? (a photo is a path such as photos/alex.jpg)`;
      problems.push({ severity: "error", code: "photo-path", message, position: photo.position, photo: photo.path });
    } else if (photo && shapeError) {
      const message = `${printable(upn)}: photo ${printable(photo.path)} ${shapeError.reason}`;
      problems.push({ severity: "error", code: shapeError.code, message, position: photo.position, photo: photo.path });
    }
    const previous = firstByKey.get(upnKey(upn));
    if (previous) {
      problems.push({
        severity: "error",
        code: "duplicate-user",
        message: `${upn} is already listed at line ${previous.line} as ${previous.upn} (UPNs are case-insensitive); keep one entry`,
        position,
      });
      continue;
    }
    firstByKey.set(upnKey(upn), { upn, line: position.line });
    if (isIgnored(upn)) {
      problems.push({
        severity: "error",
        code: "ignored-user-listed",
        message: `${upn} is listed under users but also matches the ignore list; remove it from one of them`,
        position,
      });
    }
  }
  return problems;
}

export function buildDesiredState(
  data: ManifestData,
  manifestPath: string,
  sourceMap: SourceMap,
): { state: DesiredState; problems: Problem[] } {
  const problems: Problem[] = [];
  const rootDir = path.dirname(manifestPath);
  const sharepoint = data.tenant.sharepoint;
  const tenant: TenantSettings = {
    id: data.tenant.id,
    stores: data.tenant.stores ?? [...STORE_NAMES],
    sharepoint: {
      mySiteHost: sharepoint?.mySiteHost ?? "",
      adminHost: sharepoint?.adminHost ?? "",
      thumbnails: { ...DEFAULT_THUMBNAILS, ...sharepoint?.thumbnails },
      // No default: left alone unless the manifest asks for a value (see model/desired.ts).
      ...(sharepoint?.exchangeSyncState !== undefined ? { exchangeSyncState: sharepoint.exchangeSyncState } : {}),
    },
  };
  const defaults: Defaults = {
    photo: data.defaults?.photo ?? DEFAULT_PHOTO_TEMPLATE,
    render: { crop: data.defaults?.crop ?? "attention", background: (data.defaults?.background ?? "#ffffff").toLowerCase() },
    minSize: data.defaults?.minSize ?? DEFAULT_MIN_SIZE,
  };
  const safety: SafetySettings = { ...DEFAULT_SAFETY, ...data.safety };
  const ignore = data.ignore ?? [];

  const users: DesiredUser[] = [];
  const firstByUpn = new Map<string, DesiredUser>();
  const firstById = new Map<string, DesiredUser>();
  let spoManaged = false;

  for (const [upn, entry] of Object.entries(data.users)) {
    const position = sourceMap.keyPosition(["users"], upn);
    const details = entry !== null && typeof entry === "object" ? entry : {};
    const photo = photoPathOf(entry, defaults.photo, upn, sourceMap);
    const user: DesiredUser = {
      upn,
      ...(details.id ? { id: details.id.toLowerCase() } : {}),
      photo: photo
        ? { kind: "photo", path: photo.path, absolutePath: path.resolve(rootDir, photo.path), position: photo.position }
        : { kind: "remove" },
      stores: details.stores ?? tenant.stores,
      storesOverridden: details.stores !== undefined,
      render: {
        crop: details.crop ?? defaults.render.crop,
        background: (details.background ?? defaults.render.background).toLowerCase(),
      },
      position,
    };

    // A case-insensitive duplicate is reported by checkUserKeys; the first entry wins.
    if (firstByUpn.has(upnKey(upn))) continue;
    firstByUpn.set(upnKey(upn), user);
    if (user.id) {
      const sameId = firstById.get(user.id);
      if (sameId) {
        problems.push({
          severity: "error",
          code: "duplicate-id",
          message: `${upn} has the object id ${user.id}, already given to ${sameId.upn} at line ${sameId.position.line}; an id belongs to one person`,
          position: sourceMap.valuePosition(["users", upn, "id"]),
        });
      } else {
        firstById.set(user.id, user);
      }
    }
    if (user.stores.includes("spo")) spoManaged = true;
    users.push(user);
  }

  if (spoManaged && !sharepoint) {
    problems.push({
      severity: "error",
      code: "sharepoint-missing",
      message: "SharePoint (spo) is managed but tenant.sharepoint is missing; add mySiteHost and adminHost, or drop spo from the stores",
      position: sourceMap.keyPosition([], "tenant"),
    });
  }

  const graphManaged = users.some((user) => user.stores.includes("exo") || user.stores.includes("aad"));
  const photoUpdates = resolvePhotoUpdates(data.tenant.photoUpdates, sourceMap, graphManaged);
  problems.push(...photoUpdates.problems);
  if (photoUpdates.photoUpdates) tenant.photoUpdates = photoUpdates.photoUpdates;

  const state: DesiredState = { manifestPath, rootDir, tenant, defaults, safety, ignore, users };
  return { state, problems };
}
