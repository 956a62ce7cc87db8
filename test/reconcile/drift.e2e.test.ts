/** `photosync drift` outside what it needs: it says so before reading anything, since the issue could not be written. */
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import type { TestTenant } from "../support/tenant.js";
import { useExampleTenant } from "../support/tenant.js";

let repo: { root: string; remove(): Promise<void> };
let tenant: TestTenant;

const example = useExampleTenant();
beforeAll(() => {
  ({ repo, tenant } = example);
});

describe("drift without what it needs to publish", () => {
  it("refuses without GITHUB_TOKEN, with one message and exit 1, before reading the tenant", async () => {
    tenant.emulator.admin.resetCounters();
    const result = await runCli(["drift"], { cwd: repo.root, env: { ...tenant.env(), GITHUB_ACTIONS: "true", GITHUB_REPOSITORY: "contoso/photos" } });
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: "photosync: drift needs GITHUB_TOKEN to open, update or close the drift issue: pass it to this step (env: GITHUB_TOKEN: ${{ github.token }}); nothing was read\n",
    });
    expect(tenant.emulator.admin.counters().totals.requests).toBe(0);
  });

  it("refuses outside GitHub Actions, before reading the tenant", async () => {
    tenant.emulator.admin.resetCounters();
    const result = await runCli(["drift"], { cwd: repo.root, env: { ...tenant.env(), GITHUB_TOKEN: "ghs_x", GITHUB_REPOSITORY: "contoso/photos" } });
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: "photosync: drift runs inside GitHub Actions (GITHUB_ACTIONS=true), where it keeps the drift issue; use photosync plan elsewhere. Nothing was read\n",
    });
    expect(tenant.emulator.admin.counters().totals.requests).toBe(0);
  });
});
