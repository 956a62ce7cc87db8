import { describe, expect, it } from "vitest";
import { escapeODataString, odataString } from "../../../src/stores/sharepoint/odata-literal.js";

describe("OData string literals", () => {
  it("double every single quote, and only that", () => {
    expect(odataString("i:0#.f|membership|o'brien@contoso.com")).toBe("'i:0#.f|membership|o''brien@contoso.com'");
    expect(escapeODataString("a''b'")).toBe("a''''b''");
    expect(odataString("plain@contoso.com")).toBe("'plain@contoso.com'");
  });
});
