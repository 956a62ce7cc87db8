/** One signed-in connection to a tenant: the Graph client and the two SharePoint sites, over one trusted HTTP agent. */
import type { TokenCredential } from "@azure/identity";
import { Client } from "@microsoft/microsoft-graph-client";
import type { AuthenticationProvider } from "@microsoft/microsoft-graph-client";
import type { TenantEndpoints } from "./endpoints.js";
import { createTrustedHttp, graphFetchMiddleware } from "./http.js";
import type { TrustedHttp } from "./http.js";
import { sharePointSite } from "./sharepoint.js";
import { accessToken, reuseTokens } from "./token-reuse.js";
import type { SharePointSite } from "./sharepoint.js";

export interface TenantConnection {
  endpoints: TenantEndpoints;
  credential: TokenCredential;
  http: TrustedHttp;
  graph: Client;
  sharePoint: { mySite: SharePointSite; admin: SharePointSite };
  close(): Promise<void>;
}

function tokenProvider(credential: TokenCredential, scope: string): AuthenticationProvider {
  return {
    getAccessToken: () => accessToken(credential, scope),
  };
}

export function connect(endpoints: TenantEndpoints, makeCredential: (http: TrustedHttp) => TokenCredential): TenantConnection {
  const services = new Map([
    [new URL(endpoints.graphBaseUrl).origin, "graph"],
    [new URL(endpoints.mySiteUrl).origin, "sharepoint"],
    [new URL(endpoints.adminSiteUrl).origin, "sharepoint"],
  ]);
  const http = createTrustedHttp({ ...(endpoints.caPem ? { caPem: endpoints.caPem } : {}), serviceOf: (url) => services.get(url.origin) });
  const credential = reuseTokens(makeCredential(http));
  const graph = Client.initWithMiddleware({
    middleware: graphFetchMiddleware(tokenProvider(credential, endpoints.graphScope), http.fetch),
    baseUrl: endpoints.graphBaseUrl,
    customHosts: new Set(endpoints.graphCustomHosts),
    defaultVersion: "v1.0",
  });
  const sharePoint = {
    mySite: sharePointSite(endpoints.mySiteUrl, credential, endpoints.sharePointScope, http),
    admin: sharePointSite(endpoints.adminSiteUrl, credential, endpoints.sharePointScope, http),
  };
  return { endpoints, credential, http, graph, sharePoint, close: () => http.close() };
}
