/**
 * `photosync doctor`'s report: a checklist grouped by area, each line passed, failed, warned or
 * just said (info), with one line of fix for every failure and warning. Plain data, versioned
 * (`photosync.doctor/v1`) for the JSON form. Pure.
 */

export const DOCTOR_FORMAT = "photosync.doctor/v1";

/** fail: something the manifest asks for is not possible (exit 1); warn: possible, but worth fixing. */
export type CheckStatus = "pass" | "fail" | "warn" | "info";
export const CHECK_STATUSES: readonly CheckStatus[] = ["pass", "fail", "warn", "info"];

export type CheckArea = "access" | "graph" | "photo-updates" | "sharepoint" | "manage";

/** The areas in the order the checklist shows them, with their headings. */
export const AREAS: ReadonlyArray<{ area: CheckArea; title: string }> = [
  { area: "access", title: "Sign-in and permissions" },
  { area: "graph", title: "Graph photos" },
  { area: "photo-updates", title: "Photo update settings" },
  { area: "sharepoint", title: "SharePoint" },
  { area: "manage", title: "What photosync will manage" },
];

export interface DoctorCheck {
  area: CheckArea;
  status: CheckStatus;
  title: string;
  detail?: string;
  /** One line: which app registration, which permission, admin consent, which setting. Present on fail and warn. */
  fix?: string;
}

export interface DoctorReport {
  format: typeof DOCTOR_FORMAT;
  /** The manifest's tenant.id. */
  tenant: string;
  /** Which identity doctor signed in as. */
  identity: "reader" | "writer";
  app: { clientId?: string; name?: string };
  /** Whether doctor wrote anything (only `--writer --probe-user`: one idempotent profile write). */
  wrote: boolean;
  checks: DoctorCheck[];
  counts: Record<CheckStatus, number>;
}

export function countChecks(checks: readonly DoctorCheck[]): Record<CheckStatus, number> {
  const counts: Record<CheckStatus, number> = { pass: 0, fail: 0, warn: 0, info: 0 };
  for (const check of checks) counts[check.status]++;
  return counts;
}

/** 0 when everything the manifest asks for is possible, 1 when any check failed. */
export function doctorExitCode(report: DoctorReport): 0 | 1 {
  return report.counts.fail > 0 ? 1 : 0;
}
