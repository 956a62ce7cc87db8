/**
 * profilePhoto: metadata, $value, /photos, /photos/{size}[/$value], PUT/PATCH/DELETE $value, as in
 * `api-reference/v1.0/api/profilephoto-{get,update,delete}.md`. Which store answers depends on the
 * API version, the user's mailbox and the tenant's behaviour (legacy / current), see `routePhoto`.
 */
import type { AccessClaims } from "../auth.js";
import sharp from "sharp";
import { ImageRejected, ONE_PIXEL_GIF, availableSizes, parseSize, reencodeUpload, type EncodedPhoto } from "../images.js";
import { bytes, empty, type EmuRequest, type EmuResponse } from "../http.js";
import { GRAPH_DEFAULTS, MAX_UPLOAD_BYTES, type NoMailboxAnswer, type PhotoBehaviour, type PhotoRecord, type PhotoStore, type UserRecord } from "../model.js";
import type { Tenant } from "../state.js";
import { GraphFailure, PERMISSIONS, graphHeaders, graphJson, requireRole } from "./common.js";

export type PhotoOp = "read" | "write" | "delete";

/**
 * The store behind /users/{id}/photo:
 * - current (MC678855): Entra ID for everyone, v1.0 and beta, mailbox or not; Exchange, Outlook
 *   and Teams read from there;
 * - legacy, beta: reads Entra ID; writes try the mailbox first and fall back to Entra ID (facts);
 * - legacy, v1.0: the Exchange mailbox; without a usable cloud mailbox the tenant refuses
 *   (ErrorNonExistentMailbox / MailboxNotHostedInExchangeOnline, AuthenticationError for an
 *   unlicensed mailbox, and for a licensed Foundation-plan user as `noMailboxAnswer` says).
 */
export function routePhoto(version: string, user: UserRecord, op: PhotoOp, behaviour: PhotoBehaviour, noMailboxAnswer: NoMailboxAnswer = "authenticationError"): PhotoStore {
  if (behaviour === "current") return "aad";
  if (version === "beta") return op === "read" ? "aad" : user.mailbox === "cloud" ? "exo" : "aad";
  if (user.mailbox === "cloud") {
    if (!user.licensed) throw new GraphFailure(400, "AuthenticationError", "Error authenticating with resource");
    return "exo";
  }
  // microsoft-graph-docs #8877: licensed, an enabled exchange plan, no mailbox.
  if (user.exchangePlan === "foundation" && noMailboxAnswer === "authenticationError") throw new GraphFailure(400, "AuthenticationError", "Error authenticating with resource");
  if (user.mailbox === "onPremises") throw new GraphFailure(404, "MailboxNotHostedInExchangeOnline", "Mailbox is hosted by an on-premise or non-Exchange server");
  throw new GraphFailure(404, "ErrorNonExistentMailbox", "The SMTP address has no mailbox associated with it.");
}

/**
 * photoUpdateSettings.source = onPremises: "updates through cloud services are disabled for both
 * admins and users" (concepts/profilephoto-configure-settings.md). Microsoft documents no error for
 * it; this 403 is the emulator's choice, with a code no client treats as a missing permission.
 */
export function refuseCloudPhotoUpdates(): never {
  throw new GraphFailure(403, "PhotoUpdatesDisabled", "Profile photo updates through cloud services are disabled for this organization (photoUpdateSettings source: onPremises).");
}

export interface PhotoContext {
  tenant: Tenant;
  graphBaseUrl: string;
  /** Fault hook: a write that is accepted but stored as something else (apply verification tests). */
  corruptWrite(store: PhotoStore, user: UserRecord): boolean;
  corrupt(photo: EncodedPhoto): Promise<EncodedPhoto>;
}

function noPhoto(context: PhotoContext, wantsBytes: boolean, request: EmuRequest, base: string): EmuResponse {
  switch (context.tenant.config.noPhoto) {
    case "gif":
      if (wantsBytes) return bytes(200, ONE_PIXEL_GIF, "image/gif", graphHeaders(request));
      return graphJson(request, 200, { "@odata.context": `${base}/photo/$entity`, "@odata.mediaContentType": "image/gif", "@odata.mediaEtag": "", id: "1X1", width: 1, height: 1 });
    case "errorItemNotFound":
      throw new GraphFailure(404, "ErrorItemNotFound", "The photo wasn't found.");
    default:
      throw new GraphFailure(404, "ImageNotFound", "Exception of type 'Microsoft.Fast.Profile.Core.Exception.ImageNotFoundException' was thrown.");
  }
}

/**
 * The sizes Graph serves of a stored photo, smallest first, the photo's own last. Exchange serves
 * the HD sizes up to its own; an Entra ID photo as tenant.graph.entraSizes says (model.ts).
 */
function servedSizes(context: PhotoContext, store: PhotoStore, photo: PhotoRecord): string[] {
  const sizes = availableSizes(photo);
  if (store !== "aad" || (context.tenant.config.graph?.entraSizes ?? GRAPH_DEFAULTS.entraSizes) === "all") return sizes;
  return sizes.slice(-1);
}

let onePixelJpeg: Promise<Buffer> | undefined;
/** The 1x1 image served for a size an Entra ID photo does not have (entraSizes: onePixel): a JPEG, typed as one. */
function onePixel(): Promise<Buffer> {
  onePixelJpeg ??= sharp({ create: { width: 1, height: 1, channels: 3, background: "#808080" } }).jpeg({ quality: 85 }).toBuffer();
  return onePixelJpeg;
}

function metadata(photo: PhotoRecord, size: string, context: string): Record<string, unknown> {
  const [width, height] = size.split("x").map(Number);
  return { "@odata.context": context, "@odata.mediaContentType": "image/jpeg", "@odata.mediaEtag": `"${photo.etag}"`, id: size, width, height };
}

/**
 * Handles /{version}/users/{id}/photo… and /photos…; `rest` is what follows the user segment.
 */
export async function handlePhoto(
  request: EmuRequest,
  context: PhotoContext,
  claims: AccessClaims,
  version: string,
  user: UserRecord,
  rest: string[],
): Promise<EmuResponse> {
  const behaviour = context.tenant.config.behaviour;
  const method = request.method;
  const base = `${context.graphBaseUrl}/${version}/$metadata#users('${user.id}')`;
  const isValue = rest[rest.length - 1] === "$value";
  const op: PhotoOp = method === "GET" ? "read" : method === "DELETE" ? "delete" : "write";
  const store = routePhoto(version, user, op, behaviour, context.tenant.config.noMailboxAnswer);
  const owner = store === "exo" ? "exchange" : "directory";
  requireRole(claims, op === "read" ? PERMISSIONS.readPhoto : PERMISSIONS.writePhoto, owner);
  // The source in force, which after a change lags the one a GET shows ("up to 24 hours").
  if (op !== "read" && context.tenant.photoSourceInForce() === "onPremises") refuseCloudPhotoUpdates();

  // /photo, /photo/$value
  if (rest[0] === "photo" && (rest.length === 1 || (rest.length === 2 && isValue))) {
    if (op === "read") {
      // While a write propagates, the photo from before it (graph-explorer-v4 #1269).
      const photo = context.tenant.servedPhoto(user, store);
      if (photo === undefined) return noPhoto(context, isValue, request, base);
      const sizes = servedSizes(context, store, photo);
      const largest = sizes[sizes.length - 1] ?? `${photo.width}x${photo.height}`;
      if (!isValue) return graphJson(request, 200, metadata(photo, largest, `${base}/photo/$entity`));
      const data = await context.tenant.photoBytes(photo, largest);
      return bytes(200, data ?? Buffer.alloc(0), "image/jpeg", { ...graphHeaders(request), etag: `"${photo.etag}"` });
    }
    if (!isValue && method !== "DELETE") throw new GraphFailure(400, "BadRequest", "Write requests are only supported on the photo's $value.");
    if (op === "delete") {
      context.tenant.deletePhoto(user, store, { delayed: true });
      return empty(204, graphHeaders(request));
    }
    if (method !== "PUT" && method !== "PATCH") throw new GraphFailure(405, "Request_BadRequest", `Method ${method} is not allowed.`);
    if (request.body.length > MAX_UPLOAD_BYTES) {
      throw new GraphFailure(413, "RequestEntityTooLarge", "The photo is larger than the maximum of 4 MB per request.");
    }
    const type = (request.headers["content-type"] ?? "").toLowerCase();
    if (!type.startsWith("image/")) throw new GraphFailure(400, "BadRequest", "The Content-Type of a photo must be an image type, e.g. image/jpeg.");
    let encoded: EncodedPhoto;
    try {
      encoded = await reencodeUpload(request.body, store);
    } catch (error) {
      if (error instanceof ImageRejected) {
        if (error.reason === "tooSmall") throw new GraphFailure(400, "ValidationWidthTooSmall", "Exception of type 'Microsoft.Fast.Profile.Core.Exception.ProfileBadRequestException' was thrown.");
        throw new GraphFailure(400, "ImageProcessingFailed", "Exception of type 'Microsoft.Fast.Profile.Core.Exception.ProfileBadRequestException' was thrown.");
      }
      throw error;
    }
    if (context.corruptWrite(store, user)) encoded = await context.corrupt(encoded);
    await context.tenant.writePhoto(user, store, encoded, { delayed: true });
    return empty(200, graphHeaders(request));
  }

  // /photos, /photos/{size}, /photos/{size}/$value
  if (rest[0] === "photos" && op === "read" && rest.length <= 3) {
    const photo = context.tenant.servedPhoto(user, store);
    if (rest.length === 1) {
      if (photo === undefined) return graphJson(request, 200, { "@odata.context": `${base}/photos`, value: [] });
      const value = servedSizes(context, store, photo).map((size) => {
        const { "@odata.context": _context, "@odata.mediaContentType": _type, ...item } = metadata(photo, size, "");
        return item;
      });
      return graphJson(request, 200, { "@odata.context": `${base}/photos`, value });
    }
    const size = decodeURIComponent(rest[1] ?? "").replace(/^'|'$/g, "");
    if (photo === undefined) return noPhoto(context, isValue, request, base);
    if (rest.length === 3 && !isValue) throw new GraphFailure(400, "BadRequest", `Unsupported photo request ${method} ${request.url.pathname}.`);
    const entraOnePixel = store === "aad" && (context.tenant.config.graph?.entraSizes ?? GRAPH_DEFAULTS.entraSizes) === "onePixel";
    if (!servedSizes(context, store, photo).includes(size) && entraOnePixel && parseSize(size) !== undefined) {
      // beta profilephoto-get.md: "If the specified size is unavailable ... the size 1x1 is returned with the rest of the metadata."
      if (!isValue) return graphJson(request, 200, metadata(photo, "1x1", `${base}/photos/$entity`));
      return bytes(200, await onePixel(), "image/jpeg", { ...graphHeaders(request), etag: `"${photo.etag}"` });
    }
    if (!servedSizes(context, store, photo).includes(size)) {
      throw new GraphFailure(404, "ImageNotFound", "Exception of type 'Microsoft.Fast.Profile.Core.Exception.ImageNotFoundException' was thrown.");
    }
    if (!isValue) return graphJson(request, 200, metadata(photo, size, `${base}/photos/$entity`));
    const data = await context.tenant.photoBytes(photo, size);
    return bytes(200, data ?? Buffer.alloc(0), "image/jpeg", { ...graphHeaders(request), etag: `"${photo.etag}"` });
  }
  throw new GraphFailure(400, "BadRequest", `Unsupported photo request ${method} ${request.url.pathname}.`);
}
