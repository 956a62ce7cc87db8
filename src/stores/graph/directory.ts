/**
 * Finding managed people in Entra ID: UPN → user (or object id → user, following renames), with the
 * facts that decide their stores. Batched: 15 UPNs per $filter (Graph's limit for `in`), 20 filters
 * per $batch, so 300 people cost one request.
 */
import type { Client } from "@microsoft/microsoft-graph-client";
import type { DesiredUser } from "../../model/desired.js";
import { upnKey } from "../../model/desired.js";
import type { BatchOptions, GraphRequest } from "./batch.js";
import { graphBatch } from "./batch.js";
import type { DirectoryUser, MailboxKind, UserLookup } from "../../model/observations.js";
import { throwIfAccessDenied, toServiceError } from "../../tenant/errors.js";

/** Graph allows at most 15 values in an `in` filter. */
export const FILTER_IN_LIMIT = 15;
export const USER_SELECT = "id,userPrincipalName,userType,accountEnabled,assignedLicenses,assignedPlans,onPremisesSyncEnabled";

interface GraphUser {
  id: string;
  userPrincipalName: string;
  userType?: string | null;
  accountEnabled?: boolean | null;
  assignedLicenses?: unknown[];
  assignedPlans?: Array<{ service?: string; capabilityStatus?: string }>;
  onPremisesSyncEnabled?: boolean | null;
}

/**
 * A first view of the mailbox from the directory alone: an enabled Exchange plan means a cloud
 * mailbox is expected. The Exchange photo read confirms it (a "no mailbox" answer corrects it).
 */
export function mailboxFromDirectory(user: GraphUser): MailboxKind {
  const exchange = (user.assignedPlans ?? []).some((plan) => plan.service?.toLowerCase() === "exchange" && plan.capabilityStatus === "Enabled");
  if (exchange) return "cloud";
  return user.onPremisesSyncEnabled ? "onPremises" : "none";
}

export function toDirectoryUser(user: GraphUser): DirectoryUser {
  return {
    id: user.id,
    upn: user.userPrincipalName,
    userType: user.userType === "Guest" ? "Guest" : "Member",
    accountEnabled: user.accountEnabled !== false,
    licensed: (user.assignedLicenses ?? []).length > 0,
    mailbox: mailboxFromDirectory(user),
  };
}

const quote = (value: string): string => `'${value.replace(/'/g, "''")}'`;

function filterRequest(property: "userPrincipalName" | "id", values: readonly string[]): GraphRequest {
  const filter = `${property} in (${values.map(quote).join(",")})`;
  return { method: "GET", url: `/users?$filter=${encodeURIComponent(filter)}&$select=${USER_SELECT}&$top=${FILTER_IN_LIMIT}` };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/** Looks up every desired user; the result is keyed by upnKey of the manifest's UPN. */
export async function lookupUsers(client: Client, users: readonly DesiredUser[], options: BatchOptions = {}): Promise<Map<string, UserLookup>> {
  const byId = users.filter((user) => user.id);
  const byUpn = users.filter((user) => !user.id);
  const upnChunks = chunk(byUpn.map((user) => user.upn), FILTER_IN_LIMIT);
  const idChunks = chunk(byId.map((user) => user.id!), FILTER_IN_LIMIT);
  const requests = [...upnChunks.map((upns) => filterRequest("userPrincipalName", upns)), ...idChunks.map((ids) => filterRequest("id", ids))];
  const results = await graphBatch(client, "v1.0", requests, options);

  const lookups = new Map<string, UserLookup>();
  const found = new Map<string, GraphUser>();
  results.forEach((result, index) => {
    const members = index < upnChunks.length ? upnChunks[index]! : idChunks[index - upnChunks.length]!.map((id) => byId.find((user) => user.id === id)!.upn);
    if (!result.ok) {
      // A 401/403 is the same for every person: one message naming the permission, not "unknown" each.
      throwIfAccessDenied(result.error, "Microsoft Graph", "User.Read.All", "looking people up");
      for (const upn of members) lookups.set(upnKey(upn), { state: "unknown", error: result.error });
      return;
    }
    for (const user of (result.body as { value?: GraphUser[] }).value ?? []) {
      found.set(upnKey(user.userPrincipalName), user);
      found.set(`id:${user.id.toLowerCase()}`, user);
    }
  });
  for (const user of users) {
    const key = upnKey(user.upn);
    if (lookups.has(key)) continue;
    // An object id wins: it follows the person through a UPN rename.
    const match = (user.id ? found.get(`id:${user.id}`) : undefined) ?? found.get(key);
    lookups.set(key, match ? { state: "found", user: toDirectoryUser(match) } : { state: "missing" });
  }
  return lookups;
}

/** Graph's largest page of users (`$top` 1..999). */
export const DIRECTORY_PAGE_SIZE = 999;

/**
 * Every user of the tenant (members and guests, enabled or not: the caller chooses), a page of 999
 * at a time, following `@odata.nextLink` as Graph gives it. For `import` and `report`, which look at
 * the whole tenant, not only the manifest's people. A refusal is one AccessError naming the
 * permission; any other failure throws (a partial list would be taken for the tenant).
 */
export async function listDirectory(client: Client, onPage?: (listed: number) => void): Promise<DirectoryUser[]> {
  const users: DirectoryUser[] = [];
  let next: string | undefined = `/users?$select=${USER_SELECT}&$top=${DIRECTORY_PAGE_SIZE}`;
  while (next !== undefined) {
    let page: { value?: GraphUser[]; "@odata.nextLink"?: string };
    try {
      page = (await client.api(next).get()) as typeof page;
    } catch (error) {
      const failure = toServiceError(error);
      throwIfAccessDenied(failure, "Microsoft Graph", "User.Read.All", "listing the tenant's people");
      throw new Error(`listing the tenant's people failed after ${users.length} (${failure.code}: ${failure.message})`, { cause: error });
    }
    for (const user of page.value ?? []) users.push(toDirectoryUser(user));
    onPage?.(users.length);
    next = page["@odata.nextLink"];
  }
  return users;
}
