import { beforeAll, describe, expect, it } from "vitest";
import { upnKey } from "../../src/model/desired.js";
import type { DesiredUser } from "../../src/model/desired.js";
import type { DesiredImage, StoreStep } from "../../src/model/plan.js";
import { plan } from "../../src/plan/plan.js";
import { SKIP_REASONS } from "../../src/model/routing.js";
import { personRecords } from "../../src/reconcile/plan-run.js";
import type { LiveUser } from "../../src/model/observations.js";
import type { Face } from "../support/plan-fixtures.js";
import { desiredState, desiredUser, face, member, planFromMaps, spoProperties } from "../support/plan-fixtures.js";

let alex: Face;
let megan: Face;
let alexRecoloured: Face;

beforeAll(async () => {
  [alex, megan, alexRecoloured] = await Promise.all([face("alex"), face("megan"), face("alex", "#c03030")]);
});

/** Plans one user and returns their steps by store. */
function planOne(user: DesiredUser, desired: DesiredImage, live: LiveUser | undefined): Record<string, StoreStep> {
  const result = planFromMaps({
    state: desiredState([user]),
    desired: new Map([[upnKey(user.upn), desired]]),
    live: live ? new Map([[upnKey(user.upn), live]]) : new Map(),
  });
  return Object.fromEntries(result.users[0]!.steps.map((step) => [step.store, step]));
}

async function spoInSync(face: Face, upn: string): Promise<LiveUser["spo"]> {
  return {
    state: "read",
    thumbnails: {
      small: { fingerprint: face.rendered.thumbnails.small.fingerprint },
      medium: { fingerprint: face.rendered.thumbnails.medium.fingerprint },
      large: { fingerprint: await face.served(200, 85) },
    },
    properties: spoProperties(upn),
  };
}

describe("plan: Exchange Online and Entra ID", () => {
  const upn = "alex.wilber@contoso.com";

  it("creates the photo of a mailbox user who has none; Entra ID follows the mailbox", () => {
    const steps = planOne(desiredUser(upn), alex.rendered, {
      lookup: { state: "found", user: member(upn) },
      exo: { state: "absent" },
      spo: { state: "read", thumbnails: {}, properties: spoProperties(undefined, "1") },
    });
    expect(steps.exo).toMatchObject({ action: "create", reason: "no photo yet", before: null, after: { width: 648, height: 648 } });
    expect(steps.aad).toEqual({ store: "aad", action: "skip", reason: SKIP_REASONS.followsExo });
    expect(steps.spo).toMatchObject({ action: "create", thumbnails: { before: [], after: ["small", "medium", "large"] } });
  });

  it("counts the same photo, re-encoded by the service at every quality, as unchanged", async () => {
    for (const quality of [50, 75, 95]) {
      const steps = planOne(desiredUser(upn), alex.rendered, {
        lookup: { state: "found", user: member(upn) },
        exo: { state: "present", width: 648, height: 648, fingerprint: await alex.served(96, quality) },
        spo: await spoInSync(alex, upn),
      });
      expect(steps.exo!.action, `quality ${quality}`).toBe("noop");
      expect(steps.spo!.action, `quality ${quality}`).toBe("noop");
    }
  });

  it("updates a photo changed by hand, and a recoloured background", async () => {
    for (const other of [megan, alexRecoloured]) {
      const steps = planOne(desiredUser(upn), alex.rendered, {
        lookup: { state: "found", user: member(upn) },
        exo: { state: "present", width: 648, height: 648, fingerprint: await other.served(96) },
      });
      expect(steps.exo).toMatchObject({ action: "update", reason: expect.stringMatching(/^(a different picture|different colours) \(/) });
    }
  });

  it("updates the right picture when the service only holds a small thumbnail of it", async () => {
    const steps = planOne(desiredUser(upn), alex.rendered, {
      lookup: { state: "found", user: member(upn) },
      exo: { state: "present", width: 96, height: 96, fingerprint: await alex.served(96) },
    });
    expect(steps.exo).toMatchObject({ action: "update", reason: "too small: 96 px where 648 px was asked (same picture, 96x96)", before: { width: 96, height: 96 } });
  });

  it("routes a user without a cloud mailbox to Entra ID and SharePoint", () => {
    for (const mailbox of ["none", "onPremises"] as const) {
      const steps = planOne(desiredUser(upn), alex.rendered, {
        lookup: { state: "found", user: member(upn, { mailbox }) },
        aad: { state: "absent" },
        spo: { state: "read", thumbnails: {}, properties: spoProperties(undefined, "") },
      });
      expect(steps.exo).toMatchObject({ action: "skip", reason: mailbox === "none" ? SKIP_REASONS.noMailbox : SKIP_REASONS.onPremisesMailbox });
      expect(steps.aad).toMatchObject({ action: "create" });
      expect(steps.spo).toMatchObject({ action: "create" });
    }
  });

  it("falls back to Entra ID for a user without a mailbox even when only exo is listed", () => {
    const user = { ...desiredUser(upn), stores: ["exo" as const] };
    const steps = planOne(user, alex.rendered, { lookup: { state: "found", user: member(upn, { mailbox: "none" }) }, aad: { state: "absent" } });
    expect(Object.keys(steps)).toEqual(["exo", "aad"]);
    expect(steps.aad!.action).toBe("create");
  });

  it("skips guests, and says why", () => {
    const steps = planOne(desiredUser(upn), alex.rendered, { lookup: { state: "found", user: member(upn, { userType: "Guest", mailbox: "none" }) } });
    expect(Object.values(steps).map((step) => [step.action, step.reason])).toEqual([
      ["skip", SKIP_REASONS.guest],
      ["skip", SKIP_REASONS.guest],
      ["skip", SKIP_REASONS.guest],
    ]);
  });

  it("keeps an unlicensed user's Entra ID photo but skips the mailbox and SharePoint", () => {
    const steps = planOne(desiredUser(upn), alex.rendered, { lookup: { state: "found", user: member(upn, { licensed: false, mailbox: "none" }) }, aad: { state: "absent" } });
    expect(steps.exo).toMatchObject({ action: "skip", reason: SKIP_REASONS.unlicensedExo });
    expect(steps.aad).toMatchObject({ action: "create" });
    expect(steps.spo).toMatchObject({ action: "skip", reason: SKIP_REASONS.unlicensedSpo });
  });

  it("lets a user's own store list win over the directory's facts", () => {
    const user = desiredUser(upn, { stores: ["exo", "aad"] });
    const steps = planOne(user, alex.rendered, { lookup: { state: "found", user: member(upn, { userType: "Guest" }) }, exo: { state: "absent" }, aad: { state: "absent" } });
    expect([steps.exo!.action, steps.aad!.action, steps.spo]).toEqual(["create", "create", undefined]);
  });

  it("moves an overridden exo to Entra ID when the person has no cloud mailbox", () => {
    const user = desiredUser(upn, { stores: ["exo", "spo"] });
    const steps = planOne(user, alex.rendered, {
      lookup: { state: "found", user: member(upn, { mailbox: "onPremises", userType: "Guest" }) },
      aad: { state: "absent" },
      spo: { state: "read", thumbnails: {}, properties: spoProperties(undefined, "1") },
    });
    expect(steps.exo).toEqual({ store: "exo", action: "skip", reason: SKIP_REASONS.onPremisesMailbox });
    expect([steps.aad!.action, steps.spo!.action]).toEqual(["create", "create"]);
  });

  it("deletes a photo the manifest removes, and leaves alone one already gone", async () => {
    const user = desiredUser(upn, { remove: true });
    const present = planOne(user, { state: "remove" }, { lookup: { state: "found", user: member(upn) }, exo: { state: "present", width: 648, height: 648, fingerprint: await alex.served(96) } });
    expect(present.exo).toMatchObject({ action: "delete", after: null });
    const absent = planOne(user, { state: "remove" }, { lookup: { state: "found", user: member(upn) }, exo: { state: "absent" } });
    expect(absent.exo).toMatchObject({ action: "noop" });
  });

  it("turns a failed read into unknown — never a change", () => {
    const steps = planOne(desiredUser(upn), alex.rendered, {
      lookup: { state: "found", user: member(upn) },
      exo: { state: "unknown", error: { code: "ServiceUnavailable", message: "try later", status: 503 } },
      spo: { state: "unknown", error: { code: "ECONNRESET", message: "socket hang up" } },
    });
    expect(steps.exo).toMatchObject({ store: "exo", action: "unknown", reason: "read failed: ServiceUnavailable: try later" });
    expect(steps.spo).toEqual({ store: "spo", action: "unknown", reason: "read failed: ECONNRESET: socket hang up" });
  });

  it("marks every store unknown when the user lookup failed, and skips users the tenant lacks", () => {
    const failed = planOne(desiredUser(upn), alex.rendered, { lookup: { state: "unknown", error: { code: "TooManyRequests", message: "retry", status: 429 } } });
    expect(Object.values(failed).map((step) => step.action)).toEqual(["unknown", "unknown", "unknown"]);
    const missing = planOne(desiredUser(upn), alex.rendered, { lookup: { state: "missing" } });
    expect(Object.values(missing).map((step) => step.reason)).toEqual(Array(3).fill("no such user in the tenant"));
    const unread = planOne(desiredUser(upn), alex.rendered, undefined);
    expect(Object.values(unread).map((step) => step.action)).toEqual(["unknown", "unknown", "unknown"]);
  });

  it("refuses to plan a person whose desired photo is missing: a bug, never an unknown", () => {
    expect(() => personRecords([desiredUser(upn)], new Map(), new Map(), new Map())).toThrow(/internal error: no desired photo/);
  });
});

describe("plan: SharePoint", () => {
  const upn = "megan.bowen@contoso.com";
  const live = (spo: LiveUser["spo"]): LiveUser => ({ lookup: { state: "found", user: member(upn) }, exo: { state: "absent" }, spo });

  it("updates only the property that is wrong, showing before and after", async () => {
    const spo = (await spoInSync(megan, upn)) as Extract<LiveUser["spo"], { state: "read" }>;
    const steps = planOne(desiredUser(upn), megan.rendered, live({ ...spo, properties: { ...spo.properties!, PictureURL: "https://contoso-my.sharepoint.com/User Photos/Profile Pictures/someone_else_MThumb.jpg" } }));
    expect(steps.spo).toMatchObject({
      action: "update",
      reason:
        'PictureURL is "https://contoso-my.sharepoint.com/User Photos/Profile Pictures/someone_else_MThumb.jpg", expected "https://contoso-my.sharepoint.com/User%20Photos/Profile%20Pictures/megan_bowen_contoso_com_MThumb.jpg"',
      properties: {
        before: { PictureURL: "https://contoso-my.sharepoint.com/User Photos/Profile Pictures/someone_else_MThumb.jpg" },
        after: { PictureURL: "https://contoso-my.sharepoint.com/User%20Photos/Profile%20Pictures/megan_bowen_contoso_com_MThumb.jpg" },
      },
    });
  });

  it("profiles SharePoint would not let this app read: thumbnails planned alone, one notice for everyone", async () => {
    const spo = (await spoInSync(megan, upn)) as Extract<LiveUser["spo"], { state: "read" }>;
    const denied = { denied: { code: "-2147024891, System.UnauthorizedAccessException", message: "Access denied.", status: 403, kind: "access" as const } };
    const state = desiredState([desiredUser(upn)]);
    const result = planFromMaps({ state, desired: new Map([[upnKey(upn), megan.rendered]]), live: new Map([[upnKey(upn), live({ ...spo, properties: denied })]]) });
    expect(result.users[0]!.steps.find((step) => step.store === "spo")).toMatchObject({ action: "noop", reason: "same picture" });
    expect(result.notices).toEqual([expect.objectContaining({ code: "spo-profile-read-denied", service: "sharepoint", message: expect.stringContaining("403: Access denied.") })]);
    const none = planFromMaps({ state, desired: new Map([[upnKey(upn), megan.rendered]]), live: new Map([[upnKey(upn), live({ thumbnails: {}, state: "read", properties: denied })]]) });
    expect(none.users[0]!.steps.find((step) => step.store === "spo")).toMatchObject({ action: "create", reason: "no photo yet" });
  });

  it("finds a missing thumbnail, a thumbnail of the wrong size and a different picture", async () => {
    const spo = (await spoInSync(megan, upn)) as Extract<LiveUser["spo"], { state: "read" }>;
    const steps = planOne(desiredUser(upn), megan.rendered, live({
      ...spo,
      thumbnails: { small: spo.thumbnails.small!, large: { fingerprint: await megan.served(400) } },
    }));
    // 400 is neither photosync's 200 nor SharePoint's own L (at most 300 wide).
    expect(steps.spo!.reason).toBe("medium thumbnail missing; large thumbnail the wrong size (400x400, not 200x200)");
    const other = planOne(desiredUser(upn), megan.rendered, live({ ...spo, thumbnails: { ...spo.thumbnails, large: { fingerprint: await alex.served(200) } } }));
    expect(other.spo).toMatchObject({ action: "update", reason: expect.stringMatching(/^large thumbnail: (a different picture|different colours) \(/) });
  });

  it("accepts the thumbnails SharePoint's own sync makes (S 48, M 72, L 300) when the picture matches", async () => {
    const spo = (await spoInSync(megan, upn)) as Extract<LiveUser["spo"], { state: "read" }>;
    const own = { small: { fingerprint: await megan.served(48) }, medium: { fingerprint: await megan.served(72) }, large: { fingerprint: await megan.served(300) } };
    expect(planOne(desiredUser(upn), megan.rendered, live({ ...spo, thumbnails: own })).spo).toMatchObject({ action: "noop" });
    const tooSmall = planOne(desiredUser(upn), megan.rendered, live({ ...spo, thumbnails: { ...own, large: { fingerprint: await megan.served(96) } } }));
    expect(tooSmall.spo!.reason).toBe("large thumbnail the wrong size (96x96, not 200x200)");
  });

  it("treats an empty placeholder state as 'placeholder shown' and a PictureURL pointing at missing files as broken", () => {
    const steps = planOne(desiredUser(upn), megan.rendered, live({ state: "read", thumbnails: {}, properties: spoProperties(upn, "0") }));
    expect(steps.spo).toMatchObject({ action: "update", reason: "small, medium and large thumbnails missing" });
  });

  it("deletes thumbnails and resets the properties on removal", async () => {
    const spo = await spoInSync(megan, upn);
    const steps = planOne(desiredUser(upn, { remove: true }), { state: "remove" }, live(spo));
    expect(steps.spo).toMatchObject({
      action: "delete",
      reason: "the manifest says remove: remove small, medium, large thumbnails; reset PictureURL, SPS-PicturePlaceholderState",
      thumbnails: { before: ["small", "medium", "large"], after: [] },
      properties: { after: { PictureURL: "", "SPS-PicturePlaceholderState": "1" } },
    });
  });

  it("skips a person without a SharePoint profile", () => {
    const steps = planOne(desiredUser(upn), megan.rendered, live({ state: "read", thumbnails: {}, properties: null }));
    expect(steps.spo).toMatchObject({ action: "skip", reason: expect.stringContaining("no SharePoint user profile") });
  });
});

describe("plan: order, counts and digest", () => {
  const users = ["zoe@contoso.com", "Adam@contoso.com", "mia@contoso.com"];
  const build = (order: string[], exoState: "absent" | "unknown" = "absent") =>
    planFromMaps({
      state: desiredState(order.map((upn) => desiredUser(upn, { stores: ["exo"] }))),
      desired: new Map(order.map((upn) => [upnKey(upn), alex.rendered])),
      live: new Map(
        order.map((upn): [string, LiveUser] => [
          upnKey(upn),
          { lookup: { state: "found", user: member(upn) }, exo: exoState === "absent" ? { state: "absent" } : { state: "unknown", error: { code: "x", message: "y" } } },
        ]),
      ),
    });

  it("sorts users case-insensitively and counts actions", () => {
    const result = build(users);
    expect(result.users.map((user) => user.upn)).toEqual(["Adam@contoso.com", "mia@contoso.com", "zoe@contoso.com"]);
    expect(result.counts).toEqual({ create: 3, update: 0, delete: 0, noop: 0, pending: 0, skip: 0, unknown: 0 });
  });

  it("has a digest that ignores input order but changes with what the plan would do", () => {
    const digest = build(users).digest;
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(build([...users].reverse()).digest).toBe(digest);
    expect(build(users, "unknown").digest).not.toBe(digest);
  });
});

describe("plan: one record per person, routed once", () => {
  it("follows the routes on the record and does not route the person again", () => {
    const upn = "alex@contoso.com";
    const user = desiredUser(upn, { stores: ["exo"] });
    // The lookup says cloud mailbox, but the reads found none and routed the person to Entra ID:
    // the plan goes by the record's routes, not by routing the lookup again.
    const result = plan({
      state: desiredState([user]),
      records: [
        {
          desired: user,
          image: alex.rendered,
          live: { lookup: { state: "found", user: member(upn) }, aad: { state: "absent" } },
          routes: [
            { store: "exo", managed: false, reason: SKIP_REASONS.noMailbox },
            { store: "aad", managed: true },
          ],
        },
      ],
    });
    expect(result.users[0]!.steps.map((step) => [step.store, step.action])).toEqual([
      ["exo", "skip"],
      ["aad", "create"],
    ]);
  });

  it("refuses a found person whose record carries no routes: a bug, never a guess", () => {
    const upn = "alex@contoso.com";
    const user = desiredUser(upn);
    const records = [{ desired: user, image: alex.rendered, live: { lookup: { state: "found" as const, user: member(upn) } } }];
    expect(() => plan({ state: desiredState([user]), records })).toThrow(/internal error: alex@contoso.com was found but not routed/);
  });

});
