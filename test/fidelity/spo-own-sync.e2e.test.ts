/**
 * Fidelity: SharePoint's own sync, when a user views their profile, rewrites the thumbnails at its
 * own sizes (S 48, M 72, L up to 300 keeping proportions) and sets SPS-PictureExchangeSyncState
 * itself (m365-facts.md; emulator: POST /admin/users/{upn}/view-profile, switch
 * `sharepoint.syncState`). photosync counts those thumbnails as in sync and leaves the sync state
 * alone unless the manifest asks for a value: the next plan shows no change, no flip-flop.
 */
import { afterEach, describe, expect, it } from "vitest";
import { MANIFEST, spoFixture, spoSteps, spoWorld, type SpoWorld } from "./spo-world.js";

let world: SpoWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe("after apply, SharePoint re-syncs a mailbox user's photo", () => {
  it("its 48/72/300 thumbnails and sync state 1 plan as no change", async () => {
    world = await spoWorld(spoFixture({ thumbnailFolder: "present" }));
    expect((await world.apply()).code).toBe(0);
    const state = world.tenant.emulator.core.tenant;
    await state.viewProfile(state.findUser("ana@fabrikam.com")!);
    const ana = state.findUser("ana@fabrikam.com")!;
    expect(ana.profile["SPS-PictureExchangeSyncState"]).toBe("1");
    expect(state.spoFile("/User Photos/Profile Pictures/ana_fabrikam_com_LThumb.jpg")!.version).toBeGreaterThan(1);
    const again = await world.plan();
    expect(again.code).toBe(0);
    expect(spoSteps(again.plan)).toEqual(["ana@fabrikam.com noop", "bruno@fabrikam.com noop"]);
  });

  it("a manifest that asks for exchangeSyncState 0 sees the re-sync as drift (its choice), and says which property", async () => {
    const manifest = MANIFEST.replace("    adminHost: fabrikam-admin.sharepoint.com\n", "    adminHost: fabrikam-admin.sharepoint.com\n    exchangeSyncState: 0\n");
    world = await spoWorld(spoFixture({ thumbnailFolder: "present" }), manifest);
    expect((await world.apply()).code).toBe(0);
    expect((await world.plan()).plan.counts).toMatchObject({ create: 0, update: 0 });
    const state = world.tenant.emulator.core.tenant;
    await state.viewProfile(state.findUser("ana@fabrikam.com")!);
    const again = await world.plan();
    const step = again.plan.users.find((user) => user.upn === "ana@fabrikam.com")!.steps.find((candidate) => candidate.store === "spo")!;
    expect(step.action).toBe("update");
    expect(step.reason).toBe('SPS-PictureExchangeSyncState is "1", expected "0"');
  });
});
