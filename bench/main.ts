/**
 * `npm run bench`: how fast photosync plans, applies and renders against a tenant of N people
 * behind a realistic latency, next to the naive way. See README "Performance".
 *
 *   npm run bench                          # quick preset (N=200), realistic profile
 *   npm run bench -- --preset full         # N=1,000 and 10,000 (the issues' targets)
 *   npm run bench -- --preset scale        # N=100,000 sharing 1,000 photos: warm and pull-request plans, memory
 *   npm run bench -- --profile fast        # 20 ms a request, no limits: photosync's own CPU
 *   npm run bench -- --people 500,2000 --profile fast --latency 50 --jitter 20 --apply 100 --render 300 --baseline 100
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, tmpdir, totalmem } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Command, Option } from "commander";
import sharp from "sharp";
import { dataset, ensureDataset, pooled } from "./dataset.js";
import { startEmulatorProcess } from "./emulator-process.js";
import { formatServices, formatTable, formatTargets, judgeBudgetTargets, judgeTargets, setBaselineRatios } from "./report.js";
import type { Programs, ScenarioResult, SizePlan } from "./scenarios.js";
import { SizeRun } from "./scenarios.js";
import { VALIDATE_SHARED_PEOPLE, validateSharedPhoto } from "./validate-scale.js";
import { BenchTenant } from "./tenant.js";
import type { BenchProfile } from "./tenant.js";
import { createWorkspace } from "./workspace.js";

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, "..");
const BENCH_DIR = path.join(REPO, ".photosync", "bench");

interface Options {
  preset: "quick" | "full" | "scale";
  profile: BenchProfile;
  people?: string;
  latency: string;
  jitter: string;
  apply?: string;
  render?: string;
  baseline?: string;
  data: string;
  keep?: boolean;
  cpuProf?: string;
}

const PRESETS: Record<Options["preset"], SizePlan[]> = {
  quick: [{ people: 200, apply: 50, render: 200, baseline: 200 }],
  full: [
    { people: 1000, apply: 0, render: 1000, baseline: 1000 },
    { people: 10000, apply: 1000, render: 0, baseline: 0 },
  ],
  // 100,000 people from 1,000 photos; the caches are filled under the fast profile first (a cold
  // plan at this size would spend ~2.5 hours of SharePoint's budget), then the warm and the
  // pull-request plans are measured under the chosen profile.
  scale: [{ people: 100_000, apply: 0, render: 0, baseline: 0, pool: 1000, scale: true }],
};

function sizePlans(options: Options): SizePlan[] {
  let plans = PRESETS[options.preset];
  if (options.people !== undefined) {
    const sizes = options.people.split(",").map((value) => Number(value.trim()));
    if (sizes.some((size) => !Number.isInteger(size) || size < 20)) throw new Error("--people: comma-separated whole numbers of at least 20");
    // With the scale preset, each size is a scale run (a quicker look at the same machinery).
    if (options.preset === "scale") return sizes.map((people) => ({ ...PRESETS.scale[0]!, people, pool: Math.min(people, PRESETS.scale[0]!.pool!) }));
    plans = sizes.map((people, index) => ({ people, apply: index === sizes.length - 1 ? Math.min(1000, people) : 0, render: index === 0 ? Math.min(1000, people) : 0, baseline: index === 0 ? Math.min(1000, people) : 0 }));
  }
  const override = (value: string | undefined, name: string): number | undefined => {
    if (value === undefined) return undefined;
    const number = Number(value);
    if (!Number.isInteger(number) || number < 0) throw new Error(`--${name}: a whole number`);
    return number;
  };
  const apply = override(options.apply, "apply");
  const render = override(options.render, "render");
  const baseline = override(options.baseline, "baseline");
  return plans.map((plan, index) => ({
    ...plan,
    ...(apply !== undefined && index === plans.length - 1 ? { apply } : {}),
    ...(render !== undefined && index === 0 ? { render } : {}),
    ...(baseline !== undefined && index === 0 ? { baseline } : {}),
  }));
}

/** The fast profile's latency while the scale preset fills the caches (set-up, not a figure). */
const FILL_LATENCY_MS = 20;
const FILL_JITTER_MS = 10;

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** Compiles photosync (and the bench's programs) the way it ships, so process start is the real one. */
async function build(): Promise<string> {
  const outDir = path.join(BENCH_DIR, "dist");
  log(`building photosync into ${path.relative(REPO, outDir)} …`);
  try {
    // bench/tsconfig.json compiles src/ and bench/ together: outDir/src/… and outDir/bench/….
    await run(path.join(REPO, "node_modules", ".bin", "tsc"), ["-p", path.join(REPO, "bench", "tsconfig.json"), "--noEmit", "false", "--outDir", outDir], { cwd: REPO });
  } catch (error) {
    // Type errors elsewhere still emit JavaScript; only a missing program is fatal.
    log(`warning: tsc reported problems: ${String((error as { stdout?: string }).stdout ?? error).slice(0, 500)}`);
  }
  await stat(path.join(outDir, "src", "cli", "main.js"));
  // The build reads ../../package.json and ../../schema/ from its modules, as from dist/.
  for (const name of ["package.json", "schema"]) {
    await rm(path.join(outDir, name), { force: true });
    await symlink(path.join(REPO, name), path.join(outDir, name));
  }
  return outDir;
}

/** The commit the bench builds from, read before building (commits made during a run are not in its figures), and whether the tree had other changes. */
async function gitCommit(): Promise<{ commit?: string; uncommittedChanges?: boolean }> {
  try {
    const commit = (await run("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO })).stdout.trim();
    const status = (await run("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: REPO })).stdout.trim();
    return { commit, uncommittedChanges: status !== "" };
  } catch {
    return {};
  }
}

async function runSize(plan: SizePlan, programs: Programs, dist: string, options: Options): Promise<ScenarioResult[]> {
  const all = dataset(path.resolve(options.data));
  const data = plan.pool !== undefined ? pooled(all, plan.pool) : all;
  const root = await mkdtemp(path.join(tmpdir(), `photosync-bench-${plan.people}-`));
  log(`\nN = ${plan.people}: repo and tenant in ${root}`);
  const workspace = await createWorkspace(root, data, plan.people);
  const emulator = await startEmulatorProcess({ entry: path.join(dist, "src", "cli", "main.js"), fixture: workspace.fixture, stateDir: path.join(root, "emulator"), log });
  const tenant = new BenchTenant(emulator.endpoints);
  try {
    const started = Date.now();
    await tenant.seedInSync(data, Array.from({ length: plan.people }, (_, i) => i), (done) => log(`  seeded ${done}/${plan.people}`));
    log(`  tenant seeded in ${((Date.now() - started) / 1000).toFixed(0)} s (everyone in sync)`);
    const measuredProfile = (): Promise<void> => tenant.setProfile(options.profile, Number(options.latency), Number(options.jitter));
    const size = new SizeRun(workspace, data, tenant, programs, plan, log, options.cpuProf !== undefined ? path.resolve(options.cpuProf) : undefined);
    if (plan.scale) {
      await tenant.setProfile("fast", FILL_LATENCY_MS, FILL_JITTER_MS);
      await size.fillCaches();
      await measuredProfile();
      await size.scaleScenarios();
      return size.results;
    }
    await measuredProfile();
    await size.planScenarios();
    await size.driftScenario();
    await size.pullRequestScenario();
    if (plan.apply > 0) await size.applyScenario();
    if (plan.render > 0) await size.renderScenarios();
    if (plan.baseline > 0) await size.baselineScenario();
    return size.results;
  } finally {
    await tenant.admin.close();
    await emulator.stop();
    if (!options.keep) await rm(root, { recursive: true, force: true });
  }
}

async function main(options: Options): Promise<number> {
  const plans = sizePlans(options);
  const source = await gitCommit();
  const dist = await build();
  const programs: Programs = {
    child: path.join(dist, "bench", "child.js"),
    cli: path.join(dist, "src", "cli", "main.js"),
    naive: path.join(dist, "bench", "naive.js"),
    renderJob: path.join(dist, "bench", "render-job.js"),
  };
  // Distinct photos needed: each size's people, or its pool when its photos repeat.
  const largest = Math.max(...plans.map((plan) => Math.min(plan.people, plan.pool ?? plan.people)));
  const data = dataset(path.resolve(options.data));
  log(`source photos: ${path.relative(REPO, data.dir) || data.dir} …`);
  const made = await ensureDataset(data, largest, (done, total) => {
    if (done % 500 === 0 || done === total) log(`  generated ${done}/${total}`);
  });
  if (made > 0) log(`  ${made} new source photos`);

  const started = new Date();
  const results: ScenarioResult[] = [];
  log(`\nvalidate: ${VALIDATE_SHARED_PEOPLE.toLocaleString("en")} people sharing one photo`);
  results.push(await validateSharedPhoto(programs, data.source(0)));
  for (const plan of plans) results.push(...(await runSize(plan, programs, dist, options)));
  setBaselineRatios(results);
  const machine = {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? "unknown",
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    platform: `${process.platform} ${process.arch}`,
    node: process.version,
    sharp: sharp.versions.sharp,
    libvips: sharp.versions.vips,
  };
  // The realistic profile is judged against issue 23's budgets; the fast one against issue 8's CPU targets.
  const targets = options.profile === "realistic" ? judgeBudgetTargets(results, machine.cores) : judgeTargets(results, machine.cores);
  const report = {
    format: "photosync.bench/v1",
    date: started.toISOString(),
    ...source,
    preset: options.people ? "custom" : options.preset,
    profile: options.profile,
    ...(options.profile === "fast" ? { latency: { ms: Number(options.latency), jitterMs: Number(options.jitter) } } : {}),
    machine,
    sizes: plans,
    scenarios: results,
    targets,
  };
  await mkdir(BENCH_DIR, { recursive: true });
  const file = path.join(BENCH_DIR, `report-${started.toISOString().replace(/[:.]/g, "-")}.json`);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(path.join(BENCH_DIR, "latest.json"), `${JSON.stringify(report, null, 2)}\n`);

  const out = process.stdout;
  const profile =
    options.profile === "realistic"
      ? "realistic profile (Graph ~150 ms, SharePoint ~200 ms, uploads slower, published limits and SharePoint's resource-unit budget)"
      : `fast profile (latency ${options.latency} ms ± ${Number(options.jitter) / 2} ms, no limits)`;
  out.write(`\nphotosync bench — ${machine.cores} cores (${machine.cpu}), Node ${machine.node}, sharp ${machine.sharp} (libvips ${machine.libvips}), ${profile}\n\n`);
  for (const plan of plans.filter((candidate) => candidate.pool !== undefined)) {
    out.write(`N = ${plan.people.toLocaleString("en")}: ${plan.pool!.toLocaleString("en")} distinct photos, each shared by ${Math.ceil(plan.people / plan.pool!).toLocaleString("en")} people; caches filled under the fast profile before measuring.\n`);
  }
  out.write(`${formatTable(results)}\n\n`);
  out.write(`Per service:\n${formatServices(results)}\n\n`);
  out.write(`Targets (${options.profile === "realistic" ? "issue 23, realistic profile" : "issue 8, fast profile"}):\n${formatTargets(targets)}\n\n`);
  out.write(`Report: ${file}\n`);
  const failedChecks = results.filter((result) => !result.check.ok);
  return failedChecks.length > 0 ? 1 : 0;
}

const program = new Command("bench")
  .description("Benchmark photosync against the emulator (a separate process) with request latency, next to a naive baseline.")
  .addOption(
    new Option("--preset <preset>", "quick: N=200 (~12 minutes under the realistic profile, ~3 fast); full: N=1,000 and 10,000; scale: N=100,000 from a pool of 1,000 photos (warm and pull-request plans)")
      .choices(["quick", "full", "scale"])
      .default("quick"),
  )
  .option("--people <list>", "tenant sizes, comma-separated (overrides the preset's)")
  .addOption(new Option("--profile <profile>", "realistic: Microsoft's latencies, limits and SharePoint budget; fast: a flat --latency, no limits (photosync's CPU)").choices(["realistic", "fast"]).default("realistic"))
  .option("--latency <ms>", "fast profile: mean latency per request (Graph, SharePoint, sign-in)", "20")
  .option("--jitter <ms>", "fast profile: latency spread, uniform over latency ± jitter/2", "10")
  .option("--apply <n>", "people changed and applied (at the largest size; 0 skips)")
  .option("--render <n>", "photos rendered cold and cached (at the smallest size; 0 skips)")
  .option("--baseline <n>", "people in the naive baseline (at the smallest size; 0 skips)")
  .option("--data <dir>", "where generated source photos are kept between runs", path.join(BENCH_DIR, "data"))
  .option("--keep", "keep the temporary repo and tenant")
  .option("--cpu-prof <dir>", "write a V8 CPU profile of each scenario's process into <dir>/<N>-<scenario>/ (open in Chrome DevTools; profiling slows the runs)")
  .action(async (options: Options) => {
    process.exitCode = await main(options);
  });

await program.parseAsync(process.argv);
