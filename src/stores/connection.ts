/** The store clients over one tenant session: the Graph client and the two SharePoint sites. */
import { Client } from "@microsoft/microsoft-graph-client";
import type { AuthenticationProvider } from "@microsoft/microsoft-graph-client";
import type { TokenCredential } from "@azure/identity";
import { graphFetchMiddleware } from "../tenant/http.js";
import type { TenantSession } from "../tenant/session.js";
import { accessToken } from "../tenant/token-reuse.js";
import { sharePointSite } from "./sharepoint/site.js";
import type { SharePointSite } from "./sharepoint/site.js";
import { ThumbnailFolders } from "./sharepoint/folder.js";

export interface TenantConnection extends TenantSession {
  graph: Client;
  /** `folder`: the My Site's thumbnail folder, discovered once for the session (plan, apply, verification). */
  sharePoint: { mySite: SharePointSite; admin: SharePointSite; folder: ThumbnailFolders };
}

function tokenProvider(credential: TokenCredential, scope: string): AuthenticationProvider {
  return {
    getAccessToken: () => accessToken(credential, scope),
  };
}

export function connectStores(session: TenantSession): TenantConnection {
  const { endpoints, credential, http } = session;
  const graph = Client.initWithMiddleware({
    middleware: graphFetchMiddleware(tokenProvider(credential, endpoints.graphScope), http.fetch),
    baseUrl: endpoints.graphBaseUrl,
    customHosts: new Set(endpoints.graphCustomHosts),
    defaultVersion: "v1.0",
  });
  const mySite = sharePointSite(endpoints.mySiteUrl, credential, endpoints.mySiteScope, http);
  const sharePoint = {
    // One token per host: SharePoint refuses a token issued for another of its hosts.
    mySite,
    admin: sharePointSite(endpoints.adminSiteUrl, credential, endpoints.adminScope, http),
    folder: new ThumbnailFolders(mySite),
  };
  return { ...session, graph, sharePoint };
}
