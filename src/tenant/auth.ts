/**
 * Sign-in with @azure/identity, chosen from configuration (cli/settings.ts picks the method). In order of preference for automation:
 * GitHub OIDC federated credential (no secret at all), workload identity, certificate (the only
 * secret SharePoint accepts for app-only access), client secret, and DefaultAzureCredential for a
 * person's laptop. Tokens are never printed, so none is masked either: `::add-mask::<token>` is a
 * line on standard output, which may be the document a job redirects to a file (`plan --format json
 * > plan.json`), and the line would put the token itself in that file.
 */
import {
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  WorkloadIdentityCredential,
} from "@azure/identity";
import type { ClientSecretCredentialOptions, TokenCredential } from "@azure/identity";
import type { TenantEndpoints } from "./endpoints.js";
import { fetchGitHubIdToken } from "./github-oidc.js";
import type { OidcRequest } from "./github-oidc.js";
import { UserError } from "../model/errors.js";

export { GITHUB_OIDC_AUDIENCE } from "./github-oidc.js";

export type AuthMethod = "github-oidc" | "workload-identity" | "certificate" | "secret" | "default";
export const AUTH_METHODS: readonly AuthMethod[] = ["github-oidc", "workload-identity", "certificate", "secret", "default"];

export interface AuthSettings {
  method: AuthMethod;
  clientId?: string;
  certificatePem?: string;
  certificatePath?: string;
  secret?: string;
  /** Workload identity's token file (AZURE_FEDERATED_TOKEN_FILE). */
  federatedTokenFile?: string;
  /** For tests and custom federation: supplies the client assertion instead of GitHub. */
  getAssertion?: () => Promise<string>;
}

/** A warning for configurations that will fail against SharePoint, or undefined. */
export function authWarning(settings: AuthSettings, sharePointManaged: boolean): string | undefined {
  if (settings.method === "secret" && sharePointManaged) {
    return "a client secret is configured, but SharePoint Online refuses app-only tokens obtained with a secret: use a certificate (AZURE_CLIENT_CERTIFICATE_PATH) or a federated credential, or drop spo from the managed stores";
  }
  return undefined;
}

function requireClientId(settings: AuthSettings): string {
  if (!settings.clientId) throw new UserError(`sign-in method ${settings.method} needs the app's client id in AZURE_CLIENT_ID`);
  return settings.clientId;
}

export function createCredential(
  settings: AuthSettings,
  endpoints: TenantEndpoints,
  options: ClientSecretCredentialOptions & { oidc: OidcRequest },
): TokenCredential {
  const { oidc, ...clientOptions } = options;
  const common = { ...clientOptions, authorityHost: endpoints.authorityHost };
  const tenantId = endpoints.tenantId;
  switch (settings.method) {
    case "github-oidc":
      return new ClientAssertionCredential(tenantId, requireClientId(settings), settings.getAssertion ?? (() => fetchGitHubIdToken(oidc)), common);
    case "workload-identity":
      return new WorkloadIdentityCredential({ ...common, tenantId, clientId: requireClientId(settings), ...(settings.federatedTokenFile ? { tokenFilePath: settings.federatedTokenFile } : {}) });
    case "certificate": {
      const clientId = requireClientId(settings);
      if (settings.certificatePem) return new ClientCertificateCredential(tenantId, clientId, { certificate: settings.certificatePem }, common);
      if (settings.certificatePath) return new ClientCertificateCredential(tenantId, clientId, { certificatePath: settings.certificatePath }, common);
      throw new UserError("sign-in method certificate needs AZURE_CLIENT_CERTIFICATE_PATH (a PEM file with the private key and certificate)");
    }
    case "secret":
      if (!settings.secret) throw new UserError("sign-in method secret needs AZURE_CLIENT_SECRET");
      return new ClientSecretCredential(tenantId, requireClientId(settings), settings.secret, common);
    default:
      return new DefaultAzureCredential({ ...common, tenantId });
  }
}
