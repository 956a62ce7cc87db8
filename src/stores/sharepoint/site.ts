/**
 * A SharePoint site as photosync talks to it: PnPjs (@pnp/sp v4) over the session's trusted HTTP,
 * every request signed with a SharePoint token and retried by the session's policy (http.retry;
 * writes are not batched, so it is their only retry), and plain downloads for a file's bytes.
 */
import type { TokenCredential } from "@azure/identity";
import type { Queryable } from "@pnp/queryable";
import { SPBrowser, spfi } from "@pnp/sp";
import type { ISPQueryable, SPFI } from "@pnp/sp";
import "@pnp/sp/files/index.js";
import "@pnp/sp/folders/index.js";
import "@pnp/sp/items/index.js";
import "@pnp/sp/lists/index.js";
import "@pnp/sp/profiles/index.js";
import "@pnp/sp/webs/index.js";
import type { IFile, IFiles } from "@pnp/sp/files/index.js";
import type { IFolder } from "@pnp/sp/folders/index.js";
import type { IItems } from "@pnp/sp/items/index.js";
import type { IProfiles } from "@pnp/sp/profiles/index.js";
import { MAX_SOURCE_BYTES } from "../../images/settings.js";
import { downloadBytes } from "../../tenant/download.js";
import type { TrustedHttp } from "../../tenant/http.js";
import { pnpFetch } from "../../tenant/http.js";
import { accessToken } from "../../tenant/token-reuse.js";

/**
 * PnPjs's fluent API as this module uses it. PnPjs declares these members by augmenting modules
 * under extension-less paths, which NodeNext resolution does not apply, so they are typed here.
 */
interface Web extends ISPQueryable {
  getFolderByServerRelativePath(path: string): IFolder & { files: IFiles };
  getFileByServerRelativePath(path: string): IFile;
  /** A list by its server-relative URL, with its items (paged: `for await` over `items.top(n)`). */
  getList(serverRelativeUrl: string): ISPQueryable & { items: IItems };
}
export interface SharePointSite {
  web: Web;
  profiles: IProfiles;
  /** A file's bytes (download.ts: one plain GET, retried as PnPjs requests are). */
  download(serverRelativePath: string): Promise<Buffer>;
}

/** The Authorization header with a fresh token (the credential caches it). */
function bearerHeader(credential: TokenCredential, scope: string): () => Promise<Record<string, string>> {
  return async () => ({ Authorization: `Bearer ${await accessToken(credential, scope)}` });
}

/** A PnPjs behaviour that signs each request. */
function signedWith(authorization: () => Promise<Record<string, string>>) {
  return (instance: Queryable): Queryable => {
    instance.on.auth.replace(async (url: URL, init: RequestInit) => {
      init.headers = { ...(init.headers as Record<string, string>), ...(await authorization()) };
      return [url, init];
    });
    return instance;
  };
}

export function sharePointSite(url: string, credential: TokenCredential, scope: string, http: TrustedHttp): SharePointSite {
  const authorization = bearerHeader(credential, scope);
  const sp = spfi(url).using(SPBrowser(), pnpFetch(http.fetch, http.retry), signedWith(authorization)) as unknown as SPFI & Omit<SharePointSite, "download">;
  return {
    get web() {
      return sp.web;
    },
    get profiles() {
      return sp.profiles;
    },
    download: (serverRelativePath) =>
      // The URL as PnPjs writes it for getBuffer(): the file, then its $value.
      downloadBytes(http, `${sp.web.getFileByServerRelativePath(serverRelativePath).toRequestUrl()}/$value`, authorization, {
        ...http.retry,
        maxBytes: MAX_SOURCE_BYTES,
      }),
  };
}
