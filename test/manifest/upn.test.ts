/** upn.ts says why a key of users is not a UPN; the schema must refuse exactly the keys it explains. */
import { Ajv } from "ajv";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { upnShapeError } from "../../src/manifest/upn.js";

const schema = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../../schema/photos.schema.json"), "utf8")) as { definitions: { upn: object } };
const ajv = new Ajv({ strict: false });
const schemaAccepts = ajv.compile(schema.definitions.upn);

const SAMPLES = [
  "alex.wilber@contoso.com",
  "o'brien@contoso.com",
  "first_last-2@sub.contoso.co.uk",
  "x@y",
  "zo\u00eb@contoso.com",
  "zoe\u0308@contoso.com",
  "alex@cont\u00f6so.com",
  "alex\u200b@contoso.com",
  "alex\u00a0wilber@contoso.com",
  "alex wilber@contoso.com",
  "nul\u0000@contoso.com",
  "a@@contoso.com",
  "@contoso.com",
  "alex@",
  "alex@-contoso.com",
  "alex@contoso.com.",
  "alex",
  `${"a".repeat(100)}@contoso.example.com`,
  `${"a".repeat(100)}@contoso.com`,
];

describe("user principal names", () => {
  it.each(SAMPLES)("%j: the schema refuses it exactly when upn.ts explains why", (upn) => {
    expect(schemaAccepts(upn)).toBe(upnShapeError(upn) === undefined);
  });

  it("refuses non-ASCII names, composed or decomposed, suggesting the unaccented spelling", () => {
    expect(upnShapeError("zo\u00eb@contoso.com")).toEqual({ code: "upn-not-ascii", reason: expect.stringContaining("probably zoe@contoso.com") });
    expect(upnShapeError("zoe\u0308@contoso.com")).toEqual(upnShapeError("zo\u00eb@contoso.com"));
    expect(upnShapeError("alex\u200b@contoso.com")?.reason).toContain("\\u200b (U+200B) is not");
    expect(upnShapeError("alex.wilber@contoso.com")).toBeUndefined();
  });
});
