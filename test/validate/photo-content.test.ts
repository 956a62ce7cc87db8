import { beforeAll, describe, expect, it } from "vitest";
import { checkPhotoBytes } from "../../src/validate/photo-content.js";
import { hostileCorpus } from "../support/hostile-images.js";

const options = { minSize: 240, render: { crop: "attention" as const, background: "#ffffff" } };

describe("photo content checks", () => {
  let corpus: Record<string, Buffer>;
  beforeAll(async () => {
    corpus = await hostileCorpus();
  });

  /** The findings, less the "below 648 px" warning every photo of this small corpus gets (tested on its own). */
  async function findings(name: string) {
    const result = await checkPhotoBytes(corpus[name]!, name, options);
    return result.findings.filter((finding) => finding.code !== "photo-small").map(({ severity, code, message }) => ({ severity, code, message }));
  }

  it.each([
    ["truncated.jpg", "photo-corrupt", "cannot be decoded as JPEG"],
    ["empty.jpg", "photo-empty", "is an empty file (0 bytes)"],
    ["text.jpg", "photo-type", "is not an image photosync recognises"],
    ["drawing.svg", "photo-svg", "is an SVG drawing"],
    ["bomb.png", "photo-too-many-pixels", "claims more than 100 megapixels; refused as a likely decompression bomb"],
    ["tiny.png", "photo-too-small", "is 16×16 px; photos need at least 240 px on the shorter side"],
    ["iphone.heic", "photo-heic", "export it as JPEG"],
    ["scan.pdf", "photo-type", "is a PDF document, not an image"],
  ])("refuses %s with %s", async (name, code, fragment) => {
    const result = await findings(name);
    expect(result).toEqual([{ severity: "error", code, message: expect.stringContaining(fragment) }]);
  });

  it.each(["cmyk.jpg", "deep.png", "portrait.jpg"])("accepts %s without remarks", async (name) => {
    expect(await findings(name)).toEqual([]);
  });

  it("warns that a grey PNG with transparency will be flattened onto the background", async () => {
    expect(await findings("grey-alpha.png")).toEqual([
      { severity: "warning", code: "photo-transparent", message: "has transparent areas; they will be filled with #ffffff" },
    ]);
  });

  it("warns that only the first frame of an animated GIF is used", async () => {
    expect(await findings("animated.gif")).toEqual([
      { severity: "warning", code: "photo-animated", message: "is an animated GIF with 2 frames; only the first frame is used" },
    ]);
  });

  it("warns that a non-square photo will be cropped", async () => {
    expect(await findings("wide.jpg")).toEqual([
      { severity: "warning", code: "photo-not-square", message: "is 600×400 px, not square; it will be cropped to 400×400" },
    ]);
  });

  it("trusts the bytes, not the name: a PNG named .jpg is accepted with a warning", async () => {
    const result = await checkPhotoBytes(corpus["png-named.jpg"]!, "png-named.jpg", options);
    expect(result.facts).toEqual({ format: "PNG", width: 400, height: 400 });
    expect(result.findings).toContainEqual(expect.objectContaining({ severity: "warning", code: "photo-extension", message: expect.stringContaining("really a PNG") }));
  });

  it("warns below 648 px, the size the services show best, as render does", async () => {
    const result = await checkPhotoBytes(corpus["portrait.jpg"]!, "portrait.jpg", options);
    expect(result.findings).toEqual([{ severity: "warning", code: "photo-small", message: "is 500×500 px; it will be uploaded at 500×500 px, never enlarged (648 px or more looks best)" }]);
  });

  it("refuses a file larger than 50 MiB before decoding it", async () => {
    const result = await checkPhotoBytes(Buffer.alloc(50 * 1024 * 1024 + 1), "huge.jpg", options);
    expect(result.findings).toEqual([expect.objectContaining({ severity: "error", code: "photo-too-large" })]);
  });

  it("names the accepted formats as people know them (AVIF yes, HEIF/HEIC no)", async () => {
    const [refusal] = (await checkPhotoBytes(corpus["text.jpg"]!, "text.jpg", options)).findings;
    expect(refusal!.message).toContain("JPEG, PNG, WebP, AVIF, TIFF or GIF");
    expect(refusal!.message).not.toMatch(/heif/i);
  });

  it("honours the manifest's minimum size", async () => {
    const result = await checkPhotoBytes(corpus["portrait.jpg"]!, "portrait.jpg", { ...options, minSize: 600 });
    expect(result.findings).toEqual([expect.objectContaining({ code: "photo-too-small", message: expect.stringContaining("is 500×500 px; photos need at least 600 px") })]);
  });
});
