/**
 * The naive baseline, the way hand-written drift scripts do it: one person and one store at a
 * time, no batching, no cache, every photo downloaded whole. For each person: look the user up,
 * download the Exchange photo and the Entra ID photo, the three SharePoint thumbnails and the
 * profile, render the repo's photo, and compare (with photosync's own fingerprints, so only the
 * way of working differs); a 429 is waited out as its Retry-After says. Prints `{ people, drifted, unknown }` as JSON.
 *
 * Run as a child of the bench: `naive.js CONFIG.json` with { manifest, graphUrl, mySiteUrl,
 * adminSiteUrl, caPem, graphToken, sharePointToken, users: [{ upn, photo }] }.
 */
import { readFile } from "node:fs/promises";
import { Agent, fetch } from "undici";
import { compare } from "../src/images/compare.js";
import { fingerprintImage } from "../src/images/fingerprint-image.js";
import { renderVariants } from "../src/images/variants.js";
import type { VariantName } from "../src/images/settings.js";
import { accountName, DEFAULT_THUMBNAIL_FOLDER, thumbnailFileName } from "../src/stores/sharepoint/names.js";
import type { ThumbnailName } from "../src/model/observations.js";

interface Config {
  graphUrl: string;
  mySiteUrl: string;
  adminSiteUrl: string;
  caPem: string;
  graphToken: string;
  /** The My Site host's token (thumbnails). */
  sharePointToken: string;
  /** The admin host's token (profiles): SharePoint tokens are per host. */
  adminToken: string;
  thumbnails: { small: number; medium: number; large: number };
  users: Array<{ upn: string; photo: string }>;
}

const config = JSON.parse(await readFile(process.argv[2]!, "utf8")) as Config;
// One connection, one request at a time: the script's loop awaits each call.
const agent = new Agent({ connect: { ca: config.caPem }, connections: 1 });

/** A GET that, as every script against Microsoft 365 must, waits out a 429's Retry-After (five tries). */
async function get(url: string, token: string, accept = "application/json"): Promise<{ status: number; body: Buffer }> {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(url, { dispatcher: agent, headers: { authorization: `Bearer ${token}`, accept } });
    const body = Buffer.from(await response.arrayBuffer());
    if ((response.status !== 429 && response.status !== 503) || attempt === 5) return { status: response.status, body };
    const seconds = Number(response.headers.get("retry-after"));
    await new Promise((resolve) => setTimeout(resolve, (Number.isFinite(seconds) && seconds > 0 ? seconds : 2 ** attempt) * 1000));
  }
}

let drifted = 0;
let unknown = 0;
/** The first read that failed, so that a failed baseline says where (path and status, never a token). */
let firstFailure: string | undefined;
const failure = (url: string, status: number): void => {
  firstFailure ??= `${new URL(url).pathname} answered ${status}`;
};
const THUMBS: Array<[ThumbnailName, VariantName]> = [
  ["small", "spo-S"],
  ["medium", "spo-M"],
  ["large", "spo-L"],
];

for (const person of config.users) {
  const desired = await renderVariants(await readFile(person.photo), { crop: "attention", background: "#ffffff" }, config.thumbnails);
  const user = await get(`${config.graphUrl}/v1.0/users/${encodeURIComponent(person.upn)}?$select=id,userPrincipalName,assignedPlans,assignedLicenses,userType`, config.graphToken);
  if (user.status !== 200) {
    failure(`${config.graphUrl}/v1.0/users`, user.status);
    unknown++;
    continue;
  }
  const id = (JSON.parse(user.body.toString()) as { id: string }).id;
  let changed = false;
  let failed = false;
  for (const version of ["v1.0", "beta"]) {
    const photo = await get(`${config.graphUrl}/${version}/users/${id}/photo/$value`, config.graphToken, "image/*");
    if (photo.status === 404) changed = true;
    else if (photo.status !== 200) {
      failure(`${config.graphUrl}/${version}/users/${id}/photo/$value`, photo.status);
      failed = true;
    }
    else if (!compare(desired.variants.graph.fingerprint, await fingerprintImage(photo.body)).same) changed = true;
  }
  for (const [thumbnail, variant] of THUMBS) {
    const path = `${DEFAULT_THUMBNAIL_FOLDER}/${thumbnailFileName(person.upn, thumbnail)}`;
    const file = await get(`${config.mySiteUrl}/_api/web/GetFileByServerRelativePath(decodedurl='${encodeURIComponent(path)}')/$value`, config.sharePointToken, "*/*");
    if (file.status === 404) changed = true;
    else if (file.status !== 200) {
      failure(`${config.mySiteUrl}/_api/web/GetFileByServerRelativePath`, file.status);
      failed = true;
    }
    else if (!compare(desired.variants[variant].fingerprint, await fingerprintImage(file.body)).same) changed = true;
  }
  const profile = await get(
    `${config.adminSiteUrl}/_api/SP.UserProfiles.PeopleManager/GetPropertiesFor(accountName=@v)?@v='${encodeURIComponent(accountName(person.upn))}'`,
    config.adminToken,
    "application/json;odata=nometadata",
  );
  if (profile.status !== 200) {
    failure(`${config.adminSiteUrl}/_api/SP.UserProfiles.PeopleManager/GetPropertiesFor`, profile.status);
    failed = true;
  }
  if (failed) unknown++;
  else if (changed) drifted++;
}
await agent.close();
process.stdout.write(`${JSON.stringify({ people: config.users.length, drifted, unknown, ...(firstFailure ? { firstFailure } : {}) })}\n`);
