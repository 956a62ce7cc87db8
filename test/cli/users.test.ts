/**
 * `--users` on every command that takes it: an empty or blank list is a usage error (it never
 * means everyone), and a UPN the manifest does not name is one too, naming it. None of these runs
 * reaches a tenant: no environment is given, so a run that tried to sign in would fail otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseUsers } from "../../src/cli/options.js";
import { runCli } from "../support/cli.js";
import { copyExampleRepo } from "../support/tenant.js";

let repo: { root: string; remove(): Promise<void> };
beforeAll(async () => {
  repo = await copyExampleRepo();
});
afterAll(() => repo.remove());

describe("parseUsers", () => {
  it("splits on commas and trims, dropping empty items between commas", () => {
    expect(parseUsers(" a@contoso.com, B@contoso.com ,,c@contoso.com")).toEqual(["a@contoso.com", "B@contoso.com", "c@contoso.com"]);
  });

  it("refuses a list with no UPN in it", () => {
    for (const value of ["", " ", ",", " , ,", "\t"]) expect(() => parseUsers(value), JSON.stringify(value)).toThrow(/at least one UPN/);
  });
});

describe.each([
  ["plan", []],
  ["apply", ["--yes"]],
  ["render", ["--out", "out"]],
])("photosync %s --users", (command, extra) => {
  it.each(["", " ", ",", " , "])("refuses the empty list %j (exit 64), before reading anything", async (value) => {
    const result = await runCli([command, ...extra, "--users", value], { cwd: repo.root });
    expect(result.code).toBe(64);
    expect(result.stderr).toContain("--users needs at least one UPN");
    expect(result.stdout).toBe("");
  });

  it("refuses a UPN the manifest does not name (exit 64), naming it", async () => {
    const result = await runCli([command, ...extra, "--users", "adele.vance@contoso.com, Nobody@contoso.com"], { cwd: repo.root });
    expect(result.code).toBe(64);
    expect(result.stderr).toContain("--users: not in the manifest: Nobody@contoso.com");
    expect(result.stderr).not.toContain("validate");
    expect(result.stdout).toBe("");
  });
});
