/** The desired side of a plan through the stat index and the facts: plans never render, warm runs read no photo, changes are always seen, damage is rebuilt. */
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { renderPortrait } from "../../src/demo/portrait.js";
import { RenderCache } from "../../src/images/cache.js";
import type { DesiredState } from "../../src/manifest/types.js";
import { analyseDesired } from "../../src/plan/desired.js";
import type { DesiredImage } from "../../src/plan/model.js";
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

async function cacheFiles(suffix: string): Promise<string[]> {
  const entries = await readdir(path.join(cache.dir, "render"), { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith(suffix)).map((entry) => path.join(entry.parentPath, entry.name));
}

describe("analyseDesired with a cache", () => {
  it("analyses once without rendering, then answers from the facts alone with the same fingerprints", async () => {
    const first = await analyseDesired(state, state.users, cache);
    expect(first.stats).toMatchObject({ hits: 0, misses: 2, decodes: 2 });
    const files = await cacheFiles(".json");
    expect(files.filter((file) => !file.endsWith(".facts.json"))).toEqual([]);
    expect(files).toHaveLength(2);
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

  it("analyses again over corrupt facts, and results never differ from an uncached run", async () => {
    await analyseDesired(state, state.users, cache);
    for (const file of await cacheFiles(".facts.json")) await writeFile(file, '{"format":"photosync-render-facts","version":2}');
    const again = await analyseDesired(state, state.users, cache);
    expect(again.stats).toMatchObject({ hits: 0, misses: 2, decodes: 2 });
    const uncached = await analyseDesired(state, state.users, undefined);
    expect(Object.fromEntries(again.desired)).toEqual(Object.fromEntries(uncached.desired));
    const third = await analyseDesired(state, state.users, cache);
    expect(third.stats).toMatchObject({ hits: 2, misses: 0 });
  });

  it("a missing photo is a failed desired photo, not a crash", async () => {
    await rm(photoOf("megan@contoso.com"));
    const result = await analyseDesired(state, state.users, cache);
    expect(result.desired.get("megan@contoso.com")).toMatchObject({ state: "failed" });
    expect(result.desired.get("alex@contoso.com")).toMatchObject({ state: "rendered" });
  });
});
