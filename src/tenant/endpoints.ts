/**
 * Where the tenant's services are. The real Microsoft endpoints are the defaults; an emulator or a
 * sovereign cloud is chosen explicitly (settings from environment variables, or --emulator), never guessed.
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
  /** The My Site host's scope: SharePoint tokens are good only on the host they are for (pnp/powershell #5133). */
  mySiteScope: string;
  /** The admin host's scope (profile properties). */
  adminScope: string;
  /** The real My Site host name, used in PictureURL values. */
  mySiteHost: string;
  /** An extra CA to trust (the emulator's, or a TLS-inspecting proxy's), PEM. */
  caPem?: string;
}

export const MICROSOFT_AUTHORITY = "https://login.microsoftonline.com";
export const MICROSOFT_GRAPH = "https://graph.microsoft.com";

/** contoso-my.sharepoint.com → https://contoso-my.sharepoint.com/.default: one token per SharePoint host. */
export function sharePointScopeFor(host: string): string {
  return `https://${host.toLowerCase()}/.default`;
}

/**
 * The documented overrides (cli/settings.ts reads them): PHOTOSYNC_AUTHORITY_HOST, PHOTOSYNC_GRAPH_URL,
 * PHOTOSYNC_MYSITE_URL, PHOTOSYNC_ADMIN_URL, PHOTOSYNC_CA_FILE and AZURE_TENANT_ID.
 */
export interface EndpointOverrides {
  authorityHost?: string;
  graphUrl?: string;
  mySiteUrl?: string;
  adminUrl?: string;
  /** Read by the caller (reconcile/session.ts), which passes its PEM here. */
  caFile?: string;
  tenantId?: string;
}

/** The real endpoints for the manifest's tenant, with the overrides. */
export function tenantEndpoints(state: DesiredState, overrides: EndpointOverrides, caPem?: string): TenantEndpoints {
  const { mySiteHost, adminHost } = state.tenant.sharepoint;
  const graphBaseUrl = (overrides.graphUrl ?? MICROSOFT_GRAPH).replace(/\/+$/, "");
  const graphHost = new URL(graphBaseUrl).hostname;
  return {
    tenantId: overrides.tenantId ?? state.tenant.id,
    authorityHost: (overrides.authorityHost ?? MICROSOFT_AUTHORITY).replace(/\/+$/, ""),
    graphBaseUrl,
    graphCustomHosts: graphHost === new URL(MICROSOFT_GRAPH).hostname ? [] : [graphHost],
    graphScope: `${MICROSOFT_GRAPH}/.default`,
    mySiteUrl: (overrides.mySiteUrl ?? `https://${mySiteHost}`).replace(/\/+$/, ""),
    adminSiteUrl: (overrides.adminUrl ?? `https://${adminHost}`).replace(/\/+$/, ""),
    mySiteScope: sharePointScopeFor(mySiteHost),
    adminScope: sharePointScopeFor(adminHost),
    mySiteHost,
    ...(caPem ? { caPem } : {}),
  };
}
