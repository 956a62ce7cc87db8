/** A signed-in session with a tenant: its endpoints, one trusted HTTP agent and a credential that reuses its tokens. Nothing store-specific. */
import type { TokenCredential } from "@azure/identity";
import type { TenantEndpoints } from "./endpoints.js";
import { createTrustedHttp } from "./http.js";
import type { RetryPolicy, TrustedHttp } from "./http.js";
import { reuseTokens } from "./token-reuse.js";
import { USER_AGENT } from "./user-agent.js";

export interface TenantSession {
  endpoints: TenantEndpoints;
  credential: TokenCredential;
  http: TrustedHttp;
  close(): Promise<void>;
}

/**
 * `retry`: how every request of the session is retried (default DEFAULT_RETRY_POLICY).
 * `background`: the session is a scheduled check (drift): Graph is told its traffic is low priority.
 */
export function openTenantSession(endpoints: TenantEndpoints, makeCredential: (http: TrustedHttp) => TokenCredential, retry?: RetryPolicy, background = false): TenantSession {
  const services = new Map([
    [new URL(endpoints.graphBaseUrl).origin, "graph"],
    [new URL(endpoints.mySiteUrl).origin, "sharepoint"],
    [new URL(endpoints.adminSiteUrl).origin, "sharepoint"],
  ]);
  const http = createTrustedHttp({ ...(endpoints.caPem ? { caPem: endpoints.caPem } : {}), serviceOf: (url) => services.get(url.origin), ...(retry ? { retry } : {}), userAgent: USER_AGENT, ...(background ? { graphPriority: "low" as const } : {}) });
  const credential = reuseTokens(makeCredential(http));
  return { endpoints, credential, http, close: () => http.close() };
}
