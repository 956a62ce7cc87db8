/**
 * SharePoint's own sync of a profile picture from the person's Graph photo, which runs when "the
 * user views their profile" (Microsoft's support article on SharePoint Online profile picture
 * sync; m365-facts.md): S 48, M 72 and L up to 300 wide keeping the source's proportions, then
 * PictureURL, SPS-PicturePlaceholderState 0, SPS-PictureExchangeSyncState (switch
 * `sharepoint.syncState`, default "1" for mailbox users, 0 without a mailbox) and a timestamp,
 * overwriting what a tool wrote. Fixture `photos.spo` seeding goes through the same sync.
 */
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { renderPortrait } from "../../src/demo/portrait.js";
import type { Fixture } from "../../src/emulator/fixture.js";
import { harness, type Harness } from "./helpers.js";

function fixture(sharepoint: NonNullable<Fixture["tenant"]>["sharepoint"] = {}): Fixture {
  return {
    tenant: { domain: "fabrikam.onmicrosoft.com", name: "fabrikam", behaviour: "current", sharepoint },
    apps: [{ clientId: "5f0d1c8e-0000-4000-a000-00000000b001", certificates: ["generate"], roles: { graph: ["User.Read.All"], sharepoint: ["Sites.Read.All"] } }],
    users: [
      { upn: "ana@fabrikam.com", photo: { portrait: "ana", size: 648 } },
      { upn: "tiny@fabrikam.com", photo: { portrait: "tiny", size: 96 } },
      { upn: "nomail@fabrikam.com", mailbox: "none", photos: { aad: { portrait: "nomail", size: 400 } } },
      { upn: "seeded@fabrikam.com", photos: { spo: { portrait: "seeded" } } },
    ],
  };
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

interface UserView {
  spo: { profile: Record<string, string>; files: Array<{ kind: string; exists: boolean }> };
}
const view = async (upn: string) => (await (await h!.admin(`/users/${upn}/view-profile`, { method: "POST" })).json()) as { result: string; user: UserView };
const size = async (upn: string, kind: string) => {
  const meta = await sharp(Buffer.from(await (await h!.admin(`/photos/spo/${upn}?kind=${kind}`)).arrayBuffer())).metadata();
  return `${meta.width}x${meta.height}`;
};

describe("SharePoint's own sync (POST /admin/users/{upn}/view-profile)", () => {
  it("writes S 48, M 72 and L 300 from a 648 px photo, and the profile properties it sets", async () => {
    h = await harness({ fixture: fixture() });
    const result = await view("ana@fabrikam.com");
    expect(result.result).toBe("copied");
    expect([await size("ana@fabrikam.com", "SThumb"), await size("ana@fabrikam.com", "MThumb"), await size("ana@fabrikam.com", "LThumb")]).toEqual(["48x48", "72x72", "300x300"]);
    expect(result.user.spo.profile).toMatchObject({
      PictureURL: "https://fabrikam-my.sharepoint.com:443/User%20Photos/Profile%20Pictures/ana_fabrikam_com_MThumb.jpg",
      "SPS-PicturePlaceholderState": "0",
      "SPS-PictureExchangeSyncState": "1",
    });
    expect(Number(result.user.spo.profile["SPS-PictureTimestamp"])).toBeGreaterThan(1_700_000_000);
  });

  it("L is at most 300 wide and never larger than the photo; proportions are kept", async () => {
    h = await harness({ fixture: fixture() });
    await view("tiny@fabrikam.com");
    expect(await size("tiny@fabrikam.com", "LThumb")).toBe("96x96");
    // A portrait-shaped Entra ID photo (Entra stores any dimension) keeps its shape in L.
    const tall = await sharp(await renderPortrait({ seed: "tall", width: 400, height: 400 })).resize(400, 500, { fit: "fill" }).jpeg().toBuffer();
    expect((await h.admin("/photos/aad/nomail@fabrikam.com?raw=1", { method: "PUT", raw: tall })).status).toBe(200);
    expect((await view("nomail@fabrikam.com")).result).toBe("copied");
    expect(await size("nomail@fabrikam.com", "LThumb")).toBe("300x375");
    expect(await size("nomail@fabrikam.com", "SThumb")).toBe("48x48");
  });

  it("the sync state it sets: syncState for mailbox users (switch, flipped to 0 here), 0 without a mailbox", async () => {
    h = await harness({ fixture: fixture({ syncState: "0" }) });
    expect((await view("ana@fabrikam.com")).user.spo.profile["SPS-PictureExchangeSyncState"]).toBe("0");
    await h.close();
    h = await harness({ fixture: fixture() });
    expect((await view("nomail@fabrikam.com")).user.spo.profile["SPS-PictureExchangeSyncState"]).toBe("0");
  });

  it("overwrites what a tool wrote", async () => {
    h = await harness({ fixture: fixture() });
    await view("ana@fabrikam.com");
    const tool = await sharp(await renderPortrait({ seed: "tool", width: 200, height: 200 })).jpeg().toBuffer();
    expect((await h.admin("/photos/spo/ana@fabrikam.com", { method: "PUT", raw: tool })).status).toBe(200);
    await view("ana@fabrikam.com");
    expect(await size("ana@fabrikam.com", "LThumb")).toBe("300x300");
  });

  it("fixture photos.spo seeding uses the same sync: SharePoint's sizes and properties", async () => {
    h = await harness({ fixture: fixture() });
    expect([await size("seeded@fabrikam.com", "SThumb"), await size("seeded@fabrikam.com", "MThumb"), await size("seeded@fabrikam.com", "LThumb")]).toEqual(["48x48", "72x72", "300x300"]);
    const user = (await (await h.admin("/users/seeded@fabrikam.com")).json()) as UserView;
    expect(user.spo.profile).toMatchObject({ "SPS-PicturePlaceholderState": "0", "SPS-PictureExchangeSyncState": "1" });
  });
});
