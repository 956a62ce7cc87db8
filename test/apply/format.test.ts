/** The apply report: what a person reads at the end of an apply, and what GitHub shows. */
import { describe, expect, it } from "vitest";
import { countsText, formatApplyMarkdown, formatApplyText } from "../../src/apply/format.js";
import type { ApplyReport, UserResult } from "../../src/model/apply.js";
import { countOutcomes } from "../../src/model/apply.js";
import { linesOf, tablesOf } from "../support/markdown.js";

const alex: UserResult = { upn: "alex.wilber@contoso.com", steps: [{ store: "exo", action: "update", outcome: "done", detail: "uploaded the photo" }, { store: "spo", action: "update", outcome: "done", detail: "uploaded 3 thumbnails" }] };
const bob: UserResult = {
  upn: "bob@contoso.com",
  steps: [{ store: "spo", action: "update", outcome: "failed", detail: "SharePoint refused a write; nothing after it was attempted", error: { code: "Forbidden", message: "Access denied", status: 403 } }],
};
const nestor: UserResult = { upn: "nestor.wilke@contoso.com", steps: [{ store: "aad", action: "unknown", outcome: "skipped", detail: "state unknown (read failed: ServiceUnavailable: try later); nothing written" }] };

function reportOf(users: UserResult[]): ApplyReport {
  return { format: "photosync.apply/v1", tenant: "contoso.onmicrosoft.com", digest: "a".repeat(64), users, counts: countOutcomes(users) };
}

describe("apply report", () => {
  it("says what failed, never 'complete', when a step failed", () => {
    const text = formatApplyText(reportOf([alex, bob]), false);
    expect(text).toContain("\nApply finished with failures: 2 done, 1 failed (bob@contoso.com spo: Forbidden: Access denied), 0 skipped.\n");
    expect(text).not.toContain("Apply complete");
    expect(countsText(reportOf([alex, bob]))).toBe("2 done, 1 failed (bob@contoso.com spo: Forbidden: Access denied), 0 skipped");
  });

  it("is incomplete, not complete, when steps were skipped (the exit code is 1 then too)", () => {
    const text = formatApplyText(reportOf([alex, nestor]), false);
    expect(text).toContain("\nApply incomplete: 2 done, 0 failed, 1 skipped (nestor.wilke@contoso.com aad: state unknown");
    expect(formatApplyText(reportOf([alex]), false)).toContain("\nApply complete: 2 done, 0 failed, 0 skipped.\n");
  });

  it("pending (written, not yet served) is neither done nor failed, and says what it means once", () => {
    const megan: UserResult = { upn: "megan.bowen@contoso.com", steps: [{ store: "aad", action: "create", outcome: "pending", detail: "uploaded the photo; pending: written, not yet served after 60 s" }] };
    const report = reportOf([alex, megan]);
    expect(report.counts).toEqual({ done: 2, pending: 1, failed: 0, skipped: 0 });
    const text = formatApplyText(report, false);
    expect(text).toContain("\nApply complete, writes pending: 2 done, 1 pending, 0 failed, 0 skipped.\nPending: written, not yet served (Graph can take minutes; photosync will check on the next run).\n");
    expect(text).toContain("… aad create  uploaded the photo; pending");
    // As GitHub shows the job summary: a heading, the line saying what pending means, and the step's row.
    const markdown = formatApplyMarkdown(report);
    const lines = linesOf(markdown);
    expect(lines.some((line) => line.startsWith("⏳ photosync apply complete, writes pending"))).toBe(true);
    expect(lines).toContain("⏳ 1 pending: written, not yet served (Graph can take minutes; photosync will check on the next run).");
    const steps = tablesOf(markdown).find((table) => table.header[0] === "user")!;
    expect(steps.rows.find((row) => row[0] === "megan.bowen@contoso.com")?.slice(1, 4)).toEqual(["aad", "create", expect.stringContaining("pending")]);
  });

  it("names a few failures and counts the rest", () => {
    const many = Array.from({ length: 5 }, (_, i) => ({ ...bob, upn: `bob${i}@contoso.com` }));
    expect(countsText(reportOf(many))).toBe(
      "0 done, 5 failed (bob0@contoso.com spo: Forbidden: Access denied; bob1@contoso.com spo: Forbidden: Access denied; bob2@contoso.com spo: Forbidden: Access denied; and 2 more), 0 skipped",
    );
  });

  it("renders on GitHub as two tables, failures first, UPNs as they are", () => {
    const markdown = formatApplyMarkdown(reportOf([alex, bob]));
    expect(markdown).toContain("### ✖ photosync apply finished with failures");
    const tables = tablesOf(markdown);
    expect(tables.map((table) => table.header)).toEqual([
      ["✔ done", "✖ failed", "· skipped"],
      ["user", "store", "action", "outcome", "detail"],
    ]);
    expect(tables[1]!.rows.map((row) => row.slice(0, 4))).toEqual([
      ["bob@contoso.com", "spo", "update", "✖ failed"],
      ["alex.wilber@contoso.com", "exo", "update", "✔ done"],
      ["alex.wilber@contoso.com", "spo", "update", "✔ done"],
    ]);
    expect(markdown).not.toMatch(/\u200b/);
  });
});

describe("apply report: tenant settings", () => {
  const settings = [{ setting: "photoUpdates" as const, action: "update" as const, outcome: "done" as const, detail: "set allowedRoles; read back: only User Administrators and People Administrators can change photos" }];
  const report: ApplyReport = { ...reportOf([alex]), settings, counts: countOutcomes([alex], settings) };

  it("counts the settings step with the people's and shows it first", () => {
    expect(report.counts.done).toBe(3);
    const text = formatApplyText(report, false);
    expect(text).toContain("  Tenant settings\n      ✔ photoUpdates update  set allowedRoles; read back: only User Administrators");
    expect(text).toContain("Apply complete: 3 done, 0 failed, 0 skipped.");
  });

  it("markdown, as GitHub renders it: a row for the tenant's setting", () => {
    const rows = tablesOf(formatApplyMarkdown(report)).find((table) => table.header[0] === "user")!.rows;
    expect(rows[0]).toEqual(["tenant", "photoUpdates", "update", "✔ done", settings[0]!.detail]);
  });

  it("a failed settings step is named in the counts line", () => {
    const failed = [{ ...settings[0]!, outcome: "failed" as const, detail: "Microsoft Graph refused the change", error: { code: "Authorization_RequestDenied", message: "Insufficient privileges", status: 403 } }];
    expect(countsText({ ...reportOf([]), settings: failed, counts: countOutcomes([], failed) })).toBe("0 done, 1 failed (tenant photoUpdates: Authorization_RequestDenied: Insufficient privileges), 0 skipped");
  });
});
