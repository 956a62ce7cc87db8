/** The SharePoint $batch format photosync writes and reads (src/stores/sharepoint/batch.ts). */
import { describe, expect, it } from "vitest";
import { batchRequestBody, parseBatchResponse, partResult } from "../../../src/stores/sharepoint/batch.js";
import type { BatchPartError } from "../../../src/stores/sharepoint/batch.js";

const part = (status: string, headers: string[], body: string) =>
  ["--batchresponse_1a2b", "Content-Type: application/http", "Content-Transfer-Encoding: binary", "", status, ...headers, "", body].join("\r\n");

describe("batchRequestBody", () => {
  it("writes one GET part per URL between the batch boundaries, as PnPjs does, asking for JSON without metadata", () => {
    const body = batchRequestBody("b1", ["https://x/_api/web/a", "https://x/_api/web/b?$select=ETag"]);
    expect(body.split("--batch_b1\n")).toHaveLength(3);
    expect(body).toContain("\nGET https://x/_api/web/a HTTP/1.1\nAccept: application/json;odata=nometadata\n");
    expect(body).toContain("\nGET https://x/_api/web/b?$select=ETag HTTP/1.1\n");
    expect(body.endsWith("--batch_b1--\n")).toBe(true);
  });
});

describe("parseBatchResponse", () => {
  it("reads every part in order: status, headers and body, with CRLF or LF line ends", () => {
    const text = [
      part("HTTP/1.1 200 OK", ["CONTENT-TYPE: application/json;odata=minimalmetadata"], '{"ETag":"\\"{A},1\\"","Length":"1234"}'),
      part("HTTP/1.1 404 Not Found", [], '{"odata.error":{"code":"-2130575338, System.IO.FileNotFoundException","message":{"lang":"en-US","value":"File Not Found."}}}'),
      part("HTTP/1.1 429 Too Many Requests", ["Retry-After: 7"], ""),
      "--batchresponse_1a2b--",
      "",
    ].join("\r\n");
    const parts = parseBatchResponse(text);
    expect(parts.map((p) => p.status)).toEqual([200, 404, 429]);
    expect(parts[0]!.headers["content-type"]).toBe("application/json;odata=minimalmetadata");
    expect(partResult(parts[0]!)).toEqual({ status: "fulfilled", value: { ETag: '"{A},1"', Length: "1234" } });

    const missing = partResult(parts[1]!);
    expect(missing.status).toBe("rejected");
    const error = (missing as PromiseRejectedResult).reason as BatchPartError;
    expect(error).toMatchObject({ status: 404, code: "-2130575338, System.IO.FileNotFoundException", message: "File Not Found." });

    const throttled = (partResult(parts[2]!) as PromiseRejectedResult).reason as BatchPartError;
    expect(throttled).toMatchObject({ status: 429, retryAfter: "7", code: "HTTP429" });
    expect(parseBatchResponse(text.replace(/\r\n/g, "\n"))).toEqual(parts);
  });

  it("reports a success whose body is not JSON as an unexpected answer", () => {
    const [answer] = parseBatchResponse(part("HTTP/1.1 200 OK", [], "<html>oops</html>") + "\n--batchresponse_1a2b--\n");
    const reason = (partResult(answer!) as PromiseRejectedResult).reason as BatchPartError;
    expect(reason).toMatchObject({ status: 200, code: "UnexpectedResponse", message: "the answer was not JSON" });
  });

  it("unwraps verbose OData answers as PnPjs does", () => {
    const [answer] = parseBatchResponse(part("HTTP/1.1 200 OK", [], '{"d":{"AccountName":"i:0#.f|membership|a@b.c"}}') + "\n--batchresponse_1a2b--\n");
    expect(partResult(answer!)).toEqual({ status: "fulfilled", value: { AccountName: "i:0#.f|membership|a@b.c" } });
  });

  it("refuses text that is not a batch response, and a part cut short", () => {
    expect(() => parseBatchResponse("<html>gateway error</html>")).toThrow(/invalid \$batch response: text outside a part at line 1/);
    expect(() => parseBatchResponse(part("HTTP/1.1 200 OK", [], "{}"))).toThrow(/unterminated part/);
    expect(() => parseBatchResponse("--batchresponse_x\n\nnot a status\n\n{}\n--batchresponse_x--")).toThrow(/no status line/);
  });
});
