/**
 * GitHub's OIDC ID token for the job, from the Actions runtime, with @actions/http-client directly.
 * Not @actions/core's getIDToken: that writes `::debug::` and `::add-mask::<the token>` to standard
 * output, which may be the document a job redirects to a file (`plan --format json > plan.json`).
 * Errors never quote the request token or the ID token.
 */
import { HttpClient, HttpClientError } from "@actions/http-client";
import { UserError } from "../model/errors.js";

/** The audience GitHub's OIDC token must carry for an Entra federated credential. */
export const GITHUB_OIDC_AUDIENCE = "api://AzureADTokenExchange";

const NEEDS_PERMISSION = "the job needs `permissions: id-token: write` (GitHub sets this variable only then)";

/** What the Actions runtime gives a job with `id-token: write` (ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN). */
export interface OidcRequest {
  requestUrl?: string;
  requestToken?: string;
}

export async function fetchGitHubIdToken(request: OidcRequest, audience = GITHUB_OIDC_AUDIENCE): Promise<string> {
  const url = request.requestUrl;
  const requestToken = request.requestToken;
  if (!url) throw new UserError(`sign-in method github-oidc: ACTIONS_ID_TOKEN_REQUEST_URL is not set; ${NEEDS_PERMISSION}`);
  if (!requestToken) throw new UserError(`sign-in method github-oidc: ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set; ${NEEDS_PERMISSION}`);
  // The runtime's URL already has a query (api-version), hence `&`.
  const client = new HttpClient("photosync", [], { allowRetries: true, maxRetries: 3 });
  let value: unknown;
  try {
    const response = await client.getJson<{ value?: unknown }>(`${url}&audience=${encodeURIComponent(audience)}`, { Authorization: `Bearer ${requestToken}` });
    value = response.result?.value;
  } catch (error) {
    // The answer's body is not quoted: it is the runtime's to fill, and could echo what it was sent.
    const what = error instanceof HttpClientError ? `answered ${error.statusCode}` : `could not be reached (${(error as NodeJS.ErrnoException).code ?? "network error"})`;
    // eslint-disable-next-line preserve-caught-error -- the caught error quotes the answer's body (see above)
    throw new Error(`sign-in method github-oidc: GitHub's OIDC token endpoint ${what}`);
  } finally {
    client.dispose();
  }
  if (typeof value !== "string" || value === "") throw new Error("sign-in method github-oidc: GitHub's OIDC token endpoint answered without a token");
  return value;
}
