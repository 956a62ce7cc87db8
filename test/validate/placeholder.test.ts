/** `photosync validate` and the default picture (defaults.placeholder): checked once like any photo, never "unreferenced". */
import { afterEach, describe, expect, it } from "vitest";
import { renderPlaceholder } from "../../src/demo/portrait.js";
import { validateRepo } from "../../src/validate/validate.js";
import { hostileCorpus } from "../support/hostile-images.js";
import type { TempRepo } from "../support/temp-repo.js";
import { makeTempRepo, standardPhotos } from "../support/temp-repo.js";

const manifest = (users: string) => `version: 1
tenant: { id: contoso.onmicrosoft.com, stores: [exo, aad] }
defaults:
  placeholder: photos/_placeholder.png
users:
${users}`;

const repos: TempRepo[] = [];
afterEach(async () => {
  await Promise.all(repos.splice(0).map((repo) => repo.remove()));
});

async function validate(users: string, placeholder: Buffer) {
  const repo = await makeTempRepo(manifest(users), { ...(await standardPhotos()), "photos/_placeholder.png": placeholder });
  repos.push(repo);
  const report = await validateRepo(repo.manifest, "photos.yaml");
  return { report, problems: report.problems.map(({ severity, code, message, position }) => ({ severity, code, message, line: position?.line, column: position?.column })) };
}

describe("the default picture in validate", () => {
  it("is not an unreferenced photo, even when nobody is set to default yet, and counts as a photo", async () => {
    const { report, problems } = await validate("  alex.wilber@contoso.com: photos/alex.jpg\n  megan.bowen@contoso.com: photos/megan.png\n", await renderPlaceholder());
    expect(problems).toEqual([]);
    expect(report).toMatchObject({ valid: true, users: 2, photos: 2 + 1 });
  });

  it("is checked like any photo, once, at defaults.placeholder, however many people use it", async () => {
    const tiny = (await hostileCorpus())["tiny.png"]!;
    const { report, problems } = await validate("  alex.wilber@contoso.com: default\n  megan.bowen@contoso.com:\n    default: true\n", tiny);
    expect(report.valid).toBe(false);
    expect(problems.filter((problem) => problem.code !== "photo-unreferenced")).toEqual([
      {
        severity: "error",
        code: "photo-too-small",
        message: expect.stringMatching(/^defaults\.placeholder photos\/_placeholder\.png is 16×16 px; photos need at least 240 px/),
        line: 4,
        column: 16,
      },
    ]);
  });

  it("passes people set to default when the default picture is good", async () => {
    const { report, problems } = await validate("  alex.wilber@contoso.com: default\n", await renderPlaceholder());
    // alex.jpg and megan.png are in photos/ but nobody's now: the only warnings.
    expect(problems.map((problem) => [problem.code, problem.message.split(" ")[0]])).toEqual([
      ["photo-unreferenced", "photos/alex.jpg"],
      ["photo-unreferenced", "photos/megan.png"],
    ]);
    expect(report.valid).toBe(true);
  });
});
