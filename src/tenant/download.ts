/**
 * A file's bytes by one plain GET: how a cold plan downloads SharePoint thumbnails, by the ten
 * thousand. PnPjs's pipeline (a promise chain per request) and fetch's web streams cost more CPU
 * per download than the rest of the client's work on a small thumbnail; a plain GET avoids both.
 * Retried and backed off exactly like every PnPjs request (http.ts). SharePoint's REST `$value`
 * answers with the bytes themselves (Graph's drive `/content` is the one that redirects); a
 * redirect is an error here, never followed, so the token is only ever sent where it was meant for.
 */
import type { Dispatcher } from "undici";
import type { RetryPolicy, TrustedHttp } from "./http.js";
import { headerValue, sendWithRetries } from "./http.js";

/** A download the service refused: `status` is what toServiceError reports. */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "HttpStatusError";
  }
}

/** Error answers are read up to this much, for their message. */
const ERROR_BODY_BYTES = 4096;

/** The body, refused once it passes `maxBytes` (the rest is not read). */
async function readBody(body: Dispatcher.ResponseData["body"], maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > maxBytes) {
      body.destroy();
      throw new Error(`the download is larger than the ${maxBytes} bytes accepted`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, length);
}

/** The service's own words from an error body (SharePoint's `odata.error` or `error`, in JSON light or verbose), else the text. */
export function serviceMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as Record<string, { code?: unknown; message?: { value?: unknown } | string }>;
    const error = parsed["odata.error"] ?? parsed.error;
    const message = typeof error?.message === "string" ? error.message : error?.message?.value;
    if (typeof message === "string" && message !== "") return message;
  } catch {
    // Not JSON: the text itself.
  }
  return text.trim().slice(0, 300);
}

export interface DownloadOptions extends RetryPolicy {
  maxBytes: number;
}

/**
 * GETs `url` with the headers `headers()` gives at each attempt (a fresh token): the bytes of a 2xx
 * answer, else an HttpStatusError with the service's message once retries are spent.
 */
export async function downloadBytes(http: TrustedHttp, url: string, headers: () => Promise<Record<string, string>>, options: DownloadOptions): Promise<Buffer> {
  const answer = await sendWithRetries(
    async () => http.get(url, await headers()),
    (sent) => ({ status: sent.statusCode, retryAfter: headerValue(sent.headers["retry-after"]), discard: () => sent.body.dump() }),
    options,
  );
  if (answer.statusCode >= 200 && answer.statusCode < 300) return readBody(answer.body, options.maxBytes);
  const text = (await readBody(answer.body, ERROR_BODY_BYTES).catch(() => Buffer.alloc(0))).toString("utf8");
  throw new HttpStatusError(answer.statusCode, `HTTP ${answer.statusCode}: ${serviceMessage(text)}`);
}
