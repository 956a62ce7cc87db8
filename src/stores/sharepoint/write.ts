/**
 * Writing one person's SharePoint photo, in the only order that never leaves a broken profile:
 * thumbnails first, then PictureURL pointing at them, then SPS-PictureExchangeSyncState (only when
 * the manifest asks for a value), and SPS-PicturePlaceholderState = 0 last. Removal runs the other way round: the placeholder comes
 * back and PictureURL is cleared before any file is deleted. An interrupted run leaves at worst
 * unused files or an unchanged profile, which the next apply finishes.
 */
import { accountName, pictureUrl, thumbnailFileName, thumbnailPath } from "./names.js";
import type { ThumbnailName } from "../../model/observations.js";
import { THUMBNAIL_NAMES } from "../../model/observations.js";
import type { SharePointSite } from "./site.js";
import { spGet } from "@pnp/sp";
import { profileQuery } from "./read.js";
import type { ProfileAnswer } from "./read.js";
import { toServiceError } from "../../tenant/errors.js";
import type { ServiceError } from "../../model/errors.js";

export interface SpoPhotoWrite {
  upn: string;
  mySiteHost: string;
  /** The thumbnail folder, server-relative (folder.ts: discovered, created when missing). */
  folder: string;
  /** SPS-PictureExchangeSyncState to write; undefined: left as SharePoint keeps it. */
  exchangeSyncState?: number;
  /** JPEG bytes of each thumbnail. */
  thumbnails: Record<ThumbnailName, Buffer>;
}

const arrayBuffer = (bytes: Buffer): ArrayBuffer => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

/** Uploads the three thumbnails, nothing else: for a person whose PictureURL already points at them. */
export async function writeSpoThumbnails(mySite: SharePointSite, write: Pick<SpoPhotoWrite, "upn" | "folder" | "thumbnails">): Promise<string[]> {
  const folder = mySite.web.getFolderByServerRelativePath(write.folder);
  for (const thumbnail of THUMBNAIL_NAMES) {
    await folder.files.addUsingPath(thumbnailFileName(write.upn, thumbnail), arrayBuffer(write.thumbnails[thumbnail]), { Overwrite: true });
  }
  return ["uploaded S, M and L thumbnails"];
}

/** Uploads the thumbnails and points the profile at them. Returns what was done, in order. */
export async function writeSpoPhoto(sites: { mySite: SharePointSite; admin: SharePointSite }, write: SpoPhotoWrite): Promise<string[]> {
  const done = await writeSpoThumbnails(sites.mySite, write);
  const account = accountName(write.upn);
  await sites.admin.profiles.setSingleValueProfileProperty(account, "PictureURL", pictureUrl(write.mySiteHost, write.folder, write.upn));
  if (write.exchangeSyncState !== undefined) {
    await sites.admin.profiles.setSingleValueProfileProperty(account, "SPS-PictureExchangeSyncState", String(write.exchangeSyncState));
  }
  await sites.admin.profiles.setSingleValueProfileProperty(account, "SPS-PicturePlaceholderState", "0");
  done.push(write.exchangeSyncState !== undefined ? "set PictureURL, SPS-PictureExchangeSyncState and SPS-PicturePlaceholderState" : "set PictureURL and SPS-PicturePlaceholderState");
  return done;
}

function isNotFound(error: unknown): boolean {
  return (error as { status?: number } | undefined)?.status === 404;
}

/** Shows the placeholder again, clears PictureURL, then deletes the thumbnails (in `folder`, server-relative). */
export async function removeSpoPhoto(sites: { mySite: SharePointSite; admin: SharePointSite }, folder: string, upn: string): Promise<string[]> {
  const account = accountName(upn);
  await sites.admin.profiles.setSingleValueProfileProperty(account, "SPS-PicturePlaceholderState", "1");
  await sites.admin.profiles.setSingleValueProfileProperty(account, "PictureURL", "");
  for (const thumbnail of THUMBNAIL_NAMES) {
    try {
      await sites.mySite.web.getFileByServerRelativePath(thumbnailPath(folder, upn, thumbnail)).delete();
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  return ["reset SPS-PicturePlaceholderState and PictureURL", "deleted the thumbnails"];
}

/**
 * Whether SharePoint lets this app write user profiles, asked before any thumbnail is uploaded:
 * an Entra app-only token may be refused even with User.ReadWrite.All (sp-dev-docs #3718), and a
 * thumbnail that PictureURL cannot be pointed at is an orphan. `unprobed`: the probe could not
 * ask (the profile could not be read, or SharePoint failed); the writes then run as planned.
 */
export type ProfileWriteCapability = { state: "allowed" } | { state: "denied"; error: ServiceError } | { state: "unprobed"; error: ServiceError };


/**
 * Reads one person's SPS-PicturePlaceholderState and writes the same value back: a write that
 * changes nothing the person sees, so that its refusal costs nothing.
 */
export async function probeProfileWrites(admin: SharePointSite, upn: string): Promise<ProfileWriteCapability> {
  const account = accountName(upn);
  let current: string;
  try {
    const answer = (await spGet(profileQuery(admin, upn))) as ProfileAnswer | null;
    current = answer?.UserProfileProperties?.find((entry) => entry.Key === "SPS-PicturePlaceholderState")?.Value ?? "";
  } catch (error) {
    const failure = toServiceError(error);
    // An identity SharePoint will not even let read profiles is not let write them: asking by a
    // write would need the value it cannot read, and uploading first would leave orphans.
    return failure.kind === "access" && failure.status === 403 ? { state: "denied", error: failure } : { state: "unprobed", error: failure };
  }
  try {
    await admin.profiles.setSingleValueProfileProperty(account, "SPS-PicturePlaceholderState", current);
  } catch (error) {
    const failure = toServiceError(error);
    return failure.kind === "access" && failure.status === 403 ? { state: "denied", error: failure } : { state: "unprobed", error: failure };
  }
  return { state: "allowed" };
}
