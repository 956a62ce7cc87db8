/** photos.yaml edited in place: only the new lines appear, everything else stays byte for byte. */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { editManifest, ManifestEditError, renderEntry } from "../../src/manifest/edit.js";

const HAND_WRITTEN = `# The people photosync manages.
version: 1

users:
  # Adele, with odd spacing and an inline comment.
  adele.vance@contoso.com:    photos/adele.vance.jpg   # kept as it is
  'quoted@contoso.com': remove

  nestor.wilke@contoso.com:
    photo: photos/nestor.wilke.webp
    crop: { x: 0.5, y: 0.4 }
# Never touched.
ignore:
  - svc-*@contoso.com
`;

describe("editManifest", () => {
  it("adds entries after the last one and changes nothing else", () => {
    const edited = editManifest(HAND_WRITTEN, { entries: [{ upn: "alex.wilber@contoso.com" }, { upn: "megan.bowen@contoso.com", path: "photos/megan.bowen.png" }] });
    const [head, tail] = HAND_WRITTEN.split("# Never touched.\n");
    expect(edited).toBe(`${head}  alex.wilber@contoso.com:\n  megan.bowen@contoso.com: photos/megan.bowen.png\n# Never touched.\n${tail}`);
  });

  it("writes stores and a comment when the entry keeps only some stores", () => {
    const edited = editManifest("version: 1\nusers: {}\n", { entries: [{ upn: "grady.archie@contoso.com", stores: ["exo", "aad"], comment: "SharePoint shows no picture" }] });
    expect(edited).toBe("version: 1\nusers:\n  # SharePoint shows no picture\n  grady.archie@contoso.com:\n    stores: [exo, aad]\n");
    expect(parse(edited)).toEqual({ version: 1, users: { "grady.archie@contoso.com": { stores: ["exo", "aad"] } } });
  });

  it("adds users: when there is none, and placeholders as comments", () => {
    const edited = editManifest("version: 1\n", { entries: [{ upn: "a@contoso.com" }], placeholders: [{ upn: "jane@contoso.com", note: "no photo in Microsoft 365: add photos/jane.jpg" }] });
    expect(edited).toBe("version: 1\nusers:\n  a@contoso.com:\n  # jane@contoso.com:   # no photo in Microsoft 365: add photos/jane.jpg\n");
  });

  it("replaces an existing entry (--force), whatever its case, keeping the comment above it", () => {
    const edited = editManifest(HAND_WRITTEN, { entries: [{ upn: "ADELE.VANCE@contoso.com", path: "photos/adele.vance.png" }] });
    expect(edited).toBe(HAND_WRITTEN.replace("  adele.vance@contoso.com:    photos/adele.vance.jpg   # kept as it is\n", "  adele.vance@contoso.com: photos/adele.vance.png\n"));
  });

  it("quotes a UPN that YAML would otherwise misread", () => {
    expect(renderEntry({ upn: "o'brien@contoso.com" })).toEqual(["o'brien@contoso.com:"]);
    const edited = editManifest("users: {}\n", { entries: [{ upn: "#odd: name@contoso.com", path: "photos/odd.jpg" }] });
    expect(parse(edited)).toEqual({ users: { "#odd: name@contoso.com": "photos/odd.jpg" } });
  });

  it("refuses a document it cannot edit safely", () => {
    expect(() => editManifest("users: [a, b]\n", { entries: [{ upn: "a@contoso.com" }] })).toThrow(ManifestEditError);
    expect(() => editManifest("users: {\n", { entries: [{ upn: "a@contoso.com" }] })).toThrow(ManifestEditError);
    // Entries in flow style would have to be rewritten: refused rather than lost.
    expect(() => editManifest("users: { b@contoso.com: photos/b.jpg }\n", { entries: [{ upn: "a@contoso.com" }] })).toThrow(/flow style/);
  });
});
