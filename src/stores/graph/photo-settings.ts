/**
 * The tenant's photo update settings (concepts/profilephoto-configure-settings.md,
 * api/photoupdatesettings-get.md and -update.md): GET and PATCH
 * beta/admin/people/photoUpdateSettings, permissions PeopleSettings.Read.All / ReadWrite.All.
 * With source "onPremises", "updates through cloud services are disabled for both admins and users",
 * so the plan can say once that Graph photo writes will be refused instead of failing for every
 * person. A refusal or failure is "unknown", never a reason to stop: the plan says so and carries on.
 */
import type { Client } from "@microsoft/microsoft-graph-client";
import type { PhotoUpdateSettingsRead, ServiceError } from "../../model/observations.js";
import type { PhotoUpdatesPatch } from "../../model/photo-updates.js";
import type { BatchOptions } from "./batch.js";
import { graphBatch } from "./batch.js";

const URL = "/admin/people/photoUpdateSettings";

/**
 * allowedRoles as read: null (the documented default: everyone), or the ids trimmed and lower-cased
 * (the docs' own example has one with a leading space).
 */
function rolesOf(value: unknown): string[] | null {
  if (!Array.isArray(value)) return null;
  return value.filter((id): id is string => typeof id === "string").map((id) => id.trim().toLowerCase());
}

export async function readPhotoUpdateSettings(client: Client, options: BatchOptions = {}): Promise<PhotoUpdateSettingsRead> {
  const [result] = await graphBatch(client, "beta", [{ method: "GET", url: URL }], options);
  if (!result) return { state: "unknown", error: { code: "NoAnswer", message: "no answer to the photoUpdateSettings read" } };
  if (!result.ok) return { state: "unknown", error: result.error };
  const body = result.body as { source?: unknown; allowedRoles?: unknown } | null;
  // The documented default is cloud; an absent value changes nothing photosync does.
  return { state: "read", source: typeof body?.source === "string" ? body.source : "cloud", allowedRoles: rolesOf(body?.allowedRoles) };
}

/** PATCHes only the properties given (the writer's PeopleSettings.ReadWrite.All). */
export async function writePhotoUpdateSettings(client: Client, patch: PhotoUpdatesPatch, options: BatchOptions = {}): Promise<{ ok: true } | { ok: false; error: ServiceError }> {
  const [result] = await graphBatch(client, "beta", [{ method: "PATCH", url: URL, body: patch }], options);
  if (!result) return { ok: false, error: { code: "NoAnswer", message: "no answer to the photoUpdateSettings update" } };
  return result.ok ? { ok: true } : { ok: false, error: result.error };
}
