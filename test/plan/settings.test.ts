/**
 * The tenant-settings step (tenant.photoUpdates against photoUpdateSettings): what it plans, the
 * consequence in words built from the role table, how it binds the digest and counts as a change
 * without entering the per-person safety rails, and how the three formatters show it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { DesiredPhotoUpdates } from "../../src/model/photo-updates.js";
import { photoUpdatesConsequence } from "../../src/model/photo-updates.js";
import type { PhotoUpdateSettingsRead } from "../../src/model/observations.js";
import { ONPREMISES_SKIP_REASON, hasChanges, plan } from "../../src/plan/plan.js";
import { photoUpdatesStep } from "../../src/plan/settings.js";
import { checkRails } from "../../src/plan/rails.js";
import { formatPlanText } from "../../src/plan/format-text.js";
import { formatPlanMarkdown } from "../../src/plan/format-markdown.js";
import { formatPlanJson } from "../../src/plan/format-json.js";
import { routePerson } from "../../src/model/routing.js";
import type { Face } from "../support/plan-fixtures.js";
import { desiredState, desiredUser, face, member, spoProperties } from "../support/plan-fixtures.js";
import { linesOf, tablesOf } from "../support/markdown.js";

const USER_ADMIN = "fe930be7-5e62-47db-91af-98c3a49a38b1";
const PEOPLE_ADMIN = "024906de-61e5-49c8-8572-40335f1e0e10";
const ADMINS_ONLY: DesiredPhotoUpdates = { source: "cloud", allowedRoles: [USER_ADMIN, PEOPLE_ADMIN] };
const EVERYONE = { state: "read", source: "cloud", allowedRoles: null } as const;
const ADMINS_ONLY_WORDS = "only User Administrators and People Administrators can change photos; people can no longer change their own";

let alex: Face;
beforeAll(async () => {
  alex = await face("alex");
});

function planWith(photoUpdates: DesiredPhotoUpdates | undefined, read: PhotoUpdateSettingsRead | undefined, live: "absent" | "same" = "absent") {
  const users = ["a@contoso.com", "b@contoso.com"].map((upn) => desiredUser(upn, { stores: ["aad"] }));
  const state = desiredState(users);
  if (photoUpdates) state.tenant.photoUpdates = photoUpdates;
  const records = users.map((user) => {
    const identity = member(user.upn);
    const aad = live === "same" ? { state: "present" as const, width: 648, height: 648, fingerprint: alex.rendered.graph.fingerprint } : { state: "absent" as const };
    return { desired: user, image: alex.rendered, live: { lookup: { state: "found" as const, user: identity }, aad, spo: { state: "read" as const, thumbnails: {}, properties: spoProperties(undefined, "1") } }, routes: routePerson(user, identity, "current") };
  });
  return plan({ state, records, ...(read ? { photoUpdates: read } : {}) });
}

describe("the photoUpdates step", () => {
  it("everyone → only two roles: an update that PATCHes allowedRoles alone, with the consequence in words", () => {
    const step = photoUpdatesStep(ADMINS_ONLY, EVERYONE);
    expect(step).toMatchObject({ setting: "photoUpdates", action: "update", patch: { allowedRoles: [USER_ADMIN, PEOPLE_ADMIN] }, before: { source: "cloud", allowedRoles: null } });
    expect(step.patch).not.toHaveProperty("source");
    expect(step.consequence).toContain(ADMINS_ONLY_WORDS);
    expect(step.consequence).toContain("up to 24 hours");
  });

  it("the same roles in another order and case, and a source in another case, are in line", () => {
    expect(photoUpdatesStep(ADMINS_ONLY, { state: "read", source: "Cloud", allowedRoles: [PEOPLE_ADMIN.toUpperCase(), USER_ADMIN] }).action).toBe("noop");
    expect(photoUpdatesStep({ source: "onPremises" }, { state: "read", source: "onpremises", allowedRoles: [USER_ADMIN] }).action).toBe("noop");
  });

  it("null (everyone) is not an empty list", () => {
    const step = photoUpdatesStep({ source: "cloud", allowedRoles: null }, { state: "read", source: "cloud", allowedRoles: [] });
    expect(step).toMatchObject({ action: "update", patch: { allowedRoles: null } });
  });

  it("back to everyone, and to onPremises, say what they mean", () => {
    expect(photoUpdatesConsequence({ source: "cloud", allowedRoles: null }, { source: "cloud", allowedRoles: [USER_ADMIN] })).toMatch(/^everyone can change their own photo again/);
    expect(photoUpdatesConsequence({ source: "onPremises" }, { source: "cloud", allowedRoles: null })).toMatch(/^Microsoft 365 will refuse every Graph photo write/);
    expect(photoUpdatesConsequence({ source: "cloud", allowedRoles: [USER_ADMIN] }, { source: "onPremises", allowedRoles: null })).toContain("only User Administrators can change photos; people cannot change their own; Graph photo writes are accepted again");
  });

  it("a setting that could not be read is unknown, never an update", () => {
    const step = photoUpdatesStep(ADMINS_ONLY, { state: "unknown", error: { code: "Authorization_RequestDenied", message: "Insufficient privileges", status: 403 } });
    expect(step.action).toBe("unknown");
    expect(step.patch).toBeUndefined();
    expect(step.reason).toContain("Authorization_RequestDenied");
  });
});

describe("the plan with a settings step", () => {
  it("no tenant.photoUpdates: no step, and the digest is the one it always was", () => {
    const without = planWith(undefined, EVERYONE, "same");
    expect(without.settings).toBeUndefined();
    expect(hasChanges(without)).toBe(false);
  });

  it("counts as a change and binds the digest, but stays out of the per-person rails", () => {
    const changing = planWith(ADMINS_ONLY, EVERYONE, "same");
    expect(changing.settings).toHaveLength(1);
    expect(changing.counts.update).toBe(1);
    expect(hasChanges(changing)).toBe(true);
    const inLine = planWith(ADMINS_ONLY, { state: "read", source: "cloud", allowedRoles: [USER_ADMIN, PEOPLE_ADMIN] }, "same");
    expect(hasChanges(inLine)).toBe(false);
    expect(inLine.digest).not.toBe(changing.digest);
    expect(planWith(undefined, EVERYONE, "same").digest).not.toBe(inLine.digest);
    // 10 people managed, none changing: the settings step alone never trips a share rail.
    expect(checkRails(changing, 10, { maxUpdateShare: 0, maxRemoveShare: 0, minManagedForShare: 1 })).toEqual([]);
  });

  it("an unreadable setting makes the plan incomplete (unknown), like any failed read", () => {
    const result = planWith(ADMINS_ONLY, { state: "unknown", error: { code: "ServiceUnavailable", message: "try later", status: 503 } }, "same");
    expect(result.counts.unknown).toBe(1);
    expect(hasChanges(result)).toBe(false);
  });

  it("onPremises → cloud: the Graph steps of the same plan stay skipped, saying the change is not in force yet", () => {
    const result = planWith({ source: "cloud", allowedRoles: null }, { state: "read", source: "onPremises", allowedRoles: null });
    expect(result.settings![0]).toMatchObject({ action: "update", patch: { source: "cloud" } });
    for (const user of result.users) {
      expect(user.steps[0]!.action).toBe("skip");
      expect(user.steps[0]!.reason).toContain(ONPREMISES_SKIP_REASON);
      expect(user.steps[0]!.reason).toContain("this plan sets it to cloud");
      expect(user.steps[0]!.reason).toContain("up to 24 hours");
    }
  });

  it("a change photosync made less than 24 hours ago is said once as a notice, outside the digest", () => {
    const state = planWith(ADMINS_ONLY, { state: "read", source: "cloud", allowedRoles: [USER_ADMIN, PEOPLE_ADMIN] }, "same");
    const users = ["a@contoso.com", "b@contoso.com"].map((upn) => desiredUser(upn, { stores: ["aad"] }));
    const desired = desiredState(users);
    desired.tenant.photoUpdates = ADMINS_ONLY;
    const records = users.map((user) => {
      const identity = member(user.upn);
      return { desired: user, image: alex.rendered, live: { lookup: { state: "found" as const, user: identity }, aad: { state: "absent" as const } }, routes: routePerson(user, identity, "current") };
    });
    const recent = plan({ state: desired, records, photoUpdates: { state: "read", source: "cloud", allowedRoles: [USER_ADMIN, PEOPLE_ADMIN] }, recentPhotoUpdatesChange: { patch: { allowedRoles: [USER_ADMIN, PEOPLE_ADMIN] }, at: "2026-12-02T10:00:00.000Z" } });
    const notice = recent.notices.find((candidate) => candidate.code === "photo-updates-not-in-force");
    expect(notice?.message).toContain("2026-12-02T10:00:00.000Z");
    expect(notice?.message).toContain("up to 24 hours");
    expect(recent.settings![0]!.action).toBe("noop");
    expect(state.settings![0]!.reason).toBe(recent.settings![0]!.reason);
  });
});

describe("the formatters show the settings step", () => {
  it("text: the step, its reason and what it means", () => {
    const text = formatPlanText(planWith(ADMINS_ONLY, EVERYONE, "same"), { colour: false });
    expect(text).toContain("Tenant settings");
    expect(text).toMatch(/~ photoUpdates update\s+now everyone can change their own photo; the manifest says only User Administrators and People Administrators can change photos/);
    expect(text).toContain(`What it means: ${ADMINS_ONLY_WORDS}`);
    expect(text).not.toContain("No changes");
  });

  it("markdown, as GitHub renders it: a table row with now, after and the consequence", () => {
    const markdown = formatPlanMarkdown(planWith(ADMINS_ONLY, EVERYONE, "same"));
    const table = tablesOf(markdown).find((candidate) => candidate.header[0] === "setting");
    expect(table?.header).toEqual(["setting", "action", "now", "after", "what it means"]);
    expect(table?.rows).toHaveLength(1);
    const [setting, action, now, after, meaning] = table!.rows[0]!;
    expect([setting, action, now, after]).toEqual(["photoUpdates", "🔄 update", "everyone can change their own photo", "only User Administrators and People Administrators can change photos"]);
    expect(meaning).toContain(ADMINS_ONLY_WORDS);
    expect(linesOf(markdown)[0]).toBe("photosync plan");
    expect(linesOf(markdown)).toContain("No photo changes: every managed photo is already in line.");
  });

  it("markdown: a setting in line is not listed", () => {
    const markdown = formatPlanMarkdown(planWith(ADMINS_ONLY, { state: "read", source: "cloud", allowedRoles: [USER_ADMIN, PEOPLE_ADMIN] }, "same"));
    expect(tablesOf(markdown).some((table) => table.header[0] === "setting")).toBe(false);
    expect(linesOf(markdown)[0]).toBe("✅ photosync plan: no changes");
  });

  it("json: the step as data", () => {
    const json = JSON.parse(formatPlanJson(planWith(ADMINS_ONLY, EVERYONE, "same"))) as { settings: unknown[] };
    expect(json.settings).toEqual([expect.objectContaining({ setting: "photoUpdates", action: "update", patch: { allowedRoles: [USER_ADMIN, PEOPLE_ADMIN] }, consequence: expect.stringContaining(ADMINS_ONLY_WORDS) })]);
  });
});
