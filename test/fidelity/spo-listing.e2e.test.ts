/**
 * Fidelity: the thumbnails' ETags come from the User Photos library's list items, paged by item ID
 * (`odata.nextLink`, `$skiptoken=Paged=TRUE&p_ID=…`), not from one read per file. Emulator switch
 * `sharepoint.listPageLimit` makes pages of two items, so a two-person tenant takes four pages and
 * a client that stops after the first would miss a thumbnail. A changed thumbnail is found from the
 * listing alone; a listing that fails makes SharePoint unknown for everyone, never drift.
 */
import { afterEach, describe, expect, it } from "vitest";
import { renderPortrait } from "../../src/demo/portrait.js";
import { spoFixture, spoSteps, spoWorld, type SpoWorld } from "./spo-world.js";

let world: SpoWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** SharePoint requests (batch parts included) whose endpoint matches `pattern`. */
function sharePointRequests(current: SpoWorld, pattern: RegExp): number {
  return Object.entries(current.tenant.emulator.admin.counters().endpoints)
    .filter(([endpoint]) => endpoint.startsWith("sharepoint ") && pattern.test(endpoint))
    .reduce((sum, [, count]) => sum + count.count, 0);
}
const etagReads = (current: SpoWorld) => sharePointRequests(current, /getFileByServerRelativePath\([^)]*\)( \(batch item\))?$/i);
const downloads = (current: SpoWorld) => sharePointRequests(current, /getFileByServerRelativePath\([^)]*\)\/\$value/i);
const listingPages = (current: SpoWorld) => sharePointRequests(current, /getList\('…'\)\/items/i);

async function appliedWorld(): Promise<SpoWorld> {
  const current = await spoWorld(spoFixture({ thumbnailFolder: "present", listPageLimit: 2 }));
  const applied = await current.apply();
  expect(applied.code).toBe(0);
  expect(applied.report.counts).toMatchObject({ failed: 0 });
  current.tenant.emulator.admin.resetCounters();
  return current;
}

describe("thumbnails read from a paged listing of the library", () => {
  it("follows every page: after apply a plan finds nothing to do, without reading files one by one", async () => {
    world = await appliedWorld();
    const cold = await world.plan();
    expect(cold.code).toBe(0);
    expect(cold.plan.counts).toMatchObject({ create: 0, update: 0, delete: 0, unknown: 0 });
    // The folder item and six thumbnails, two a page; each file's bytes once (nothing cached yet).
    expect(listingPages(world)).toBe(4);
    expect(etagReads(world)).toBe(0);
    expect(downloads(world)).toBe(6);

    world.tenant.emulator.admin.resetCounters();
    const warm = await world.plan();
    expect(warm.code).toBe(0);
    expect(listingPages(world)).toBe(4);
    expect(etagReads(world) + downloads(world)).toBe(0);
  });

  it("a thumbnail changed behind photosync's back is found from its ETag in the listing", async () => {
    world = await appliedWorld();
    const state = world.tenant.emulator.core.tenant;
    const path = state.thumbnailPath("bruno@fabrikam.com", "MThumb");
    await state.putSpoFile(path, await renderPortrait({ seed: "someone else", width: 72, height: 72 }));
    const drifted = await world.plan();
    expect(drifted.code).toBe(2);
    expect(spoSteps(drifted.plan)).toEqual(["ana@fabrikam.com noop", "bruno@fabrikam.com update"]);
  });

  it("a listing that fails leaves SharePoint unknown for everyone: no drift, no write planned", async () => {
    world = await appliedWorld();
    world.tenant.emulator.admin.setFaults({ rules: [{ match: { service: "sharepoint", path: "getlist" }, errorRate: 1, errorStatus: 503 }], seed: 1 });
    const failed = await world.plan();
    expect(failed.plan.counts).toMatchObject({ create: 0, update: 0, delete: 0 });
    expect(spoSteps(failed.plan)).toEqual(["ana@fabrikam.com unknown", "bruno@fabrikam.com unknown"]);
  });
});
