/**
 * `photosync validate` over a manifest where many people share one photo (a placeholder portrait,
 * a team picture): the manifest checks and grouping must grow linearly with the people. No tenant
 * is involved; the photo is checked once, and every person who uses it gets its findings.
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { measure } from "./measure.js";
import type { Programs, ScenarioResult } from "./scenarios.js";
import { noServiceRequests } from "./tenant.js";

export const VALIDATE_SHARED_PEOPLE = 50_000;

const NO_REQUESTS = { http: 0, batchItems: 0, bytesDownloaded: 0, photoBytes: 0, photoDownloads: 0, services: noServiceRequests(), byEndpoint: {} };

/** Measures validate of `people` users who all name the same photo (copied from `photo`). */
export async function validateSharedPhoto(programs: Programs, photo: string, people = VALIDATE_SHARED_PEOPLE): Promise<ScenarioResult> {
  const root = await mkdtemp(path.join(tmpdir(), "photosync-bench-validate-"));
  try {
    await mkdir(path.join(root, "photos"));
    await copyFile(photo, path.join(root, "photos", "everyone.jpg"));
    const lines = ["version: 1", "tenant: { id: contoso.onmicrosoft.com, stores: [exo, aad] }", "users:"];
    for (let index = 0; index < people; index++) lines.push(`  person${index}@contoso.com: photos/everyone.jpg`);
    await writeFile(path.join(root, "photos.yaml"), `${lines.join("\n")}\n`);
    const measured = await measure(programs.child, programs.cli, ["validate", "--format", "json"], { cwd: root, env: { PATH: process.env.PATH ?? "" } });
    let check = { ok: false, detail: `exit ${measured.exitCode}: ${measured.stderr.slice(-300)}` };
    if (measured.exitCode === 0) {
      const report = JSON.parse(measured.stdout) as { summary: { users: number; photos: number; errors: number } };
      const ok = report.summary.users === people && report.summary.photos === 1 && report.summary.errors === 0;
      check = { ok, detail: `${report.summary.users} people, ${report.summary.photos} photo, ${report.summary.errors} errors` };
    }
    return {
      id: "validate-shared",
      title: `validate: ${people.toLocaleString("en")} people sharing one photo`,
      people,
      subjects: people,
      wallMs: measured.wallMs,
      cpuMs: measured.cpuMs,
      peakRssMiB: measured.peakRssMiB,
      exitCode: measured.exitCode,
      requests: NO_REQUESTS,
      check,
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
