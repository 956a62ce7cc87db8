import { beforeAll, describe, expect, it } from "vitest";
import { checkPhotoBytes } from "../../src/validate/photo-content.js";
import { hostileCorpus } from "../support/hostile-images.js";

const options = { minSize: 240, background: "#ffffff" };

describe("photo content checks", () => {
  let corpus: Record<string, Buffer>;
  beforeAll(async () => {
    corpus = await hostileCorpus();
  });

  async function findings(name: string) {
    const result = await checkPhotoBytes(corpus[name]!, name, options);
    return result.findings.map(({ severity, code, message }) => ({ severity, code, message }));
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
    expect(result.findings).toEqual([expect.objectContaining({ severity: "warning", code: "photo-extension", message: expect.stringContaining("really a PNG") })]);
  });

  it("honours the manifest's minimum size", async () => {
    const result = await checkPhotoBytes(corpus["portrait.jpg"]!, "portrait.jpg", { ...options, minSize: 600 });
    expect(result.findings).toEqual([expect.objectContaining({ code: "photo-too-small", message: expect.stringContaining("is 500×500 px; photos need at least 600 px") })]);
  });
});
