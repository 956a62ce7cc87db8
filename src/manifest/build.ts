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
import { closestWord } from "./schema.js";
import type { SourceMap } from "./yaml-source.js";
import type {
  CropMode,
  Defaults,
  DesiredPhoto,
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
  defaults?: { photo?: string; placeholder?: string; crop?: CropMode; background?: string; minSize?: number };
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
      default?: true;
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

/** What an entry asks for: a photo file (its own path or the template's), the default picture, or removal. */
type EntryChoice =
  | { kind: "photo"; path: string; position: SourcePosition }
  | { kind: "default"; position: SourcePosition }
  | { kind: "remove" };

/**
 * What an entry asks for, and where that is written; undefined for entries the schema rejects.
 * The word default (or default: true) is the default picture, never a file named "default".
 */
function entryChoice(entry: unknown, template: string, upn: string, sourceMap: SourceMap): EntryChoice | undefined {
  const fromTemplate = (): EntryChoice => ({ kind: "photo", path: expandPhotoTemplate(template, upn), position: sourceMap.keyPosition(["users"], upn) });
  if (entry === "remove") return { kind: "remove" };
  if (entry === "default") return { kind: "default", position: sourceMap.valuePosition(["users", upn]) };
  if (typeof entry === "string") return { kind: "photo", path: entry, position: sourceMap.valuePosition(["users", upn]) };
  if (entry === null) return fromTemplate();
  if (typeof entry !== "object" || Array.isArray(entry)) return undefined;
  const { photo, remove, default: placeholder } = entry as { photo?: unknown; remove?: unknown; default?: unknown };
  if (remove === true) return { kind: "remove" };
  if (placeholder === true) return { kind: "default", position: sourceMap.valuePosition(["users", upn, "default"]) };
  // photo: remove and photo: default are the schema's error (write remove: true, default: true), not a path.
  if (photo === "remove" || photo === "default") return undefined;
  if (typeof photo === "string") return { kind: "photo", path: photo, position: sourceMap.valuePosition(["users", upn, "photo"]) };
  return photo === undefined ? fromTemplate() : undefined;
}

/** The photo path an entry names, explicitly or through the template; undefined for remove, default and rejected entries. */
function photoPathOf(entry: unknown, template: string, upn: string, sourceMap: SourceMap): { path: string; position: SourcePosition } | undefined {
  const choice = entryChoice(entry, template, upn, sourceMap);
  return choice?.kind === "photo" ? choice : undefined;
}

/** What to write under defaults to name the default picture, said in every message that needs it. */
const PLACEHOLDER_FIX = "add the picture under defaults, e.g. \"placeholder: photos/_placeholder.png\" (a neutral image, no face)";

/**
 * The mistakes around the default picture: `default` with no defaults.placeholder, a placeholder
 * path outside photos/, a placeholder that is also someone's own photo (one file, two meanings: a
 * change to it would change both), and a crop or background of a person set to default (the
 * default picture is rendered with defaults.crop and defaults.background, the same for everyone).
 */
function checkPlaceholderUse(users: Record<string, unknown>, defaults: { photo?: unknown; placeholder?: unknown } | undefined, template: string, sourceMap: SourceMap): Problem[] {
  const problems: Problem[] = [];
  const placeholder = typeof defaults?.placeholder === "string" ? defaults.placeholder : undefined;
  const placeholderPosition = sourceMap.valuePosition(["defaults", "placeholder"]);
  const placeholderShape = placeholder !== undefined ? photoPathShapeError(placeholder) : undefined;
  if (placeholder !== undefined && placeholderShape) {
    const message = `defaults.placeholder ${printable(placeholder)} ${placeholderShape.reason}`;
    problems.push({ severity: "error", code: placeholderShape.code, message, position: placeholderPosition, photo: placeholder });
  }
  for (const [upn, entry] of Object.entries(users)) {
    const choice = entryChoice(entry, template, upn, sourceMap);
    if (choice?.kind === "default") {
      if (placeholder === undefined) {
        const message = `${printable(upn)}: default shows the default picture, but defaults.placeholder is not set; ${PLACEHOLDER_FIX}`;
        problems.push({ severity: "error", code: "placeholder-missing", message, position: choice.position });
      }
      for (const key of ["crop", "background"] as const) {
        if (entry === null || typeof entry !== "object" || !(key in entry)) continue;
        const message = `${printable(upn)}: ${key} applies to a person's own photo; the default picture is rendered with defaults.${key}, the same for everyone; remove ${key} here`;
        problems.push({ severity: "error", code: "placeholder-render", message, position: sourceMap.keyPosition(["users", upn], key) });
      }
    } else if (choice?.kind === "photo" && placeholder !== undefined && !placeholderShape && path.posix.normalize(choice.path) === path.posix.normalize(placeholder)) {
      const message = `${printable(upn)}: photo ${printable(choice.path)} is the default picture (defaults.placeholder); write default to show it, or give the person a photo of their own`;
      problems.push({ severity: "error", code: "placeholder-as-photo", message, position: choice.position, photo: choice.path });
    }
  }
  return problems;
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
  const { users, ignore, defaults: rawDefaults } = data as { users?: unknown; ignore?: unknown; defaults?: unknown };
  const defaults = rawDefaults !== null && typeof rawDefaults === "object" ? (rawDefaults as { photo?: unknown; placeholder?: unknown }) : undefined;
  const template = typeof defaults?.photo === "string" ? defaults.photo : DEFAULT_PHOTO_TEMPLATE;
  if (users === null || typeof users !== "object" || Array.isArray(users)) return [];
  const globs = Array.isArray(ignore) ? ignore.filter((glob): glob is string => typeof glob === "string" && glob.length > 0) : [];
  const isIgnored = ignoreMatcher(globs);
  const problems: Problem[] = checkPlaceholderUse(users as Record<string, unknown>, defaults, template, sourceMap);
  const firstByKey = new Map<string, { upn: string; line: number }>();
  for (const [upn, entry] of Object.entries(users)) {
    const position = sourceMap.keyPosition(["users"], upn);
    const photo = photoPathOf(entry, template, upn, sourceMap);
    const shapeError = photo && photoPathShapeError(photo.path);
    // A plain word where a path or a word goes (delete, none, Remove, Default) is meant as one of the words.
    if (typeof entry === "string" && photo && /^[\p{L}_-]+$/u.test(entry)) {
      const meant = closestWord(entry, ["remove", "default"]) ?? "remove (no photo) or default (the default picture)";
      const message = `${printable(upn)}: ${printable(entry)} is neither a photo path nor the word remove or default; did you mean ${meant}? (a photo is a path such as photos/alex.jpg)`;
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
  const placeholder = data.defaults?.placeholder;
  const defaults: Defaults = {
    photo: data.defaults?.photo ?? DEFAULT_PHOTO_TEMPLATE,
    ...(placeholder !== undefined
      ? { placeholder: { path: placeholder, absolutePath: path.resolve(rootDir, placeholder), position: sourceMap.valuePosition(["defaults", "placeholder"]) } }
      : {}),
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
    const choice = entryChoice(entry, defaults.photo, upn, sourceMap);
    // default without defaults.placeholder is an error of checkUserEntries; never read as anything else (not remove).
    if (choice?.kind === "default" && !defaults.placeholder) continue;
    const photo: DesiredPhoto =
      choice?.kind === "photo"
        ? { kind: "photo", path: choice.path, absolutePath: path.resolve(rootDir, choice.path), position: choice.position }
        : choice?.kind === "default" && defaults.placeholder
          ? { kind: "default", ...defaults.placeholder }
          : { kind: "remove" };
    const user: DesiredUser = {
      upn,
      ...(details.id ? { id: details.id.toLowerCase() } : {}),
      photo,
      stores: details.stores ?? tenant.stores,
      storesOverridden: details.stores !== undefined,
      // The default picture looks the same for everyone (one render): defaults' settings, not the person's.
      render:
        photo.kind === "default"
          ? defaults.render
          : { crop: details.crop ?? defaults.render.crop, background: (details.background ?? defaults.render.background).toLowerCase() },
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
