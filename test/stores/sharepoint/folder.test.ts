/** Choosing the thumbnail folder of the User Photos library (pure): any language, never Forms. */
import { describe, expect, it } from "vitest";
import { chooseThumbnailFolder, thumbnailFolderNotice } from "../../../src/stores/sharepoint/folder.js";

const forms = { name: "Forms", itemCount: 0 };

describe("chooseThumbnailFolder", () => {
  it("the language's name, else the only folder besides Forms, whatever its name; with the files it counts", () => {
    expect(chooseThumbnailFolder([forms, { name: "Images du profil", itemCount: 3 }, { name: "Old", itemCount: 0 }], 1036)).toEqual({ state: "found", path: "/User Photos/Images du profil", itemCount: 3 });
    expect(chooseThumbnailFolder([forms, { name: "Fotos de perfil", itemCount: 3 }], 3082)).toEqual({ state: "found", path: "/User Photos/Fotos de perfil", itemCount: 3 });
  });

  it("among several, the one holding _MThumb.jpg files; none or more: unknown", () => {
    const two = [forms, { name: "A", itemCount: 1, holdsThumbnails: false }, { name: "B", itemCount: 9, holdsThumbnails: true }];
    expect(chooseThumbnailFolder(two, 3082)).toEqual({ state: "found", path: "/User Photos/B", itemCount: 9 });
    expect(chooseThumbnailFolder(two.map((folder) => ({ ...folder, holdsThumbnails: false })), 3082).state).toBe("unknown");
  });

  it("no folder: missing under the language's name, or unknown when photosync does not know it", () => {
    expect(chooseThumbnailFolder([forms], 1046)).toEqual({ state: "missing", path: "/User Photos/Imagens de Perfil", language: 1046 });
    const unknown = chooseThumbnailFolder([forms], 3082);
    expect(unknown.state).toBe("unknown");
    expect(thumbnailFolderNotice(unknown)).toMatchObject({ code: "spo-thumbnail-folder", service: "sharepoint" });
    expect(thumbnailFolderNotice({ state: "found", path: "/User Photos/Profile Pictures" })).toBeUndefined();
  });
});
