/**
 * The `User Photos` library as a list: `web/getList('/User Photos')/items`, paged the way
 * SharePoint pages a list (by item ID: `$top` up to the list view threshold, then
 * `odata.nextLink` with `$skiptoken=Paged=TRUE&p_ID={last ID}`). This is how a client reads the
 * names, ETags and sizes of thousands of thumbnails in a few requests; a folder's `Files`
 * collection refuses a folder holding more than the threshold (router.ts), as SharePoint does
 * (pnp/pnpcore #1338, pnp/powershell #4330).
 */
import type { EmuRequest, EmuResponse } from "../http.js";
import type { SpoFileRecord } from "../model.js";
import { SpoFailure, page } from "./odata.js";

/** SharePoint Online's list view threshold: no query may touch more items than this at once. */
export const LIST_VIEW_THRESHOLD = 5000;
/** What a list answers per page when the client sets no `$top`. */
const DEFAULT_PAGE_SIZE = 100;

export const thresholdExceeded = (): SpoFailure =>
  new SpoFailure(500, "-2147024860, Microsoft.SharePoint.SPQueryThrottledException", "The attempted operation is prohibited because it exceeds the list view threshold.");

const invalidQuery = (message: string): SpoFailure => new SpoFailure(400, "-1, Microsoft.SharePoint.Client.InvalidClientQueryException", message);

export interface LibraryListing {
  /** The thumbnail folder's server-relative URL, when it exists (it is item 1). */
  folder: string | undefined;
  files: readonly SpoFileRecord[];
  /** A file's properties as the `File` navigation property expands them. */
  fileProperties: (file: SpoFileRecord) => Record<string, unknown>;
  /** The My Site host's emulator URL (for odata ids and the next link). */
  siteUrl: string;
  /** The most items a page answers whatever `$top` asks (the tenant's `listPageLimit`). */
  pageLimit: number;
}

/** `$select` split into the item's own fields and the expanded File's (`File/Name`). */
function selection(request: EmuRequest): { own: Set<string> | undefined; file: Set<string> | undefined; expanded: boolean } {
  const text = request.url.searchParams.get("$select");
  const expand = (request.url.searchParams.get("$expand") ?? "").split(",").map((name) => name.trim().toLowerCase());
  const expanded = expand.includes("file");
  if (text === null || text.trim() === "" || text.trim() === "*") return { own: undefined, file: undefined, expanded };
  const own = new Set<string>();
  const file = new Set<string>();
  for (const raw of text.split(",")) {
    const name = raw.trim().toLowerCase();
    if (name.startsWith("file/")) {
      // SharePoint refuses a navigation property's field that is not expanded.
      if (!expanded) throw invalidQuery(`The query to field '${raw.trim()}' is not valid. The $select query string must specify the target fields and the $expand query string must contains File.`);
      file.add(name.slice("file/".length));
    } else own.add(name);
  }
  if (expanded) own.add("file");
  return { own, file: file.size > 0 ? file : undefined, expanded };
}

function pick(properties: Record<string, unknown>, wanted: Set<string> | undefined): Record<string, unknown> {
  if (wanted === undefined) return properties;
  return Object.fromEntries(Object.entries(properties).filter(([key]) => wanted.has(key.toLowerCase())));
}

/** `Paged=TRUE&p_ID=123` → 123 (items after it); none → 0. */
function pagedAfter(request: EmuRequest): number {
  const token = request.url.searchParams.get("$skiptoken");
  if (token === null) return 0;
  const match = /(?:^|&)p_ID=(\d+)(?:&|$)/i.exec(token);
  if (!/(?:^|&)Paged=TRUE(?:&|$)/i.test(token) || match === null) throw invalidQuery(`The $skiptoken '${token}' is not valid.`);
  return Number(match[1]);
}

function pageSize(request: EmuRequest): number {
  const text = request.url.searchParams.get("$top");
  if (text === null) return DEFAULT_PAGE_SIZE;
  const top = Number(text);
  if (!Number.isInteger(top) || top < 1) throw invalidQuery(`The $top value '${text}' is not valid.`);
  if (top > LIST_VIEW_THRESHOLD) throw thresholdExceeded();
  return top;
}

interface Row {
  id: number;
  properties: Record<string, unknown>;
  file: Record<string, unknown> | null;
}

/** The library's items in ID order: its thumbnail folder (a folder item, no file), then each file. */
function rows(listing: LibraryListing): Row[] {
  const out: Row[] = [];
  if (listing.folder !== undefined) {
    const slash = listing.folder.lastIndexOf("/");
    out.push({ id: 1, properties: { FileSystemObjectType: 1, FileLeafRef: listing.folder.slice(slash + 1), FileDirRef: listing.folder.slice(0, slash) }, file: null });
  }
  for (const file of listing.files) {
    const url = file.serverRelativeUrl;
    const slash = url.lastIndexOf("/");
    const id = file.itemId ?? 0;
    out.push({ id, properties: { FileSystemObjectType: 0, FileLeafRef: url.slice(slash + 1), FileDirRef: url.slice(0, slash), Modified: file.modified.replace(/\.\d{3}Z$/, "Z"), File_x0020_Size: String(file.length) }, file: listing.fileProperties(file) });
  }
  return out;
}

export function listItems(request: EmuRequest, listing: LibraryListing): EmuResponse {
  const { own, file, expanded } = selection(request);
  const after = pagedAfter(request);
  const top = Math.min(pageSize(request), listing.pageLimit);
  const all = rows(listing).filter((row) => row.id > after);
  const chosen = all.slice(0, top);
  const listUrl = `${listing.siteUrl}/_api/Web/Lists(guid'${"0".repeat(8)}-0000-4000-a000-${"0".repeat(12)}')`;
  const items = chosen.map((row) => {
    const properties: Record<string, unknown> = {
      "odata.type": "SP.Data.User_x0020_PhotosItem",
      "odata.id": `${listUrl}/Items(${row.id})`,
      "odata.editLink": `Web/Lists(guid'00000000-0000-4000-a000-000000000000')/Items(${row.id})`,
      Id: row.id,
      ID: row.id,
      ...row.properties,
      // A navigation property travels only when expanded; a folder item has no file.
      ...(expanded ? { File: row.file === null ? null : pick(row.file, file) } : {}),
    };
    return pick(properties, own === undefined ? undefined : new Set([...own, "odata.type", "odata.id", "odata.editlink"]));
  });
  let nextLink: string | undefined;
  if (all.length > chosen.length) {
    const next = new URL(request.url.toString());
    next.searchParams.set("$skiptoken", `Paged=TRUE&p_ID=${chosen[chosen.length - 1]!.id}`);
    next.searchParams.set("$top", String(top));
    nextLink = `${listing.siteUrl}${next.pathname}${next.search}`;
  }
  return page(request, `${listing.siteUrl}/_api/$metadata#SP.ListData.User_x0020_PhotosItems`, items, nextLink);
}
