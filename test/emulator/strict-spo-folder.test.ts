/**
 * The thumbnail folder of the My Site host's `User Photos` library, as SharePoint Online has it:
 * its name follows the My Site web's locale (switch `sharepoint.locale`; Microsoft's support
 * article on SharePoint Online profile picture sync: "the name of the folder will vary, depending
 * on what the My Site Host root web locale is set to"; PnP Core.ProfilePictureUploader readme:
 * the library stays `/User Photos`), and it may not exist yet (switch `sharepoint.thumbnailFolder`,
 * default missing unless the fixture seeds thumbnails) until SharePoint's own sync or a client
 * with write permission creates it.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Fixture } from "../../src/emulator/fixture.js";
import { DEMO_READER_CLIENT_ID, DEMO_WRITER_CLIENT_ID } from "../../src/emulator/index.js";
import { harness, type Harness } from "./helpers.js";

const apps: Fixture["apps"] = [
  { clientId: DEMO_READER_CLIENT_ID, certificates: ["generate"], roles: { graph: ["User.Read.All"], sharepoint: ["Sites.Read.All"] } },
  { clientId: DEMO_WRITER_CLIENT_ID, certificates: ["generate"], roles: { graph: ["ProfilePhoto.ReadWrite.All"], sharepoint: ["Sites.FullControl.All", "User.ReadWrite.All"] } },
];

function fixture(sharepoint: NonNullable<Fixture["tenant"]>["sharepoint"], seeded = false): Fixture {
  return {
    tenant: { domain: "fabrikam.onmicrosoft.com", name: "fabrikam", behaviour: "current", sharepoint },
    apps,
    users: [{ upn: "ana@fabrikam.com", ...(seeded ? { photos: { spo: { portrait: "ana" } } } : {}) }],
  };
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function spo(path: string, init: { method?: string; app?: "reader" | "writer"; body?: string } = {}) {
  const token = await h!.token({ app: init.app ?? "reader", resource: "sharepoint" });
  const response = await h!.http.fetch(`${h!.emu.endpoints.mySiteUrl}${path}`, {
    method: init.method ?? "GET",
    headers: { accept: "application/json;odata=nometadata", authorization: `Bearer ${token}` },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const text = await response.text();
  return { status: response.status, json: text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>) };
}

const library = "/_api/web/GetFolderByServerRelativePath(decodedurl='%2FUser%20Photos')";
const folderNames = async () => ((await spo(`${library}/Folders`)).json?.value as Array<{ Name: string }>).map((folder) => folder.Name);

describe("sharepoint.locale: the folder's name and the web's Language", () => {
  it("en-US (default): Language 1033, folder Profile Pictures next to the library's Forms", async () => {
    h = await harness({ fixture: fixture({}, true) });
    expect((await spo("/_api/web?$select=Language")).json).toEqual({ Language: 1033 });
    expect(await folderNames()).toEqual(["Forms", "Profile Pictures"]);
  });

  it("fr-FR: Language 1036, folder Images du profil; the library keeps its URL /User Photos", async () => {
    h = await harness({ fixture: fixture({ locale: "fr-FR" }, true) });
    expect((await spo("/_api/web?$select=Language")).json).toEqual({ Language: 1036 });
    expect(await folderNames()).toEqual(["Forms", "Images du profil"]);
    const files = await spo(`/_api/web/GetFolderByServerRelativePath(decodedurl='${encodeURIComponent("/User Photos/Images du profil")}')/Files?$select=Name`);
    expect((files.json?.value as Array<{ Name: string }>).map((file) => file.Name).sort()).toEqual(["ana_fabrikam_com_LThumb.jpg", "ana_fabrikam_com_MThumb.jpg", "ana_fabrikam_com_SThumb.jpg"]);
    // The English folder is not there.
    expect((await spo(`/_api/web/GetFolderByServerRelativePath(decodedurl='${encodeURIComponent("/User Photos/Profile Pictures")}')/Files`)).status).toBe(404);
  });

  it("pt-BR: Language 1046, folder Imagens de Perfil", async () => {
    h = await harness({ fixture: fixture({ locale: "pt-BR" }, true) });
    expect((await spo("/_api/web?$select=Language")).json).toEqual({ Language: 1046 });
    expect(await folderNames()).toEqual(["Forms", "Imagens de Perfil"]);
  });

  it("an explicit sharepoint.folder wins over the locale's name; a locale no source names needs one", async () => {
    h = await harness({ fixture: fixture({ locale: "es-ES", folder: "Imágenes de perfil" }, true) });
    expect((await spo("/_api/web?$select=Language")).json).toEqual({ Language: 3082 });
    expect(await folderNames()).toEqual(["Forms", "Imágenes de perfil"]);
    await h.close();
    h = undefined;
    await expect(harness({ fixture: fixture({ locale: "es-ES" }) })).rejects.toThrow(/give sharepoint\.folder/);
  });
});

describe("sharepoint.thumbnailFolder: missing until created", () => {
  it("missing by default without seeded thumbnails: not listed, uploads into it are 404", async () => {
    h = await harness({ fixture: fixture({ locale: "fr-FR" }) });
    expect(await folderNames()).toEqual(["Forms"]);
    const folder = `/_api/web/GetFolderByServerRelativePath(decodedurl='${encodeURIComponent("/User Photos/Images du profil")}')`;
    expect((await spo(`${folder}/Files`)).status).toBe(404);
    expect((await spo(`${folder}/Files/AddUsingPath(decodedurl='ana_fabrikam_com_MThumb.jpg',overwrite=true)`, { method: "POST", app: "writer", body: "x" })).status).toBe(404);
  });

  it("Folders/AddUsingPath creates it, with write permission only, and only under the locale's name", async () => {
    h = await harness({ fixture: fixture({ locale: "fr-FR" }) });
    const add = (name: string, app: "reader" | "writer") => spo(`${library}/Folders/AddUsingPath(DecodedUrl='${encodeURIComponent(name)}',overwrite=false)`, { method: "POST", app });
    expect((await add("Images du profil", "reader")).status).toBe(403);
    expect((await add("Profile Pictures", "writer")).status).toBe(400);
    const created = await add("Images du profil", "writer");
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ Name: "Images du profil", ServerRelativeUrl: "/User Photos/Images du profil" });
    expect(await folderNames()).toEqual(["Forms", "Images du profil"]);
  });

  it("web/folders/AddUsingPath with the full path creates it too; present (flipped) needs nothing", async () => {
    h = await harness({ fixture: fixture({}) });
    const created = await spo(`/_api/web/folders/AddUsingPath(DecodedUrl='${encodeURIComponent("/User Photos/Profile Pictures")}')`, { method: "POST", app: "writer" });
    expect(created.status).toBe(200);
    expect(await folderNames()).toEqual(["Forms", "Profile Pictures"]);
    await h.close();
    h = await harness({ fixture: fixture({ thumbnailFolder: "present" }) });
    expect(await folderNames()).toEqual(["Forms", "Profile Pictures"]);
  });

  it("SharePoint's own sync creates it as it writes a user's thumbnails", async () => {
    h = await harness({ fixture: { ...fixture({ locale: "pt-BR" }), users: [{ upn: "ana@fabrikam.com", photo: { portrait: "ana" } }] } });
    expect(await folderNames()).toEqual(["Forms"]);
    const view = await h.admin("/users/ana@fabrikam.com/view-profile", { method: "POST" });
    expect(((await view.json()) as { result: string }).result).toBe("copied");
    expect(await folderNames()).toEqual(["Forms", "Imagens de Perfil"]);
  });
});
