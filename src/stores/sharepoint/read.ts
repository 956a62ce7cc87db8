/**
 * SharePoint Online through PnPjs (@pnp/sp v4): the My Site host's thumbnails in the "User Photos"
 * library's thumbnail folder (localised, discovered: folder.ts) and the admin host's user profile
 * properties. The thumbnails' ETags come from a paged listing of the library (listing.ts), or, for
 * a few people, from $batch reads of their files (batch.ts); profiles from $batch reads; a
 * thumbnail's bytes are downloaded only when its ETag is not in the live cache.
 */
import { SPQueryable } from "@pnp/sp";
import type { ISPQueryable } from "@pnp/sp";
import pLimit from "p-limit";
import { fingerprintImage } from "../../images/fingerprint-image.js";
import { PLAN_FINEST_GRID } from "../../images/analysis.js";
import { accountName, thumbnailFileName, thumbnailPath } from "./names.js";
import { odataString } from "./odata-literal.js";
import { isRetryable, retryAfterSeconds, throwIfAccessDenied, toServiceError } from "../../tenant/errors.js";
import { sendBatchWithRetries } from "../../tenant/batch-retry.js";
import type { ItemOutcome } from "../../tenant/batch-retry.js";
import { DEFAULT_RETRY_POLICY } from "../../tenant/http.js";
import type { ProfileReadDenied, ServiceError, SpoObservation, SpoPropertyName, ThumbnailName, ThumbnailObservation } from "../../model/observations.js";
import { SPO_PROPERTIES, THUMBNAIL_NAMES } from "../../model/observations.js";
import { LiveCache } from "../live-cache.js";
import type { SharePointSite } from "./site.js";
import { sendGetBatch } from "./batch.js";
import { ThumbnailFolders } from "./folder.js";
import type { ThumbnailFolder } from "./folder.js";
import { listFolderFiles, listingPays } from "./listing.js";
import type { ListedFile } from "./listing.js";
import type { BatchPartError } from "./batch.js";

/** SharePoint answers at most 100 operations per $batch; stay below. */
const SPO_BATCH_LIMIT = 90;
/** $batch requests in flight at once. */
const SPO_BATCH_CONCURRENCY = 8;
/**
 * Thumbnail downloads in flight at once. Binary answers cannot travel in a $batch, so a cold read
 * costs one request per new thumbnail; this many at a time keeps latency from adding up.
 */
const SPO_DOWNLOAD_CONCURRENCY = 16;

export interface SpoReadOptions {
  /** Tries per batched operation, the first included. */
  maxAttempts?: number;
  backoffMs?: number;
  /** $batch requests in flight at once (default SPO_BATCH_CONCURRENCY). */
  concurrency?: number;
  /** Thumbnail downloads in flight at once (default SPO_DOWNLOAD_CONCURRENCY). */
  downloadConcurrency?: number;
  /** Told each operation's Retry-After, so other requests to SharePoint wait too (TrustedHttp's back-off). */
  onThrottled?: (seconds: number) => void;
}

function statusOf(error: unknown): number | undefined {
  return (error as { status?: number } | undefined)?.status;
}

/** An answer reduced by `pick`; one `pick` cannot read (not the shape SharePoint documents) is a failed read. */
function picked<T>(pick: (answer: unknown) => T, answer: unknown): PromiseSettledResult<T> {
  try {
    return { status: "fulfilled", value: pick(answer) };
  } catch (error) {
    return { status: "rejected", reason: new Error(`SharePoint's answer could not be read: ${String(error)}`) };
  }
}

/** A failed operation as the retry loop sees it (the transport's code when there was no status). */
function failed<T>(reason: unknown): ItemOutcome<PromiseSettledResult<T>> {
  const result: PromiseSettledResult<T> = { status: "rejected", reason };
  const status = statusOf(reason);
  if (!isRetryable(status ?? toServiceError(reason).code)) return { kind: "final", result };
  const after = retryAfterSeconds((reason as Partial<BatchPartError> | undefined)?.retryAfter);
  return { kind: "retryable", result, ...(after !== undefined ? { retryAfter: after } : {}) };
}

/**
 * Runs GETs (absolute URLs of one site) in `$batch` requests (batch.ts), retried by the session's
 * one batch loop (tenant/batch-retry.ts). Resolves to one settled result per URL, in order, each
 * answer reduced by `pick` as it arrives (a user profile holds ~100 properties; a plan needs three).
 */
async function runSpoBatched<T>(
  base: ISPQueryable,
  urls: readonly string[],
  pick: (answer: unknown) => T,
  options: SpoReadOptions = {},
): Promise<Array<PromiseSettledResult<T>>> {
  const policy = { maxAttempts: options.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts, backoffMs: options.backoffMs ?? DEFAULT_RETRY_POLICY.backoffMs };
  const results: Array<PromiseSettledResult<T>> = new Array(urls.length);
  const sendOnce = async (pending: readonly number[]): Promise<Array<ItemOutcome<PromiseSettledResult<T>>>> => {
    let settled: Array<PromiseSettledResult<unknown>>;
    try {
      settled = await sendGetBatch(base, pending.map((index) => urls[index]!));
    } catch (error) {
      // The batch request itself failed, after the session's retries of that request (pnpFetch):
      // every operation in it failed the same way, and trying them again would stack two loops.
      return pending.map(() => ({ kind: "final", result: { status: "rejected", reason: error } }));
    }
    return settled.map((result) => (result.status === "fulfilled" ? { kind: "ok", result: picked(pick, result.value) } : failed<T>(result.reason)));
  };
  const runChunk = async (start: number): Promise<void> => {
    const indexes = Array.from({ length: Math.min(SPO_BATCH_LIMIT, urls.length - start) }, (_, i) => start + i);
    const chunk = await sendBatchWithRetries(indexes, sendOnce, { policy, ...(options.onThrottled ? { onThrottled: options.onThrottled } : {}) });
    for (const [index, result] of chunk) results[index] = result;
  };
  // A few batches in flight at once, as for Graph: latency, not SharePoint, was the limit.
  const limit = pLimit(options.concurrency ?? SPO_BATCH_CONCURRENCY);
  const starts: number[] = [];
  for (let start = 0; start < urls.length; start += SPO_BATCH_LIMIT) starts.push(start);
  await Promise.all(starts.map((start) => limit(() => runChunk(start))));
  return results;
}

interface FileInfo {
  ETag?: string;
}

export interface ProfileAnswer {
  "odata.null"?: boolean;
  AccountName?: string;
  UserProfileProperties?: Array<{ Key: string; Value: string }>;
}

function profileProperties(answer: ProfileAnswer): Record<SpoPropertyName, string> | null {
  if (answer["odata.null"] || !answer.UserProfileProperties) return null;
  const values = new Map(answer.UserProfileProperties.map((entry) => [entry.Key, entry.Value ?? ""]));
  return Object.fromEntries(SPO_PROPERTIES.map((name) => [name, values.get(name) ?? ""])) as Record<SpoPropertyName, string>;
}

/** Each target's thumbnails' ETags (undefined: the file has none), three per target, in order. */
function readFileEtags(mySite: SharePointSite, folder: string, targets: readonly SpoTarget[], options: SpoReadOptions): Promise<Array<PromiseSettledResult<string | undefined>>> {
  // PnPjs's fluent API writes each URL (paths encoded as it does, a ' doubled); spo-batch.ts sends them.
  const urls = targets.flatMap((target) =>
    THUMBNAIL_NAMES.map((thumbnail) => mySite.web.getFileByServerRelativePath(thumbnailPath(folder, target.upn, thumbnail)).select("ETag").toRequestUrl()),
  );
  return runSpoBatched(mySite.web, urls, (answer) => (answer as FileInfo | null)?.ETag, options);
}

/**
 * PeopleManager/GetPropertiesFor for one person, as PnPjs's profiles.getPropertiesFor builds it but
 * with the account literal escaped (PnPjs does not double a quote in it), and not sent yet.
 */
export function profileQuery(admin: SharePointSite, upn: string): ISPQueryable {
  const query = SPQueryable(admin.profiles, "getpropertiesfor(@v)");
  query.query.set("@v", odataString(accountName(upn)));
  return query;
}

/** Each target's managed profile properties (null: no user profile), in order. */
function readProfiles(admin: SharePointSite, targets: readonly SpoTarget[], options: SpoReadOptions): Promise<Array<PromiseSettledResult<Record<SpoPropertyName, string> | null>>> {
  const urls = targets.map((target) => profileQuery(admin, target.upn).toRequestUrl());
  return runSpoBatched(admin.web, urls, (answer) => profileProperties((answer ?? {}) as ProfileAnswer), options);
}

export interface SpoTarget {
  key: string;
  upn: string;
}

/** A missing folder holds no thumbnails: each person's three reads answer "not found" without a request. */
const notThere = (count: number): Array<PromiseSettledResult<string | undefined>> => Array.from({ length: count }, () => ({ status: "rejected", reason: { status: 404 } }));

/**
 * Each target's thumbnails' ETags from one listing of the folder (listing.ts), in the order
 * readFileEtags gives them: a file not listed is "not found"; a failed listing fails every read.
 */
async function listedFileEtags(mySite: SharePointSite, folder: string, targets: readonly SpoTarget[]): Promise<Array<PromiseSettledResult<string | undefined>>> {
  let listed: Map<string, ListedFile>;
  try {
    listed = await listFolderFiles(mySite, folder);
  } catch (error) {
    return Array.from({ length: targets.length * THUMBNAIL_NAMES.length }, () => ({ status: "rejected", reason: error }));
  }
  return targets.flatMap((target) =>
    THUMBNAIL_NAMES.map((thumbnail): PromiseSettledResult<string | undefined> => {
      const file = listed.get(thumbnailFileName(target.upn, thumbnail).toLowerCase());
      return file ? { status: "fulfilled", value: file.etag } : { status: "rejected", reason: { status: 404 } };
    }),
  );
}

/** The ETags of each target's thumbnails: from a listing of the folder when that is fewer operations. */
function thumbnailEtags(mySite: SharePointSite, folder: ThumbnailFolder & { state: "found" }, targets: readonly SpoTarget[], options: SpoReadOptions): Promise<Array<PromiseSettledResult<string | undefined>>> {
  return listingPays(folder.itemCount, targets.length) ? listedFileEtags(mySite, folder.path, targets) : readFileEtags(mySite, folder.path, targets, options);
}

/**
 * Reads each person's three thumbnails (ETag, then bytes when new) and profile properties. The
 * thumbnail folder is discovered first (folder.ts; once per session with `sites.folder`): when it
 * cannot be, every person's SharePoint state is unknown, with the reason, and nothing else is read.
 */
export async function readSharePoint(
  sites: { mySite: SharePointSite; admin: SharePointSite; folder?: ThumbnailFolders },
  targets: readonly SpoTarget[],
  cache: LiveCache,
  options: SpoReadOptions = {},
  /** Told the bytes of each large thumbnail read and fingerprinted (a run drawing a review sheet keeps them). */
  onLargeThumbnail?: (key: string, bytes: Buffer) => void,
): Promise<Map<string, SpoObservation>> {
  const folder = await (sites.folder ?? new ThumbnailFolders(sites.mySite)).discover();
  if (folder.state === "unknown") return new Map(targets.map((target) => [target.key, { state: "unknown", error: folder.error }]));
  const folderPath = folder.path;
  const [files, profiles] = await Promise.all([
    folder.state === "found" ? thumbnailEtags(sites.mySite, folder, targets, options) : Promise.resolve(notThere(targets.length * THUMBNAIL_NAMES.length)),
    readProfiles(sites.admin, targets, options),
  ]);

  const observations = new Map<string, SpoObservation>();
  const downloads: Array<{ target: SpoTarget; thumbnail: ThumbnailName; etag?: string; cacheKey?: string }> = [];
  const thumbnails = new Map<string, Partial<Record<ThumbnailName, ThumbnailObservation>>>();

  targets.forEach((target, t) => {
    const profile = profiles[t]!;
    const failures: ServiceError[] = [];
    let properties: Record<SpoPropertyName, string> | ProfileReadDenied | null = null;
    if (profile.status === "fulfilled") properties = profile.value;
    else {
      const failure = toServiceError(profile.reason);
      // 403 on a profile read: this app may read files but not profiles (SharePoint wants its own
      // User.Read.All, pnp/powershell #5084). A capability, not a stop: the thumbnails are still
      // read and planned, and the plan says so once. A 401 (the token itself) still stops the run.
      if (failure.kind === "access" && failure.status === 403) properties = { denied: failure };
      else failures.push(failure);
    }
    const found: Partial<Record<ThumbnailName, ThumbnailObservation>> = {};
    THUMBNAIL_NAMES.forEach((thumbnail, n) => {
      const file = files[t * THUMBNAIL_NAMES.length + n]!;
      if (file.status === "rejected") {
        if (statusOf(file.reason) !== 404) failures.push(toServiceError(file.reason));
        return;
      }
      const etag = file.value;
      const cacheKey = LiveCache.key("spo", thumbnailFileName(target.upn, thumbnail), etag);
      const cached = cache.get(cacheKey);
      if (cached) found[thumbnail] = { ...(etag ? { etag } : {}), fingerprint: cached };
      else downloads.push({ target, thumbnail, ...(etag ? { etag } : {}), ...(cacheKey ? { cacheKey } : {}) });
    });
    // A 401/403 is the same for every person: the run stops with one message naming the permission.
    for (const failure of failures) throwIfAccessDenied(failure, "SharePoint Online", "Sites.Read.All", "reading thumbnails and profiles");
    if (failures.length > 0) {
      observations.set(target.key, { state: "unknown", error: failures[0]! });
      return;
    }
    thumbnails.set(target.key, found);
    observations.set(target.key, { state: "read", thumbnails: found, properties, folder: folderPath });
  });

  const limit = pLimit(options.downloadConcurrency ?? SPO_DOWNLOAD_CONCURRENCY);
  await Promise.all(
    downloads
      .filter((download) => observations.get(download.target.key)?.state === "read")
      .map((download) =>
        limit(async () => {
          let bytes: Buffer;
          try {
            bytes = await sites.mySite.download(thumbnailPath(folderPath, download.target.upn, download.thumbnail));
          } catch (error) {
            // Deleted between the two reads, or the download failed: this read did not succeed.
            const failure = toServiceError(error);
            throwIfAccessDenied(failure, "SharePoint Online", "Sites.Read.All", "downloading thumbnails");
            observations.set(download.target.key, { state: "unknown", error: failure });
            return;
          }
          try {
            const fingerprint = await fingerprintImage(bytes, { finestGrid: PLAN_FINEST_GRID });
            cache.set(download.cacheKey, fingerprint);
            if (download.thumbnail === "large") onLargeThumbnail?.(download.target.key, bytes);
            thumbnails.get(download.target.key)![download.thumbnail] = { ...(download.etag ? { etag: download.etag } : {}), fingerprint };
          } catch {
            // A file that is not a decodable image counts as no thumbnail: the plan replaces it.
          }
        }),
      ),
  );
  return observations;
}
