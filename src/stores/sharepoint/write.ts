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

/** Uploads the thumbnails and points the profile at them. Returns what was done, in order. */
export async function writeSpoPhoto(sites: { mySite: SharePointSite; admin: SharePointSite }, write: SpoPhotoWrite): Promise<string[]> {
  const done: string[] = [];
  const folder = sites.mySite.web.getFolderByServerRelativePath(write.folder);
  for (const thumbnail of THUMBNAIL_NAMES) {
    await folder.files.addUsingPath(thumbnailFileName(write.upn, thumbnail), arrayBuffer(write.thumbnails[thumbnail]), { Overwrite: true });
  }
  done.push("uploaded S, M and L thumbnails");
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
