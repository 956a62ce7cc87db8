/**
 * Fidelity: Entra ID-stored photos are served in sizes Graph does not guarantee (beta
 * profilephoto-get.md: a size that is not there answers 1x1; microsoft-graph-docs #2319: sometimes
 * only one size exists). Emulator switch tenant.graph.entraSizes (all | stored | onePixel, default
 * onePixel). What a user cares about: in every mode, a plan recognises a person's own Entra ID
 * photo stored at 96 or 240 px as the same picture (no false drift), a different photo as
 * different, a 1x1 is never taken for anyone's photo, and apply then plan converges.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EntraSizes } from "../../src/emulator/model.js";
import { smallRepo, type SmallRepo } from "./support.js";

const people = [
  { upn: "ann@contoso.com", seed: "ann" },
  { upn: "bea@contoso.com", seed: "bea" },
  { upn: "cat@contoso.com", seed: "cat" },
];

for (const mode of ["onePixel", "stored", "all", undefined] as Array<EntraSizes | undefined>) {
  describe(`entraSizes: ${mode ?? "default (onePixel)"}`, () => {
    let repo: SmallRepo;
    beforeAll(async () => {
      repo = await smallRepo({
        people,
        stores: ["aad"],
        tenant: { behaviour: "current", ...(mode ? { graph: { entraSizes: mode } } : {}) },
        users: [
          // No mailbox: the photo lives in Entra ID. Ann's at 240 px, Bea's at 96 px: both the desired picture.
          { upn: "ann@contoso.com", mailbox: "none", photos: { aad: { file: "photos/ann.png", size: 240 } } },
          { upn: "bea@contoso.com", mailbox: "none", photos: { aad: { file: "photos/bea.png", size: 96 } } },
          // Cat's is somebody else's picture.
          { upn: "cat@contoso.com", mailbox: "none", photos: { aad: { portrait: "someone else", size: 240 } } },
        ],
      });
    });
    afterAll(async () => repo?.close());

    it("recognises the person's own picture at 240 and 96 px, a different one as different, and reads nothing as 1x1", async () => {
      const { code, plan } = await repo.plan();
      const reasons = Object.fromEntries(plan.users.map((user) => [user.upn, user.steps[0]!.reason]));
      // Smaller than the 648 px photosync uploads, so an update either way; what matters is that the
      // picture was recognised, which a fingerprinted 1x1 never is.
      expect(reasons["ann@contoso.com"]).toContain("same picture, 240x240");
      expect(reasons["bea@contoso.com"]).toContain("same picture, 96x96");
      expect(reasons["cat@contoso.com"]).toContain("a different picture");
      expect(plan.counts.unknown).toBe(0);
      expect(code).toBe(2);
      for (const user of plan.users) expect(user.steps[0]!.before?.width).toBeGreaterThan(1);
    });

    it("apply then plan converges", async () => {
      const applied = await repo.apply();
      expect(applied.code, applied.stderr).toBe(0);
      const again = await repo.plan();
      expect(again.plan.counts).toMatchObject({ create: 0, update: 0, delete: 0, unknown: 0 });
      expect(again.code).toBe(0);
    });
  });
}
