/**
 * The desired side of a plan: each user's photo rendered (or taken from the render cache) and
 * reduced to what the planner compares: sizes and fingerprints. The bytes are not kept, so a
 * plan of many thousands of people stays small in memory.
 */
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import pLimit from "p-limit";
import { emptyStats, renderCached } from "../images/cache.js";
import type { RenderCache, RenderStats } from "../images/cache.js";
import type { RenderedPhoto } from "../images/variants.js";
import type { DesiredState, DesiredUser } from "../manifest/types.js";
import { upnKey } from "../manifest/types.js";
import type { DesiredImage } from "./model.js";

export function toDesiredImage(path: string, photo: RenderedPhoto): DesiredImage {
  const { variants } = photo;
  const facts = (name: keyof typeof variants) => ({ edge: variants[name].edge, fingerprint: variants[name].fingerprint });
  return {
    state: "rendered",
    path,
    graph: facts("graph"),
    thumbnails: { small: facts("spo-S"), medium: facts("spo-M"), large: facts("spo-L") },
  };
}

export async function renderDesired(
  state: DesiredState,
  users: readonly DesiredUser[],
  cache: RenderCache | undefined,
  onProgress?: (done: number, total: number) => void,
): Promise<{ desired: Map<string, DesiredImage>; stats: RenderStats }> {
  const stats = emptyStats();
  const desired = new Map<string, DesiredImage>();
  const limit = pLimit(Math.max(1, availableParallelism()));
  let done = 0;
  await Promise.all(
    users.map((user) =>
      limit(async () => {
        const key = upnKey(user.upn);
        if (user.photo.kind === "remove") {
          desired.set(key, { state: "remove" });
        } else {
          try {
            const source = await readFile(user.photo.absolutePath);
            const photo = await renderCached(source, user.render, state.tenant.sharepoint.thumbnails, cache, stats);
            desired.set(key, toDesiredImage(user.photo.path, photo));
          } catch (error) {
            desired.set(key, { state: "failed", path: user.photo.path, error: error instanceof Error ? error.message : String(error) });
          }
        }
        onProgress?.(++done, users.length);
      }),
    ),
  );
  return { desired, stats };
}
