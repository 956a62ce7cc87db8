/**
 * The default picture end to end against the emulator: a person set to `default` is planned as "the
 * default picture" (text, JSON, markdown), apply uploads the placeholder like any photo, and the plan
 * after it is clean. The digest moves only when the picture or the choice does.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { renderPortrait } from "../../src/demo/portrait.js";
import type { ApplyReport } from "../../src/model/apply.js";
import type { Plan, UserPlan } from "../../src/model/plan.js";
import { runCli } from "../support/cli.js";
import { tablesOf } from "../support/markdown.js";
import type { TestTenant } from "../support/tenant.js";
import { useExampleTenant } from "../support/tenant.js";

const FAST = { PHOTOSYNC_RETRY_BACKOFF_MS: "20", PHOTOSYNC_VERIFY_DELAY_MS: "10" };
const LEE = "lee.gu@contoso.com";

let repo: { root: string; remove(): Promise<void> };
let tenant: TestTenant;
let original: string;
let placeholder: Buffer;

const manifestPath = () => path.join(repo.root, "photos.yaml");
const plan = (format: "json" | "text" | "markdown") => runCli(["plan", "--format", format, "--users", LEE], { cwd: repo.root, env: { ...tenant.env("reader"), ...FAST } });
async function planJson(): Promise<Plan> {
  const result = await plan("json");
  expect(result.stderr).toBe("");
  return JSON.parse(result.stdout) as Plan;
}
const lee = (result: Plan): UserPlan => result.users.find((user) => user.upn === LEE)!;
const apply = () => runCli(["apply", "--yes", "--format", "json", "--users", LEE], { cwd: repo.root, env: { ...tenant.env("writer"), ...FAST } });

const example = useExampleTenant("demo");
beforeAll(async () => {
  ({ repo, tenant } = example);
  original = await readFile(manifestPath(), "utf8");
  placeholder = await readFile(path.join(repo.root, "photos", "_placeholder.png"));
});
beforeEach(async () => {
  await tenant.emulator.core.reset();
  tenant.emulator.admin.setFaults({});
  await writeFile(manifestPath(), original.replace(`${LEE}: photos/lee.gu.jpg`, `${LEE}: default`));
  await writeFile(path.join(repo.root, "photos", "_placeholder.png"), placeholder);
});

describe("a person set to default", () => {
  it("is planned as the default picture, in JSON, text and markdown", async () => {
    const json = lee(await planJson());
    expect(json.photo).toBe("default");
    expect(json.placeholder).toBe("photos/_placeholder.png");
    const changing = json.steps.filter((step) => step.action === "create" || step.action === "update");
    expect(changing.map((step) => step.store).sort()).toEqual(["aad", "spo"]);
    for (const step of changing) expect(step.reason).toMatch(/^the default picture \(photos\.yaml: default\)/);

    const text = (await plan("text")).stdout;
    expect(text).toContain(`${LEE}  (default: photos/_placeholder.png)`);
    expect(text).toMatch(/[+~] aad (create|update) +the default picture \(photos\.yaml: default\)/);

    const table = tablesOf((await plan("markdown")).stdout).find((candidate) => candidate.header[0] === "user");
    const rows = table!.rows.filter((row) => row[0] === LEE);
    expect(rows.length).toBe(changing.length);
    for (const row of rows) expect(row[3]).toMatch(/^the default picture \(photos\.yaml: default\)/);
  });

  it("gets the placeholder uploaded like any photo, and the plan after apply is clean", async () => {
    const result = await apply();
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as ApplyReport;
    expect(report.counts).toMatchObject({ failed: 0, skipped: 0 });
    expect(report.users.flatMap((user) => user.steps.map((step) => step.outcome))).not.toContain("failed");

    // A picture like any other, not "no photo": SharePoint does not show its own placeholder for it.
    const person = tenant.emulator.core.tenant.findUser(LEE)!;
    expect(person.profile["SPS-PicturePlaceholderState"]).toBe("0");
    expect(person.photos.aad).toBeDefined();

    const again = lee(await planJson());
    expect(again.steps.map((step) => step.action)).toEqual(again.steps.map(() => "noop"));
    expect(again.steps.every((step) => step.reason.startsWith("the default picture (photos.yaml: default): "))).toBe(true);
  });

  it("changes the plan's digest only when the picture or the choice changes", async () => {
    const first = (await planJson()).digest;
    expect((await planJson()).digest).toBe(first);

    // The choice: default in its mapping form is the same choice.
    await writeFile(manifestPath(), original.replace(`${LEE}: photos/lee.gu.jpg`, `${LEE}:\n    default: true`));
    expect((await planJson()).digest).toBe(first);
    // Another default picture.
    await writeFile(path.join(repo.root, "photos", "_placeholder.png"), await renderPortrait({ seed: "not a person", width: 648, height: 648 }, "png"));
    expect((await planJson()).digest).not.toBe(first);
    // The person's own photo again.
    await writeFile(path.join(repo.root, "photos", "_placeholder.png"), placeholder);
    await writeFile(manifestPath(), original);
    expect((await planJson()).digest).not.toBe(first);
  });
});
