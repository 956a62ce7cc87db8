/**
 * Fidelity: the thumbnail folder is named in the My Site host's language ("Images du profil",
 * "Imagens de Perfil"; Microsoft's support article on SharePoint Online profile picture sync,
 * m365-facts.md). Emulator switch `sharepoint.locale`. photosync finds the folder from the
 * `User Photos` library and writes there: plan → apply --yes → plan converges.
 */
import { afterEach, describe, expect, it } from "vitest";
import { spoFixture, spoSteps, spoWorld, type SpoWorld } from "./spo-world.js";

let world: SpoWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe.each([
  ["fr-FR", "Images du profil"],
  ["pt-BR", "Imagens de Perfil"],
])("a %s My Site", (locale, folder) => {
  it(`writes the thumbnails into /User Photos/${folder}, points PictureURL there, and converges`, async () => {
    world = await spoWorld(spoFixture({ locale, thumbnailFolder: "present" }));
    const first = await world.plan();
    expect(first.code).toBe(2);
    expect(spoSteps(first.plan)).toEqual(["ana@fabrikam.com create", "bruno@fabrikam.com create"]);
    expect(first.plan.notices).toEqual([]);
    const applied = await world.apply();
    expect(applied.code).toBe(0);
    expect(applied.report.counts).toMatchObject({ failed: 0 });
    const state = world.tenant.emulator.core.tenant;
    expect(state.spoFile(`/User Photos/${folder}/ana_fabrikam_com_MThumb.jpg`)).toBeDefined();
    expect(state.spoFile("/User Photos/Profile Pictures/ana_fabrikam_com_MThumb.jpg")).toBeUndefined();
    expect(decodeURI(new URL(state.findUser("ana@fabrikam.com")!.profile.PictureURL!).pathname)).toBe(`/User Photos/${folder}/ana_fabrikam_com_MThumb.jpg`);
    const again = await world.plan();
    expect(again.code).toBe(0);
    expect(again.plan.counts).toMatchObject({ create: 0, update: 0, delete: 0, unknown: 0 });
  });
});
