/**
 * Where the tenant's services are. The real Microsoft endpoints are the defaults; an emulator or a
 * sovereign cloud is chosen explicitly (environment variables or --emulator), never guessed.
 */
import type { DesiredState } from "../model/desired.js";

export interface TenantEndpoints {
  tenantId: string;
  /** Entra ID sign-in authority host (https). */
  authorityHost: string;
  /** Graph root without version, e.g. https://graph.microsoft.com. */
  graphBaseUrl: string;
  /** Host names the Graph client may attach tokens to besides Graph's own. */
  graphCustomHosts: string[];
  /** The Graph resource scope (always the real resource, whatever the base URL). */
  graphScope: string;
  /** The My Site host's URL ("User Photos/Profile Pictures" lives there). */
  mySiteUrl: string;
  /** The tenant admin host's URL (user profile properties are written there). */
  adminSiteUrl: string;
  /** The SharePoint resource scope. */
  sharePointScope: string;
  /** The real My Site host name, used in PictureURL values. */
  mySiteHost: string;
  /** An extra CA to trust (the emulator's, or a TLS-inspecting proxy's), PEM. */
  caPem?: string;
}

export const MICROSOFT_AUTHORITY = "https://login.microsoftonline.com";
export const MICROSOFT_GRAPH = "https://graph.microsoft.com";

/** contoso-my.sharepoint.com → https://contoso.sharepoint.com/.default (valid for the -my and -admin hosts too). */
export function sharePointScopeFor(mySiteHost: string): string {
  return `https://${mySiteHost.replace(/-my\./i, ".")}/.default`;
}

/**
 * The real endpoints for the manifest's tenant, with the documented overrides:
 * PHOTOSYNC_AUTHORITY_HOST, PHOTOSYNC_GRAPH_URL, PHOTOSYNC_MYSITE_URL, PHOTOSYNC_ADMIN_URL.
 * The CA file (PHOTOSYNC_CA_FILE) is read by the caller.
 */
export function tenantEndpoints(state: DesiredState, env: NodeJS.ProcessEnv, caPem?: string): TenantEndpoints {
  const { mySiteHost, adminHost } = state.tenant.sharepoint;
  const graphBaseUrl = (env.PHOTOSYNC_GRAPH_URL ?? MICROSOFT_GRAPH).replace(/\/+$/, "");
  const graphHost = new URL(graphBaseUrl).hostname;
  return {
    tenantId: env.AZURE_TENANT_ID ?? state.tenant.id,
    authorityHost: (env.PHOTOSYNC_AUTHORITY_HOST ?? MICROSOFT_AUTHORITY).replace(/\/+$/, ""),
    graphBaseUrl,
    graphCustomHosts: graphHost === new URL(MICROSOFT_GRAPH).hostname ? [] : [graphHost],
    graphScope: `${MICROSOFT_GRAPH}/.default`,
    mySiteUrl: (env.PHOTOSYNC_MYSITE_URL ?? `https://${mySiteHost}`).replace(/\/+$/, ""),
    adminSiteUrl: (env.PHOTOSYNC_ADMIN_URL ?? `https://${adminHost}`).replace(/\/+$/, ""),
    sharePointScope: sharePointScopeFor(mySiteHost),
    mySiteHost,
    ...(caPem ? { caPem } : {}),
  };
}
