/**
 * plan() with pending writes (model/pending.ts): a difference an earlier apply already wrote, while
 * the store still serves what it served before, is "pending", not an update to upload again; any
 * other difference (a new desired photo, a third photo, an old record) is a change as usual.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { upnKey } from "../../src/model/desired.js";
import type { PendingWrite } from "../../src/model/pending.js";
import { PENDING_LIMIT_MS } from "../../src/model/pending.js";
import type { LiveUser } from "../../src/model/observations.js";
import { plan } from "../../src/plan/plan.js";
import { formatPlanText } from "../../src/plan/format-text.js";
import { formatPlanMarkdown } from "../../src/plan/format-markdown.js";
import type { Face } from "../support/plan-fixtures.js";
import { desiredState, desiredUser, face, member, recordsFrom } from "../support/plan-fixtures.js";

const UPN = "alex@contoso.com";
const NOW = Date.parse("2026-12-02T12:00:00Z");
let alex: Face;
let megan: Face;
let oldServed: LiveUser;
let oldHash: string;

beforeAll(async () => {
  [alex, megan] = await Promise.all([face("alex"), face("megan")]);
  const fingerprint = await megan.served(648);
  oldHash = fingerprint.hash;
  oldServed = { lookup: { state: "found", user: member(UPN, { mailbox: "none" }) }, aad: { state: "present", width: 648, height: 648, fingerprint } };
});

function planWith(live: LiveUser, writes: PendingWrite[], now = NOW, image = alex.rendered) {
  const user = desiredUser(UPN, { stores: ["aad"] });
  const records = recordsFrom([user], new Map([[upnKey(UPN), image]]), new Map([[upnKey(UPN), live]]));
  return plan({ state: desiredState([user]), records, pending: { writes, now } });
}

const write = (overrides: Partial<PendingWrite> = {}): PendingWrite => ({
  upn: "Alex@Contoso.com",
  store: "aad",
  desired: alex.rendered.graph.fingerprint.hash,
  previous: oldHash,
  since: "2026-12-02T11:00:00.000Z",
  ...overrides,
});

describe("plan with pending writes", () => {
  it("the old photo still served after an apply wrote the desired one: pending, not update, and no changes", () => {
    const result = planWith(oldServed, [write()]);
    const step = result.users[0]!.steps[0]!;
    expect(step).toMatchObject({ store: "aad", action: "pending", before: { hash: oldHash }, after: { hash: alex.rendered.graph.fingerprint.hash } });
    expect(step.reason).toBe("written by apply at 2026-12-02T11:00:00.000Z, not yet served (Graph can take minutes, up to 48 h); the store still serves the photo from before");
    expect(result.counts).toMatchObject({ update: 0, pending: 1 });
    const text = formatPlanText(result, { colour: false });
    expect(text).toContain("No changes: 0 people to change, 0 unchanged, 1 pending, 0 skipped, 0 unknown.");
    expect(text).toContain("1 pending (written, not yet served)");
    expect(formatPlanMarkdown(result)).toContain("⏳ 1 step is pending");
  });

  it("a first photo not served yet (absent before): pending", () => {
    const absent: LiveUser = { ...oldServed, aad: { state: "absent" } };
    expect(planWith(absent, [write({ previous: null })]).users[0]!.steps[0]!.action).toBe("pending");
    expect(planWith(absent, [write()]).users[0]!.steps[0]!.action).toBe("create");
  });

  it("is drift again when the record is 48 h old, the manifest wants another photo, or the store serves a third photo", async () => {
    expect(planWith(oldServed, [write()], Date.parse("2026-12-02T11:00:00Z") + PENDING_LIMIT_MS).users[0]!.steps[0]!.action).toBe("update");
    expect(planWith(oldServed, [write({ desired: "0123456789abcdef" })]).users[0]!.steps[0]!.action).toBe("update");
    expect(planWith(oldServed, [write({ previous: "0123456789abcdef" })]).users[0]!.steps[0]!.action).toBe("update");
    expect(planWith(oldServed, [write({ store: "exo" })]).users[0]!.steps[0]!.action).toBe("update");
    expect(planWith(oldServed, []).users[0]!.steps[0]!.action).toBe("update");
  });

  it("a served photo is in line whatever the record says", async () => {
    const served: LiveUser = { ...oldServed, aad: { state: "present", width: 648, height: 648, fingerprint: await alex.served(648) } };
    expect(planWith(served, [write()]).users[0]!.steps[0]!.action).toBe("noop");
  });
});
