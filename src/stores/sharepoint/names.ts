/** SharePoint's naming of profile thumbnails and accounts (documented in docs/microsoft-365.md). Pure. */
import type { ThumbnailName } from "../../model/observations.js";

export const PROFILE_PICTURES_FOLDER = "/User Photos/Profile Pictures";

const SUFFIX: Record<ThumbnailName, string> = { small: "_SThumb.jpg", medium: "_MThumb.jpg", large: "_LThumb.jpg" };

/** alex.w@contoso.com → alex_w_contoso_com */
export function thumbnailBaseName(upn: string): string {
  return upn.toLowerCase().replace(/[@.]/g, "_");
}

export function thumbnailFileName(upn: string, thumbnail: ThumbnailName): string {
  return `${thumbnailBaseName(upn)}${SUFFIX[thumbnail]}`;
}

/** The server-relative path of a person's thumbnail on the My Site host. */
export function thumbnailPath(upn: string, thumbnail: ThumbnailName): string {
  return `${PROFILE_PICTURES_FOLDER}/${thumbnailFileName(upn, thumbnail)}`;
}

/** Which thumbnail a file in the Profile Pictures folder is, and whose (by base name). */
export function parseThumbnailFileName(fileName: string): { baseName: string; thumbnail: ThumbnailName } | undefined {
  const lower = fileName.toLowerCase();
  for (const [thumbnail, suffix] of Object.entries(SUFFIX) as Array<[ThumbnailName, string]>) {
    if (lower.endsWith(suffix.toLowerCase())) return { baseName: lower.slice(0, -suffix.length), thumbnail };
  }
  return undefined;
}

/** The PictureURL profile property: the absolute URL of the medium thumbnail on the My Site host. */
export function pictureUrl(mySiteHost: string, upn: string): string {
  return `https://${mySiteHost}${encodeURI(`${PROFILE_PICTURES_FOLDER}/${thumbnailFileName(upn, "medium")}`)}`;
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
