/**
 * GET /users and /users/{id|upn}, with $select, $filter (eq / in / startswith on a few properties,
 * joined by or/and), $top and @odata.nextLink paging ($skiptoken), as in `api-reference/v1.0/api/user-list.md`.
 * Also /users/{id}/mailboxSettings, which fails for users without an Exchange Online mailbox.
 */
import type { UserRecord } from "../model.js";
import type { EmuRequest } from "../http.js";
import { GraphFailure } from "./common.js";

const E3_SKU = "6fd2c87f-b296-42f0-b197-1e91e994b900";
const EXCHANGE_PLAN = "efb87545-963c-4e0d-99df-69c6916d9eb0";
/** EXCHANGE_S_FOUNDATION: part of many licences, and no mailbox. */
const EXCHANGE_FOUNDATION_PLAN = "113feb6c-3fe4-4440-bddc-54d774bf0318";
const SHAREPOINT_PLAN = "5dbe027f-2339-4123-9542-606e4d348a72";

/** v1.0 returns this set unless $select says otherwise (user-get.md). */
const DEFAULT_V1 = ["businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone", "officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id"];

/** The full Graph view of a user, as far as the emulator models it. */
export function userResource(user: UserRecord): Record<string, unknown> {
  const [given, ...rest] = user.displayName.split(" ");
  const plans = user.licensed
    ? [
        // Exchange Foundation lists an enabled exchange plan too, though it brings no mailbox.
        ...(user.mailbox === "cloud" || user.exchangePlan === "foundation"
          ? [{ assignedDateTime: "2023-01-01T00:00:00Z", capabilityStatus: "Enabled", service: "exchange", servicePlanId: user.exchangePlan === "foundation" ? EXCHANGE_FOUNDATION_PLAN : EXCHANGE_PLAN }]
          : []),
        { assignedDateTime: "2023-01-01T00:00:00Z", capabilityStatus: "Enabled", service: "SharePoint", servicePlanId: SHAREPOINT_PLAN },
      ]
    : [];
  return {
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    displayName: user.displayName,
    givenName: given ?? null,
    surname: rest.length > 0 ? rest.join(" ") : null,
    mail: user.mail,
    businessPhones: [],
    jobTitle: null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    userType: user.userType,
    accountEnabled: user.accountEnabled,
    onPremisesSyncEnabled: user.onPremisesSyncEnabled,
    usageLocation: user.licensed ? "US" : null,
    assignedLicenses: user.licensed ? [{ disabledPlans: [], skuId: E3_SKU }] : [],
    assignedPlans: plans,
    proxyAddresses: user.mail !== null && user.mailbox !== "none" ? [`SMTP:${user.mail}`] : [],
  };
}

export function parseSelect(request: EmuRequest): string[] | undefined {
  const select = request.url.searchParams.get("$select");
  if (select === null || select.trim() === "") return undefined;
  return select.split(",").map((name) => name.trim()).filter((name) => name !== "");
}

export function project(resource: Record<string, unknown>, select: string[] | undefined, version: string): Record<string, unknown> {
  const names = select ?? (version === "beta" ? Object.keys(resource) : DEFAULT_V1);
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const key = Object.keys(resource).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    if (key === undefined) {
      throw new GraphFailure(400, "Request_BadRequest", `Could not find a property named '${name}' on type 'Microsoft.DirectoryServices.User'.`);
    }
    out[key] = resource[key];
  }
  return out;
}

// ---- $filter ---------------------------------------------------------------------------------

type Predicate = (user: Record<string, unknown>) => boolean;

const FILTERABLE = new Set(["userprincipalname", "id", "mail", "usertype", "accountenabled", "displayname", "onpremisessyncenabled"]);

function literal(raw: string): string | boolean | null {
  const text = raw.trim();
  if (text === "true") return true;
  if (text === "false") return false;
  if (text === "null") return null;
  const match = /^'((?:[^']|'')*)'$/.exec(text);
  // A quote inside a string literal must be doubled (OData; Graph query-parameters.md "Escaping
  // single quotes"): 'o'brien@contoso.com' is not a literal, and Graph says so.
  if (match === null) throw invalidFilter();
  return (match[1] ?? "").replace(/''/g, "'");
}

/** Graph's answer to a $filter it cannot parse, e.g. an undoubled quote in a literal (azure-powershell #17368). */
function invalidFilter(): GraphFailure {
  return new GraphFailure(400, "BadRequest", "Invalid filter clause");
}

/** The literals of an `in (...)` list: quoted strings separated by commas, nothing else. */
function literalList(text: string): Array<string | boolean | null> {
  const values: Array<string | boolean | null> = [];
  let rest = text.trim();
  while (rest !== "") {
    const match = /^('(?:[^']|'')*'|true|false|null)\s*(,\s*|$)/.exec(rest);
    if (match === null) throw invalidFilter();
    values.push(literal(match[1] ?? ""));
    rest = rest.slice(match[0].length);
    if (match[2] !== "" && rest === "") throw invalidFilter();
  }
  return values;
}

function property(name: string): string {
  const key = name.trim().toLowerCase();
  if (!FILTERABLE.has(key)) throw new GraphFailure(400, "Request_UnsupportedQuery", `Unsupported or invalid query filter clause specified for property '${name.trim()}' of resource 'User'.`);
  return key;
}

function valueOf(user: Record<string, unknown>, key: string): unknown {
  const found = Object.keys(user).find((candidate) => candidate.toLowerCase() === key);
  return found === undefined ? undefined : user[found];
}

function same(a: unknown, b: unknown): boolean {
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  return a === b;
}

/** Splits at a keyword outside quotes and parentheses. */
function splitTop(text: string, keyword: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  const token = ` ${keyword} `;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "'") quoted = !quoted;
    else if (!quoted && char === "(") depth++;
    else if (!quoted && char === ")") depth--;
    else if (!quoted && depth === 0 && text.slice(i, i + token.length).toLowerCase() === token) {
      parts.push(text.slice(start, i));
      start = i + token.length;
      i += token.length - 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function clause(text: string): Predicate {
  const trimmed = text.trim();
  if (trimmed.startsWith("(") && trimmed.endsWith(")") && !/\bin\s*\(/i.test(trimmed.slice(0, 40))) return parseFilter(trimmed.slice(1, -1));
  let match = /^(\w+)\s+eq\s+(.+)$/i.exec(trimmed);
  if (match !== null) {
    const key = property(match[1] ?? "");
    const expected = literal(match[2] ?? "");
    return (user) => same(valueOf(user, key), expected);
  }
  match = /^(\w+)\s+in\s+\((.*)\)$/i.exec(trimmed);
  if (match !== null) {
    const key = property(match[1] ?? "");
    const values = literalList(match[2] ?? "");
    if (values.length > 15) throw new GraphFailure(400, "Request_UnsupportedQuery", "Too many values in the 'in' operator: the maximum is 15.");
    return (user) => values.some((value) => same(valueOf(user, key), value));
  }
  match = /^startswith\(\s*(\w+)\s*,\s*('(?:[^']|'')*')\s*\)$/i.exec(trimmed);
  if (match !== null) {
    const key = property(match[1] ?? "");
    const prefix = String(literal(match[2] ?? "")).toLowerCase();
    return (user) => String(valueOf(user, key) ?? "").toLowerCase().startsWith(prefix);
  }
  throw new GraphFailure(400, "Request_UnsupportedQuery", "Unsupported Query.");
}

export function parseFilter(text: string): Predicate {
  const ors = splitTop(text, "or");
  if (ors.length > 1) {
    const parts = ors.map(parseFilter);
    return (user) => parts.some((part) => part(user));
  }
  const ands = splitTop(text, "and");
  if (ands.length > 1) {
    const parts = ands.map(parseFilter);
    return (user) => parts.every((part) => part(user));
  }
  return clause(text);
}
