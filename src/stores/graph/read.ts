/**
 * Reading profile photos through Graph (profilephoto-get.md): v1.0 (Entra ID for everyone in a
 * current tenant, the Exchange mailbox in a legacy one), beta for Entra ID in legacy tenants. One metadata request per person (batched) gives the real size and the etag; the bytes
 * are fetched only when the etag is not in the live cache, and then only a small size — enough for
 * a fingerprint.
 */
import type { Client } from "@microsoft/microsoft-graph-client";
import pLimit from "p-limit";
import { openImage, rasterRefusal, requireRasterImage } from "../../images/decode.js";
import { fingerprintImage } from "../../images/fingerprint-image.js";
import { PLAN_FINEST_GRID } from "../../images/analysis.js";
import { plainJpegSize } from "../../images/jpeg-header.js";
import type { BatchOptions, GraphResult, GraphVersion } from "./batch.js";
import { GRAPH_BATCH_LIMIT, graphBatch } from "./batch.js";
import type { PhotoObservation, ServiceError } from "../../model/observations.js";
import { LiveCache } from "../live-cache.js";
import { throwIfAccessDenied } from "../../tenant/errors.js";

/** "No photo", as current, EXO-era and older tenants say it (docs/microsoft-365.md). */
export const NO_PHOTO_CODES = new Set(["ImageNotFound", "ErrorItemNotFound", "ResourceNotFound"]);
/**
 * "This user has no usable Exchange Online mailbox" (legacy tenants, v1.0). AuthenticationError
 * ("Error authenticating with resource", 400) is what unlicensed users get, and licensed ones
 * whose Exchange plan is Foundation (microsoft-graph-docs #8877): not a sign-in failure.
 */
export const NO_MAILBOX_CODES = new Set(["ErrorNonExistentMailbox", "MailboxNotHostedInExchangeOnline", "MailboxNotEnabledForRESTAPI", "AuthenticationError"]);
/** The size downloaded for fingerprinting: small, but well above the 32 px the hash works on. */
export const FINGERPRINT_SIZE = 96;

export type GraphPhotoRead = PhotoObservation | { state: "no-mailbox"; onPremises: boolean; error: ServiceError };

interface PhotoMetadata {
  "@odata.mediaContentType"?: string;
  "@odata.mediaEtag"?: string;
  width?: number;
  height?: number;
}

/** A 401/403 is the same for every person: stop the run with one message (AccessError), never "unknown" per person. */
function stopOnAccessDenied(result: GraphResult): void {
  if (!result.ok) throwIfAccessDenied(result.error, "Microsoft Graph", "ProfilePhoto.Read.All", "reading profile photos");
}

function classifyMetadata(result: GraphResult): GraphPhotoRead | PhotoMetadata {
  stopOnAccessDenied(result);
  if (!result.ok) {
    if (result.status === 404 && NO_PHOTO_CODES.has(result.error.code)) return { state: "absent" };
    if (NO_MAILBOX_CODES.has(result.error.code)) {
      return { state: "no-mailbox", onPremises: result.error.code === "MailboxNotHostedInExchangeOnline", error: result.error };
    }
    return { state: "unknown", error: result.error };
  }
  const metadata = result.body as PhotoMetadata;
  // Older tenants answer "no photo" with a 1x1 GIF and an empty etag.
  if (metadata["@odata.mediaContentType"] === "image/gif" && (metadata.width ?? 1) <= 1 && !metadata["@odata.mediaEtag"]) return { state: "absent" };
  if (!metadata.width || !metadata.height) return { state: "unknown", error: { code: "UnexpectedResponse", message: "photo metadata without a size" } };
  return metadata;
}

/** What a photo download came back as: the photo, the older tenants' 1x1 GIF "no photo", or something not to fingerprint. */
export type ServedPhoto = { kind: "photo" } | { kind: "no-photo" } | { kind: "wrong"; why: string };

/**
 * Judges bytes Graph served for a photo by their type and decoded size, never by the URL alone:
 * a 1x1 (an Entra ID photo's answer for a size it does not have, beta profilephoto-get.md), a GIF
 * where a size was asked for, or another size than the one asked for is not the person's photo.
 * A 1x1 GIF for the whole photo is the older tenants' "no photo".
 */
export function judgeServed(contentType: string, image: { format: string; width: number; height: number } | undefined, asked?: { width: number; height: number }): ServedPhoto {
  if (!contentType.toLowerCase().startsWith("image/")) return { kind: "wrong", why: `Graph answered the photo request with ${contentType || "no content type"}, not an image` };
  if (image === undefined) return { kind: "wrong", why: "Graph served bytes that are not a readable image" };
  const tiny = image.width <= 1 || image.height <= 1;
  if (asked === undefined && tiny && image.format === "gif") return { kind: "no-photo" };
  if (tiny) return { kind: "wrong", why: `Graph served a ${image.width}x${image.height} ${image.format} for the photo: a placeholder, not the person's photo` };
  if (asked !== undefined && (image.format === "gif" || image.width !== asked.width || image.height !== asked.height)) {
    return { kind: "wrong", why: `Graph served a ${image.width}x${image.height} ${image.format} for the ${asked.width}x${asked.height} size` };
  }
  return { kind: "photo" };
}

/** The format and size of image bytes from their header (a plain JPEG without sharp). */
export async function imageHeader(bytes: Buffer): Promise<{ format: string; width: number; height: number } | undefined> {
  const jpeg = plainJpegSize(bytes);
  if (jpeg) return { format: "jpeg", ...jpeg };
  try {
    await requireRasterImage(bytes);
    const meta = await openImage(bytes).metadata();
    return meta.width && meta.height ? { format: meta.format ?? "unknown", width: meta.width, height: meta.height } : undefined;
  } catch {
    return undefined;
  }
}

async function servedPhoto(result: Extract<GraphResult, { ok: true }>, asked?: { width: number; height: number }): Promise<ServedPhoto> {
  if (!Buffer.isBuffer(result.body)) return { kind: "wrong", why: "photo bytes were not binary" };
  const refusal = await rasterRefusal(result.body);
  if (refusal) return { kind: "wrong", why: `Graph served bytes that are ${refusal}` };
  return judgeServed(result.headers["content-type"] ?? "", await imageHeader(result.body), asked);
}

interface Download {
  target: PhotoReadTarget;
  meta: PhotoMetadata;
  cacheKey: string | undefined;
}

export interface PhotoReadTarget {
  /** The key results come back under (the manifest's UPN key). */
  key: string;
  userId: string;
}

/**
 * Reads the photo of each target from `version`'s /users/{id}/photo. `store` names the cache
 * partition ("exo" or "aad").
 */
export async function readGraphPhotos(
  client: Client,
  version: GraphVersion,
  store: string,
  targets: readonly PhotoReadTarget[],
  cache: LiveCache,
  options: BatchOptions = {},
  /** Told the bytes of each photo read and fingerprinted (a run drawing a review sheet keeps them). */
  onBytes?: (key: string, bytes: Buffer) => void,
): Promise<Map<string, GraphPhotoRead>> {
  const reads = new Map<string, GraphPhotoRead>();
  const metadata = await graphBatch(client, version, targets.map((target) => ({ method: "GET", url: `/users/${target.userId}/photo` })), options);

  const downloads: Download[] = [];
  targets.forEach((target, index) => {
    const classified = classifyMetadata(metadata[index]!);
    if ("state" in classified) {
      reads.set(target.key, classified);
      return;
    }
    const etag = classified["@odata.mediaEtag"] || undefined;
    const cacheKey = LiveCache.key(store, target.userId, etag);
    const cached = cache.get(cacheKey);
    if (cached) {
      reads.set(target.key, { state: "present", width: classified.width!, height: classified.height!, ...(etag ? { etag } : {}), fingerprint: cached });
    } else {
      downloads.push({ target, meta: classified, cacheKey });
    }
  });
  if (downloads.length === 0) return reads;

  // Photos larger than the fingerprint size may exist in it (Exchange serves the HD sizes down to
  // 48); smaller ones are read whole. Entra ID keeps "any dimension" and may answer a size it does
  // not have with a 404 or a 1x1 (m365-facts): what comes back is checked, and anything but the
  // size asked for is read again whole (/photo/$value, the stored size).
  const sized = (download: Download): boolean => Math.min(download.meta.width!, download.meta.height!) > FINGERPRINT_SIZE;
  const urlOf = (download: Download, whole: boolean) =>
    !whole && sized(download) ? `/users/${download.target.userId}/photos/${FINGERPRINT_SIZE}x${FINGERPRINT_SIZE}/$value` : `/users/${download.target.userId}/photo/$value`;
  const fetchBytes = async (slice: readonly Download[]): Promise<GraphResult[]> => {
    const bytes = await graphBatch(client, version, slice.map((download) => ({ method: "GET", url: urlOf(download, false) })), options);
    const again: number[] = [];
    for (const [index, result] of bytes.entries()) {
      if (!sized(slice[index]!)) continue;
      if (!result.ok ? result.status === 404 : (await servedPhoto(result, { width: FINGERPRINT_SIZE, height: FINGERPRINT_SIZE })).kind !== "photo") again.push(index);
    }
    if (again.length === 0) return bytes;
    const whole = await graphBatch(client, version, again.map((index) => ({ method: "GET", url: urlOf(slice[index]!, true) })), options);
    const replaced = new Map(again.map((index, i) => [index, whole[i]!]));
    return bytes.map((result, index) => replaced.get(index) ?? result);
  };

  const limit = pLimit(4);
  const fingerprintAll = (slice: readonly Download[], bytes: readonly GraphResult[]): Promise<unknown> =>
    Promise.all(
      slice.map((download, index) =>
        limit(async () => {
          const result = bytes[index]!;
          const { target, meta } = download;
          if (!result.ok || !Buffer.isBuffer(result.body)) {
            const error = result.ok ? { code: "UnexpectedResponse", message: "photo bytes were not binary" } : result.error;
            reads.set(target.key, result.ok || result.status !== 404 ? { state: "unknown", error } : { state: "absent" });
            return;
          }
          // Only the whole photo gets here unchecked against a size: it may be any dimension, but never a 1x1 or not an image.
          const served = await servedPhoto(result);
          if (served.kind === "no-photo") {
            reads.set(target.key, { state: "absent" });
            return;
          }
          if (served.kind === "wrong") {
            reads.set(target.key, { state: "unknown", error: { code: "UnexpectedPhoto", message: served.why } });
            return;
          }
          try {
            const fingerprint = await fingerprintImage(result.body, { finestGrid: PLAN_FINEST_GRID });
            cache.set(download.cacheKey, fingerprint);
            onBytes?.(target.key, result.body);
            const etag = meta["@odata.mediaEtag"];
            reads.set(target.key, { state: "present", width: meta.width!, height: meta.height!, ...(etag ? { etag } : {}), fingerprint });
          } catch (error) {
            reads.set(target.key, { state: "unknown", error: { code: "UndecodablePhoto", message: `the service returned a photo that cannot be decoded: ${String(error)}` } });
          }
        }),
      ),
    );

  // Slice by slice, fingerprinting one while the next downloads: memory holds two slices of photo
  // bytes, not every photo of the tenant.
  const sliceSize = GRAPH_BATCH_LIMIT * (options.concurrency ?? 4);
  let fingerprinting: Promise<unknown> = Promise.resolve();
  for (let start = 0; start < downloads.length; start += sliceSize) {
    const slice = downloads.slice(start, start + sliceSize);
    const bytes = await fetchBytes(slice);
    bytes.forEach(stopOnAccessDenied);
    await fingerprinting;
    fingerprinting = fingerprintAll(slice, bytes);
  }
  await fingerprinting;
  return reads;
}
