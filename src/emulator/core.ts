/** What the HTTP front end and the admin API share. */
import type { TokenService } from "./auth.js";
import type { Counters } from "./counters.js";
import type { Faults } from "./faults.js";
import type { Tenant } from "./state.js";

/** The URLs and trust material a client is configured from. */
export interface EmulatorEndpoints {
  tenantId: string;
  tenantDomain: string;
  /** `authorityHost` of @azure/identity credentials (https, loopback). */
  authorityHost: string;
  /** Graph root without version, like "https://graph.microsoft.com"; append /v1.0 or /beta. */
  graphBaseUrl: string;
  /** Host names to give the Graph client as `customHosts` (token attachment). */
  graphCustomHosts: string[];
  /** Scope to request for Graph (the real resource; the token's aud is https://graph.microsoft.com). */
  graphScope: string;
  /** The My Site host ({tenant}-my.sharepoint.com): "User Photos/Profile Pictures". */
  mySiteUrl: string;
  /** The tenant admin host ({tenant}-admin.sharepoint.com): PeopleManager. */
  adminSiteUrl: string;
  /** Scope of the SharePoint root host (the real resource); its tokens are good on that host only. */
  sharePointScope: string;
  /** Scope for the My Site host's tokens (tokens are per host: tenant.sharepoint.tokenAudience). */
  mySiteScope: string;
  /** Scope for the admin host's tokens (PeopleManager). */
  adminScope: string;
  /** Real host names the emulated SharePoint stands for (PictureURL values use them). */
  sharePointHosts: { mySite: string; admin: string; root: string };
  /** The emulator's admin API (not a Microsoft endpoint). */
  adminApiUrl: string;
  /** The CA every client must trust. */
  caCertPem: string;
  /** The CA as a file, when the emulator has a state/TLS directory. */
  caFile?: string;
  /** App registrations of the tenant, with the credentials a local client may use. */
  apps: EmulatorApp[];
}

export interface EmulatorApp {
  clientId: string;
  displayName: string;
  secret?: string;
  /** PEM with private key + certificate (ClientCertificateCredential's `certificate`). */
  certificatePem?: string;
  /** Same, as a file (only with a state/TLS directory). */
  certificatePath?: string;
  federatedSubjects: { issuer: string; subject: string }[];
  roles: { graph: string[]; sharepoint: string[] };
}

export interface EmulatorCore {
  tenant: Tenant;
  tokens: TokenService;
  faults: Faults;
  counters: Counters;
  endpoints: EmulatorEndpoints;
  reset(): Promise<void>;
}
