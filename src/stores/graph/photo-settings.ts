/**
 * The tenant's photo update settings (concepts/profilephoto-configure-settings.md): GET
 * beta/admin/people/photoUpdateSettings, permission PeopleSettings.Read.All. With source
 * "onPremises", "updates through cloud services are disabled for both admins and users", so the
 * plan can say once that Graph photo writes will be refused instead of failing for every person.
 * A refusal or failure is "unknown", never a reason to stop: the plan says so and carries on.
 */
import type { Client } from "@microsoft/microsoft-graph-client";
import type { PhotoUpdateSettingsRead } from "../../model/observations.js";
import type { BatchOptions } from "./batch.js";
import { graphBatch } from "./batch.js";

export async function readPhotoUpdateSettings(client: Client, options: BatchOptions = {}): Promise<PhotoUpdateSettingsRead> {
  const [result] = await graphBatch(client, "beta", [{ method: "GET", url: "/admin/people/photoUpdateSettings" }], options);
  if (!result) return { state: "unknown", error: { code: "NoAnswer", message: "no answer to the photoUpdateSettings read" } };
  if (!result.ok) return { state: "unknown", error: result.error };
  const source = (result.body as { source?: unknown } | null)?.source;
  // The documented default is cloud; an absent value changes nothing photosync does.
  return { state: "read", source: typeof source === "string" ? source : "cloud" };
}
