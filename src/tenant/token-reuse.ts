/**
 * Reuses each scope's access token until shortly before it expires. The Graph client and PnPjs ask
 * for a token on every request, and an @azure/identity credential answers each call through MSAL's
 * cache (ClientCertificateCredential even reads its PEM file again): about a millisecond of CPU per
 * request, seconds at tens of thousands of requests. Concurrent first calls share one sign-in; a
 * failed sign-in is not kept, so the next request (or its retry) signs in again.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";

/** A token is renewed this long before it expires, so none expires between handing out and use. */
export const TOKEN_RENEW_MARGIN_MS = 5 * 60 * 1000;

export function reuseTokens(credential: TokenCredential, now: () => number = Date.now): TokenCredential {
  const tokens = new Map<string, Promise<AccessToken | null>>();
  const fresh = (key: string, scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> => {
    const pending: Promise<AccessToken | null> = credential.getToken(scopes, options).catch((error: unknown) => {
      if (tokens.get(key) === pending) tokens.delete(key);
      throw error;
    });
    tokens.set(key, pending);
    return pending;
  };
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      // A claims challenge (continuous access evaluation) or another tenant needs a new token.
      if (options?.claims || options?.tenantId) return credential.getToken(scopes, options);
      const key = [scopes].flat().join(" ");
      const held = tokens.get(key);
      if (!held) return fresh(key, scopes, options);
      const token = await held;
      if (token && token.expiresOnTimestamp - now() > TOKEN_RENEW_MARGIN_MS) return token;
      // Expiring (or none was given): the first caller here renews, later ones share its answer.
      const current = tokens.get(key);
      return current && current !== held ? current : fresh(key, scopes, options);
    },
  };
}

/** A token for `scope`, or a clear error when the credential gives none. */
export async function accessToken(credential: TokenCredential, scope: string): Promise<string> {
  const token = await credential.getToken(scope);
  if (!token) throw new Error(`no token for ${scope}`);
  return token.token;
}
