/**
 * Fidelity: the thumbnail folder may not exist yet (m365-facts.md, 2026 revision). Emulator switch
 * `sharepoint.thumbnailFolder: missing` (the default for a tenant without thumbnails). The plan
 * says so once (notice spo-thumbnail-folder) and plans everyone's thumbnails as new; apply creates
 * the folder (under the language's name) and converges. A language whose folder name photosync
 * does not know leaves SharePoint unknown, with one notice, and writes nothing there.
 */
import { afterEach, describe, expect, it } from "vitest";
import { spoFixture, spoSteps, spoWorld, type SpoWorld } from "./spo-world.js";

let world: SpoWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe("a My Site without its thumbnail folder", () => {
  it("plans creates with one notice, apply creates the French folder first, the next plan converges", async () => {
    world = await spoWorld(spoFixture({ locale: "fr-FR" }));
    const first = await world.plan();
    expect(first.plan.notices.map((notice) => notice.code)).toEqual(["spo-thumbnail-folder"]);
    expect(first.plan.notices[0]!.message).toContain("/User Photos/Images du profil does not exist yet");
    expect(spoSteps(first.plan)).toEqual(["ana@fabrikam.com create", "bruno@fabrikam.com create"]);
    expect(world.tenant.emulator.core.tenant.photoFolderExists()).toBe(false);
    const applied = await world.apply();
    expect(applied.code).toBe(0);
    expect(applied.report.counts).toMatchObject({ failed: 0 });
    expect(world.tenant.emulator.core.tenant.photoFolderExists()).toBe(true);
    expect(world.tenant.emulator.core.tenant.spoFile("/User Photos/Images du profil/bruno_fabrikam_com_LThumb.jpg")).toBeDefined();
    const again = await world.plan();
    expect(again.plan.notices).toEqual([]);
    expect(again.plan.counts).toMatchObject({ create: 0, update: 0, delete: 0, unknown: 0 });
  });

  it("a language photosync cannot name the folder in: SharePoint unknown, said once, nothing written there", async () => {
    world = await spoWorld(spoFixture({ locale: "es-ES", folder: "Imágenes de perfil" }));
    const first = await world.plan();
    expect(first.plan.notices.map((notice) => notice.code)).toEqual(["spo-thumbnail-folder"]);
    expect(first.plan.notices[0]!.fix).toMatch(/view their own profile/);
    expect(spoSteps(first.plan)).toEqual(["ana@fabrikam.com unknown", "bruno@fabrikam.com unknown"]);
    await world.apply();
    expect(world.tenant.emulator.core.tenant.photoFolderExists()).toBe(false);
    expect(world.tenant.emulator.core.tenant.findUser("ana@fabrikam.com")!.profile.PictureURL ?? "").toBe("");
  });
});
