/**
 * Graph photo reads judge what came back, not what was asked for (m365-facts: Entra ID-stored
 * photos may answer a missing size with a 1x1, beta profilephoto-get.md; sometimes only one size
 * exists, microsoft-graph-docs #2319).
 */
import { describe, expect, it } from "vitest";
import { judgeServed } from "../../../src/stores/graph/read.js";

const asked = { width: 96, height: 96 };

describe("judgeServed", () => {
  it("takes the size asked for, as a JPEG or PNG", () => {
    expect(judgeServed("image/jpeg", { format: "jpeg", width: 96, height: 96 }, asked)).toEqual({ kind: "photo" });
    expect(judgeServed("image/png", { format: "png", width: 96, height: 96 }, asked)).toEqual({ kind: "photo" });
  });

  it("never takes a 1x1, a GIF or another size for the size asked for", () => {
    expect(judgeServed("image/jpeg", { format: "jpeg", width: 1, height: 1 }, asked).kind).toBe("wrong");
    expect(judgeServed("image/gif", { format: "gif", width: 1, height: 1 }, asked).kind).toBe("wrong");
    expect(judgeServed("image/gif", { format: "gif", width: 96, height: 96 }, asked).kind).toBe("wrong");
    expect(judgeServed("image/jpeg", { format: "jpeg", width: 240, height: 240 }, asked)).toMatchObject({ kind: "wrong", why: expect.stringContaining("240x240") });
  });

  it("takes the whole photo at any dimension, a 1x1 GIF as 'no photo', and a 1x1 JPEG as neither", () => {
    expect(judgeServed("image/jpeg", { format: "jpeg", width: 800, height: 600 })).toEqual({ kind: "photo" });
    expect(judgeServed("image/gif", { format: "gif", width: 1, height: 1 })).toEqual({ kind: "no-photo" });
    expect(judgeServed("image/jpeg", { format: "jpeg", width: 1, height: 1 }).kind).toBe("wrong");
  });

  it("refuses what is not an image", () => {
    expect(judgeServed("application/json", { format: "jpeg", width: 96, height: 96 }, asked).kind).toBe("wrong");
    expect(judgeServed("image/jpeg", undefined).kind).toBe("wrong");
  });
});
