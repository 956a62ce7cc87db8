/** The review sheet's input from a plan (pictures/panels.ts): who is on it, and the panels per person. */
import { describe, expect, it } from "vitest";
import type { Action, PhotoSummary, Plan, StoreStep, UserPlan } from "../../src/model/plan.js";
import type { StoreName } from "../../src/model/desired.js";
import type { PictureSide } from "../../src/pictures/input.js";
import type { StorePictures } from "../../src/pictures/panels.js";
import { personPanels, reviewSheetInput, samePicture, sheetPeople } from "../../src/pictures/panels.js";

const OLD: PhotoSummary = { width: 648, height: 648, hash: "f0f0f0f0f0f0f0f0" };
/** The same picture read at another size: two hash bits apart. */
const OLD_SMALLER: PhotoSummary = { width: 200, height: 200, hash: "f0f0f0f0f0f0f0f3" };
const OTHER: PhotoSummary = { width: 648, height: 648, hash: "0f0f0f0f0f0f0f0f" };
const NEW: PhotoSummary = { width: 648, height: 648, hash: "aaaaaaaaaaaaaaaa" };
const NEW_THUMBNAIL: PhotoSummary = { width: 200, height: 200, hash: "aaaaaaaaaaaaaaaa" };

const step = (store: StoreName, action: Action, before?: PhotoSummary | null, after?: PhotoSummary | null, reason = `${action} ${store}`): StoreStep => ({
  store,
  action,
  reason,
  ...(before !== undefined ? { before } : {}),
  ...(after !== undefined ? { after } : {}),
});
const user = (upn: string, steps: StoreStep[]): UserPlan => ({ upn, photo: "photos/x.jpg", steps });
const plan = (users: UserPlan[]): Plan => ({
  format: "photosync.plan/v1",
  tenant: "contoso.onmicrosoft.com",
  notices: [],
  users,
  counts: { create: 0, update: 0, delete: 0, noop: 0, pending: 0, skip: 0, unknown: 0 },
  digest: "d".repeat(64),
});
const image = (tag: number): PictureSide => ({ kind: "image", bytes: Buffer.from([tag]), width: 1, height: 1 });
const none: PictureSide = { kind: "none" };

describe("sheetPeople", () => {
  const example = plan([
    user("adele@contoso.com", [step("aad", "update", OLD, NEW), step("spo", "noop", NEW_THUMBNAIL, NEW_THUMBNAIL)]),
    user("alex@contoso.com", [step("aad", "noop", NEW, NEW), step("spo", "skip")]),
    user("lee@contoso.com", [step("aad", "delete", OLD, null)]),
    user("megan@contoso.com", [step("aad", "unknown"), step("spo", "create", null, NEW_THUMBNAIL)]),
    user("nestor@contoso.com", [step("aad", "pending", OLD, NEW)]),
  ]);

  it("takes everyone with a create, update or delete, in plan order; pending, unknown-only and unchanged people are not on it", () => {
    expect(sheetPeople(example).people.map((person) => person.upn)).toEqual(["adele@contoso.com", "lee@contoso.com", "megan@contoso.com"]);
    expect(sheetPeople(example).omitted).toBe(0);
  });

  it("stops at the bound and counts the rest", () => {
    const bounded = sheetPeople(example, 2);
    expect(bounded.people.map((person) => person.upn)).toEqual(["adele@contoso.com", "lee@contoso.com"]);
    expect(bounded.omitted).toBe(1);
  });
});

describe("personPanels", () => {
  it("groups the stores that show the same picture now and get the same one after, by the same action", () => {
    const panels = personPanels(user("a@contoso.com", [step("aad", "update", OLD, NEW, "a different picture"), step("spo", "update", OLD_SMALLER, NEW_THUMBNAIL, "a different picture")]), {
      aad: { before: image(1), after: image(2) },
      spo: { before: image(3), after: image(4) },
    });
    expect(panels).toEqual([{ stores: ["aad", "spo"], action: "update", reason: "a different picture", before: image(1), after: image(2) }]);
  });

  it("gives each store its own panel where they differ: Entra ID fine, SharePoint stale; or another picture now", () => {
    const stale = personPanels(user("a@contoso.com", [step("aad", "noop", NEW, NEW), step("spo", "update", OLD_SMALLER, NEW_THUMBNAIL)]), { spo: { before: image(3), after: image(4) } });
    expect(stale.map((panel) => [panel.stores, panel.action])).toEqual([[["spo"], "update"]]);
    const different = personPanels(user("a@contoso.com", [step("aad", "update", OLD, NEW), step("spo", "update", OTHER, NEW_THUMBNAIL)]));
    expect(different.map((panel) => panel.stores)).toEqual([["aad"], ["spo"]]);
    const actions = personPanels(user("a@contoso.com", [step("aad", "create", null, NEW), step("spo", "update", OLD, NEW_THUMBNAIL)]));
    expect(actions.map((panel) => panel.action)).toEqual(["create", "update"]);
  });

  it("shows a removal as the photo that goes, then none; both stores' reasons when they differ", () => {
    const pictures: Partial<Record<StoreName, StorePictures>> = { exo: { before: image(7), after: none }, aad: { before: image(8), after: none } };
    const [panel] = personPanels(user("lee@contoso.com", [step("exo", "delete", OLD, null, "the manifest says remove"), step("aad", "delete", OLD_SMALLER, null, "left the company")]), pictures);
    expect(panel).toEqual({ stores: ["exo", "aad"], action: "delete", reason: "the manifest says remove; left the company", before: image(7), after: none });
    // A reason another store's spells out in more detail is said once, in detail.
    const detailed = personPanels(user("lee@contoso.com", [step("aad", "delete", OLD, null, "the manifest says remove"), step("spo", "delete", OLD_SMALLER, null, "the manifest says remove: remove small, medium, large thumbnails")]));
    expect(detailed[0]!.reason).toBe("the manifest says remove: remove small, medium, large thumbnails");
    const thumbnails = personPanels(user("lee@contoso.com", [step("aad", "update", OLD, NEW, "a different picture (hash distance 30 > 10)"), step("spo", "update", OLD, NEW_THUMBNAIL, "small, medium and large thumbnails: a different picture (hash distance 30 > 10)")]));
    expect(thumbnails.map((panel) => panel.reason)).toEqual(["small, medium and large thumbnails: a different picture (hash distance 30 > 10)"]);
  });

  it("shows a grouped panel's picture from the store that has one when another store's could not be had", () => {
    const unavailable: PictureSide = { kind: "unavailable", why: "the tenant could not be read: 503" };
    const [panel] = personPanels(user("a@contoso.com", [step("aad", "update", OLD, NEW), step("spo", "update", OLD, NEW_THUMBNAIL)]), {
      aad: { before: unavailable, after: image(2) },
      spo: { before: image(3), after: image(4) },
    });
    expect(panel!.before).toEqual(image(3));
    expect(personPanels(user("a@contoso.com", [step("aad", "update", OLD, NEW)]), { aad: { before: unavailable, after: image(2) } })[0]!.before).toEqual(unavailable);
  });

  it("never calls an unknown picture the same as another", () => {
    expect(samePicture(undefined, undefined)).toBe(false);
    expect(samePicture(null, null)).toBe(true);
    expect(samePicture(null, OLD)).toBe(false);
    expect(samePicture(OLD, OLD_SMALLER)).toBe(true);
    expect(samePicture(OLD, OTHER)).toBe(false);
  });
});

describe("reviewSheetInput", () => {
  it("carries the plan's tenant and digest, the kind, the people in order and how many were left out", () => {
    const example = plan([user("b@contoso.com", [step("aad", "create", null, NEW)]), user("c@contoso.com", [step("aad", "delete", OLD, null)])]);
    const input = reviewSheetInput(example, "drift", sheetPeople(example, 1), new Map([["b@contoso.com", { aad: { before: none, after: image(1) } }]]));
    expect(input).toEqual({
      kind: "drift",
      tenant: "contoso.onmicrosoft.com",
      digest: "d".repeat(64),
      people: [{ upn: "b@contoso.com", panels: [{ stores: ["aad"], action: "create", reason: "create aad", before: none, after: image(1) }] }],
      omitted: 1,
    });
  });
});
