/**
 * The thumbnails' metadata from the `User Photos` library's list items, 5,000 a page: one
 * SharePoint operation per 5,000 files instead of one per file. A folder's `Files` collection is
 * no substitute: SharePoint refuses it for a folder of more than 5,000 files (the list view
 * threshold), while list items page by ID past any size (pnp/pnpcore #1338).
 */
import { USER_PHOTOS_LIBRARY } from "./names.js";
import type { SharePointSite } from "./site.js";

/** The most list items SharePoint answers in one page (its list view threshold). */
export const LISTING_PAGE_SIZE = 5000;

export interface ListedFile {
  /** The file's ETag, as a file read gives it ("{GUID},version"). */
  etag?: string;
  length: number;
}

interface ListItem {
  FileLeafRef?: string;
  FileDirRef?: string;
  File?: { ETag?: string; Length?: string | number } | null;
}

/**
 * Whether listing the library is the cheaper read of `people`'s thumbnails' ETags. Reading files
 * costs three operations a person (batched); a listing, one per page of 5,000 items whoever is
 * planned, but its pages come one after another and each carries 5,000 rows, so a page is
 * weighed as a person's three reads: a pull request's one person in a tenant of 100,000 reads
 * its three files, a drift plan of everyone lists. Pure. `items` unknown (not counted): listing,
 * whose cost is bounded by the library, not by the people.
 */
export function listingPays(items: number | undefined, people: number): boolean {
  if (items === undefined) return true;
  return Math.ceil(items / LISTING_PAGE_SIZE) <= people;
}

/**
 * Every file directly in `folder` (server-relative), by lower-cased name. Pages follow one another
 * (each names the next); a failure of any page fails the listing, so nothing is taken from half of it.
 */
export async function listFolderFiles(site: SharePointSite, folder: string): Promise<Map<string, ListedFile>> {
  const wanted = folder.replace(/\/+$/, "").toLowerCase();
  const files = new Map<string, ListedFile>();
  const items = site.web.getList(USER_PHOTOS_LIBRARY).items.select("FileLeafRef", "FileDirRef", "File/ETag", "File/Length").expand("File").top(LISTING_PAGE_SIZE);
  for await (const page of items as AsyncIterable<ListItem[]>) {
    for (const item of page) {
      // Folder items have no File; files of other folders are not thumbnails.
      if (!item.File || typeof item.FileLeafRef !== "string" || item.FileDirRef?.toLowerCase() !== wanted) continue;
      files.set(item.FileLeafRef.toLowerCase(), { ...(item.File.ETag ? { etag: item.File.ETag } : {}), length: Number(item.File.Length ?? 0) });
    }
  }
  return files;
}
