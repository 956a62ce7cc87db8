/** `photosync render` on a copy of the example repo: files, sizes, contact sheet, skips, errors, cache. */
import { Command } from "commander";
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CONTACT_SHEET, INDEX_FILE, registerRender, userDirName } from "../../src/cli/commands/render.js";
import { RENDER_MARKER } from "../../src/cli/render-output.js";
import { renderVariants } from "../../src/images/variants.js";
import type { CliIo } from "../../src/cli/io.js";

const exampleRepo = path.resolve(import.meta.dirname, "../..");
let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "photosync-render-"));
  await cp(path.join(exampleRepo, "photos.yaml"), path.join(root, "photos.yaml"));
  await cp(path.join(exampleRepo, "photos"), path.join(root, "photos"), { recursive: true });
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function render(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  let code = 0;
  const io: CliIo = {
    cwd: root,
    env: {},
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
  };
  const program = new Command("photosync").exitOverride();
  registerRender(program, { io, setExitCode: (value) => (code = value) });
  await program.parseAsync(["render", ...args], { from: "user" });
  return { code, stdout, stderr };
}

const RENDERED = [
  "adele.vance@contoso.com",
  "alex.wilber@contoso.com",
  "isaiah.langer@contoso.com",
  "lee.gu@contoso.com",
  "megan.bowen@contoso.com",
  "nestor.wilke@contoso.com",
  "patti.fernandez_fabrikam.com#EXT#@contoso.onmicrosoft.com",
];

describe("photosync render", () => {
  it("writes every user's variants at the right sizes, an index and a contact sheet; skips removals", async () => {
    const result = await render(["--out", "out"]);
    expect(result.stderr).not.toMatch(/✗|error/);
    expect(result.code).toBe(0);
    const out = path.join(root, "out");
    const entries = (await readdir(out)).sort();
    expect(entries).toEqual([...RENDERED.map(userDirName), CONTACT_SHEET, INDEX_FILE, RENDER_MARKER].sort());
    expect(result.stdout).toMatch(/skipped \(photo to be removed\): pradeep\.gupta@contoso\.com/);

    const sizes = { graph: 648, "spo-S": 48, "spo-M": 72, "spo-L": 200 };
    for (const upn of RENDERED) {
      for (const [name, edge] of Object.entries(sizes)) {
        const meta = await sharp(await readFile(path.join(out, userDirName(upn), `${name}.jpg`))).metadata();
        expect([meta.format, meta.width, meta.height, meta.exif], `${upn} ${name}`).toEqual(["jpeg", edge, edge, undefined]);
      }
    }
    const sheet = await sharp(await readFile(path.join(out, CONTACT_SHEET))).metadata();
    expect(sheet.format).toBe("png");
    // 7 photos: 4 columns of 208 px, 2 rows of 254 px (photo, three label lines, gap), plus the outer gap.
    expect([sheet.width, sheet.height]).toEqual([8 + 4 * 208, 8 + 2 * 254]);

    const index = JSON.parse(await readFile(path.join(out, INDEX_FILE), "utf8")) as Array<{ upn: string; variants: { graph: { fingerprint: { hash: string } } } }>;
    // In manifest order, whatever order the renders finished in.
    expect(index.map((entry) => entry.upn)).toEqual([0, 1, 4, 3, 5, 2, 6].map((i) => RENDERED[i]));
    for (const entry of index) expect(entry.variants.graph.fingerprint.hash).toMatch(/^[0-9a-f]{16}$/);
  });

  it("renders the default picture for a person set to default, with defaults' crop and background", async () => {
    const manifest = path.join(root, "photos.yaml");
    const text = await readFile(manifest, "utf8");
    await writeFile(manifest, text.replace("lee.gu@contoso.com: photos/lee.gu.jpg", "lee.gu@contoso.com: default"));
    const result = await render(["--out", "out", "--users", "lee.gu@contoso.com"]);
    expect(result.code).toBe(0);
    const index = JSON.parse(await readFile(path.join(root, "out", INDEX_FILE), "utf8")) as Array<{ upn: string; photo: string }>;
    expect(index.map(({ upn, photo }) => ({ upn, photo }))).toEqual([{ upn: "lee.gu@contoso.com", photo: "photos/_placeholder.png" }]);
    const expected = await renderVariants(await readFile(path.join(root, "photos", "_placeholder.png")), { crop: "attention", background: "#ffffff" }, { small: 48, medium: 72, large: 200 });
    for (const name of ["graph", "spo-S", "spo-M", "spo-L"] as const) {
      const written = await readFile(path.join(root, "out", userDirName("lee.gu@contoso.com"), `${name}.jpg`));
      expect(written.equals(expected.variants[name].bytes), name).toBe(true);
    }
  });

  it("renders only the users asked for, and uses the cache the second time", async () => {
    const first = await render(["--out", "out", "--users", "Lee.Gu@contoso.com, megan.bowen@contoso.com"]);
    expect(first.code).toBe(0);
    expect((await readdir(path.join(root, "out"))).sort()).toEqual([RENDER_MARKER, CONTACT_SHEET, INDEX_FILE, "lee.gu@contoso.com", "megan.bowen@contoso.com"].sort());
    expect(first.stdout).toMatch(/Rendered 2 of 2 photo\(s\)/);
    expect(first.stdout).not.toMatch(/from cache/);
    // The cache lives in the repo's git-ignored .photosync directory.
    expect((await readdir(path.join(root, ".photosync", "cache", "render"))).length).toBeGreaterThan(0);

    const second = await render(["--out", "out", "--users", "lee.gu@contoso.com,megan.bowen@contoso.com"]);
    expect(second.stdout).toMatch(/Rendered 2 of 2 photo\(s\) .*\(2 from cache\)/);
    const third = await render(["--out", "out", "--users", "lee.gu@contoso.com", "--no-cache"]);
    expect(third.stdout).not.toMatch(/from cache/);
  });

  it("warns about a photo below 648 px, and still renders it", async () => {
    const small = await sharp(await readFile(path.join(root, "photos", "lee.gu.jpg"))).resize(300, 330).jpeg().toBuffer();
    await writeFile(path.join(root, "photos", "lee.gu.jpg"), small);
    const result = await render(["--out", "out", "--users", "lee.gu@contoso.com"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/lee\.gu@contoso\.com: 300 px/);
    expect(result.stdout).toMatch(/! source is 300x330: below 648 px, so the photo is 300x300 \(never enlarged\)/);
    expect((await sharp(await readFile(path.join(root, "out", "lee.gu@contoso.com", "graph.jpg"))).metadata()).width).toBe(300);
  });

  it("refuses a photo below minSize with validate's line, and renders nothing (exit 1)", async () => {
    const small = await sharp(await readFile(path.join(root, "photos", "lee.gu.jpg"))).resize(200, 220).jpeg().toBuffer();
    await writeFile(path.join(root, "photos", "lee.gu.jpg"), small);
    const result = await render(["--out", "out"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^photos\.yaml:\d+:\d+ error: lee\.gu@contoso\.com: photo photos\/lee\.gu\.jpg is 200×220 px; photos need at least 240 px .*\[photo-too-small\]$/m);
    expect(result.stderr).toContain("nothing was rendered");
    expect(result.stdout).toBe("");
    await expect(readdir(path.join(root, "out"))).rejects.toThrow(/ENOENT/);
  });

  it("refuses users that are not in the manifest", async () => {
    const result = await render(["--out", "out", "--users", "nobody@contoso.com"]);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain("--users: not in the manifest: nobody@contoso.com");
  });

  it("refuses a photo that is not an image with validate's line, renders nothing, and exits 1", async () => {
    await writeFile(path.join(root, "photos", "lee.gu.jpg"), "this is not a JPEG");
    const result = await render(["--out", "out"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^photos\.yaml:\d+:\d+ error: lee\.gu@contoso\.com: photo photos\/lee\.gu\.jpg is not an image photosync recognises .*\[photo-type\]$/m);
    await expect(readdir(path.join(root, "out"))).rejects.toThrow(/ENOENT/);
  });

  it("exits 1 without rendering when the manifest cannot be read", async () => {
    const result = await render(["--manifest", "missing.yaml", "--out", "out"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/missing\.yaml does not exist/);
  });

  it("removes what an earlier render wrote that this one does not, and nothing else", async () => {
    expect((await render(["--out", "out"])).code).toBe(0);
    const out = path.join(root, "out");
    await writeFile(path.join(out, "notes.txt"), "mine");
    await writeFile(path.join(out, userDirName("adele.vance@contoso.com"), "notes.txt"), "mine too");
    const second = await render(["--out", "out", "--users", "lee.gu@contoso.com"]);
    expect(second.code).toBe(0);
    // Adele's folder stays only for the file photosync did not write.
    expect((await readdir(out)).sort()).toEqual([RENDER_MARKER, CONTACT_SHEET, INDEX_FILE, "adele.vance@contoso.com", "lee.gu@contoso.com", "notes.txt"].sort());
    expect(await readdir(path.join(out, "adele.vance@contoso.com"))).toEqual(["notes.txt"]);
    // A render with no photo to show (only someone whose photo is to be removed) leaves no contact sheet of the earlier one behind.
    const third = await render(["--out", "out", "--users", "pradeep.gupta@contoso.com"]);
    expect(third.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual([RENDER_MARKER, INDEX_FILE, "adele.vance@contoso.com", "notes.txt"].sort());
  });

  it("refuses to write into a folder it did not make, or inside photos/ (exit 64)", async () => {
    await writeFile(path.join(root, "index.json"), "someone else's");
    const busy = await render(["--out", "."]);
    expect(busy.code).toBe(64);
    expect(busy.stderr).toContain("not empty and not written by photosync render");
    expect(await readFile(path.join(root, "index.json"), "utf8")).toBe("someone else's");
    for (const out of ["photos", "photos/review", "./photos/../photos/x"]) {
      const inside = await render(["--out", out]);
      expect(inside.code, out).toBe(64);
      expect(inside.stderr).toContain("inside photos/");
    }
    expect((await readdir(path.join(root, "photos"))).every((name) => /\.(jpg|png|webp)$/.test(name))).toBe(true);
  });
});

describe("userDirName", () => {
  it("keeps a plain UPN readable, lower-cased", () => {
    expect(userDirName("Lee.Gu@Contoso.com")).toBe("lee.gu@contoso.com");
    expect(userDirName("patti.fernandez_fabrikam.com#EXT#@contoso.onmicrosoft.com")).toBe("patti.fernandez_fabrikam.com#ext#@contoso.onmicrosoft.com");
  });

  it("gives distinct UPNs distinct folders, also on a case-insensitive file system", () => {
    const upns = ["zo_@contoso.com", "zoë@contoso.com", "zoé@contoso.com", "zo?@contoso.com", "zo*@contoso.com", "zo%@contoso.com", "zo%25@contoso.com", "zo%3F@contoso.com", "zo/@contoso.com", "zo\\@contoso.com", "zo @contoso.com", "zo:@contoso.com", "zo@contoso.com."];
    const names = upns.map(userDirName);
    expect(new Set(names).size).toBe(upns.length);
    expect(new Set(names.map((name) => name.toLowerCase())).size).toBe(upns.length);
    for (const name of names) expect(name, name).toMatch(/^[a-z0-9._@#+%A-F-]+$/);
    // The same person, however the UPN is cased, keeps one folder.
    expect(userDirName("ZOË@contoso.com")).toBe(userDirName("zoë@contoso.com"));
  });

  it("never names a folder . or .., or ending in a dot (Windows drops it)", () => {
    for (const upn of [".", "..", "a@b."]) expect(userDirName(upn)).not.toMatch(/^\.+$|\.$/);
  });
});
