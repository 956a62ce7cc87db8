/**
 * The folder of the My Site host's `User Photos` library that holds the profile thumbnails. Its
 * name follows the My Site web's language ("Profile Pictures", "Images du profil", "Imagens de
 * Perfil", …) and it may not exist yet (docs/microsoft-365.md), so it is discovered from the
 * library, found by its URL (`/User Photos` in every language), never assumed. Discovery costs two
 * GETs per session: the web's Language and the library's folders.
 */
import { spGet } from "@pnp/sp";
import type { ServiceError } from "../../model/observations.js";
import type { PlanNotice } from "../../model/plan.js";
import { throwIfAccessDenied, toServiceError } from "../../tenant/errors.js";
import { USER_PHOTOS_LIBRARY, parseThumbnailFileName } from "./names.js";
import type { SharePointSite } from "./site.js";

/**
 * The folder's name as SharePoint creates it, by the My Site web's Language (LCID). Sources:
 * Microsoft's support article on SharePoint Online profile picture sync (English),
 * m365-facts.md (French, Portuguese), PnP Core.ProfilePictureUploader (Dutch), a community
 * migration script (German). Only used to create a missing folder: an existing one is found
 * whatever its name.
 */
export const THUMBNAIL_FOLDER_NAMES: Readonly<Record<number, string>> = {
  1033: "Profile Pictures",
  1036: "Images du profil",
  1046: "Imagens de Perfil",
  1031: "Profilbilder",
  1043: "Profielafbeeldingen",
};

export type ThumbnailFolder =
  /** `path`: server-relative, e.g. "/User Photos/Images du profil"; `itemCount` as SharePoint counted it (undefined: not read). */
  | { state: "found"; path: string; itemCount?: number }
  /** Not there yet; `path` is the one SharePoint would give it (apply creates it). */
  | { state: "missing"; path: string; language: number }
  /** Cannot be found or named: SharePoint is left alone. */
  | { state: "unknown"; error: ServiceError };

export interface LibraryFolder {
  name: string;
  itemCount: number;
  /** Whether its files include `_MThumb.jpg` ones (asked only when several folders compete). */
  holdsThumbnails?: boolean;
}

const folderError = (message: string): ServiceError => ({ code: "ThumbnailFolderUnknown", message, kind: "rejected" });

/** Every document library has a `Forms` folder (its views): never the thumbnails'. */
const candidates = (folders: readonly LibraryFolder[]): LibraryFolder[] => folders.filter((folder) => folder.name.toLowerCase() !== "forms");

/**
 * Which folder holds the thumbnails. Pure. The one named for the web's language; else the only
 * folder there is; else the only one holding `_MThumb.jpg` files. None: missing, named for the
 * language when photosync knows the name.
 */
export function chooseThumbnailFolder(folders: readonly LibraryFolder[], language: number | undefined): ThumbnailFolder {
  const named = language !== undefined ? THUMBNAIL_FOLDER_NAMES[language] : undefined;
  const options = candidates(folders);
  const at = (name: string) => `${USER_PHOTOS_LIBRARY}/${name}`;
  const byName = named !== undefined ? options.find((folder) => folder.name.toLowerCase() === named.toLowerCase()) : undefined;
  const found = (folder: LibraryFolder): ThumbnailFolder => ({ state: "found", path: at(folder.name), itemCount: folder.itemCount });
  if (byName) return found(byName);
  if (options.length === 1) return found(options[0]!);
  if (options.length > 1) {
    const holding = options.filter((folder) => folder.holdsThumbnails === true);
    if (holding.length === 1) return found(holding[0]!);
    return {
      state: "unknown",
      error: folderError(`the ${USER_PHOTOS_LIBRARY} library has ${options.length} folders (${options.map((folder) => folder.name).join(", ")}) and ${holding.length === 0 ? "none" : "more than one"} of them holds _MThumb.jpg thumbnails`),
    };
  }
  if (named !== undefined && language !== undefined) return { state: "missing", path: at(named), language };
  return {
    state: "unknown",
    error: folderError(`the ${USER_PHOTOS_LIBRARY} library has no thumbnail folder yet, and photosync does not know the name SharePoint gives it in the My Site's language (LCID ${language ?? "unknown"})`),
  };
}

/** The one notice about the folder, when there is something to say. Pure. */
export function thumbnailFolderNotice(folder: ThumbnailFolder | undefined): PlanNotice | undefined {
  if (folder?.state === "missing") {
    return {
      code: "spo-thumbnail-folder",
      service: "sharepoint",
      message: `SharePoint's thumbnail folder ${folder.path} does not exist yet`,
      consequence: "everyone's SharePoint thumbnails are planned as new; apply creates the folder first (this needs SharePoint Sites.ReadWrite.All)",
    };
  }
  if (folder?.state === "unknown") {
    return {
      code: "spo-thumbnail-folder",
      service: "sharepoint",
      message: `photosync cannot tell which folder of the My Site host's ${USER_PHOTOS_LIBRARY} library holds the profile thumbnails: ${folder.error.message}`,
      consequence: "SharePoint thumbnails and profile properties are left alone (unknown); Exchange Online and Entra ID are planned as usual",
      fix: `have one person view their own profile so SharePoint creates the folder, or create it by hand in ${USER_PHOTOS_LIBRARY} with the name SharePoint uses in your language, then plan again`,
    };
  }
  return undefined;
}

interface FolderInfo {
  Name?: string;
  ItemCount?: number;
}

async function holdsThumbnails(site: SharePointSite, name: string): Promise<boolean> {
  const files = (await spGet(site.web.getFolderByServerRelativePath(`${USER_PHOTOS_LIBRARY}/${name}`).files.select("Name").top(100))) as Array<{ Name?: string }>;
  return files.some((file) => parseThumbnailFileName(file.Name ?? "")?.thumbnail === "medium");
}

/** Reads the web's language and the library's folders, and chooses. Throws an AccessError when the token may not read. */
export async function discoverThumbnailFolder(site: SharePointSite): Promise<ThumbnailFolder> {
  let language: number | undefined;
  let folders: LibraryFolder[];
  try {
    const [web, listed] = await Promise.all([
      spGet(site.web.select("Language")) as Promise<{ Language?: number }>,
      spGet(site.web.getFolderByServerRelativePath(USER_PHOTOS_LIBRARY).folders.select("Name", "ItemCount")) as Promise<FolderInfo[]>,
    ]);
    language = typeof web.Language === "number" ? web.Language : undefined;
    folders = listed.map((folder) => ({ name: folder.Name ?? "", itemCount: Number(folder.ItemCount ?? 0) })).filter((folder) => folder.name !== "");
    const options = candidates(folders);
    const named = language !== undefined ? THUMBNAIL_FOLDER_NAMES[language]?.toLowerCase() : undefined;
    if (options.length > 1 && !options.some((folder) => folder.name.toLowerCase() === named)) {
      folders = await Promise.all(folders.map(async (folder) => ({ ...folder, holdsThumbnails: folder.name.toLowerCase() !== "forms" && (await holdsThumbnails(site, folder.name)) })));
    }
  } catch (error) {
    const failure = toServiceError(error);
    throwIfAccessDenied(failure, "SharePoint Online", "Sites.Read.All", "reading the User Photos library");
    const reason = failure.status === 404 ? `the My Site host has no ${USER_PHOTOS_LIBRARY} library` : `reading the ${USER_PHOTOS_LIBRARY} library failed (${failure.code}: ${failure.message})`;
    return { state: "unknown", error: { ...failure, code: "ThumbnailFolderUnknown", message: reason } };
  }
  return chooseThumbnailFolder(folders, language);
}

/**
 * The folder for one session: discovered once (plan, apply and verification share it), created by
 * apply when missing. A failed discovery is tried again next time it is asked for.
 */
export class ThumbnailFolders {
  private pending: Promise<ThumbnailFolder> | undefined;
  private known: ThumbnailFolder | undefined;
  private creating: Promise<string> | undefined;

  constructor(private readonly site: SharePointSite) {}

  discover(): Promise<ThumbnailFolder> {
    this.pending ??= discoverThumbnailFolder(this.site).then((folder) => {
      this.known = folder;
      if (folder.state === "unknown") this.pending = undefined;
      return folder;
    }, (error: unknown) => {
      this.pending = undefined;
      throw error;
    });
    return this.pending;
  }

  /** What the last discovery found (undefined: SharePoint was not read). */
  get last(): ThumbnailFolder | undefined {
    return this.known;
  }

  /** The folder's path, creating the folder first when it is missing (apply only). Throws when it cannot be found or created. */
  ensure(): Promise<string> {
    this.creating ??= (async () => {
      const folder = await this.discover();
      if (folder.state === "found") return folder.path;
      if (folder.state === "unknown") throw Object.assign(new Error(folder.error.message), { code: folder.error.code });
      const name = folder.path.slice(USER_PHOTOS_LIBRARY.length + 1);
      try {
        await this.site.web.getFolderByServerRelativePath(USER_PHOTOS_LIBRARY).folders.addUsingPath(name, false);
      } catch (error) {
        const failure = toServiceError(error);
        throwIfAccessDenied(failure, "SharePoint", "Sites.ReadWrite.All", `creating the thumbnail folder ${folder.path}`);
        throw error;
      }
      const found: ThumbnailFolder = { state: "found", path: folder.path };
      this.known = found;
      this.pending = Promise.resolve(found);
      return folder.path;
    })();
    // A failure is reported to every person waiting on it, then forgotten, so a later apply tries again.
    this.creating.catch(() => (this.creating = undefined));
    return this.creating;
  }
}
