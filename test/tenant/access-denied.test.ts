/**
 * A 401/403 on a per-person read or write (after the access pre-flight passed) stops the run with
 * one AccessError naming the fix; a 503 that outlasts the retries stays "unknown" for that person.
 */
import type { Client } from "@microsoft/microsoft-graph-client";
import { describe, expect, it } from "vitest";
import { AccessError } from "../../src/model/errors.js";
import { readGraphPhotos } from "../../src/stores/graph/read.js";
import { writeGraphPhotos } from "../../src/stores/graph/write.js";
import { LiveCache } from "../../src/stores/live-cache.js";

/** A Graph client whose $batch answers every item with `status` and `code`; counts the batches sent. */
function failingClient(status: number, code: string): Client & { sent: () => number } {
  let sent = 0;
  const client = {
    api: () => ({
      version: () => ({
        post: async (body: { requests: Array<{ id: string }> }) => {
          sent++;
          return { responses: body.requests.map((item) => ({ id: item.id, status, headers: { "Content-Type": "application/json" }, body: { error: { code, message: `${code} happened` } } })) };
        },
      }),
    }),
    sent: () => sent,
  };
  return client as unknown as Client & { sent: () => number };
}

const targets = Array.from({ length: 30 }, (_, i) => ({ key: `user${i}@contoso.com`, userId: `id-${i}` }));

describe("per-person access failures", () => {
  it.each([
    [403, "Authorization_RequestDenied"],
    [403, "ErrorAccessDenied"],
    [401, "InvalidAuthenticationToken"],
  ])("a Graph photo read answered %i %s is one AccessError naming the permission, sent once", async (status, code) => {
    const client = failingClient(status, code);
    const error = await readGraphPhotos(client, "v1.0", "exo", targets, new LiveCache(), { maxAttempts: 5, backoffMs: 1 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AccessError);
    expect((error as Error).message).toContain("ProfilePhoto.Read.All");
    expect((error as Error).message).toContain("admin consent");
    expect((error as Error).message.split("\n")).toHaveLength(1);
    expect(client.sent()).toBe(2); // two batches of 20 and 10, neither retried
  });

  it("a Graph photo write answered 403 is an AccessError naming the write permission", async () => {
    const client = failingClient(403, "ErrorAccessDenied");
    await expect(writeGraphPhotos(client, "v1.0", [{ userId: "id-1" }], { maxAttempts: 3, backoffMs: 1 })).rejects.toThrow(/ProfilePhoto\.ReadWrite\.All/);
  });

  it("a 503 that outlasts the retries is 'unknown' for each person, classified transient", async () => {
    const client = failingClient(503, "ServiceUnavailable");
    const reads = await readGraphPhotos(client, "v1.0", "exo", targets.slice(0, 2), new LiveCache(), { maxAttempts: 3, backoffMs: 1 });
    expect(client.sent()).toBe(3);
    expect([...reads.values()]).toEqual([
      { state: "unknown", error: { code: "ServiceUnavailable", message: "ServiceUnavailable happened", status: 503, kind: "transient" } },
      { state: "unknown", error: { code: "ServiceUnavailable", message: "ServiceUnavailable happened", status: 503, kind: "transient" } },
    ]);
  });
});
