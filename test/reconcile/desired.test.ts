/** The desired side of a plan through the stat index and the facts: plans never render, warm runs read no photo, changes are always seen, damage is rebuilt. */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { renderPortrait } from "../../src/demo/portrait.js";
import { RenderCache, cacheKeyForHash } from "../../src/images/cache.js";
import { sha256 } from "../../src/images/variants.js";
import type { DesiredState } from "../../src/model/desired.js";
import { analyseDesired } from "../../src/reconcile/desired.js";
import type { DesiredImage } from "../../src/model/plan.js";
import { desiredState, desiredUser } from "../support/plan-fixtures.js";

let dir: string;
let state: DesiredState;
let cache: RenderCache;

function photoOf(upn: string): string {
  return path.join(dir, "photos", `${upn.split("@")[0]}.jpg`);
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "photosync-desired-"));
  const users = ["alex@contoso.com", "megan@contoso.com"].map((upn) => {
    const user = desiredUser(upn);
    return { ...user, photo: { ...user.photo, absolutePath: photoOf(upn) } } as typeof user;
  });
  state = { ...desiredState(users), rootDir: dir };
  await mkdir(path.join(dir, "photos"));
  for (const user of users) await writeFile(photoOf(user.upn), await renderPortrait({ seed: user.upn, width: 400, height: 480 }));
  cache = new RenderCache(path.join(dir, ".photosync", "cache"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const hash = (image: DesiredImage | undefined): string | undefined => (image?.state === "rendered" ? image.graph.fingerprint.hash : undefined);

const factsFile = (): string => path.join(cache.dir, "facts.jsonl");

/** The keys the facts file holds (a line per photo after the format line). */
async function factsKeys(): Promise<string[]> {
  const [, ...lines] = (await readFile(factsFile(), "utf8")).trim().split("\n");
  return lines.map((line) => (JSON.parse(line) as [string, unknown])[0]);
}

describe("analyseDesired with a cache", () => {
  it("analyses once without rendering, then answers from the facts alone with the same fingerprints", async () => {
    const first = await analyseDesired(state, state.users, cache);
    expect(first.stats).toMatchObject({ hits: 0, misses: 2, decodes: 2 });
    expect(existsSync(path.join(cache.dir, "render"))).toBe(false);
    expect(await factsKeys()).toHaveLength(2);
    const second = await analyseDesired(state, state.users, cache);
    expect(second.stats).toMatchObject({ hits: 2, misses: 0, decodes: 0 });
    for (const upn of ["alex@contoso.com", "megan@contoso.com"]) expect(second.desired.get(upn)).toEqual(first.desired.get(upn));
  });

  it("sees a photo changed in place (same path) and analyses the new one", async () => {
    const first = await analyseDesired(state, state.users, cache);
    await writeFile(photoOf("alex@contoso.com"), await renderPortrait({ seed: "someone else", width: 400, height: 480 }));
    const second = await analyseDesired(state, state.users, cache);
    expect(second.stats).toMatchObject({ hits: 1, misses: 1 });
    expect(hash(second.desired.get("alex@contoso.com"))).not.toBe(hash(first.desired.get("alex@contoso.com")));
    const uncached = await analyseDesired(state, state.users, undefined);
    expect(second.desired.get("alex@contoso.com")).toEqual(uncached.desired.get("alex@contoso.com"));
    expect(second.desired.get("megan@contoso.com")).toEqual(first.desired.get("megan@contoso.com"));
  });

  it("analyses again over damaged facts, and results never differ from an uncached run", async () => {
    await analyseDesired(state, state.users, cache);
    const [formatLine, ...lines] = (await readFile(factsFile(), "utf8")).trim().split("\n");
    // One entry torn mid-line, the other with an edge that is not a size.
    const [key, facts] = JSON.parse(lines[1]!) as [string, { edges: Record<string, number> }];
    const damaged = [formatLine, lines[0]!.slice(0, 100), JSON.stringify([key, { ...facts, edges: { ...facts.edges, graph: -1 } }])];
    await writeFile(factsFile(), `${damaged.join("\n")}\n`);
    const again = await analyseDesired(state, state.users, cache);
    expect(again.stats).toMatchObject({ hits: 0, misses: 2, decodes: 2 });
    const uncached = await analyseDesired(state, state.users, undefined);
    expect(Object.fromEntries(again.desired)).toEqual(Object.fromEntries(uncached.desired));
    const third = await analyseDesired(state, state.users, cache);
    expect(third.stats).toMatchObject({ hits: 2, misses: 0 });
  });

  it("ignores a facts file of another format", async () => {
    await analyseDesired(state, state.users, cache);
    const [, ...lines] = (await readFile(factsFile(), "utf8")).trim().split("\n");
    await writeFile(factsFile(), `${JSON.stringify({ format: "photosync.render-facts/v0" })}\n${lines.join("\n")}\n`);
    expect((await analyseDesired(state, state.users, cache)).stats).toMatchObject({ hits: 0, misses: 2 });
  });

  it("keeps one entry per photo: a plan of everyone drops the facts of a replaced photo, a plan of some keeps the others'", async () => {
    // The cache key of a person's photo as it is now on disk.
    const keyOf = async (upn: string): Promise<string> => {
      const user = state.users.find((candidate) => candidate.upn === upn)!;
      return cacheKeyForHash(sha256(await readFile(photoOf(upn))), user.render, state.tenant.sharepoint.thumbnails);
    };
    await analyseDesired(state, state.users, cache);
    const [alexBefore, megan] = [await keyOf("alex@contoso.com"), await keyOf("megan@contoso.com")];
    expect((await factsKeys()).sort()).toEqual([alexBefore, megan].sort());
    await writeFile(photoOf("alex@contoso.com"), await renderPortrait({ seed: "a new photo", width: 400, height: 480 }));
    const alexAfter = await keyOf("alex@contoso.com");
    await analyseDesired(state, state.users.filter((user) => user.upn.startsWith("alex")), cache);
    expect((await factsKeys()).sort()).toEqual([alexBefore, megan, alexAfter].sort());
    await analyseDesired(state, state.users, cache);
    expect((await factsKeys()).sort()).toEqual([megan, alexAfter].sort());
  });

  it("a photo removed since loading is validate's positioned problem for that person, not a crash", async () => {
    await rm(photoOf("megan@contoso.com"));
    const result = await analyseDesired(state, state.users, cache);
    expect(result.desired.has("megan@contoso.com")).toBe(false);
    expect(result.problems.filter((problem) => problem.severity === "error")).toEqual([expect.objectContaining({ severity: "error", code: "photo-unreadable", message: expect.stringMatching(/^megan@contoso\.com: photo photos\/\S+ cannot be read \(ENOENT\)$/), position: expect.objectContaining({ line: expect.any(Number) }) })]);
    expect(result.desired.get("alex@contoso.com")).toMatchObject({ state: "rendered" });
  });

  it("finds a photo below minSize from the cached facts too, without reading it again", async () => {
    await analyseDesired(state, state.users, cache);
    const strict = { ...state, defaults: { ...state.defaults, minSize: 5000 } };
    const result = await analyseDesired(strict, strict.users, cache);
    expect(result.stats.hits).toBe(strict.users.length);
    expect(result.problems.filter((problem) => problem.code === "photo-too-small")).toHaveLength(strict.users.length);
  });
});

describe("analyseDesired and the default picture", () => {
  it("analyses the default picture once for everyone set to default, and says its problem once", async () => {
    const file = path.join(dir, "photos", "_placeholder.png");
    const placeholder = { path: "photos/_placeholder.png", absolutePath: file, position: { file: "photos.yaml", line: 4, column: 16 } };
    const users = ["erin@contoso.com", "frank@contoso.com", "grace@contoso.com"].map((upn) => ({ ...desiredUser(upn), photo: { kind: "default" as const, ...placeholder } }));
    const withDefaults = { ...state, defaults: { ...state.defaults, placeholder }, users };

    await writeFile(file, await renderPortrait({ seed: "silhouette", width: 648, height: 648 }, "png"));
    const good = await analyseDesired(withDefaults, users, undefined);
    expect(good.stats).toMatchObject({ decodes: 1 });
    expect(new Set(users.map((user) => hash(good.desired.get(user.upn))))).toHaveProperty("size", 1);
    expect(good.problems).toEqual([]);

    await writeFile(file, await renderPortrait({ seed: "silhouette", width: 100, height: 100 }, "png"));
    const small = await analyseDesired(withDefaults, users, undefined);
    expect(small.problems.map(({ code, message, position }) => ({ code, message: message.split(" is ")[0], line: position?.line }))).toEqual([
      { code: "photo-too-small", message: "defaults.placeholder photos/_placeholder.png", line: 4 },
    ]);
  });
});
