/**
 * The Entra ID built-in roles photosync accepts in `tenant.photoUpdates.allowedRoles`, by display
 * name and role template id. The one table in the code; docs/microsoft-365.md carries the same table
 * (test/model/entra-roles.test.ts checks that the two agree). Pure.
 *
 * Source: MicrosoftDocs/entra-docs, docs/identity/role-based-access-control/permissions-reference.md
 * (ms.date 2026-01-20). A role template id is the same in every tenant.
 */

export interface EntraRole {
  /** The role's display name, as the Entra admin center shows it. */
  name: string;
  /** The role template id (lower-case GUID). */
  id: string;
  /** The name for a sentence about its holders: "User Administrators". */
  holders: string;
}

export const ENTRA_ROLES_SOURCE = "MicrosoftDocs/entra-docs, docs/identity/role-based-access-control/permissions-reference.md (ms.date 2026-01-20)";

export const ENTRA_ROLES: readonly EntraRole[] = [
  { name: "Global Administrator", id: "62e90394-69f5-4237-9190-012177145e10", holders: "Global Administrators" },
  { name: "User Administrator", id: "fe930be7-5e62-47db-91af-98c3a49a38b1", holders: "User Administrators" },
  // "Manage profile photos of users and people settings for all users."
  { name: "People Administrator", id: "024906de-61e5-49c8-8572-40335f1e0e10", holders: "People Administrators" },
  { name: "Privileged Role Administrator", id: "e8611ab8-c189-46e8-94e1-60213ab1f814", holders: "Privileged Role Administrators" },
  { name: "Helpdesk Administrator", id: "729827e3-9c14-49f7-bb1b-9608f156bbb8", holders: "Helpdesk Administrators" },
  { name: "Exchange Administrator", id: "29232cdf-9323-42fd-ade2-1d097af3e4de", holders: "Exchange Administrators" },
  { name: "Exchange Recipient Administrator", id: "31392ffb-586c-42d1-9346-e59415a2cc4e", holders: "Exchange Recipient Administrators" },
  { name: "SharePoint Administrator", id: "f28a1f50-f6e7-4571-818b-6a12f2af6b6c", holders: "SharePoint Administrators" },
  { name: "Teams Administrator", id: "69091246-20e8-4a56-aa4d-066075b2a7a8", holders: "Teams Administrators" },
  { name: "Directory Writers", id: "9360feb5-f418-4baa-8175-e2a00bac4301", holders: "Directory Writers" },
  { name: "Intune Administrator", id: "3a2c62db-5318-420d-8d74-23affee5d9d5", holders: "Intune Administrators" },
  { name: "Groups Administrator", id: "fdd7a751-b60b-444a-984c-02652fe8fa1c", holders: "Groups Administrators" },
  { name: "Password Administrator", id: "966707d0-3269-4727-9be2-8c3a10f19b9d", holders: "Password Administrators" },
  { name: "Authentication Administrator", id: "c4e39bd9-1100-46d3-8c65-fb160da0071f", holders: "Authentication Administrators" },
  { name: "Privileged Authentication Administrator", id: "7be44c8a-adaf-4e2a-84d6-ab2649e08a13", holders: "Privileged Authentication Administrators" },
  { name: "License Administrator", id: "4d6ac14f-3453-41d0-bef9-a3e0c569773a", holders: "License Administrators" },
];

/** A read-only role: it can change nothing, so allowing it to change photos is a mistake to refuse. */
export const GLOBAL_READER: Omit<EntraRole, "holders"> = { name: "Global Reader", id: "f2ef992c-3afb-46b9-b7cf-a126ee74c451" };

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const key = (text: string): string => text.trim().replace(/\s+/g, " ").toLowerCase();

/** The role a name (case and spacing aside) or a template id names, if it is in the table. */
export function findEntraRole(nameOrId: string): EntraRole | undefined {
  const wanted = key(nameOrId);
  return ENTRA_ROLES.find((role) => role.id === wanted || key(role.name) === wanted);
}

/** How a role id is shown: its name when known ("User Administrator"), else the id itself. */
export function roleLabel(id: string): string {
  return ENTRA_ROLES.find((role) => role.id === id.toLowerCase())?.name ?? id;
}

/** How a role id's holders are named in a sentence ("User Administrators"), else "holders of role <id>". */
export function roleHolders(id: string): string {
  return ENTRA_ROLES.find((role) => role.id === id.toLowerCase())?.holders ?? `holders of role ${id}`;
}
