/** A signed-in session with a tenant: its endpoints, one trusted HTTP agent and a credential that reuses its tokens. Nothing store-specific. */
import type { TokenCredential } from "@azure/identity";
import type { TenantEndpoints } from "./endpoints.js";
import { createTrustedHttp } from "./http.js";
import type { TrustedHttp } from "./http.js";
import { reuseTokens } from "./token-reuse.js";

export interface TenantSession {
  endpoints: TenantEndpoints;
  credential: TokenCredential;
  http: TrustedHttp;
  close(): Promise<void>;
}

export function openTenantSession(endpoints: TenantEndpoints, makeCredential: (http: TrustedHttp) => TokenCredential): TenantSession {
  const services = new Map([
    [new URL(endpoints.graphBaseUrl).origin, "graph"],
    [new URL(endpoints.mySiteUrl).origin, "sharepoint"],
    [new URL(endpoints.adminSiteUrl).origin, "sharepoint"],
  ]);
  const http = createTrustedHttp({ ...(endpoints.caPem ? { caPem: endpoints.caPem } : {}), serviceOf: (url) => services.get(url.origin) });
  const credential = reuseTokens(makeCredential(http));
  return { endpoints, credential, http, close: () => http.close() };
}
