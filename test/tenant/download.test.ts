/** Plain GET downloads (SharePoint thumbnails): bytes, a fresh token per attempt, retries as PnPjs requests get them, and clear errors. */
import { createServer } from "node:http";
import type { ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HttpStatusError, downloadBytes, serviceMessage } from "../../src/tenant/download.js";
import { createTrustedHttp } from "../../src/tenant/http.js";
import type { TrustedHttp } from "../../src/tenant/http.js";
import { toServiceError } from "../../src/tenant/errors.js";

/** What the server does for each arrival, in order (the last one repeats). */
let script: Array<(response: ServerResponse) => void>;
let arrivals: Array<{ at: number; authorization: string | undefined }>;
let server: ReturnType<typeof createServer>;
let url: string;
let http: TrustedHttp;

const PHOTO = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
const ok = (response: ServerResponse) => response.writeHead(200, { "Content-Type": "image/jpeg" }).end(PHOTO);

beforeEach(async () => {
  script = [ok];
  arrivals = [];
  server = createServer((request, response) => {
    arrivals.push({ at: performance.now(), authorization: request.headers.authorization });
    script[Math.min(arrivals.length, script.length) - 1]!(response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/_api/web/getFileByServerRelativePath(decodedurl='x.jpg')/$value`;
  http = createTrustedHttp({ serviceOf: () => "sharepoint" });
});
afterEach(async () => {
  await http.close();
  await new Promise((resolve) => server.close(resolve));
});

let tokens = 0;
const headers = async () => ({ Authorization: `Bearer token-${++tokens}` });
const download = (options: Partial<Parameters<typeof downloadBytes>[3]> = {}) => downloadBytes(http, url, headers, { maxAttempts: 4, backoffMs: 10, maxBytes: 1_000_000, ...options });

describe("downloadBytes", () => {
  it("returns the file's bytes, signed with the token it is given", async () => {
    tokens = 0;
    expect((await download()).equals(PHOTO)).toBe(true);
    expect(arrivals.map((arrival) => arrival.authorization)).toEqual(["Bearer token-1"]);
  });

  it("waits out a 429's Retry-After, with a fresh token for the retry", async () => {
    tokens = 0;
    script = [(response) => response.writeHead(429, { "Retry-After": "1" }).end('{"error":{"code":"TooManyRequests"}}'), ok];
    expect((await download()).equals(PHOTO)).toBe(true);
    expect(arrivals).toHaveLength(2);
    expect(arrivals[1]!.at - arrivals[0]!.at).toBeGreaterThanOrEqual(950);
    expect(arrivals.map((arrival) => arrival.authorization)).toEqual(["Bearer token-1", "Bearer token-2"]);
  });

  it("retries a dropped connection", async () => {
    script = [(response) => response.socket!.destroy(), ok];
    expect((await download()).equals(PHOTO)).toBe(true);
    expect(arrivals).toHaveLength(2);
  });

  it("gives up on a 503 storm after its retries, with the status for the plan's 'unknown'", async () => {
    script = [(response) => response.writeHead(503).end("Service Unavailable")];
    const error = await download({ maxAttempts: 3 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(toServiceError(error)).toMatchObject({ code: "HTTP503", status: 503, message: "HTTP 503: Service Unavailable" });
    expect(arrivals).toHaveLength(3);
  });

  it("does not retry a missing file, and says what SharePoint said", async () => {
    const body = { "odata.error": { code: "-2130575338, Microsoft.SharePoint.SPException", message: { lang: "en-US", value: "The file /User Photos/x.jpg does not exist." } } };
    script = [(response) => response.writeHead(404, { "Content-Type": "application/json" }).end(JSON.stringify(body))];
    await expect(download()).rejects.toMatchObject({ status: 404, message: "HTTP 404: The file /User Photos/x.jpg does not exist." });
    expect(arrivals).toHaveLength(1);
  });

  it("never follows a redirect (the token would go with it)", async () => {
    script = [(response) => response.writeHead(302, { Location: "https://elsewhere.example/x.jpg" }).end()];
    await expect(download()).rejects.toMatchObject({ status: 302 });
    expect(arrivals).toHaveLength(1);
  });

  it("refuses a body larger than it accepts", async () => {
    await expect(download({ maxBytes: 4000 })).rejects.toThrow("larger than the 4000 bytes accepted");
  });
});

describe("serviceMessage", () => {
  it("reads SharePoint's JSON light and verbose errors, and falls back to the text", () => {
    expect(serviceMessage('{"odata.error":{"code":"c","message":{"lang":"en-US","value":"light"}}}')).toBe("light");
    expect(serviceMessage('{"error":{"code":"c","message":{"lang":"en-US","value":"verbose"}}}')).toBe("verbose");
    expect(serviceMessage('{"error":{"code":"c","message":"graph style"}}')).toBe("graph style");
    expect(serviceMessage("  <html>Bad gateway</html> ")).toBe("<html>Bad gateway</html>");
  });
});
