/** routeStores by tenant model: one Graph photo (Entra ID) in current tenants, the mailbox split in legacy ones. */
import { describe, expect, it } from "vitest";
import type { DirectoryUser } from "../../src/model/observations.js";
import { HOLDERS, SKIP_REASONS, routeStores } from "../../src/model/routing.js";

const person = (facts: Partial<DirectoryUser> = {}): DirectoryUser => ({ id: "1", upn: "a@contoso.com", userType: "Member", accountEnabled: true, licensed: true, mailbox: "cloud", ...facts });
const ALL = ["exo", "aad", "spo"] as const;

describe("routeStores", () => {
  it.each([["cloud"], ["none"], ["onPremises"]] as const)("current: a person with mailbox %s has one Graph photo, in Entra ID", (mailbox) => {
    expect(routeStores(ALL, false, person({ mailbox }), "current")).toEqual([
      { store: "aad", managed: true, holder: HOLDERS.current },
      { store: "spo", managed: true },
    ]);
  });

  it("current: exo alone still means the Graph photo; unlicensed people have no SharePoint profile; guests are skipped", () => {
    expect(routeStores(["exo"], false, person(), "current")).toEqual([{ store: "aad", managed: true, holder: HOLDERS.current }]);
    expect(routeStores(ALL, false, person({ licensed: false }), "current")[1]).toEqual({ store: "spo", managed: false, reason: SKIP_REASONS.unlicensedSpo });
    expect(routeStores(ALL, false, person({ userType: "Guest" }), "current").every((route) => !route.managed)).toBe(true);
  });

  it("undetermined routes as current, and says the answers could not tell", () => {
    expect(routeStores(["exo", "aad"], false, person(), "undetermined")).toEqual([{ store: "aad", managed: true, holder: HOLDERS.undetermined }]);
  });

  it("legacy: the mailbox for mailbox users, Entra ID for the others, each with its holder", () => {
    expect(routeStores(ALL, false, person(), "legacy")).toEqual([
      { store: "exo", managed: true, holder: HOLDERS.legacyExo },
      { store: "aad", managed: false, reason: SKIP_REASONS.followsExo },
      { store: "spo", managed: true },
    ]);
    expect(routeStores(ALL, false, person({ mailbox: "none" }), "legacy").slice(0, 2)).toEqual([
      { store: "exo", managed: false, reason: SKIP_REASONS.noMailbox },
      { store: "aad", managed: true, holder: HOLDERS.legacyAad },
    ]);
  });
});
