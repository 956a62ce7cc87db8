/**
 * Which sizes Graph lists for a photo (GET /users/{id}/photos) and what it really serves for the
 * size photosync reads (FINGERPRINT_SIZE): an Entra ID photo may list one size and answer another
 * with a 1x1 (beta profilephoto-get.md, microsoft-graph-docs #2319), so what came back is judged
 * by its bytes (judgeServed), never by the list. For `photosync doctor`'s sample; two batched
 * requests per twenty people.
 */
import type { Client } from "@microsoft/microsoft-graph-client";
import type { BatchOptions, GraphVersion } from "./batch.js";
import { graphBatch } from "./batch.js";
import type { PhotoReadTarget } from "./read.js";
import { FINGERPRINT_SIZE, imageHeader, judgeServed } from "./read.js";

export interface PhotoSizes {
  /** The sizes listed, e.g. "648x648". */
  listed: string[];
  /** The size asked for, e.g. "96x96". */
  asked: string;
  /** What came back for it; `why` when it is not the size asked for (a placeholder, another size). */
  served: { ok: true; format: string; width: number; height: number; why?: string } | { ok: false; error: string };
}

export async function probePhotoSizes(client: Client, version: GraphVersion, targets: readonly PhotoReadTarget[], options: BatchOptions = {}): Promise<Map<string, PhotoSizes>> {
  const asked = `${FINGERPRINT_SIZE}x${FINGERPRINT_SIZE}`;
  const [lists, bytes] = await Promise.all([
    graphBatch(client, version, targets.map((target) => ({ method: "GET", url: `/users/${target.userId}/photos` })), options),
    graphBatch(client, version, targets.map((target) => ({ method: "GET", url: `/users/${target.userId}/photos/${asked}/$value` })), options),
  ]);
  const probes = new Map<string, PhotoSizes>();
  for (const [index, target] of targets.entries()) {
    const list = lists[index]!;
    const listed = list.ok ? ((list.body as { value?: Array<{ id?: string; width?: number; height?: number }> } | null)?.value ?? []).map((size) => size.id ?? `${size.width}x${size.height}`) : [];
    const result = bytes[index]!;
    let served: PhotoSizes["served"];
    if (!result.ok) served = { ok: false, error: `${result.status ?? "no status"} ${result.error.code}` };
    else if (!Buffer.isBuffer(result.body)) served = { ok: false, error: "the answer was not binary" };
    else {
      const image = await imageHeader(result.body);
      const judged = judgeServed(result.headers["content-type"] ?? "", image, { width: FINGERPRINT_SIZE, height: FINGERPRINT_SIZE });
      served = image === undefined ? { ok: false, error: judged.kind === "wrong" ? judged.why : "not an image" } : { ok: true, ...image, ...(judged.kind === "wrong" ? { why: judged.why } : {}) };
    }
    probes.set(target.key, { listed, asked, served });
  }
  return probes;
}
