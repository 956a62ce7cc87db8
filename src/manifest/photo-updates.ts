/**
 * tenant.photoUpdates → DesiredPhotoUpdates, with the mistakes a schema cannot see, each at its place
 * in photos.yaml: a role name or template id that is not in photosync's table (model/entra-roles.ts),
 * Global Reader (it can change nothing), allowedRoles with source onPremises (they apply to cloud
 * only), source onPremises while Graph stores are managed (Microsoft 365 would refuse every Graph
 * photo write), and the same role twice. Pure.
 */
import type { Problem } from "./problems.js";
import { printable } from "./problems.js";
import type { SourceMap } from "./yaml-source.js";
import { closestWord } from "./schema.js";
import type { DesiredPhotoUpdates } from "../model/photo-updates.js";
import { ENTRA_ROLES, GLOBAL_READER, GUID, findEntraRole } from "../model/entra-roles.js";

/** tenant.photoUpdates as the schema lets it through. */
export interface PhotoUpdatesData {
  source: "cloud" | "onPremises";
  allowedRoles?: string[];
}

const PATH = ["tenant", "photoUpdates"] as const;
const FIND_IDS =
  "find a role's template id in the Entra admin center (Roles and administrators > the role > Description: Template ID) or with Graph GET /roleManagement/directory/roleDefinitions (templateId)";

/** The known role name a mistyped one most likely meant: one that contains it, else the nearest spelling. */
export function closestRoleName(written: string): string {
  const names = ENTRA_ROLES.map((role) => role.name);
  const wanted = written.trim().toLowerCase();
  const containing = names.filter((name) => wanted.length >= 3 && name.toLowerCase().includes(wanted));
  if (containing.length > 0) return containing.sort((a, b) => a.length - b.length)[0]!;
  const close = closestWord(written.trim(), names);
  if (close) return close;
  // Otherwise the one sharing most words with it (never nothing: the message always names one).
  const words = new Set(wanted.split(/\s+/));
  const score = (name: string) => name.toLowerCase().split(/\s+/).filter((word) => words.has(word)).length;
  return [...names].sort((a, b) => score(b) - score(a) || a.localeCompare(b))[0]!;
}

export function resolvePhotoUpdates(
  data: PhotoUpdatesData | undefined,
  sourceMap: SourceMap,
  graphManaged: boolean,
): { photoUpdates?: DesiredPhotoUpdates; problems: Problem[] } {
  if (data === undefined) return { problems: [] };
  const problems: Problem[] = [];
  const error = (code: string, message: string, position = sourceMap.valuePosition([...PATH])) => problems.push({ severity: "error", code, message, position });

  if (data.source === "onPremises") {
    if (data.allowedRoles !== undefined) {
      error("photo-updates-roles-onpremises", "tenant.photoUpdates.allowedRoles only apply with source cloud; with source onPremises Microsoft 365 refuses every cloud photo write, whoever asks: remove allowedRoles, or set source to cloud", sourceMap.keyPosition([...PATH], "allowedRoles"));
    }
    if (graphManaged) {
      error(
        "photo-updates-onpremises-graph",
        "tenant.photoUpdates.source onPremises would make Microsoft 365 refuse every Graph photo write, yet photosync manages Exchange Online or Entra ID photos (exo, aad) here: set source to cloud, or manage spo only (tenant.stores and the people's stores)",
        sourceMap.valuePosition([...PATH, "source"]),
      );
    }
    return { photoUpdates: { source: "onPremises" }, problems };
  }

  if (data.allowedRoles === undefined) return { photoUpdates: { source: "cloud", allowedRoles: null }, problems };
  const ids: string[] = [];
  const firstIndex = new Map<string, number>();
  data.allowedRoles.forEach((written, index) => {
    const position = sourceMap.valuePosition([...PATH, "allowedRoles", index]);
    const where = `tenant.photoUpdates.allowedRoles item ${index + 1}`;
    const trimmed = written.trim();
    const lower = trimmed.toLowerCase();
    if (lower === GLOBAL_READER.id || lower.replace(/\s+/g, " ") === GLOBAL_READER.name.toLowerCase()) {
      error("photo-updates-read-only-role", `${where}: ${GLOBAL_READER.name} is a read-only role, its holders can change nothing, so it cannot be allowed to change photos; remove it (People Administrator is the least privileged role made for photos)`, position);
      return;
    }
    const role = findEntraRole(trimmed);
    if (!role) {
      if (GUID.test(trimmed)) {
        error("photo-updates-unknown-role", `${where}: '${printable(trimmed)}' is not in photosync's table of Entra built-in roles (docs/microsoft-365.md, "Who may change photos"); check the id (${FIND_IDS}), or write the role's name`, position);
      } else {
        error("photo-updates-unknown-role", `${where}: '${printable(trimmed)}' is not an Entra built-in role photosync knows; did you mean '${closestRoleName(trimmed)}'? (write a role's name as the Entra admin center shows it, or its template id; the roles are listed in docs/microsoft-365.md)`, position);
      }
      return;
    }
    const first = firstIndex.get(role.id);
    if (first !== undefined) {
      problems.push({ severity: "warning", code: "photo-updates-duplicate-role", message: `${where}: '${printable(trimmed)}' names ${role.name} again (item ${first + 1}); list each role once`, position });
      return;
    }
    firstIndex.set(role.id, index);
    ids.push(role.id);
  });
  return { photoUpdates: { source: "cloud", allowedRoles: ids }, problems };
}
