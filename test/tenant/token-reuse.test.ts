/** Token reuse: one sign-in per scope while the token is good, renewal before expiry, failures never kept. */
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import { describe, expect, it } from "vitest";
import { TOKEN_RENEW_MARGIN_MS, reuseTokens } from "../../src/tenant/token-reuse.js";

const HOUR = 60 * 60 * 1000;

/** A credential that counts sign-ins and answers each with a new token valid for `lifetime`. */
function countingCredential(clock: { now: number }, lifetime = HOUR) {
  const calls: Array<{ scopes: string | string[]; options?: GetTokenOptions }> = [];
  let fail = false;
  const credential: TokenCredential = {
    async getToken(scopes, options) {
      calls.push({ scopes, ...(options ? { options } : {}) });
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (fail) throw new Error("sign-in refused");
      return { token: `token-${calls.length}`, expiresOnTimestamp: clock.now + lifetime } satisfies AccessToken;
    },
  };
  return { credential, calls, setFail: (value: boolean) => (fail = value) };
}

describe("reuseTokens", () => {
  it("signs in once per scope, however many requests ask at once", async () => {
    const clock = { now: 1_000_000 };
    const { credential, calls } = countingCredential(clock);
    const reused = reuseTokens(credential, () => clock.now);
    const graph = await Promise.all(Array.from({ length: 50 }, () => reused.getToken("https://graph.microsoft.com/.default")));
    const sharePoint = await reused.getToken("https://contoso.sharepoint.com/.default");
    expect(new Set(graph.map((token) => token?.token))).toEqual(new Set(["token-1"]));
    expect(sharePoint?.token).toBe("token-2");
    expect(calls).toHaveLength(2);
  });

  it("renews a token before it expires, once for all callers", async () => {
    const clock = { now: 1_000_000 };
    const { credential, calls } = countingCredential(clock);
    const reused = reuseTokens(credential, () => clock.now);
    expect((await reused.getToken("scope"))?.token).toBe("token-1");
    clock.now += HOUR - TOKEN_RENEW_MARGIN_MS - 1000;
    expect((await reused.getToken("scope"))?.token).toBe("token-1");
    clock.now += 2000;
    const renewed = await Promise.all([reused.getToken("scope"), reused.getToken("scope"), reused.getToken("scope")]);
    expect(renewed.map((token) => token?.token)).toEqual(["token-2", "token-2", "token-2"]);
    expect(calls).toHaveLength(2);
  });

  it("does not keep a failed sign-in: the next request signs in again", async () => {
    const clock = { now: 1_000_000 };
    const { credential, calls, setFail } = countingCredential(clock);
    const reused = reuseTokens(credential, () => clock.now);
    setFail(true);
    await expect(reused.getToken("scope")).rejects.toThrow("sign-in refused");
    setFail(false);
    expect((await reused.getToken("scope"))?.token).toBe("token-2");
    expect(calls).toHaveLength(2);
  });

  it("passes claims challenges and other tenants straight to the credential", async () => {
    const clock = { now: 1_000_000 };
    const { credential, calls } = countingCredential(clock);
    const reused = reuseTokens(credential, () => clock.now);
    await reused.getToken("scope");
    await reused.getToken("scope", { claims: '{"access_token":{"nbf":{"essential":true}}}' });
    await reused.getToken("scope", { tenantId: "other" });
    expect(calls).toHaveLength(3);
    expect((await reused.getToken("scope"))?.token).toBe("token-1");
  });
});
