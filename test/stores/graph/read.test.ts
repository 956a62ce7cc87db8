/** Reading Graph photos with a scripted $batch: what is downloaded, and how much is held at once. */
import type { Client } from "@microsoft/microsoft-graph-client";
import { describe, expect, it } from "vitest";
import { renderPortrait } from "../../../src/demo/portrait.js";
import type { Fingerprint } from "../../../src/model/fingerprint.js";
import { GRAPH_BATCH_LIMIT } from "../../../src/stores/graph/batch.js";
import { readGraphPhotos } from "../../../src/stores/graph/read.js";
import { LiveCache } from "../../../src/stores/live-cache.js";

interface Item {
  id: string;
  method: string;
  url: string;
}

describe("readGraphPhotos", () => {
  it("reads a large tenant's photos slice by slice, fingerprinting as it goes", async () => {
    const jpeg = (await renderPortrait({ seed: "someone", width: 96, height: 96 })).toString("base64");
    let downloaded = 0;
    let fingerprinted = 0;
    let mostHeld = 0;
    const urls: string[] = [];
    const client = {
      api: () => ({
        version: () => ({
          post: async (body: { requests: Item[] }) => {
            mostHeld = Math.max(mostHeld, downloaded - fingerprinted);
            return {
              responses: body.requests.map((item) => {
                urls.push(item.url);
                if (item.url.endsWith("/photo")) {
                  return { id: item.id, status: 200, headers: { "Content-Type": "application/json" }, body: { "@odata.mediaEtag": `"E${item.id}"`, width: 648, height: 648 } };
                }
                downloaded++;
                return { id: item.id, status: 200, headers: { "Content-Type": "image/jpeg" }, body: jpeg };
              }),
            };
          },
        }),
      }),
    } as unknown as Client;
    class CountingCache extends LiveCache {
      override set(key: string | undefined, fingerprint: Fingerprint): void {
        fingerprinted++;
        super.set(key, fingerprint);
      }
    }
    const people = 500;
    const concurrency = 4;
    const targets = Array.from({ length: people }, (_, i) => ({ key: `u${i}@contoso.com`, userId: `id-${i}` }));
    const reads = await readGraphPhotos(client, "v1.0", "exo", targets, new CountingCache(), { concurrency });

    expect([...reads.values()].filter((read) => read.state === "present")).toHaveLength(people);
    expect(urls.filter((url) => url.endsWith("/photos/96x96/$value"))).toHaveLength(people);
    expect(fingerprinted).toBe(people);
    // Downloaded but not yet fingerprinted: at most the slice being fingerprinted and the one downloading.
    expect(mostHeld).toBeGreaterThan(0);
    expect(mostHeld).toBeLessThanOrEqual(2 * GRAPH_BATCH_LIMIT * concurrency);
  });
});
