/**
 * `plan --changed-since REF`: which people a pull request touches. Pure: compares the manifest at the
 * base with the current one, user by user, on the effective desired state (defaults applied), plus
 * the photo files that changed. Git access lives in git.ts.
 *
 * - New entry, changed effective entry, or changed photo file → in scope (planned).
 * - A tenant-wide setting changed (tenant id, stores, SharePoint hosts/thumbnails/sync state,
 *   defaults.minSize), or no usable manifest at the base → scope "all".
 * - Listed at the base but no longer managed (entry deleted, or now matched by `ignore`) → `dropped`:
 *   never planned or touched (photosync leaves unmanaged people alone); the plan reports them as
 *   "no longer managed" so a reviewer sees the entry went away on purpose.
 * - Someone no longer ignored is in scope only when listed (a new entry).
 */
import path from "node:path";
import { stringify } from "safe-stable-stringify";
import { buildDesiredState, ignoreMatcher } from "../manifest/build.js";
import { validateAgainstSchema } from "../manifest/schema.js";
import type { DesiredState, DesiredUser } from "../model/desired.js";
import { upnKey } from "../model/desired.js";
import { parseManifestText } from "../manifest/yaml-source.js";

export interface ChangeScope {
  /** "all": plan everyone managed (a tenant-wide change); "some": only `upns`. */
  scope: "all" | "some";
  /** Why everyone is in scope, when scope is "all". */
  allReason?: string;
  /** Managed users to plan, as written in the current manifest, ordered by upnKey. */
  upns: string[];
  /** upnKey → why, for every UPN in `upns` and `dropped`. */
  reasons: Record<string, string>;
  /** Listed at the base, no longer managed now (as written at the base, ordered): report, never touch. */
  dropped: string[];
}

/** Manifest paths compare as written, normalised; case-insensitively, so a doubt widens the scope. */
export function photoPathKey(written: string): string {
  return path.posix.normalize(written).toLowerCase();
}

/** Tenant-wide settings that change every user's plan, as "what: before → after". */
function tenantChanges(previous: DesiredState, current: DesiredState): string[] {
  const fields: Array<[string, unknown, unknown]> = [
    ["tenant.id", previous.tenant.id, current.tenant.id],
    ["tenant.stores", [...previous.tenant.stores].sort(), [...current.tenant.stores].sort()],
    ["tenant.sharepoint.mySiteHost", previous.tenant.sharepoint.mySiteHost, current.tenant.sharepoint.mySiteHost],
    ["tenant.sharepoint.adminHost", previous.tenant.sharepoint.adminHost, current.tenant.sharepoint.adminHost],
    ["tenant.sharepoint.thumbnails", previous.tenant.sharepoint.thumbnails, current.tenant.sharepoint.thumbnails],
    ["tenant.sharepoint.exchangeSyncState", previous.tenant.sharepoint.exchangeSyncState, current.tenant.sharepoint.exchangeSyncState],
    ["defaults.minSize", previous.defaults.minSize, current.defaults.minSize],
  ];
  return fields.filter(([, before, after]) => stringify(before) !== stringify(after)).map(([name]) => name);
}

const show = (value: unknown): string => (typeof value === "string" ? value : (stringify(value) ?? String(value)));

/** What differs in one user's effective desired state, as short phrases; empty when nothing does. */
export function entryChanges(before: DesiredUser, after: DesiredUser): string[] {
  const changes: string[] = [];
  const photoOf = (user: DesiredUser) =>
    user.photo.kind === "photo" ? path.posix.normalize(user.photo.path) : user.photo.kind === "default" ? `default (${path.posix.normalize(user.photo.path)})` : "remove";
  const pairs: Array<[string, unknown, unknown]> = [
    ["UPN spelling", before.upn, after.upn],
    ["id", before.id ?? "none", after.id ?? "none"],
    ["photo", photoOf(before), photoOf(after)],
    ["stores", [...before.stores].sort().join(",") + (before.storesOverridden ? " (own)" : ""), [...after.stores].sort().join(",") + (after.storesOverridden ? " (own)" : "")],
    ["crop", before.render.crop, after.render.crop],
    ["background", before.render.background, after.render.background],
  ];
  // Render settings mean nothing for a photo that is removed before and after.
  const rendered = before.photo.kind !== "remove" || after.photo.kind !== "remove";
  for (const [what, was, now] of rendered ? pairs : pairs.slice(0, 4)) {
    if (show(was) !== show(now)) changes.push(`${what} ${show(was)} → ${show(now)}`);
  }
  return changes;
}

const byKey = (a: string, b: string) => (upnKey(a) < upnKey(b) ? -1 : upnKey(a) > upnKey(b) ? 1 : 0);

/**
 * The people whose plan may differ because of what changed since the base.
 * `previous`: the manifest at the base, undefined when it did not exist there (or could not be read:
 * pass `noPrevious` to say why). `changedPhotoPaths`: photo files added, modified, deleted or renamed
 * since the base, in the form users write them (relative to the manifest's directory, POSIX).
 */
export function changedUsers(
  previous: DesiredState | undefined,
  current: DesiredState,
  changedPhotoPaths: ReadonlySet<string>,
  noPrevious = "the manifest did not exist at the base",
): ChangeScope {
  const isIgnored = ignoreMatcher(current.ignore);
  const managed = current.users.filter((user) => !isIgnored(user.upn));
  const reasons: Record<string, string> = {};

  // Listed at the base, gone now: no longer managed. (A listed and ignored user is a manifest error.)
  const currentKeys = new Set(managed.map((user) => upnKey(user.upn)));
  const dropped: string[] = [];
  const wasIgnored = ignoreMatcher(previous?.ignore ?? []);
  for (const user of previous?.users ?? []) {
    if (currentKeys.has(upnKey(user.upn)) || wasIgnored(user.upn)) continue;
    dropped.push(user.upn);
    reasons[upnKey(user.upn)] = isIgnored(user.upn)
      ? "no longer managed: now matches the ignore list"
      : "no longer managed: removed from the manifest";
  }
  dropped.sort(byKey);

  const wide = previous ? tenantChanges(previous, current) : [];
  if (!previous || wide.length > 0) {
    const allReason = previous ? `${wide.join(", ")} changed: every user's plan may change` : noPrevious;
    const upns = managed.map((user) => user.upn).sort(byKey);
    for (const upn of upns) reasons[upnKey(upn)] = allReason;
    return { scope: "all", allReason, upns, reasons, dropped };
  }

  const changedKeys = new Set([...changedPhotoPaths].map(photoPathKey));
  const before = new Map(previous.users.map((user) => [upnKey(user.upn), user]));
  const upns: string[] = [];
  for (const user of managed) {
    const old = before.get(upnKey(user.upn));
    const why = old ? entryChanges(old, user) : ["new entry"];
    if (user.photo.kind !== "remove" && changedKeys.has(photoPathKey(user.photo.path))) {
      why.push(`${user.photo.kind === "default" ? "default picture" : "photo"} file ${user.photo.path} changed`);
    }
    if (why.length === 0) continue;
    upns.push(user.upn);
    reasons[upnKey(user.upn)] = why.join("; ");
  }
  upns.sort(byKey);
  return { scope: "some", upns, reasons, dropped };
}

/**
 * The DesiredState of a manifest's text (e.g. from `git show BASE:photos.yaml`), or the reason it
 * cannot be used. `manifestPath` is where the manifest lives now, so paths resolve the same way.
 */
export function stateFromManifestText(
  text: string,
  manifestPath: string,
  file: string,
): { state: DesiredState } | { error: string } {
  const { parsed, sourceMap, problems } = parseManifestText(file, text);
  const fail = (found: typeof problems) => {
    const first = found.find((problem) => problem.severity === "error") ?? found[0];
    return { error: `${file} is not a valid manifest${first ? ` (${first.message})` : ""}` };
  };
  if (!parsed || !sourceMap) return fail(problems);
  const schemaProblems = validateAgainstSchema(parsed.data, sourceMap);
  if (schemaProblems.length > 0) return fail(schemaProblems);
  const built = buildDesiredState(parsed.data as Parameters<typeof buildDesiredState>[0], manifestPath, sourceMap);
  return { state: built.state };
}
