/** SharePoint's naming of profile thumbnails and accounts (documented in docs/microsoft-365.md). Pure. */
import type { ThumbnailName } from "../../model/observations.js";

/** The library holding the thumbnails, by its URL: the same in every language (only its folder is localised). */
export const USER_PHOTOS_LIBRARY = "/User Photos";
/**
 * The thumbnail folder of an English My Site. Others are named in their language and discovered
 * (folder.ts); this is only the default of pure code that is given no folder.
 */
export const DEFAULT_THUMBNAIL_FOLDER = `${USER_PHOTOS_LIBRARY}/Profile Pictures`;

/**
 * The sizes SharePoint gives the thumbnails it makes itself, in its sync from Exchange/Entra ID:
 * S and M squares, L at most this wide keeping the source's proportions (docs/microsoft-365.md).
 */
export const SHAREPOINT_OWN_THUMBNAILS = { small: 48, medium: 72, largeMaxWidth: 300 } as const;

const SUFFIX: Record<ThumbnailName, string> = { small: "_SThumb.jpg", medium: "_MThumb.jpg", large: "_LThumb.jpg" };

/** alex.w@contoso.com → alex_w_contoso_com */
export function thumbnailBaseName(upn: string): string {
  return upn.toLowerCase().replace(/[@.]/g, "_");
}

export function thumbnailFileName(upn: string, thumbnail: ThumbnailName): string {
  return `${thumbnailBaseName(upn)}${SUFFIX[thumbnail]}`;
}

/** The server-relative path of a person's thumbnail in the thumbnail folder (server-relative) on the My Site host. */
export function thumbnailPath(folder: string, upn: string, thumbnail: ThumbnailName): string {
  return `${folder}/${thumbnailFileName(upn, thumbnail)}`;
}

/** Which thumbnail a file in the thumbnail folder is, and whose (by base name). */
export function parseThumbnailFileName(fileName: string): { baseName: string; thumbnail: ThumbnailName } | undefined {
  const lower = fileName.toLowerCase();
  for (const [thumbnail, suffix] of Object.entries(SUFFIX) as Array<[ThumbnailName, string]>) {
    if (lower.endsWith(suffix.toLowerCase())) return { baseName: lower.slice(0, -suffix.length), thumbnail };
  }
  return undefined;
}

/** The PictureURL profile property: the absolute URL of the medium thumbnail in `folder` on the My Site host. */
export function pictureUrl(mySiteHost: string, folder: string, upn: string): string {
  return `https://${mySiteHost}${encodeURI(thumbnailPath(folder, upn, "medium"))}`;
}

/** Compares PictureURL values the way SharePoint treats them: encoding, host case, :443 and query do not matter. */
export function samePictureUrl(a: string, b: string): boolean {
  const normalise = (value: string): string => {
    if (value.trim() === "") return "";
    try {
      const url = new URL(value.trim());
      return `${url.hostname.toLowerCase()}${decodeURIComponent(url.pathname).toLowerCase()}`;
    } catch {
      return value.trim().toLowerCase();
    }
  };
  return normalise(a) === normalise(b);
}

/** The claims account name SharePoint's people manager uses for a member. */
export function accountName(upn: string): string {
  return `i:0#.f|membership|${upn}`;
}
