/**
 * `photosync import`'s core: the tenant's current photos into the repo. Lists the tenant's people
 * (listDirectory), reads their photos the way plan reads them (readLive: the same routes, tenant
 * photo model and live cache), downloads each chosen person's photo whole, checks the bytes like a
 * repo photo, writes the file atomically under photos/ by the naming template, and adds the entry
 * to photos.yaml in place (manifest/edit.ts).
 *
 * Resumable: every file written is recorded in a journal (.photosync/import-journal.jsonl) with its
 * sha256, so a re-run after an interruption takes a journalled file that is still on disk as done
 * (no second download) and only adds what photos.yaml lacks.
 *
 * The plan right after an import must show no changes for the imported people, because the file is
 * the tenant's own picture. Where SharePoint does not show that picture (no thumbnails, or an older
 * one), the planner's own comparison says so before photos.yaml is written, and such a person's
 * entry keeps only the stores that hold the picture, with a comment saying why and how to have
 * photosync fix SharePoint too. Nothing in the comparison is relaxed.
 */
import { createHash } from "node:crypto";
import { appendFile, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { Problem } from "../manifest/problems.js";
import { loadForRun } from "./load-for-run.js";
import { editManifest, ManifestEditError } from "../manifest/edit.js";
import type { ManifestEdit, NewEntry, PlaceholderEntry } from "../manifest/edit.js";
import { expandPhotoTemplate, ignoreMatcher } from "../manifest/build.js";
import type { DesiredState, DesiredUser, StoreName } from "../model/desired.js";
import { upnKey } from "../model/desired.js";
import type { DirectoryUser, LiveUser } from "../model/observations.js";
import type { StoreRoute } from "../model/routing.js";
import { routePerson } from "../model/routing.js";
import { writeAtomic } from "../files/write-atomic.js";
import { listDirectory } from "../stores/graph/directory.js";
import { graphBatch } from "../stores/graph/batch.js";
import type { GraphVersion } from "../stores/graph/batch.js";
import { imageHeader, judgeServed } from "../stores/graph/read.js";
import { LiveCache } from "../stores/live-cache.js";
import { readLiveWithModel, GRAPH_READ_CONCURRENCY } from "../stores/read-live.js";
import type { LiveRead } from "../stores/read-live.js";
import { thumbnailPath } from "../stores/sharepoint/names.js";
import { checkPhotoBytes } from "../validate/photo-content.js";
import { analyseDesired } from "./desired.js";
import { personRecords } from "./plan-run.js";
import { plan } from "../plan/plan.js";
import type { SessionOptions } from "./session.js";
import { openSession, readOptions } from "./session.js";
import { UserError } from "../model/errors.js";

/** The command line is wrong (cli/io.ts EXIT.usage): --users naming someone the tenant does not have. */
const EXIT_USAGE = 64;

export interface ImportRunOptions extends SessionOptions {
  manifestPath: string;
  displayName?: string;
  /** Only these UPNs (case-insensitive); absent: everyone (--all). */
  users?: readonly string[];
  includeGuests?: boolean;
  includeDisabled?: boolean;
  /** Overwrite existing photo files and entries. */
  force?: boolean;
  /** Write people without a photo as commented-out entries. */
  placeholders?: boolean;
  /** Told how many photos are to be downloaded, then as each is checked (progress). */
  onDownloads?: (photos: number) => void;
  onDownloaded?: (upn: string) => void;
}

/** Why a person was not imported, in words. */
export interface Skipped {
  upn: string;
  reason: string;
}

export interface Imported {
  upn: string;
  path: string;
  /** Where the picture came from: "Entra ID", "Exchange Online", or SharePoint's large thumbnail. */
  source: string;
  width: number;
  height: number;
  /** Resumed: the file was written by an earlier, interrupted import and not downloaded again. */
  resumed?: boolean;
  /** The entry keeps only these stores, and why. */
  stores?: { kept: StoreName[]; why: string };
  /** A note for the summary (a SharePoint thumbnail is small). */
  note?: string;
}

export type ImportRunResult =
  | { ok: false; problems: Problem[] }
  | {
      ok: true;
      state: DesiredState;
      imported: Imported[];
      /** People with no photo in any store (the summary lists them). */
      withoutPhoto: string[];
      skipped: Skipped[];
      /** Whether photos.yaml was changed. */
      manifestChanged: boolean;
    };

interface JournalLine {
  upn: string;
  path: string;
  sha256: string;
}

export const IMPORT_JOURNAL = ".photosync/import-journal.jsonl";

async function readJournal(file: string): Promise<Map<string, JournalLine>> {
  const lines = new Map<string, JournalLine>();
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return lines;
  }
  for (const line of text.split("\n")) {
    try {
      const value = JSON.parse(line) as Partial<JournalLine>;
      if (typeof value.upn === "string" && typeof value.path === "string" && typeof value.sha256 === "string") lines.set(upnKey(value.upn), value as JournalLine);
    } catch {
      // A torn last line (the process was killed while appending): that file is checked again.
    }
  }
  return lines;
}

const sha256 = (bytes: Buffer): string => createHash("sha256").update(bytes).digest("hex");

/** The file extension for each format photosync accepts, as checkPhotoBytes names them. */
const EXTENSION_OF: Readonly<Record<string, string>> = { JPEG: ".jpg", PNG: ".png", WebP: ".webp", AVIF: ".avif", TIFF: ".tif", GIF: ".gif" };
const TEMPLATE_EXTENSIONS: Readonly<Record<string, readonly string[]>> = { ".jpg": [".jpg", ".jpeg", ".jfif"], ".png": [".png"], ".webp": [".webp"], ".avif": [".avif"], ".tif": [".tif", ".tiff"], ".gif": [".gif"] };

/** The template's path, with the extension of the real type when the template's is another one. */
export function importPath(template: string, upn: string, format: string): { path: string; fromTemplate: boolean } {
  const expanded = expandPhotoTemplate(template, upn);
  const wanted = EXTENSION_OF[format] ?? ".jpg";
  const extension = path.posix.extname(expanded).toLowerCase();
  if (TEMPLATE_EXTENSIONS[wanted]!.includes(extension)) return { path: expanded, fromTemplate: true };
  return { path: `${expanded.slice(0, expanded.length - extension.length)}${wanted}`, fromTemplate: false };
}

const exists = async (file: string): Promise<boolean> => (await stat(file).catch(() => undefined)) !== undefined;

/** Where the person's picture is read from: the Graph photo routed for them, through which API. */
function graphSource(live: LiveUser, routes: readonly StoreRoute[]): { version: GraphVersion; name: string; width: number; height: number } | undefined {
  const managed = (store: StoreName) => routes.some((route) => route.managed && route.store === store);
  if (live.exo?.state === "present" && managed("exo")) return { version: "v1.0", name: "Exchange Online", width: live.exo.width, height: live.exo.height };
  if (live.aad?.state === "present" && managed("aad")) {
    // A legacy tenant reads Entra ID of mailbox-less people through beta; everyone else's Graph photo is v1.0.
    const legacyAad = routes.some((route) => route.managed && route.store === "aad" && route.holder?.startsWith("Entra ID (legacy"));
    return { version: legacyAad ? "beta" : "v1.0", name: "Entra ID", width: live.aad.width, height: live.aad.height };
  }
  return undefined;
}

/** Read codes that say what was served is not a usable photo: trying again changes nothing. */
const NOT_A_PHOTO = new Set(["UnexpectedPhoto", "UndecodablePhoto"]);

/** Why a person's photo could not be read, and whether a later run may do better. */
function unknownReason(live: LiveUser): { reason: string; lasting: boolean } | undefined {
  for (const read of [live.exo, live.aad, live.spo]) if (read?.state === "unknown") return { reason: `${read.error.code}: ${read.error.message}`, lasting: NOT_A_PHOTO.has(read.error.code) };
  return undefined;
}

function importedUser(state: DesiredState, upn: string, photoPath: string, stores: StoreName[] = state.tenant.stores): DesiredUser {
  const position = { file: state.manifestPath, line: 1, column: 1 };
  return {
    upn,
    photo: { kind: "photo", path: photoPath, absolutePath: path.join(state.rootDir, photoPath), position },
    stores,
    storesOverridden: stores !== state.tenant.stores,
    render: state.defaults.render,
    position,
  };
}

/** editManifest, with a document it cannot edit as the user's mistake to fix (named, exit 1). */
function editOrRefuse(text: string, edit: ManifestEdit, file: string, outcome: string): string {
  try {
    return editManifest(text, edit);
  } catch (error) {
    if (error instanceof ManifestEditError) throw new UserError(`${file} ${error.message}; ${outcome}`);
    throw error;
  }
}

export async function runImport(options: ImportRunOptions): Promise<ImportRunResult> {
  const manifest = await loadForRun(options.manifestPath, options.displayName);
  if (!manifest.ok) return manifest;
  const { state, text, loaded } = manifest;

  // A photos.yaml that cannot take new entries is refused before anything is read or downloaded.
  editOrRefuse(text, { entries: [] }, loaded.file, "nothing was read or written");

  // The sign-in checks SharePoint too when the tenant's stores include it, as plan's would.
  const session = await openSession({ ...state, users: [importedUser(state, "probe@invalid", "photos/probe.jpg")] }, options);
  try {
    const connection = session.connection;
    const directory = await listDirectory(connection.graph);
    const isIgnored = ignoreMatcher(state.ignore);
    const byKey = new Map(directory.map((user) => [upnKey(user.upn), user]));
    const skipped: Skipped[] = [];
    let people: DirectoryUser[];
    if (options.users) {
      const missing = options.users.filter((upn) => !byKey.has(upnKey(upn)));
      if (missing.length > 0) throw new UserError(`--users: not in the tenant: ${missing.join(", ")}; nothing was read or written`, EXIT_USAGE);
      people = [...new Set(options.users.map(upnKey))].map((key) => byKey.get(key)!);
    } else {
      people = directory;
    }
    const chosen: DirectoryUser[] = [];
    for (const user of people) {
      if (isIgnored(user.upn)) skipped.push({ upn: user.upn, reason: "matches the manifest's ignore list" });
      else if (user.userType === "Guest" && !options.includeGuests) skipped.push({ upn: user.upn, reason: "guest (use --include-guests)" });
      else if (!user.accountEnabled && !options.includeDisabled) skipped.push({ upn: user.upn, reason: "account disabled (use --include-disabled)" });
      else chosen.push(user);
    }
    const listed = new Map(state.users.map((user) => [upnKey(user.upn), user]));
    const candidates = chosen.filter((user) => {
      if (!listed.has(upnKey(user.upn)) || options.force) return true;
      skipped.push({ upn: user.upn, reason: "already in photos.yaml (use --force to replace the entry and its photo)" });
      return false;
    });
    candidates.sort((a, b) => upnKey(a.upn).localeCompare(upnKey(b.upn)));

    // The same reads plan makes, into the repo's live cache: the plan that ends the import reads from it.
    const cache = LiveCache.forRepo(state.rootDir);
    await cache.load();
    const read = readOptions(options.settings.retry);
    const probes = candidates.map((user) => importedUser(state, user.upn, "photos/unused.jpg"));
    const { reads } = candidates.length > 0 ? await readLiveWithModel(connection, probes, cache, routePerson, read) : { reads: new Map<string, LiveRead>() };
    await cache.save();

    const journalFile = path.join(state.rootDir, IMPORT_JOURNAL);
    const journal = await readJournal(journalFile);
    const imported: Imported[] = [];
    const withoutPhoto: string[] = [];
    const downloads: Array<{ user: DirectoryUser; source: NonNullable<ReturnType<typeof graphSource>> } | { user: DirectoryUser; spo: string }> = [];
    for (const user of candidates) {
      const key = upnKey(user.upn);
      const entry = reads.get(key);
      const live = entry?.live;
      const done = journal.get(key);
      if (done && !options.force && (await exists(path.join(state.rootDir, done.path)))) {
        const bytes = await readFile(path.join(state.rootDir, done.path));
        if (sha256(bytes) === done.sha256) {
          const header = await imageHeader(bytes);
          imported.push({ upn: user.upn, path: done.path, source: "an earlier import", width: header?.width ?? 0, height: header?.height ?? 0, resumed: true });
          continue;
        }
      }
      if (!live || !entry.routes) {
        skipped.push({ upn: user.upn, reason: "could not be looked up in the directory" });
        continue;
      }
      const source = graphSource(live, entry.routes);
      if (source) {
        downloads.push({ user, source });
        continue;
      }
      const unknown = unknownReason(live);
      if (unknown) {
        skipped.push({
          upn: user.upn,
          reason: unknown.lasting
            ? `Microsoft 365 serves something that is not a usable photo (${unknown.reason}); nothing was written: replace the photo in Microsoft 365, or add one to photos/ by hand`
            : `the photo could not be read (${unknown.reason}); run import again later`,
        });
        continue;
      }
      if (live.spo?.state === "read" && live.spo.thumbnails.large) {
        downloads.push({ user, spo: live.spo.folder ?? "/User Photos/Profile Pictures" });
        continue;
      }
      withoutPhoto.push(user.upn);
    }

    options.onDownloads?.(downloads.length);
    // Whole photos, 20 to a Graph $batch and GRAPH_READ_CONCURRENCY batches at once, retried on 429
    // with Retry-After by the batch client; SharePoint's thumbnails one plain GET each.
    const graphDownloads = downloads.filter((download): download is Extract<(typeof downloads)[number], { source: unknown }> => "source" in download);
    const graphOptions = { concurrency: GRAPH_READ_CONCURRENCY, onThrottled: connection.http.backoff.reporter("graph"), ...read.graph };
    const byVersion = (version: GraphVersion) => graphDownloads.filter((download) => download.source.version === version);
    const fetched = new Map<string, { bytes: Buffer; contentType: string } | { error: string }>();
    for (const version of ["v1.0", "beta"] as const) {
      const slice = byVersion(version);
      if (slice.length === 0) continue;
      const results = await graphBatch(connection.graph, version, slice.map((download) => ({ method: "GET", url: `/users/${download.user.id}/photo/$value` })), graphOptions);
      results.forEach((result, index) => {
        const key = upnKey(slice[index]!.user.upn);
        if (!result.ok) fetched.set(key, { error: `${result.error.code}: ${result.error.message}` });
        else if (!Buffer.isBuffer(result.body)) fetched.set(key, { error: "Graph answered the photo request with something other than bytes" });
        else fetched.set(key, { bytes: result.body, contentType: result.headers["content-type"] ?? "" });
      });
    }
    for (const download of downloads) {
      if ("source" in download) continue;
      try {
        const bytes = await connection.sharePoint.mySite.download(thumbnailPath(download.spo, download.user.upn, "large"));
        fetched.set(upnKey(download.user.upn), { bytes, contentType: "image/jpeg" });
      } catch (error) {
        fetched.set(upnKey(download.user.upn), { error: String(error) });
      }
    }

    for (const download of downloads) {
      const { user } = download;
      const got = fetched.get(upnKey(user.upn))!;
      options.onDownloaded?.(user.upn);
      if ("error" in got) {
        skipped.push({ upn: user.upn, reason: `the photo could not be downloaded (${got.error}); run import again later` });
        continue;
      }
      const sourceName = "source" in download ? download.source.name : "SharePoint (large thumbnail)";
      // The bytes are the tenant's, and checked like a repo photo before anything decodes them:
      // the type is sniffed from the bytes (an SVG or a document is refused unread), then decoded
      // within limits; a 1x1 or tiny GIF is the older tenants' "no photo" (judgeServed).
      const check = await checkPhotoBytes(got.bytes, "photo.jpg", { minSize: state.defaults.minSize, render: state.defaults.render });
      const served = judgeServed(got.contentType, check.facts ? { ...check.facts, format: check.facts.format.toLowerCase() } : undefined);
      if (served.kind === "no-photo") {
        withoutPhoto.push(user.upn);
        continue;
      }
      const refused = check.findings.find((finding) => finding.severity === "error");
      if (refused || !check.facts || served.kind === "wrong") {
        const what = refused?.message ?? (served.kind === "wrong" ? `is not a photo (${served.why})` : "cannot be read");
        const todo = refused?.code === "photo-too-small" ? "add a larger photo by hand" : "nothing was written; add their photo by hand";
        skipped.push({ upn: user.upn, reason: `the ${sourceName} photo ${what}; not imported (${todo})` });
        continue;
      }
      const target = importPath(state.defaults.photo, user.upn, check.facts.format);
      const absolute = path.join(state.rootDir, target.path);
      if (!options.force && (await exists(absolute))) {
        skipped.push({ upn: user.upn, reason: `${target.path} already exists (use --force to overwrite it)` });
        continue;
      }
      await writeAtomic(absolute, got.bytes);
      await appendFile(journalFile, `${JSON.stringify({ upn: user.upn, path: target.path, sha256: sha256(got.bytes) } satisfies JournalLine)}\n`);
      imported.push({
        upn: user.upn,
        path: target.path,
        source: sourceName,
        width: check.facts.width,
        height: check.facts.height,
        ...("spo" in download ? { note: "only SharePoint has a photo: its large thumbnail, the largest SharePoint keeps, is imported (small; replace it with a larger photo when you can)" } : {}),
      });
    }

    await decideStores(state, imported, reads);
    imported.sort((a, b) => upnKey(a.upn).localeCompare(upnKey(b.upn)));

    const entries: NewEntry[] = imported.map((person) => {
      const fromTemplate = expandPhotoTemplate(state.defaults.photo, person.upn) === person.path;
      return {
        upn: person.upn,
        ...(fromTemplate ? {} : { path: person.path }),
        ...(person.stores ? { stores: person.stores.kept, comment: person.stores.why } : {}),
      };
    });
    const placeholders: PlaceholderEntry[] = options.placeholders
      ? withoutPhoto.sort().map((upn) => ({ upn, note: `no photo in Microsoft 365: add ${expandPhotoTemplate(state.defaults.photo, upn)}` }))
      : [];
    const edited = editOrRefuse(text, { entries, placeholders }, loaded.file, "the photos downloaded are in photos/ and the journal: run import again once it is fixed");
    const manifestChanged = edited !== text;
    if (manifestChanged) await writeAtomic(state.manifestPath, edited);
    return { ok: true, state, imported, withoutPhoto: withoutPhoto.sort(), skipped, manifestChanged };
  } finally {
    await session.close();
  }
}

/**
 * For each imported person, the planner's own verdict on the stores as they are now, with the
 * imported file as the desired photo. A store that does not hold the picture — SharePoint without
 * thumbnails or with an older one; the Graph photo when only SharePoint had one — is left out of
 * the entry, with the reason, so the plan after the import changes nothing photosync was not asked
 * to change. A Graph photo that differs from the Graph photo just imported is not hidden: the plan
 * shows it.
 */
async function decideStores(state: DesiredState, imported: Imported[], reads: ReadonlyMap<string, LiveRead>): Promise<void> {
  const fresh = imported.filter((person) => reads.has(upnKey(person.upn)));
  if (fresh.length === 0) return;
  const users = fresh.map((person) => importedUser(state, person.upn, person.path));
  const analysed = await analyseDesired(state, users, undefined);
  const ready = users.filter((user) => analysed.desired.has(upnKey(user.upn)));
  const records = personRecords(ready, analysed.desired, analysed.sources, reads);
  const result = plan({ state: { ...state, users: ready }, records: [...records.values()] });
  // tenant.sharepoint.exchangeSyncState is photos.yaml asking for a property value, not a sign that
  // SharePoint lacks the picture: whoever differs only in it keeps spo, and the plan sets it.
  const { exchangeSyncState: _asked, ...leftAlone } = state.tenant.sharepoint;
  const withoutSyncState = plan({ state: { ...state, tenant: { ...state.tenant, sharepoint: leftAlone }, users: ready }, records: [...records.values()] });
  const onlySyncState = new Set(
    withoutSyncState.users.filter((user) => user.steps.every((step) => step.store !== "spo" || step.action === "noop")).map((user) => upnKey(user.upn)),
  );
  const byKey = new Map(fresh.map((person) => [upnKey(person.upn), person]));
  const graph = (store: StoreName) => store === "exo" || store === "aad";
  for (const user of result.users) {
    const changing = user.steps.filter(
      (step) => (step.action === "create" || step.action === "update" || step.action === "delete") && !(step.store === "spo" && onlySyncState.has(upnKey(user.upn))),
    );
    if (changing.length === 0) continue;
    const person = byKey.get(upnKey(user.upn))!;
    const fromSharePoint = person.source.startsWith("SharePoint");
    if (!fromSharePoint && changing.some((step) => graph(step.store))) continue;
    const dropped = (store: StoreName) => changing.some((step) => step.store === store || (graph(step.store) && graph(store)));
    const kept = state.tenant.stores.filter((store) => !dropped(store));
    if (kept.length === 0) continue;
    const missing = fromSharePoint ? "Microsoft Graph (Entra ID / Exchange) has no photo or another one" : "SharePoint does not show this picture";
    const back = fromSharePoint ? "add exo and aad to stores to have photosync upload it" : "add spo to stores to have photosync put it there";
    const why = changing.map((step) => step.reason).join("; ");
    person.stores = { kept, why: `imported from ${person.source}; ${missing} (${why}): ${back}` };
  }
}
