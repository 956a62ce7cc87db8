/** photoUpdateSettings in the plan: onPremises skips every Graph write with one notice; unreadable settings are said once. */
import { beforeAll, describe, expect, it } from "vitest";
import { upnKey } from "../../src/model/desired.js";
import type { PhotoUpdateSettingsRead } from "../../src/model/observations.js";
import { ONPREMISES_SKIP_REASON, hasChanges, plan } from "../../src/plan/plan.js";
import { routePerson } from "../../src/model/routing.js";
import type { Face } from "../support/plan-fixtures.js";
import { desiredState, desiredUser, face, member, spoProperties } from "../support/plan-fixtures.js";

let alex: Face;
beforeAll(async () => {
  alex = await face("alex");
});

function planWith(photoUpdates: PhotoUpdateSettingsRead | undefined) {
  const upns = ["a@contoso.com", "b@contoso.com"];
  const users = upns.map((upn) => desiredUser(upn));
  const records = users.map((user) => {
    const identity = member(user.upn);
    return {
      desired: user,
      image: alex.rendered,
      live: { lookup: { state: "found" as const, user: identity }, aad: { state: "absent" as const }, spo: { state: "read" as const, thumbnails: {}, properties: spoProperties(undefined, "1") } },
      routes: routePerson(user, identity, "current"),
    };
  });
  return plan({ state: desiredState(users), records, ...(photoUpdates ? { photoUpdates } : {}) });
}

describe("plan and photoUpdateSettings", () => {
  it("source onPremises: one notice, Graph writes skipped for that reason, SharePoint still planned", () => {
    const result = planWith({ state: "read", source: "onPremises", allowedRoles: null });
    expect(result.notices.map((notice) => notice.code)).toEqual(["graph-writes-onpremises"]);
    for (const user of result.users) {
      expect(user.steps.map((step) => step.action)).toEqual(["skip", "create"]);
      expect(user.steps[0]!.reason.startsWith(ONPREMISES_SKIP_REASON)).toBe(true);
    }
    expect(result.counts).toMatchObject({ create: 2, skip: 2 });
    expect(hasChanges(result)).toBe(true);
    expect(upnKey(result.users[0]!.upn)).toBe("a@contoso.com");
  });

  it("source cloud: no notice, Graph writes planned", () => {
    const result = planWith({ state: "read", source: "cloud", allowedRoles: null });
    expect(result.notices).toEqual([]);
    expect(result.users[0]!.steps.map((step) => step.action)).toEqual(["create", "create"]);
  });

  it("settings that could not be read: one notice naming the permission, writes planned as usual", () => {
    const result = planWith({ state: "unknown", error: { code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation.", status: 403 } });
    expect(result.notices).toHaveLength(1);
    expect(result.notices[0]).toMatchObject({ code: "graph-photo-settings-unread", service: "graph", fix: expect.stringContaining("PeopleSettings.Read.All") });
    expect(result.users[0]!.steps.map((step) => step.action)).toEqual(["create", "create"]);
  });
});
