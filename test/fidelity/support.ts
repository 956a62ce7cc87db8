/**
 * Fidelity tests' set-up: a small repo of our own (photos.yaml and portraits) and an emulator with
 * a small tenant fixture written in the test, reached as photosync reaches a real tenant (endpoint
 * variables, the CA file, a certificate). The demo apps' client ids, so the credentials work.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { renderPortrait } from "../../src/demo/portrait.js";
import { DEMO_READER_CLIENT_ID, DEMO_WRITER_CLIENT_ID } from "../../src/emulator/index.js";
import type { Fixture, FixtureUser } from "../../src/emulator/index.js";
import type { Plan } from "../../src/model/plan.js";
import { runCli } from "../support/cli.js";
import { startTestTenant, type TestTenant } from "../support/tenant.js";

export const FAST = { PHOTOSYNC_RETRY_BACKOFF_MS: "20", PHOTOSYNC_VERIFY_DELAY_MS: "10" };

export interface SmallRepo {
  root: string;
  tenant: TestTenant;
  plan(app?: "reader" | "writer", extra?: NodeJS.ProcessEnv): Promise<{ code: number; plan: Plan; stderr: string }>;
  apply(): Promise<{ code: number; stdout: string; stderr: string }>;
  close(): Promise<void>;
}

export interface Person {
  upn: string;
  /** Seed of the portrait in photos/ (the desired photo). */
  seed: string;
  /** Noise over the portrait, for large JPEGs (bytes, not looks). */
  noisy?: boolean;
}

/** A PNG portrait; `noisy` adds per-pixel noise so its JPEG renders are large. */
export async function portrait(seed: string, noisy = false): Promise<Buffer> {
  const png = await renderPortrait({ seed, width: 800, height: 800 }, "png");
  if (!noisy) return png;
  const sharp = (await import("sharp")).default;
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  let state = 12345;
  for (let i = 0; i < data.length; i++) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    data[i] = Math.max(0, Math.min(255, data[i]! + ((state >> 16) % 61) - 30));
  }
  return sharp(data, { raw: info }).png().toBuffer();
}

export function apps(): NonNullable<Fixture["apps"]> {
  return [
    { clientId: DEMO_READER_CLIENT_ID, certificates: ["generate"], roles: { graph: ["ProfilePhoto.Read.All", "User.Read.All", "PeopleSettings.Read.All"], sharepoint: ["Sites.Read.All", "User.Read.All"] } },
    { clientId: DEMO_WRITER_CLIENT_ID, certificates: ["generate"], roles: { graph: ["ProfilePhoto.ReadWrite.All", "User.Read.All", "PeopleSettings.ReadWrite.All"], sharepoint: ["Sites.FullControl.All", "User.ReadWrite.All"] } },
  ];
}

/** A repo managing `people` in `stores`, and a tenant with `tenant` settings and `users`. */
export async function smallRepo(options: { people: Person[]; stores: string[]; tenant: NonNullable<Fixture["tenant"]>; users: FixtureUser[] }): Promise<SmallRepo> {
  const root = await mkdtemp(path.join(tmpdir(), "photosync-fidelity-"));
  await mkdir(path.join(root, "photos"));
  const lines = [
    "version: 1",
    "tenant:",
    "  id: contoso.onmicrosoft.com",
    `  stores: [${options.stores.join(", ")}]`,
    "  sharepoint:",
    "    mySiteHost: contoso-my.sharepoint.com",
    "    adminHost: contoso-admin.sharepoint.com",
    "users:",
  ];
  for (const person of options.people) {
    const file = `photos/${person.seed}.png`;
    await writeFile(path.join(root, file), await portrait(person.seed, person.noisy));
    lines.push(`  ${JSON.stringify(person.upn)}: ${file}`);
  }
  await writeFile(path.join(root, "photos.yaml"), `${lines.join("\n")}\n`);
  const fixture: Fixture = { tenant: { domain: "contoso.onmicrosoft.com", name: "contoso", ...options.tenant }, apps: apps(), users: options.users };
  const tenant = await startTestTenant(root, { fixture, fixtureBaseDir: root });
  const env = (app: "reader" | "writer") => ({ ...tenant.env(app), ...FAST });
  return {
    root,
    tenant,
    async plan(app = "reader", extra = {}) {
      const result = await runCli(["plan", "--format", "json"], { cwd: root, env: { ...env(app), ...extra } });
      return { code: result.code, plan: JSON.parse(result.stdout) as Plan, stderr: result.stderr };
    },
    apply: () => runCli(["apply", "--yes", "--format", "json"], { cwd: root, env: env("writer") }),
    async close() {
      await tenant.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export const steps = (plan: Plan) => plan.users.flatMap((user) => user.steps.map((step) => `${user.upn} ${step.store} ${step.action}`));
