/**
 * Writing Graph profile photos (profilephoto-update.md, profilephoto-delete.md): PUT or DELETE
 * /users/{id}/photo/$value, v1.0 for Exchange Online and beta for Entra ID, sent in $batch
 * requests of 20 with the bytes base64-encoded; each person's answer is their own.
 */
import type { Client } from "@microsoft/microsoft-graph-client";
import type { BatchOptions, GraphResult, GraphVersion } from "./batch.js";
import { graphBatch } from "./batch.js";
import { NO_MAILBOX_CODES, NO_PHOTO_CODES } from "./read.js";
import type { ServiceError } from "../../model/observations.js";
import { throwIfAccessDenied } from "../../tenant/errors.js";

export interface PhotoWrite {
  userId: string;
  /** JPEG bytes to upload; undefined deletes the photo. */
  jpeg?: Buffer;
}

/**
 * tenantRefused: the tenant refuses every cloud photo write (photoUpdateSettings source onPremises,
 * still in force: a change takes up to 24 hours). The same for everyone, so apply says it once.
 */
export type WriteResult = { ok: true } | { ok: false; noMailbox: boolean; tenantRefused: boolean; error: ServiceError };

/**
 * A refusal because the tenant disables cloud photo updates. Microsoft documents no error for it
 * (concepts/profilephoto-configure-settings.md only says such updates "are disabled"): the
 * emulator's code PhotoUpdatesDisabled, or a 403 that is not a permission code and says photo
 * updates are disabled.
 */
export function isPhotoUpdatesDisabled(error: ServiceError): boolean {
  if (error.code === "PhotoUpdatesDisabled") return true;
  return error.status === 403 && error.kind !== "access" && /photo[^.]*\b(disabled|not allowed)\b/i.test(error.message);
}

function toWriteResult(result: GraphResult, deleting: boolean): WriteResult {
  if (result.ok) return { ok: true };
  // A 401/403 is the same for every person: the run stops with one message naming the permission.
  throwIfAccessDenied(result.error, "Microsoft Graph", "ProfilePhoto.ReadWrite.All", "writing profile photos");
  // Deleting a photo that is already gone is what was wanted.
  if (deleting && result.status === 404 && NO_PHOTO_CODES.has(result.error.code)) return { ok: true };
  return { ok: false, noMailbox: NO_MAILBOX_CODES.has(result.error.code), tenantRefused: isPhotoUpdatesDisabled(result.error), error: result.error };
}

export async function writeGraphPhotos(client: Client, version: GraphVersion, writes: readonly PhotoWrite[], options: BatchOptions = {}): Promise<WriteResult[]> {
  const results = await graphBatch(
    client,
    version,
    writes.map((write) =>
      write.jpeg
        ? { method: "PUT" as const, url: `/users/${write.userId}/photo/$value`, headers: { "Content-Type": "image/jpeg" }, body: write.jpeg }
        : { method: "DELETE" as const, url: `/users/${write.userId}/photo/$value` },
    ),
    options,
  );
  return results.map((result, index) => toWriteResult(result, writes[index]!.jpeg === undefined));
}
