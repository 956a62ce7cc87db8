/**
 * The Entra role table has one home in the code (src/model/entra-roles.ts) and is shown in
 * docs/microsoft-365.md: the two must agree, row for row, as a reader sees the rendered table.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ENTRA_ROLES, GLOBAL_READER, GUID, findEntraRole, roleHolders } from "../../src/model/entra-roles.js";
import { tablesOf } from "../support/markdown.js";

const docs = readFileSync(path.resolve(import.meta.dirname, "../../docs/microsoft-365.md"), "utf8");

describe("Entra built-in role template ids", () => {
  it("docs/microsoft-365.md shows exactly the code's table (and Global Reader, refused)", () => {
    const table = tablesOf(docs).find((candidate) => candidate.header[1] === "role template id");
    expect(table).toBeDefined();
    expect(table!.rows).toEqual([...ENTRA_ROLES.map((role) => [role.name, role.id]), [`${GLOBAL_READER.name} (refused: it can change nothing)`, GLOBAL_READER.id]]);
  });

  it("ids are lower-case GUIDs, each once, and names are unique", () => {
    for (const role of ENTRA_ROLES) expect(role.id).toMatch(GUID);
    for (const role of ENTRA_ROLES) expect(role.id).toBe(role.id.toLowerCase());
    expect(new Set(ENTRA_ROLES.map((role) => role.id)).size).toBe(ENTRA_ROLES.length);
    expect(new Set(ENTRA_ROLES.map((role) => role.name.toLowerCase())).size).toBe(ENTRA_ROLES.length);
  });

  it("finds a role by its name in any case and spacing, or by its id in any case", () => {
    expect(findEntraRole("  people   administrator ")?.id).toBe("024906de-61e5-49c8-8572-40335f1e0e10");
    expect(findEntraRole("FE930BE7-5E62-47DB-91AF-98C3A49A38B1")?.name).toBe("User Administrator");
    expect(findEntraRole(GLOBAL_READER.name)).toBeUndefined();
    expect(roleHolders("9360feb5-f418-4baa-8175-e2a00bac4301")).toBe("Directory Writers");
  });
});
