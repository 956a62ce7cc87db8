/**
 * Fidelity: traffic without a decorated User-Agent (`NONISV|Company|App/Version`) is throttled first
 * (SharePoint "How to avoid getting throttled"; m365-facts), and `x-ms-throttle-priority: low` marks
 * background traffic for Graph (throttling-limits.md). No switch: the emulator records what it was
 * sent (counters: userAgents, throttlePriorities). What a user cares about: every Graph and
 * SharePoint request of plan carries `NONISV|photosync|photosync/<version>`; the scheduled drift
 * check marks its Graph reads low priority, while plan and apply (a person waiting) do not.
 */
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github.js";
import { FAST, smallRepo, type SmallRepo } from "./support.js";

const version = (createRequire(import.meta.url)("../../package.json") as { version: string }).version;
const AGENT = `NONISV|photosync|photosync/${version}`;

let repo: SmallRepo;
let github: FakeGitHub;
beforeAll(async () => {
  repo = await smallRepo({
    people: [{ upn: "ann@contoso.com", seed: "ann" }],
    stores: ["aad", "spo"],
    tenant: { behaviour: "current" },
    users: [{ upn: "ann@contoso.com", mailbox: "none", photos: { spo: { file: "photos/ann.png" } } }],
  });
  github = await startFakeGitHub("contoso", "photos");
});
afterAll(async () => {
  await github?.close();
  await repo?.close();
});

describe("the decorated User-Agent", () => {
  it("is on plan's Graph and SharePoint requests, with normal priority", async () => {
    repo.tenant.emulator.admin.resetCounters();
    await repo.plan();
    const counters = repo.tenant.emulator.core.counters;
    // Every request to Graph and SharePoint, not just the last: one User-Agent per service, ours.
    const agents = Object.keys(counters.userAgentCounts()).filter((key) => key.startsWith("graph|") || key.startsWith("sharepoint|"));
    expect(agents.sort()).toEqual([`graph|${AGENT}`, `sharepoint|${AGENT}`]);
    const priorities = counters.throttlePriorities();
    expect(priorities["graph none"]).toBeGreaterThan(0);
    expect(priorities["graph low"]).toBeUndefined();
  });

  it("is on apply's requests, with normal priority", async () => {
    repo.tenant.emulator.admin.resetCounters();
    await repo.apply();
    const counters = repo.tenant.emulator.core.counters;
    const agents = Object.keys(counters.userAgentCounts()).filter((key) => key.startsWith("graph|") || key.startsWith("sharepoint|"));
    expect(agents.sort()).toEqual([`graph|${AGENT}`, `sharepoint|${AGENT}`]);
    expect(counters.throttlePriorities()["graph low"]).toBeUndefined();
  });
});

describe("drift (a scheduled check)", () => {
  it("marks every Graph request x-ms-throttle-priority: low", async () => {
    repo.tenant.emulator.admin.resetCounters();
    const result = await runCli(["drift"], {
      cwd: repo.root,
      env: { ...repo.tenant.env("reader"), ...FAST, GITHUB_ACTIONS: "true", GITHUB_TOKEN: "ghs_fakeTokenForTheHarness0123456789", GITHUB_REPOSITORY: "contoso/photos", GITHUB_API_URL: github.apiUrl },
    });
    const counters = repo.tenant.emulator.core.counters;
    const priorities = counters.throttlePriorities();
    expect(priorities["graph low"], result.stderr).toBeGreaterThan(0);
    expect(priorities["graph none"]).toBeUndefined();
    expect(counters.userAgents()).toMatchObject({ graph: AGENT, sharepoint: AGENT });
  });
});
