/**
 * The workflows, run as the GitHub runner would (see workflow-runner.ts), against the emulator as
 * the tenant and a local fake of the GitHub REST API: the sticky comment, the apply bound to the
 * reviewed digest, the drift issue's life, forks kept out, an invalid repo stopped before sign-in,
 * and no secret in any output.
 */
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderPortrait } from "../../src/demo/portrait.js";
import { DEMO_READER_CLIENT_ID, DEMO_WRITER_CLIENT_ID } from "../../src/emulator/index.js";
import { PLAN_COMMENT_MARKER } from "../../src/plan/format-markdown.js";
import { createTrustedHttp } from "../../src/tenant/http.js";
import type { FakeGitHub } from "../support/fake-github.js";
import { startFakeGitHub } from "../support/fake-github.js";
import type { TestTenant } from "../support/tenant.js";
import { copyExampleRepo, REPO_ROOT, startTestTenant } from "../support/tenant.js";
import type { JobRun, RunContext, Workflow } from "../support/workflow-runner.js";
import { readWorkflow, runJob } from "../support/workflow-runner.js";
import { linesOf, linksOf, tablesOf } from "../support/markdown.js";

const git = promisify(execFile);
const REPOSITORY = "contoso/photos";
const GITHUB_TOKEN = "ghs_fakeTokenForTheHarness0123456789";

let repo: { root: string; remove(): Promise<void> };
let tenant: TestTenant;
let github: FakeGitHub;
let oidcServer: ReturnType<typeof createServer>;
let oidcBase: string;
const issuedOidcTokens: string[] = [];
const everything: string[] = [];
let baseSha: string;
let headSha: string;
const workflows: Record<string, Workflow> = {};

/** The people an uploaded sheet shows, in its order (each a list item headed by the UPN). */
async function sheetPeople(file: string): Promise<string[]> {
  return [...(await readFile(file, "utf8")).matchAll(/<li class="person"><h2><code>([^<]*)<\/code>/g)].map((match) => match[1]!);
}

function context(event: RunContext["event"], extra: Partial<RunContext> = {}): RunContext {
  // The machine's environment minus anything a runner would set, plus where the tenant is.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("GITHUB_") && !name.startsWith("ACTIONS_") && !name.startsWith("AZURE_")));
  const { AZURE_CLIENT_ID: _id, AZURE_CLIENT_CERTIFICATE_PATH: _certificate, AZURE_TENANT_ID: _tenant, ...endpoints } = tenant.env();
  return {
    repoRoot: repo.root,
    repository: REPOSITORY,
    event,
    vars: { PHOTOSYNC_READER_CLIENT_ID: DEMO_READER_CLIENT_ID, PHOTOSYNC_WRITER_CLIENT_ID: DEMO_WRITER_CLIENT_ID, PHOTOSYNC_TENANT_ID: tenant.emulator.endpoints.tenantId },
    token: GITHUB_TOKEN,
    apiUrl: github.apiUrl,
    baseEnv: { ...inherited, ...endpoints, NO_COLOR: "1", PHOTOSYNC_RETRY_BACKOFF_MS: "20", PHOTOSYNC_VERIFY_DELAY_MS: "10" },
    oidcUrl: (subject) => `${oidcBase}/token?api-version=2.0&subject=${encodeURIComponent(subject)}`,
    ...extra,
  };
}

async function run(file: string, job: string, ctx: RunContext): Promise<JobRun> {
  const result = await runJob(workflows[file]!, job, ctx);
  for (const step of result.steps) everything.push(step.stdout, step.stderr);
  for (const upload of result.uploads) everything.push(await readFile(upload.file, "utf8"));
  everything.push(result.summary, JSON.stringify(result.outputs));
  return result;
}

function pullRequestEvent(fork = false): RunContext["event"] {
  return {
    name: "pull_request",
    sha: headSha,
    payload: {
      pull_request: {
        number: 7,
        base: { sha: baseSha, repo: { full_name: REPOSITORY } },
        head: { sha: headSha, repo: { full_name: fork ? "mallory/photos" : REPOSITORY } },
      },
    },
  };
}

const pushEvent = (): RunContext["event"] => ({ name: "push", ref: "refs/heads/main", sha: headSha, payload: { ref: "refs/heads/main", after: headSha } });
const scheduleEvent = (): RunContext["event"] => ({ name: "schedule", ref: "refs/heads/main", sha: headSha, payload: { schedule: "17 */6 * * *" } });

async function changeByHand(upn: string, seed: string): Promise<void> {
  const http = createTrustedHttp({ caPem: tenant.emulator.endpoints.caCertPem });
  const response = await http.fetch(`${tenant.emulator.endpoints.adminApiUrl}/photos/exo/${upn}`, { method: "PUT", body: await renderPortrait({ seed, width: 648, height: 648 }) });
  await http.close();
  expect(response.status).toBe(200);
}

beforeAll(async () => {
  for (const file of ["plan.yml", "apply.yml", "drift.yml", "doctor.yml", "report.yml"]) workflows[file] = await readWorkflow(path.join(REPO_ROOT, ".github/workflows", file));
  repo = await copyExampleRepo();
  tenant = await startTestTenant(repo.root);
  github = await startFakeGitHub("contoso", "photos");
  // The Actions runtime's ID-token endpoint: a GitHub-issued OIDC token for the job's subject.
  oidcServer = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    void tenant.emulator.core.tokens
      .mintFederatedToken({ issuer: "https://token.actions.githubusercontent.com", subject: url.searchParams.get("subject") ?? "", audience: url.searchParams.get("audience") ?? "" })
      .then((token) => {
        issuedOidcTokens.push(token);
        response.setHeader("content-type", "application/json");
        response.end(JSON.stringify({ value: token }));
      });
  });
  await new Promise<void>((resolve) => oidcServer.listen(0, "127.0.0.1", resolve));
  oidcBase = `http://127.0.0.1:${(oidcServer.address() as AddressInfo).port}`;

  const gitIn = (...args: string[]) => git("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false", ...args], { cwd: repo.root });
  await writeFile(path.join(repo.root, ".gitignore"), ".emulator-state/\n.photosync/\n");
  await gitIn("init", "-q", "-b", "main");
  await gitIn("add", "-A");
  await gitIn("commit", "-q", "-m", "base");
  baseSha = (await gitIn("rev-parse", "HEAD")).stdout.trim();
  // The pull request: new photos for Megan and Adele, and Lee's removed.
  await writeFile(path.join(repo.root, "photos/megan.bowen.png"), await renderPortrait({ seed: "megan 2027", width: 800, height: 800 }, "png"));
  await writeFile(path.join(repo.root, "photos/adele.vance.jpg"), await renderPortrait({ seed: "adele 2027", width: 800, height: 800 }, "jpeg"));
  const manifest = path.join(repo.root, "photos.yaml");
  await writeFile(manifest, (await readFile(manifest, "utf8")).replace("lee.gu@contoso.com: photos/lee.gu.jpg", "lee.gu@contoso.com: remove"));
  await gitIn("commit", "-q", "-am", "New photos for Megan and Adele; Lee left");
  headSha = (await gitIn("rev-parse", "HEAD")).stdout.trim();
});

afterAll(async () => {
  oidcServer?.close();
  await github?.close();
  await tenant?.close();
  await repo?.remove();
});

describe("plan.yml on a pull request", () => {
  it("validates, then keeps exactly one plan comment, edited on every push", async () => {
    const validate = await run("plan.yml", "validate", context(pullRequestEvent()));
    expect(validate.ok).toBe(true);
    expect(validate.steps[0]!.stdout).toContain("✔ photos.yaml is valid");

    const first = await run("plan.yml", "plan", context(pullRequestEvent()));
    expect(first.ok, first.steps.map((step) => step.stderr).join("\n")).toBe(true);
    github.addHumanComment(7, `Quoting the bot: ${PLAN_COMMENT_MARKER} looks fine`);
    const second = await run("plan.yml", "plan", context(pullRequestEvent()));
    expect(second.ok).toBe(true);

    const botComments = github.comments.filter((comment) => comment.user.type === "Bot");
    expect(botComments).toHaveLength(1);
    expect(botComments[0]!.body).toContain(PLAN_COMMENT_MARKER);
    // Only the people the pull request changes are planned.
    expect(botComments[0]!.body).not.toContain("alex.wilber");
    // As GitHub renders them, the comment and the job summary: the counts, then the steps, two tables.
    for (const markdown of [botComments[0]!.body, second.summary]) {
      const tables = tablesOf(markdown);
      expect(tables.map((table) => table.header)).toEqual([
        ["➕ create", "🔄 update", "🗑️ delete", "✅ unchanged", "⏭️ skipped", "❓ unknown"],
        ["user", "store", "action", "reason", "now", "after", "distance"],
      ]);
      expect(tables[0]!.rows).toHaveLength(1);
      const steps = tables[1]!.rows;
      // Megan's writes only (the demo tenant is current: one Graph photo, in Entra ID), the UPN as it is.
      expect(steps.map((row) => [row[0], row[1], row[2]])).toEqual([
        ["adele.vance@contoso.com", "aad", "🔄 update"],
        ["adele.vance@contoso.com", "spo", "🔄 update"],
        ["lee.gu@contoso.com", "aad", "🗑️ delete"],
        ["megan.bowen@contoso.com", "aad", "➕ create"],
        ["megan.bowen@contoso.com", "spo", "➕ create"],
      ]);
      expect(steps.every((row) => row.length === 7)).toBe(true);
    }
    // Each run uploaded the sheet as one page, and the comment and the summary link that upload.
    for (const job of [first, second]) {
      expect(job.uploads.map((upload) => [upload.name, upload.retentionDays])).toEqual([["faces.html", "14"]]);
      expect(existsSync(job.uploads[0]!.file)).toBe(true);
      expect(job.uploads[0]!.url).toMatch(/^https:\/\/github\.com\/contoso\/photos\/actions\/runs\/4242\/artifacts\/\d+$/);
    }
    // The page the link opens shows the three people, before and after.
    expect(await sheetPeople(second.uploads[0]!.file)).toEqual(["adele.vance@contoso.com", "lee.gu@contoso.com", "megan.bowen@contoso.com"]);
    const faces = { text: "Review the 3 changed faces", href: second.uploads[0]!.url };
    expect(linksOf(botComments[0]!.body)).toContainEqual(faces);
    expect(linksOf(second.summary)).toContainEqual(faces);
    expect(second.steps.map((step) => step.name)).toEqual(["Plan the people this pull request changes", "Link the faces from the plan comment and the job summary"]);
    expect(second.steps[0]!.stderr).toContain("photosync: before/after pictures of 3 people: ");
    expect(second.steps[1]!.stdout).toBe("photosync: review sheet linked from the job summary, the plan comment on pull request #7\n");
    // Created once; then edited by each link step and each later plan step.
    expect(github.calls.filter((call) => call.method === "POST" && call.path.endsWith("/comments"))).toHaveLength(1);
    expect(github.calls.filter((call) => call.method === "PATCH" && call.path.includes("/issues/comments/"))).toHaveLength(3);
    expect(github.comments.find((comment) => comment.user.type === "User")!.body).toContain("looks fine");
    expect(second.summary).toContain(PLAN_COMMENT_MARKER);
    expect(github.calls.every((call) => call.authorization === `token ${GITHUB_TOKEN}`)).toBe(true);
    expect(github.unexpected).toEqual([]);
  });

  it("still posts the plan comment, without the link, when the upload fails", async () => {
    const plan = workflows["plan.yml"]!;
    const job = plan.jobs.plan!;
    // The sheet's file is not where the upload looks, and the upload is told to fail then.
    const broken = job.steps.map((step) => (step.uses?.startsWith("actions/upload-artifact@") ? { ...step, with: { ...step.with, path: "${{ runner.temp }}/nowhere/faces.html", "if-no-files-found": "error" } } : step));
    const result = await runJob({ ...plan, jobs: { plan: { ...job, steps: broken } } } as Workflow, "plan", context(pullRequestEvent()));
    for (const step of result.steps) everything.push(step.stdout, step.stderr);
    expect(result.ok).toBe(false);
    expect(result.uploads).toEqual([]);
    expect(result.steps.map((step) => [step.name, step.code])).toEqual([
      ["Plan the people this pull request changes", 0],
      [expect.stringContaining("upload-artifact"), 1],
    ]);
    const comment = github.comments.find((candidate) => candidate.user.type === "Bot")!;
    expect(tablesOf(comment.body)[1]!.rows).toHaveLength(5);
    expect(linksOf(comment.body).filter((link) => link.text.startsWith("Review the"))).toEqual([]);
    // The next run that uploads puts the link back.
    const again = await run("plan.yml", "plan", context(pullRequestEvent()));
    expect(linksOf(github.comments.find((candidate) => candidate.user.type === "Bot")!.body)).toContainEqual({ text: "Review the 3 changed faces", href: again.uploads[0]!.url });
  });

  it("gives a pull request from a fork validation only: the plan job does not run and photosync refuses anyway", async () => {
    tenant.emulator.admin.resetCounters();
    const skipped = await run("plan.yml", "plan", context(pullRequestEvent(true)));
    expect(skipped.skipped).toBe(true);
    // Even if a workflow forgot the condition, photosync itself would not sign in for a fork.
    const forced = await runJob({ ...workflows["plan.yml"]!, jobs: { plan: { ...workflows["plan.yml"]!.jobs.plan!, if: undefined } } } as Workflow, "plan", context(pullRequestEvent(true)));
    expect(forced.steps.at(-1)!.stdout).toContain("pull request from a fork: validation only, no tenant access");
    // No pictures either: nothing to upload, nothing linked.
    expect(skipped.uploads).toEqual([]);
    expect(forced.uploads).toEqual([]);
    expect(forced.steps.map((step) => step.name)).toEqual(["Plan the people this pull request changes"]);
    expect(tenant.emulator.admin.counters().totals.requests).toBe(0);
  });
});

describe("apply.yml after merge", () => {
  it("plans, then applies exactly the reviewed plan with the writer identity", async () => {
    const plan = await run("apply.yml", "plan", context(pushEvent()));
    expect(plan.ok, plan.steps.map((step) => step.stderr).join("\n")).toBe(true);
    expect(plan.outputs.changes).toBe("true");
    expect(plan.outputs.digest).toMatch(/^[0-9a-f]{64}$/);
    // The environment's reviewers see the faces from the plan job's summary.
    const faces = linksOf(plan.summary).filter((link) => link.text.startsWith("Review the"));
    expect(faces).toEqual([{ text: expect.stringMatching(/^Review the \d+ changed faces$/), href: plan.uploads[0]!.url }]);

    const apply = await run("apply.yml", "apply", context(pushEvent(), { needs: { plan: { outputs: plan.outputs } } }));
    expect(apply.ok, apply.steps.map((step) => step.stdout + step.stderr).join("\n")).toBe(true);
    expect(apply.summary).toContain("photosync apply complete");

    const again = await run("apply.yml", "plan", context(pushEvent()));
    expect(again.outputs.changes).toBe("false");
    const skipped = await run("apply.yml", "apply", context(pushEvent(), { needs: { plan: { outputs: again.outputs } } }));
    expect(skipped.skipped).toBe(true);
  });

  it("refuses to apply a digest that is not the reviewed plan", async () => {
    await changeByHand("adele.vance@contoso.com", "adele by hand, before apply");
    const apply = await run("apply.yml", "apply", context(pushEvent(), { needs: { plan: { outputs: { changes: "true", digest: "f".repeat(64) } } } }));
    expect(apply.ok).toBe(false);
    expect(apply.steps.at(-1)!.code).toBe(4);
  });
});

describe("drift.yml on a schedule", () => {
  it("opens one issue for drift, updates it while drift lasts, and closes it once healed", async () => {
    await changeByHand("adele.vance@contoso.com", "adele changed her own photo");
    const first = await run("drift.yml", "detect", context(scheduleEvent()));
    expect(first.ok, first.steps.map((step) => step.stderr).join("\n")).toBe(true);
    expect(first.outputs.drifted).toBe("true");
    expect(github.issues).toHaveLength(1);
    expect(github.issues[0]).toMatchObject({ state: "open", title: "photosync: 1 person's photo differs from the repo", labels: [{ name: "photosync-drift" }] });
    // The issue links the drifted person's sheet: the repo's picture next to the one the tenant shows.
    expect(first.uploads.map((upload) => upload.name)).toEqual(["faces.html"]);
    expect(linksOf(github.issues[0]!.body)).toContainEqual({ text: "Review the 1 drifted face", href: first.uploads[0]!.url });
    expect(linksOf(first.summary)).toContainEqual({ text: "Review the 1 drifted face", href: first.uploads[0]!.url });
    expect(await sheetPeople(first.uploads[0]!.file)).toEqual(["adele.vance@contoso.com"]);

    await changeByHand("alex.wilber@contoso.com", "alex changed his too");
    const second = await run("drift.yml", "detect", context(scheduleEvent()));
    expect(second.outputs.drifted).toBe("true");
    expect(github.issues).toHaveLength(1);
    expect(github.issues[0]!.title).toBe("photosync: 2 people's photos differ from the repo");
    expect(linksOf(github.issues[0]!.body).filter((link) => link.text.startsWith("Review the"))).toEqual([{ text: "Review the 2 drifted faces", href: second.uploads[0]!.url }]);
    expect(await sheetPeople(second.uploads[0]!.file)).toEqual(["adele.vance@contoso.com", "alex.wilber@contoso.com"]);

    // No self-heal unless asked; with it, the repo's photos go back.
    expect((await run("drift.yml", "heal", context(scheduleEvent(), { needs: { detect: { outputs: second.outputs } } }))).skipped).toBe(true);
    const heal = await run("drift.yml", "heal", context(scheduleEvent(), { inputs: { "self-heal": true }, needs: { detect: { outputs: second.outputs } } }));
    expect(heal.ok, heal.steps.map((step) => step.stdout + step.stderr).join("\n")).toBe(true);

    const third = await run("drift.yml", "detect", context(scheduleEvent()));
    expect(third.outputs.drifted).toBe("false");
    expect(github.issues[0]!.state).toBe("closed");
    expect(github.comments.filter((comment) => comment.issue === github.issues[0]!.number).map((comment) => comment.body)).toEqual([
      "The tenant is back in line with the repo ([run](https://github.com/contoso/photos/actions/runs/4242)). Closing.",
    ]);
  });

  it("reports a failed read as an error, never as drift, and leaves the issue alone", async () => {
    const callsBefore = github.calls.length;
    tenant.emulator.admin.setFaults({ rules: [{ match: { service: "graph", path: "/photo" }, failFirst: 100_000, errorStatus: 503 }] });
    try {
      const detect = await run("drift.yml", "detect", context(scheduleEvent(), { baseEnv: { ...context(scheduleEvent()).baseEnv, PHOTOSYNC_RETRY_ATTEMPTS: "2" } }));
      expect(detect.ok).toBe(false);
      expect(detect.steps.at(-1)!.stdout).toContain("::error::photosync could not read");
      expect(github.calls.length).toBe(callsBefore);
    } finally {
      tenant.emulator.admin.setFaults({});
    }
  });
});

describe("an invalid repo", () => {
  it("stops apply.yml and drift.yml at validation, before any sign-in", async () => {
    const manifest = path.join(repo.root, "photos.yaml");
    const valid = await readFile(manifest, "utf8");
    await writeFile(manifest, `${valid}  grady.smith@contoso.com: photos/no-such-photo.jpg\n`);
    try {
      for (const [file, job] of [["apply.yml", "plan"], ["drift.yml", "detect"]] as const) {
        tenant.emulator.admin.resetCounters();
        const issuedBefore = issuedOidcTokens.length;
        const result = await run(file, job, context(file === "apply.yml" ? pushEvent() : scheduleEvent()));
        expect(result.ok, file).toBe(false);
        expect(result.steps.map((step) => step.name), file).toEqual(["Validate photos.yaml and every photo (before any sign-in)"]);
        expect(result.steps[0]!.stdout, file).toContain("photo-missing");
        expect(Object.values(result.outputs).every((value) => value === ""), file).toBe(true);
        expect(tenant.emulator.admin.counters().totals.requests, file).toBe(0);
        expect(issuedOidcTokens.length, file).toBe(issuedBefore);
      }
    } finally {
      await writeFile(manifest, valid);
    }
  });
});

describe("documents on standard output inside GitHub Actions", () => {
  // What a job does with `plan --format json > plan.json`: the file must be the document, and no
  // token may be in it (not even on an ::add-mask:: line, which a file keeps like any other).
  const job = (steps: Array<{ name: string; run: string; env?: Record<string, string> }>): Workflow => ({
    on: {},
    jobs: {
      documents: {
        permissions: { contents: "read", "id-token": "write" },
        env: { AZURE_CLIENT_ID: "${{ vars.PHOTOSYNC_READER_CLIENT_ID }}", AZURE_TENANT_ID: "${{ vars.PHOTOSYNC_TENANT_ID }}" },
        steps,
      },
    },
  });
  const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]*/;

  it("are exactly the JSON or markdown document, with or without GITHUB_OUTPUT, and hold no token", async () => {
    await changeByHand("adele.vance@contoso.com", "adele by hand, for the documents");
    const noOutputFile = { GITHUB_OUTPUT: "" };
    const run = await runJob(
      job([
        { name: "plan json", run: "node dist/cli/main.js plan --format json --no-detailed-exitcode" },
        { name: "plan markdown", run: "node dist/cli/main.js plan --format markdown --no-detailed-exitcode" },
        { name: "plan json, no GITHUB_OUTPUT", env: noOutputFile, run: "node dist/cli/main.js plan --format json --no-detailed-exitcode" },
        { name: "plan markdown, no GITHUB_OUTPUT", env: noOutputFile, run: "node dist/cli/main.js plan --format markdown --no-detailed-exitcode" },
        { name: "apply dry run json", run: "node dist/cli/main.js apply --format json || [ $? -eq 2 ]" },
      ]),
      "documents",
      context(pushEvent()),
    );
    for (const step of run.steps) everything.push(step.stdout, step.stderr);
    expect(run.steps.map((step) => [step.name, step.code])).toEqual([
      ["plan json", 0],
      ["plan markdown", 0],
      ["plan json, no GITHUB_OUTPUT", 0],
      ["plan markdown, no GITHUB_OUTPUT", 0],
      ["apply dry run json", 0],
    ]);
    for (const step of run.steps) {
      expect(step.stdout, step.name).not.toMatch(JWT);
      expect(step.stderr, step.name).not.toMatch(JWT);
      // No workflow command (::add-mask::, ::debug::, ::set-output::) in the document.
      expect(step.stdout, step.name).not.toMatch(/^::/m);
      if (step.name.includes("json")) {
        const plan = JSON.parse(step.stdout) as { format: string; counts: { update: number } };
        expect(plan.format).toBe("photosync.plan/v1");
        expect(plan.counts.update).toBeGreaterThan(0);
      } else {
        expect(step.stdout.startsWith(PLAN_COMMENT_MARKER), step.name).toBe(true);
        expect(tablesOf(step.stdout).length, step.name).toBeGreaterThan(0);
      }
    }
    // Outputs go to the GITHUB_OUTPUT file only; without one they are skipped, with a warning.
    expect(run.steps[2]!.stderr).toContain("photosync: warning: GITHUB_OUTPUT is not set");
  });
});

describe("report.yml on its weekly schedule", () => {
  it("validates, writes the HTML page for the artifact, and the report to the job summary", async () => {
    const weekly: RunContext["event"] = { name: "schedule", ref: "refs/heads/main", sha: headSha, payload: { schedule: "41 5 * * 1" } };
    const report = await run("report.yml", "report", context(weekly));
    expect(report.ok, report.steps.map((step) => step.stdout + step.stderr).join("\n")).toBe(true);
    expect(report.steps.map((step) => step.name)).toEqual(["Validate photos.yaml and every photo (before any sign-in)", "Write the report as an HTML page", "Write the report to the job summary, linking the page"]);
    expect(report.steps[1]!.stdout).toMatch(/^\d+ people: .*; report written to .*photosync-report\.html\n$/);
    const lines = linesOf(report.summary);
    expect(lines[0]).toBe("photosync report");
    expect(lines[1]).toMatch(/^\d+ people: /);
    const counts = tablesOf(report.summary)[0]!;
    expect(counts.header).toEqual(["People", "Count"]);
    const total = Number(counts.rows.at(-1)![1]);
    expect(counts.rows.slice(0, -1).reduce((sum, row) => sum + Number(row[1]), 0)).toBe(total);
  });
});

describe("doctor.yml on manual dispatch", () => {
  const dispatch = (inputs: Record<string, unknown> = {}): RunContext["event"] => ({ name: "workflow_dispatch", ref: "refs/heads/main", sha: headSha, payload: { ref: "refs/heads/main", inputs } });

  it("checks each identity and writes its checklist to the job summary; the writer probes once when given a person", async () => {
    const reader = await run("doctor.yml", "reader", context(dispatch()));
    expect(reader.ok, reader.steps.map((step) => step.stdout + step.stderr).join("\n")).toBe(true);
    expect(reader.steps.map((step) => step.name)).toEqual(["Validate photos.yaml and every photo (before any sign-in)", "Check the read-only identity"]);
    const tables = tablesOf(reader.summary);
    expect(tables.length).toBe(5);
    expect(tables.at(-1)!.rows.map((row) => row[1])).toEqual(["Graph photos for all 8 people", "SharePoint thumbnails and profile properties for all 8 people"]);
    expect(reader.summary).toContain("signed in as the reader (read-only) identity");

    const inputs = { probe_user: "adele.vance@contoso.com", sample: 3 };
    const writer = await run("doctor.yml", "writer", context(dispatch(inputs), { inputs }));
    expect(writer.ok, writer.steps.map((step) => step.stdout + step.stderr).join("\n")).toBe(true);
    expect(writer.summary).toContain("signed in as the writer (read-write) identity");
    expect(tablesOf(writer.summary).flatMap((table) => table.rows).find((row) => row[1] === "Profile write for adele.vance@contoso.com")?.[2]).toBe(
      "wrote SPS-PicturePlaceholderState back with the value it had (idempotent: nothing changed)",
    );
  });

  it("fails the job when something the manifest asks for is not possible, after writing the checklist", async () => {
    const app = tenant.emulator.core.tenant.config.apps.find((candidate) => candidate.clientId === DEMO_READER_CLIENT_ID)!;
    const roles = app.roles.sharepoint;
    app.roles.sharepoint = ["Sites.Read.All"];
    try {
      const reader = await run("doctor.yml", "reader", context(dispatch()));
      expect(reader.ok).toBe(false);
      expect(reader.steps.at(-1)!.code).toBe(1);
      const row = tablesOf(reader.summary).flatMap((table) => table.rows).find((cells) => cells[1] === "SharePoint User.Read.All (reading user profiles)");
      expect(row?.[0]).toBe("❌ fail");
      expect(row?.[3]).toContain("the SharePoint application permission User.Read.All");
    } finally {
      app.roles.sharepoint = roles;
    }
  });
});

describe("secrets", () => {
  it("never appear in any output, summary, step output or GitHub API call", () => {
    const published = [...everything, ...github.calls.map((call) => JSON.stringify(call.body ?? {}))].join("\n");
    // Not even on ::add-mask:: lines: photosync never prints a token, so it asks for no mask, and a
    // mask line on standard output would carry the token into any file it is redirected to.
    const visible = published;
    expect(visible).not.toContain("::add-mask::");
    expect(issuedOidcTokens.length).toBeGreaterThan(0);
    for (const token of issuedOidcTokens) expect(visible).not.toContain(token);
    expect(visible).not.toContain(GITHUB_TOKEN);
    expect(visible).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/);
  });
});
