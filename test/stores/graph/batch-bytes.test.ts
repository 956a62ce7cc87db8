/** Graph batches bounded by bytes as well as count: Graph refuses a request over 4 MB, the $batch envelope included (m365-facts). */
import { describe, expect, it } from "vitest";
import { GRAPH_BATCH_BYTES, GRAPH_BATCH_LIMIT, batchChunks, encodedItemBytes } from "../../../src/stores/graph/batch.js";

describe("encodedItemBytes", () => {
  it("is the item's size in the batch body, base64 body included, without encoding it", () => {
    const body = Buffer.alloc(100_001, 7);
    const request = { method: "PUT" as const, url: "/users/abc/photo/$value", headers: { "Content-Type": "image/jpeg" }, body };
    const actual = JSON.stringify({ id: "12", method: "PUT", url: request.url, body: body.toString("base64"), headers: request.headers }).length;
    expect(encodedItemBytes("12", request)).toBe(actual + 1);
    expect(encodedItemBytes("3", { method: "GET", url: "/users/abc/photo" })).toBe(JSON.stringify({ id: "3", method: "GET", url: "/users/abc/photo" }).length + 1);
  });
});

describe("batchChunks", () => {
  it("keeps 20 per batch when items are small", () => {
    const { chunks, oversized } = batchChunks(Array.from({ length: 45 }, () => 200));
    expect(chunks.map((chunk) => chunk.length)).toEqual([20, 20, 5]);
    expect(chunks.flat()).toEqual(Array.from({ length: 45 }, (_, i) => i));
    expect(oversized).toEqual([]);
  });

  it("closes a batch before its bytes pass the budget", () => {
    const size = 300 * 1024;
    const { chunks } = batchChunks(Array.from({ length: 30 }, () => size));
    const perBatch = Math.floor(GRAPH_BATCH_BYTES / size);
    expect(chunks.every((chunk) => chunk.length <= perBatch && chunk.length * size <= GRAPH_BATCH_BYTES)).toBe(true);
    expect(chunks.flat()).toHaveLength(30);
    expect(chunks[0]).toHaveLength(Math.min(perBatch, GRAPH_BATCH_LIMIT));
  });

  it("leaves out an item no batch can carry, and keeps the order of the rest", () => {
    const { chunks, oversized } = batchChunks([10, GRAPH_BATCH_BYTES + 1, 10]);
    expect(chunks).toEqual([[0, 2]]);
    expect(oversized).toEqual([1]);
  });
});
