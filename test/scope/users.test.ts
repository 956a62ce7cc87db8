import { describe, expect, it } from "vitest";
import { selectByUpn } from "../../src/scope/users.js";
import { desiredState, desiredUser } from "../support/plan-fixtures.js";

describe("--users selection", () => {
  const state = desiredState([desiredUser("alex@contoso.com"), desiredUser("Bea@Contoso.com"), desiredUser("chris@contoso.com")]);

  it("keeps the manifest's order and compares UPNs case-insensitively", () => {
    const selected = selectByUpn(state, ["CHRIS@contoso.com", "bea@contoso.com"]);
    expect(selected.users.map((user) => user.upn)).toEqual(["Bea@Contoso.com", "chris@contoso.com"]);
    expect(selected.unknown).toEqual([]);
  });

  it("names, as written, every UPN the manifest does not have", () => {
    const selected = selectByUpn(state, ["alex@contoso.com", "Dana@contoso.com", "eve@fabrikam.com"]);
    expect(selected.users.map((user) => user.upn)).toEqual(["alex@contoso.com"]);
    expect(selected.unknown).toEqual(["Dana@contoso.com", "eve@fabrikam.com"]);
  });
});
