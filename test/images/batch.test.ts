/** Choosing what to render from a desired state, and rendering many photos with per-photo errors. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderPortrait } from "../../src/demo/portrait.js";
import { renderAll, renderJobs } from "../../src/images/batch.js";
import type { DesiredState, DesiredUser } from "../../src/model/desired.js";
import { settings } from "./helpers.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "photosync-batch-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function user(upn: string, photo: DesiredUser["photo"], render = settings()): DesiredUser {
  return { upn, photo, stores: ["exo", "aad", "spo"], storesOverridden: false, render, position: { file: "photos.yaml", line: 1, column: 1 } };
}

function state(users: DesiredUser[]): DesiredState {
  return {
    manifestPath: path.join(dir, "photos.yaml"),
    rootDir: dir,
    tenant: {
      id: "contoso.onmicrosoft.com",
      stores: ["exo", "aad", "spo"],
      sharepoint: { mySiteHost: "m", adminHost: "a", thumbnails: { small: 40, medium: 60, large: 120 }, exchangeSyncState: 0 },
    },
    defaults: { photo: "photos/{alias}.jpg", render: settings(), minSize: 240 },
    safety: { maxUpdateShare: 0.3, maxRemoveShare: 0.1, minManagedForShare: 10 },
    ignore: [],
    users,
  };
}

const photo = (name: string): DesiredUser["photo"] => ({
  kind: "photo",
  path: `photos/${name}`,
  absolutePath: path.join(dir, name),
  position: { file: "photos.yaml", line: 1, column: 1 },
});

describe("renderJobs", () => {
  const desired = () =>
    state([
      user("Alex@Contoso.com", photo("alex.jpg"), settings({ crop: "attention" })),
      user("gone@contoso.com", { kind: "remove" }),
      user("megan@contoso.com", photo("megan.jpg")),
    ]);

  it("renders every user with a photo, with their settings and the tenant's thumbnail sizes; skips removals", () => {
    const { jobs, removed, unknown } = renderJobs(desired());
    expect(jobs.map((j) => j.upn)).toEqual(["Alex@Contoso.com", "megan@contoso.com"]);
    expect(jobs[0]).toMatchObject({ settings: { crop: "attention" }, thumbnails: { small: 40, medium: 60, large: 120 } });
    expect(removed).toEqual(["gone@contoso.com"]);
    expect(unknown).toEqual([]);
  });

  it("selects users case-insensitively and names the ones not in the manifest", () => {
    const { jobs, removed, unknown } = renderJobs(desired(), ["alex@contoso.com", "GONE@contoso.com", "nobody@contoso.com"]);
    expect(jobs.map((j) => j.upn)).toEqual(["Alex@Contoso.com"]);
    expect(removed).toEqual(["gone@contoso.com"]);
    expect(unknown).toEqual(["nobody@contoso.com"]);
  });
});

describe("renderAll", () => {
  it("renders the good photos, reports each bad one, returns outcomes in job order and reports progress", async () => {
    await writeFile(path.join(dir, "alex.jpg"), await renderPortrait({ seed: "alex", width: 300, height: 300 }));
    await writeFile(path.join(dir, "broken.jpg"), "this is not a JPEG");
    await writeFile(path.join(dir, "megan.jpg"), await renderPortrait({ seed: "megan", width: 300, height: 300 }, "png"));
    const { jobs } = renderJobs(
      state([
        user("alex@contoso.com", photo("alex.jpg")),
        user("broken@contoso.com", photo("broken.jpg")),
        user("missing@contoso.com", photo("missing.jpg")),
        user("megan@contoso.com", photo("megan.jpg")),
      ]),
    );
    const progress: Array<[number, number, string]> = [];
    const { outcomes, stats } = await renderAll(jobs, {
      concurrency: 2,
      onProgress: (done, total, outcome) => progress.push([done, total, outcome.job.upn]),
    });
    expect(outcomes.map((o) => [o.job.upn, o.ok])).toEqual([
      ["alex@contoso.com", true],
      ["broken@contoso.com", false],
      ["missing@contoso.com", false],
      ["megan@contoso.com", true],
    ]);
    const errors = outcomes.flatMap((o) => (o.ok ? [] : [o.error]));
    expect(errors[0]).toMatch(/unsupported image format|Input buffer/);
    expect(errors[1]).toMatch(/ENOENT/);
    expect(progress.map(([done, total]) => `${done}/${total}`)).toEqual(["1/4", "2/4", "3/4", "4/4"]);
    expect(new Set(progress.map(([, , upn]) => upn)).size).toBe(4);
    // The broken file was handed to sharp (and refused); the missing one never got that far.
    expect(stats.decodes).toBe(3);
    const megan = outcomes[3]!;
    if (!megan.ok) throw new Error(megan.error);
    expect(megan.photo.variants["spo-L"].edge).toBe(120);
  });
});
