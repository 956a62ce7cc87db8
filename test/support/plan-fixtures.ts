/** Hand-built desired and live states for planner and formatter tests, with real fingerprints. */
import sharp from "sharp";
import { renderPortrait } from "../../src/demo/portrait.js";
import { fingerprintImage } from "../../src/images/fingerprint-image.js";
import type { Fingerprint } from "../../src/model/fingerprint.js";
import type { DesiredState, DesiredUser, StoreName } from "../../src/model/desired.js";
import { upnKey } from "../../src/model/desired.js";
import type { DesiredImage, Plan } from "../../src/model/plan.js";
import type { PersonRecord } from "../../src/model/record.js";
import { routePerson } from "../../src/model/routing.js";
import { plan } from "../../src/plan/plan.js";
import type { DirectoryUser, LiveUser, SpoPropertyName, ThumbnailName } from "../../src/model/observations.js";

export const position = { file: "photos.yaml", line: 1, column: 1 };

export function desiredState(users: DesiredUser[]): DesiredState {
  return {
    manifestPath: "/repo/photos.yaml",
    rootDir: "/repo",
    tenant: {
      id: "contoso.onmicrosoft.com",
      stores: ["exo", "aad", "spo"],
      sharepoint: { mySiteHost: "contoso-my.sharepoint.com", adminHost: "contoso-admin.sharepoint.com", thumbnails: { small: 48, medium: 72, large: 200 }, exchangeSyncState: 0 },
    },
    defaults: { photo: "photos/{upn}.jpg", render: { crop: "attention", background: "#ffffff" }, minSize: 240 },
    safety: { maxUpdateShare: 0.3, maxRemoveShare: 0.1, minManagedForShare: 10 },
    ignore: [],
    users,
  };
}

export function desiredUser(upn: string, options: { remove?: boolean; stores?: StoreName[] } = {}): DesiredUser {
  const path = `photos/${upn.split("@")[0]}.jpg`;
  return {
    upn,
    photo: options.remove ? { kind: "remove" } : { kind: "photo", path, absolutePath: `/repo/${path}`, position },
    stores: options.stores ?? ["exo", "aad", "spo"],
    storesOverridden: options.stores !== undefined,
    render: { crop: "attention", background: "#ffffff" },
    position,
  };
}

export function member(upn: string, facts: Partial<DirectoryUser> = {}): DirectoryUser {
  return { id: `id-${upn}`, upn, userType: "Member", accountEnabled: true, licensed: true, mailbox: "cloud", ...facts };
}

/** Fingerprints of one synthetic portrait at every size the planner compares, as a service would re-encode it. */
export interface Face {
  rendered: DesiredImage & { state: "rendered" };
  /** The photo as a service returns it: re-encoded JPEG at this edge. */
  served(edge: number, quality?: number): Promise<Fingerprint>;
}

export async function face(seed: string, background?: string): Promise<Face> {
  const source = await renderPortrait({ seed, width: 700, height: 700, ...(background ? { background } : {}) });
  const at = async (edge: number, quality = 90) => fingerprintImage(await sharp(source).resize(edge, edge).jpeg({ quality }).toBuffer());
  const thumbnails = { small: 48, medium: 72, large: 200 } as const;
  const rendered: DesiredImage & { state: "rendered" } = {
    state: "rendered",
    path: `photos/${seed}.jpg`,
    graph: { edge: 648, fingerprint: await at(648) },
    thumbnails: Object.fromEntries(
      await Promise.all((Object.entries(thumbnails) as Array<[ThumbnailName, number]>).map(async ([name, edge]) => [name, { edge, fingerprint: await at(edge) }])),
    ) as Record<ThumbnailName, { edge: number; fingerprint: Fingerprint }>,
  };
  return { rendered, served: at };
}

export function spoProperties(upn: string | undefined, placeholder = "0"): Record<SpoPropertyName, string> {
  return {
    PictureURL: upn ? `https://contoso-my.sharepoint.com:443/User%20Photos/Profile%20Pictures/${upn.replace(/[@.]/g, "_")}_MThumb.jpg` : "",
    "SPS-PicturePlaceholderState": placeholder,
    "SPS-PictureExchangeSyncState": "0",
  };
}

export type { LiveUser };

/**
 * Records the way the pipeline builds them, from maps keyed by upnKey: a found person routed from
 * the lookup as given (plan-run.ts routes while reading). A user missing from `live` was not read.
 */
export function recordsFrom(users: readonly DesiredUser[], desired: ReadonlyMap<string, DesiredImage>, live: ReadonlyMap<string, LiveUser>): PersonRecord[] {
  return users.map((user) => {
    const key = upnKey(user.upn);
    const image = desired.get(key);
    if (!image) throw new Error(`test fixture: no desired photo for ${user.upn}`);
    const read = live.get(key);
    const lookup = read?.lookup;
    return { desired: user, image, ...(read ? { live: read } : {}), ...(lookup?.state === "found" ? { routes: routePerson(user, lookup.user, "legacy") } : {}) };
  });
}

/** plan() over maps: every user of the state (or `users`), routed as the reads would. */
export function planFromMaps(input: { state: DesiredState; users?: readonly DesiredUser[]; desired: ReadonlyMap<string, DesiredImage>; live: ReadonlyMap<string, LiveUser> }): Plan {
  return plan({ state: input.state, records: recordsFrom(input.users ?? input.state.users, input.desired, input.live) });
}
