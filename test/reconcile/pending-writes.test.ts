/** reconcile/pending-writes.ts: the file that keeps pending writes between runs, and what a plan or an apply keeps of it. */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { upnKey } from "../../src/model/desired.js";
import type { PendingWrite } from "../../src/model/pending.js";
import { keepAfterPlan, loadPendingWrites, mergeAfterApply, savePendingWrites } from "../../src/reconcile/pending-writes.js";

const UPN = "alex@contoso.com";
const write = (overrides: Partial<PendingWrite> = {}): PendingWrite => ({
  upn: "Alex@Contoso.com",
  store: "aad",
  desired: "aaaaaaaaaaaaaaaa",
  previous: "bbbbbbbbbbbbbbbb",
  since: "2026-12-02T11:00:00.000Z",
  ...overrides,
});

describe("the pending-writes file", () => {
  it("keeps a planned person's record only while pending (or unknown), others untouched; an apply replaces what it wrote", () => {
    const bob = write({ upn: "bob@contoso.com" });
    const planned = (action: string) => new Map([[upnKey(UPN), new Map([["aad", action]])]]);
    expect(keepAfterPlan([write(), bob], planned("pending"))).toEqual([write(), bob]);
    expect(keepAfterPlan([write(), bob], planned("unknown"))).toEqual([write(), bob]);
    expect(keepAfterPlan([write(), bob], planned("noop"))).toEqual([bob]);
    expect(keepAfterPlan([write(), bob], planned("update"))).toEqual([bob]);
    const newer = write({ since: "2026-12-02T12:30:00.000Z" });
    expect(mergeAfterApply([write(), bob], new Set(["bob@contoso.com|aad"]), [newer])).toEqual([newer]);
  });

  it("round-trips; a missing, foreign or broken file is no records", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "photosync-pending-"));
    try {
      const file = path.join(dir, ".photosync", "cache", "pending.json");
      expect(await loadPendingWrites(file)).toEqual([]);
      await savePendingWrites(file, [], false);
      await expect(readFile(file)).rejects.toThrow();
      await savePendingWrites(file, [write({ upn: "zed@contoso.com" }), write()], false);
      expect((await loadPendingWrites(file)).map((entry) => entry.upn)).toEqual(["Alex@Contoso.com", "zed@contoso.com"]);
      await writeFile(file, "{ not json");
      expect(await loadPendingWrites(file)).toEqual([]);
      await writeFile(file, JSON.stringify({ format: "other/v1", writes: [write()] }));
      expect(await loadPendingWrites(file)).toEqual([]);
      await writeFile(file, JSON.stringify({ format: "photosync.pending/v1", writes: [write(), { upn: 3 }] }));
      expect(await loadPendingWrites(file)).toEqual([write()]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
