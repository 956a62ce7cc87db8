/**
 * The measured scenarios of one tenant size, in an order where each leaves the tenant and repo as
 * the next expects: cold plan, warm plan, cold live cache, 5% drift by hand (checked person by
 * person), pull-request plan, apply, rendering, and the naive baseline.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { DEMO_READER_CLIENT_ID } from "../src/emulator/demo-tenant.js";
import { compare } from "../src/images/compare.js";
import { fingerprintImage } from "../src/images/fingerprint-image.js";
import type { Dataset } from "./dataset.js";
import { sourcePhoto } from "./dataset.js";
import type { Measured } from "./measure.js";
import { measure } from "./measure.js";
import type { BenchTenant, RequestSummary } from "./tenant.js";
import { summariseCounters } from "./tenant.js";
import type { Workspace } from "./workspace.js";
import { checkout, commitOnBranch, photoPathOf, replacePhoto, upnOf } from "./workspace.js";

export interface ScenarioResult {
  id: string;
  title: string;
  people: number;
  /** People the scenario works on (planned, applied, rendered, checked). */
  subjects: number;
  wallMs: number;
  cpuMs: number;
  /** CPU time the emulator (standing in for Microsoft's servers) spent meanwhile, on the same cores. */
  emulatorCpuMs?: number;
  peakRssMiB: number;
  exitCode: number | null;
  requests: RequestSummary;
  check: { ok: boolean; detail: string };
  /** wall time of the naive baseline at this size ÷ this wall time (set by the report). */
  baselineRatio?: number;
}

export interface Programs {
  child: string;
  cli: string;
  naive: string;
  renderJob: string;
}

export interface SizePlan {
  people: number;
  apply: number;
  render: number;
  baseline: number;
  /** Distinct photos, reused round the people (person i gets photo i mod pool); undefined: one each. */
  pool?: number;
  /** Only the scale scenarios: caches filled first, then the warm and pull-request plans. */
  scale?: boolean;
}

interface PlanJson {
  users: Array<{ upn: string; steps: Array<{ store: string; action: string }> }>;
  counts: Record<string, number>;
}

const CHANGING = new Set(["create", "update", "delete"]);
/** The bench tenant is a current one (Entra ID holds every Graph photo): its Graph steps are planned as aad. */
const GRAPH_STEP_STORE = "aad";

function changes(plan: PlanJson): Set<string> {
  const out = new Set<string>();
  for (const user of plan.users) for (const step of user.steps) if (CHANGING.has(step.action)) out.add(`${user.upn.toLowerCase()} ${step.store}`);
  return out;
}

function sameSet(actual: Set<string>, expected: Set<string>): string | undefined {
  const missing = [...expected].filter((entry) => !actual.has(entry));
  const extra = [...actual].filter((entry) => !expected.has(entry));
  if (missing.length === 0 && extra.length === 0) return undefined;
  return `missing ${missing.length} (${missing.slice(0, 3).join(", ")}), unexpected ${extra.length} (${extra.slice(0, 3).join(", ")})`;
}

export class SizeRun {
  readonly results: ScenarioResult[] = [];

  constructor(
    private readonly workspace: Workspace,
    private readonly data: Dataset,
    private readonly tenant: BenchTenant,
    private readonly programs: Programs,
    private readonly size: SizePlan,
    private readonly log: (line: string) => void,
    /** Where each scenario's process writes a V8 CPU profile (`--cpu-prof`), one folder per scenario; none when unset. */
    private readonly cpuProfileDir?: string,
  ) {}

  private get n(): number {
    return this.workspace.n;
  }

  /**
   * Someone whose photo is clearly another picture than person i's (synthetic faces share a small
   * palette, and a few pairs sit inside the comparison's thresholds): the next person whose photo
   * differs by a wide margin (hash distance > 20 or colour ΔE > 16).
   */
  private async donorFor(i: number): Promise<number> {
    const own = await fingerprintImage(await readFile(this.data.tenantPhoto(i)));
    for (let step = 1; step < this.n; step++) {
      const candidate = (i + step) % this.n;
      const other = await fingerprintImage(await readFile(this.data.tenantPhoto(candidate)));
      const { distances } = compare(own, other);
      if (distances.hash > 20 || distances.colour > 16) return candidate;
    }
    throw new Error(`no clearly different photo for person ${i}`);
  }

  private async run(id: string, title: string, subjects: number, script: string, args: string[], app: "reader" | "writer", check: (m: Measured) => Promise<{ ok: boolean; detail: string }>): Promise<ScenarioResult> {
    await this.tenant.resetCounters();
    const emulatorCpuBefore = (await this.tenant.counters()).cpuMs;
    this.log(`  ${title} …`);
    const nodeOptions = this.cpuProfileDir !== undefined ? ["--cpu-prof", `--cpu-prof-dir=${path.join(this.cpuProfileDir, `${this.n}-${id}`)}`] : [];
    const measured = await measure(this.programs.child, script, args, { cwd: this.workspace.root, env: this.tenant.env(app), nodeOptions });
    const counters = await this.tenant.counters();
    const requests = summariseCounters(counters);
    const emulatorCpuMs = counters.cpuMs !== undefined && emulatorCpuBefore !== undefined ? counters.cpuMs - emulatorCpuBefore : undefined;
    let verdict: { ok: boolean; detail: string };
    try {
      verdict = await check(measured);
    } catch (error) {
      verdict = { ok: false, detail: `${error instanceof Error ? error.message : String(error)}; stderr: ${measured.stderr.slice(-500)}` };
    }
    const result: ScenarioResult = {
      id,
      title,
      people: this.n,
      subjects,
      wallMs: measured.wallMs,
      cpuMs: measured.cpuMs,
      ...(emulatorCpuMs !== undefined ? { emulatorCpuMs } : {}),
      peakRssMiB: measured.peakRssMiB,
      exitCode: measured.exitCode,
      requests,
      check: verdict,
    };
    const emulatorCpu = emulatorCpuMs !== undefined ? ` (emulator ${(emulatorCpuMs / 1000).toFixed(2)} s)` : "";
    this.log(`    ${(measured.wallMs / 1000).toFixed(2)} s wall, ${(measured.cpuMs / 1000).toFixed(2)} s CPU${emulatorCpu}, ${measured.peakRssMiB.toFixed(0)} MiB, ${requests.http} requests; ${verdict.ok ? "ok" : "FAILED"}: ${verdict.detail}`);
    this.results.push(result);
    return result;
  }

  private planFile(name: string): string {
    return path.join(this.workspace.root, ".photosync", `bench-${name}.json`);
  }

  /** `photosync plan --format json --out FILE [extra]`, expecting exactly `expected` changes (and what `also` checks). */
  private plan(id: string, title: string, expected: Set<string>, extra: string[] = [], subjects = this.n, also?: (m: Measured) => { ok: boolean; detail: string }): Promise<ScenarioResult> {
    const out = this.planFile(id);
    return this.run(id, title, subjects, this.programs.cli, ["plan", "--format", "json", "--out", out, ...extra], "reader", async (m) => {
      const plan = JSON.parse(await readFile(out, "utf8")) as PlanJson;
      const wrong = sameSet(changes(plan), expected);
      const wantExit = expected.size > 0 ? 2 : 0;
      if (plan.counts.unknown) return { ok: false, detail: `${plan.counts.unknown} unknown` };
      if (wrong) return { ok: false, detail: `changes differ from the ones made: ${wrong}` };
      if (m.exitCode !== wantExit) return { ok: false, detail: `exit ${m.exitCode}, expected ${wantExit}` };
      if (extra.includes("--changed-since") && plan.users.length !== subjects) return { ok: false, detail: `planned ${plan.users.length} people, expected ${subjects}` };
      const more = also?.(m);
      if (more && !more.ok) return more;
      return { ok: true, detail: `${plan.users.length} people planned, exactly the ${expected.size} changed steps found${more ? `; ${more.detail}` : ""}` };
    });
  }

  /** `photosync report --format json --out FILE`: everyone listed, nothing unknown, and (warm) no photo bytes downloaded. */
  private async report(id: string, title: string): Promise<ScenarioResult> {
    const out = this.planFile(id);
    const result = await this.run(id, title, this.n, this.programs.cli, ["report", "--format", "json", "--out", out], "reader", async (m) => {
      const report = JSON.parse(await readFile(out, "utf8")) as { total: number; counts: Record<string, number> };
      if (m.exitCode !== 0) return { ok: false, detail: `exit ${m.exitCode}` };
      if (report.counts.unknown) return { ok: false, detail: `${report.counts.unknown} people unknown` };
      if (report.total < this.n) return { ok: false, detail: `${report.total} people reported, expected at least ${this.n}` };
      return { ok: true, detail: `${report.total} people reported` };
    });
    // A warm report reads metadata and ETags only: any photo byte downloaded fails the scenario.
    if (result.check.ok && result.requests.photoBytes > 0) result.check = { ok: false, detail: `${result.requests.photoBytes} photo bytes downloaded on a warm run` };
    return result;
  }

  private async clearCaches(which: "all" | "live"): Promise<void> {
    const dir = path.join(this.workspace.root, ".photosync", "cache");
    await rm(which === "all" ? dir : path.join(dir, "live.jsonl"), { recursive: true, force: true });
  }

  async planScenarios(): Promise<void> {
    await this.clearCaches("all");
    await this.plan("plan-cold", "full drift plan, cold caches (photo facts + live)", new Set());
    await this.plan("plan-warm", "full drift plan, warm caches", new Set());
    await this.report("report-warm", "report of the whole tenant, warm caches");
    await this.clearCaches("live");
    await this.plan("plan-cold-live", "full drift plan, cold live cache (photo facts cached)", new Set());
  }

  /** The scale preset's set-up: one cold plan fills the photo facts and the live cache (reported, not judged). */
  async fillCaches(): Promise<void> {
    await this.clearCaches("all");
    await this.plan("fill-caches", "set-up: cold plan filling the caches (fast profile)", new Set());
  }

  /** The scale preset's figures: a warm drift plan of everyone, then a pull-request plan of one person. */
  async scaleScenarios(): Promise<void> {
    await this.plan("plan-warm", "full drift plan, warm caches", new Set());
    await this.pullRequestScenario();
  }

  /** 5% of people changed by hand (half in Exchange, half in SharePoint); the plan must find exactly them. */
  async driftScenario(): Promise<void> {
    const people = Array.from({ length: this.n }, (_, i) => i).filter((i) => i % 20 === 7);
    const drift = await Promise.all(people.map(async (person, k) => ({ person, donor: await this.donorFor(person), exo: k % 2 === 0, spo: k % 2 === 1 })));
    await this.tenant.driftByHand(this.data, drift);
    const expected = new Set(drift.map((change) => `${upnOf(change.person)} ${change.exo ? GRAPH_STEP_STORE : "spo"}`));
    await this.plan("plan-drift", `drift plan, ${people.length} people (5%) changed by hand`, expected);
    // The same drift with its before/after sheet: the plan above cached the changed photos, so
    // this warm plan downloads none, and each drifted store's "before" is one extra download.
    const sheet = path.join(this.workspace.root, ".photosync", "bench-faces");
    await this.plan("plan-drift-pictures", `drift plan with --pictures, ${people.length} people changed`, expected, ["--pictures", sheet], this.n, (m) => {
      const said = /(\d+) extra photo downloads? for the pictures/.exec(m.stderr);
      const extra = said ? Number(said[1]) : 0;
      return extra === expected.size ? { ok: true, detail: `${extra} extra photo downloads for the sheet of ${people.length} people` } : { ok: false, detail: `${extra} extra photo downloads, expected ${expected.size}` };
    });
    // Back in line for the next scenarios (not measured).
    await this.tenant.seedInSync(this.data, people);
  }

  /** A pull request that changes one person's photo: plan --changed-since the base. */
  async pullRequestScenario(): Promise<void> {
    const person = Math.floor(this.n / 2);
    const replacement = path.join(this.workspace.root, "..", "pr-photo.jpg");
    await writeFile(replacement, await sourcePhoto("bench-pull-request"));
    await replacePhoto(this.workspace, person, replacement);
    const base = await commitOnBranch(this.workspace, "pr", `change ${photoPathOf(person)}`);
    const upn = upnOf(person);
    await this.plan("plan-pr", "pull-request plan, 1 person changed (--changed-since)", new Set([`${upn} ${GRAPH_STEP_STORE}`, `${upn} spo`]), ["--changed-since", base], 1);
    await checkout(this.workspace, "main");
  }

  /** `apply --yes` of K people whose tenant photos changed (Exchange and SharePoint). */
  async applyScenario(): Promise<void> {
    const k = Math.min(this.size.apply, this.n);
    const people = Array.from({ length: k }, (_, j) => Math.floor((j * this.n) / k));
    await this.tenant.driftByHand(this.data, await Promise.all(people.map(async (person) => ({ person, donor: await this.donorFor(person), exo: true, spo: true }))));
    const out = this.planFile("apply");
    await this.run("apply", `apply of ${k} changed people (Exchange + SharePoint)`, k, this.programs.cli, ["apply", "--yes", "--format", "json", "--out", out], "writer", async (m) => {
      const report = JSON.parse(await readFile(out, "utf8")) as { counts: Record<string, number>; users: unknown[] };
      if (m.exitCode !== 0) return { ok: false, detail: `exit ${m.exitCode}: ${JSON.stringify(report.counts)}` };
      const expectedSteps = 2 * k;
      if (report.counts.done !== expectedSteps) return { ok: false, detail: `${report.counts.done} steps done, expected ${expectedSteps}` };
      return { ok: true, detail: `${report.counts.done} steps written and verified` };
    });
  }

  async renderScenarios(): Promise<void> {
    const k = Math.min(this.size.render, this.n);
    await this.clearCaches("all");
    const check = (hits: number) => async (m: Measured) => {
      const stats = JSON.parse(m.stdout) as { photos: number; failed: number; hits: number };
      const ok = stats.failed === 0 && stats.photos === k && stats.hits === hits;
      return { ok, detail: `${stats.photos} photos, ${stats.hits} from the cache, ${stats.failed} failed` };
    };
    await this.run("render-cold", `render ${k} source photos, cold`, k, this.programs.renderJob, [this.workspace.manifest, String(k)], "reader", check(0));
    await this.run("render-cached", `render ${k} source photos, cached`, k, this.programs.renderJob, [this.workspace.manifest, String(k)], "reader", check(k));
  }

  /** The naive script over the first K people (everyone in sync: it must find no drift). */
  async baselineScenario(): Promise<void> {
    const k = Math.min(this.size.baseline, this.n);
    const e = this.tenant.endpoints;
    const config = {
      graphUrl: e.graphBaseUrl,
      mySiteUrl: e.mySiteUrl,
      adminSiteUrl: e.adminSiteUrl,
      caPem: e.caCertPem,
      // A script signs in once; the emulator's admin API mints the same token sign-in would give.
      graphToken: await this.tenant.admin.token(DEMO_READER_CLIENT_ID, "graph"),
      // SharePoint tokens are good on one host only: one for the My Site host, one for the admin host.
      sharePointToken: await this.tenant.admin.token(DEMO_READER_CLIENT_ID, "sharepoint", "mysite"),
      adminToken: await this.tenant.admin.token(DEMO_READER_CLIENT_ID, "sharepoint", "admin"),
      thumbnails: { small: 48, medium: 72, large: 200 },
      users: Array.from({ length: k }, (_, i) => ({ upn: upnOf(i), photo: path.join(this.workspace.root, photoPathOf(i)) })),
    };
    const file = path.join(this.workspace.root, "..", "naive.json");
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(config));
    await this.run("baseline", `naive baseline: ${k} people one at a time, full downloads, no cache`, k, this.programs.naive, [file], "reader", async (m) => {
      const answer = JSON.parse(m.stdout) as { people: number; drifted: number; unknown: number; firstFailure?: string };
      return { ok: answer.drifted === 0 && answer.unknown === 0, detail: `${answer.people} people, ${answer.drifted} drifted, ${answer.unknown} unknown${answer.firstFailure ? ` (first failure: ${answer.firstFailure})` : ""}` };
    });
  }
}
