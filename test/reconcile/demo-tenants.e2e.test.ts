/**
 * The example repo against both built-in demo tenants: `demo` (a current tenant, MC678855: every
 * Graph photo in Entra ID) and `legacy` (the mailbox-first split). plan → apply --yes → plan
 * converges in both, and the plan says which store holds the Graph photo.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApplyReport } from "../../src/model/apply.js";
import type { Plan } from "../../src/model/plan.js";
import { HOLDERS } from "../../src/model/routing.js";
import { runCli } from "../support/cli.js";
import type { DemoTenant, TestTenant } from "../support/tenant.js";
import { copyExampleRepo, startTestTenant } from "../support/tenant.js";

const FAST = { PHOTOSYNC_RETRY_BACKOFF_MS: "20", PHOTOSYNC_VERIFY_DELAY_MS: "10" };

const expected: Record<DemoTenant, { graphStores: Record<string, string>; holders: string[] }> = {
  demo: {
    // One Graph photo per person, mailbox or not.
    graphStores: { "adele.vance": "aad", "isaiah.langer": "aad", "megan.bowen": "aad", "nestor.wilke": "aad" },
    holders: [HOLDERS.current],
  },
  legacy: {
    graphStores: { "adele.vance": "exo", "isaiah.langer": "aad", "megan.bowen": "exo", "nestor.wilke": "aad" },
    holders: [HOLDERS.legacyExo, HOLDERS.legacyAad],
  },
};

describe.each(["demo", "legacy"] as const)("the %s demo tenant", (demo) => {
  let repo: { root: string; remove(): Promise<void> };
  let tenant: TestTenant;
  beforeAll(async () => {
    repo = await copyExampleRepo();
    tenant = await startTestTenant(repo.root, {}, demo);
  });
  afterAll(async () => {
    await tenant?.close();
    await repo?.remove();
  });
  const run = (args: string[], app: "reader" | "writer") => runCli(args, { cwd: repo.root, env: { ...tenant.env(app), ...FAST } });
  const plan = async (): Promise<{ code: number; plan: Plan; text: string }> => {
    const json = await run(["plan", "--format", "json"], "reader");
    const text = await run(["plan"], "reader");
    return { code: json.code, plan: JSON.parse(json.stdout) as Plan, text: text.stdout };
  };

  it("plans the Graph photo in the store that holds it, and says which and why", async () => {
    const { code, plan: first, text } = await plan();
    expect(code).toBe(2);
    const managed = (upn: string) => first.users.find((user) => user.upn.startsWith(upn))!.steps.filter((step) => step.store !== "spo" && step.action !== "skip");
    for (const [upn, store] of Object.entries(expected[demo].graphStores)) {
      // Exactly one Graph step per person: never "exo" and "aad" both.
      expect(managed(upn).map((step) => step.store)).toEqual([store]);
    }
    const holders = new Set(first.users.flatMap((user) => user.steps.flatMap((step) => (step.holder ? [step.holder] : []))));
    expect([...holders].sort()).toEqual([...expected[demo].holders].sort());
    expect(text).toContain(`Graph photos: ${expected[demo].holders[0]}`);
  });

  it("apply --yes converges: the next plan has no changes", async () => {
    const applied = await run(["apply", "--yes", "--format", "json"], "writer");
    expect(applied.code).toBe(0);
    const report = JSON.parse(applied.stdout) as ApplyReport;
    expect(report.counts.failed).toBe(0);
    const { code, plan: again } = await plan();
    expect(code).toBe(0);
    expect(again.counts).toMatchObject({ create: 0, update: 0, delete: 0, unknown: 0 });
  });
});
