/** The report's model and formatters: categories that add up, words a person reads, hostile UPNs kept harmless. */
import { describe, expect, it } from "vitest";
import { fingerprintRendition } from "../../src/images/fingerprint.js";
import type { Fingerprint } from "../../src/model/fingerprint.js";
import type { DirectoryUser } from "../../src/model/observations.js";
import type { UserPlan } from "../../src/model/plan.js";
import { buildReport, CATEGORY_ORDER, reportRow, summaryLine } from "../../src/report/model.js";
import type { PersonReading, Report } from "../../src/report/model.js";
import { csvField, CSV_COLUMNS, formatReportCsv, formatReportJson, formatReportMarkdown, MARKDOWN_ROWS_PER_GROUP } from "../../src/report/format.js";
import { escapeHtml, formatReportHtml, REPORT_CSP } from "../../src/report/format-html.js";
import { linesOf, tablesOf, tokensOf } from "../support/markdown.js";

/** A real fingerprint of a synthetic 32 px rendition: seed 1 and seed 2 are clearly different pictures. */
const print = (seed: number): Fingerprint => {
  const n = 32;
  const rgb = new Uint8Array(n * n * 3);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const light = seed === 1 ? (x < n / 2) !== (y < n / 2) : (x + y) % 8 < 4;
      const colour = seed === 1 ? (light ? [220, 150, 110] : [90, 50, 30]) : light ? [70, 110, 200] : [20, 30, 60];
      rgb.set(colour, (y * n + x) * 3);
    }
  }
  return fingerprintRendition(rgb, 648, 648);
};

const person = (upn: string, facts: Partial<DirectoryUser> = {}): DirectoryUser => ({ id: `id-${upn}`, upn, userType: "Member", accountEnabled: true, licensed: true, mailbox: "cloud", ...facts });
const present = (seed: number) => ({ state: "present" as const, width: 648, height: 648, fingerprint: print(seed) });
const spo = (seed: number | undefined) => ({ state: "read" as const, thumbnails: seed === undefined ? {} : { large: { fingerprint: print(seed) } }, properties: { PictureURL: "", "SPS-PicturePlaceholderState": seed === undefined ? "1" : "0", "SPS-PictureExchangeSyncState": "0" } });
const noop: UserPlan = { upn: "x", photo: "photos/x.jpg", steps: [{ store: "aad", action: "noop", reason: "same picture" }] };
const update: UserPlan = { upn: "x", photo: "photos/x.jpg", steps: [{ store: "aad", action: "update", reason: "a different picture" }] };

function reportOf(readings: PersonReading[]): Report {
  return buildReport(readings.map((reading) => reportRow(reading)), "contoso.onmicrosoft.com", new Date("2026-12-01T00:00:00Z"));
}

const everyCase: PersonReading[] = [
  { user: person("everywhere@contoso.com"), managed: true, ignored: false, graph: present(1), spo: spo(1), plan: noop },
  { user: person("none@contoso.com"), managed: true, ignored: false, graph: { state: "absent" }, spo: spo(undefined), plan: update },
  { user: person("stale@contoso.com"), managed: true, ignored: false, graph: present(1), spo: spo(2), plan: update },
  { user: person("spo-only@contoso.com"), managed: true, ignored: false, graph: { state: "absent" }, spo: spo(1), plan: noop },
  { user: person("graph-only@contoso.com", { userType: "Guest" }), managed: true, ignored: false, graph: present(1), spo: spo(undefined), plan: noop },
  { user: person("unknown@contoso.com"), managed: true, ignored: false, graph: { state: "unknown", error: { code: "ServiceUnavailable", message: "try later" } }, spo: spo(1) },
  { user: person("left@contoso.com", { accountEnabled: false }), managed: false, ignored: false, graph: present(1) },
  { user: person("svc-x@contoso.com"), managed: false, ignored: true },
];

describe("the report's categories", () => {
  it("a person set to the default picture, shown everywhere, is its own group, said in words in every format", () => {
    const chosen: UserPlan = { upn: "quiet@contoso.com", photo: "default", placeholder: "photos/_placeholder.png", steps: [{ store: "aad", action: "noop", reason: "the default picture: same picture" }] };
    const report = reportOf([...everyCase, { user: person("quiet@contoso.com"), managed: true, ignored: false, graph: present(1), spo: spo(1), plan: chosen }]);
    const row = report.rows.find((candidate) => candidate.upn === "quiet@contoso.com");
    expect(row).toMatchObject({ category: "default", placeholder: true, repo: "matches" });
    expect(summaryLine(report)).toContain("1 showing the default picture");
    expect(linesOf(formatReportMarkdown(report))).toContain("The default picture everywhere (photos.yaml: default) (1)");
    expect(formatReportCsv(report)).toMatch(/^quiet@contoso\.com,[^\n]*,default,/m);
    // Not shown everywhere yet: the photo problem is the group, the choice a fact beside it.
    const pending = reportOf([{ user: person("quiet@contoso.com"), managed: true, ignored: false, graph: { state: "absent" }, spo: spo(undefined), plan: { ...chosen, steps: [{ store: "aad", action: "create", reason: "the default picture (photos.yaml: default)" }] } }]);
    expect(pending.rows[0]).toMatchObject({ category: "none", placeholder: true });
  });

  it("puts each person in exactly one category, and the counts add up to everyone", () => {
    const report = reportOf(everyCase);
    expect(Object.fromEntries(report.rows.map((row) => [row.upn, row.category]))).toEqual({
      "unknown@contoso.com": "unknown",
      "none@contoso.com": "none",
      "stale@contoso.com": "spo-stale",
      "spo-only@contoso.com": "spo-only",
      "graph-only@contoso.com": "graph-only",
      "everywhere@contoso.com": "everywhere",
      "left@contoso.com": "unmanaged",
      "svc-x@contoso.com": "ignored",
    });
    expect(Object.values(report.counts).reduce((sum, count) => sum + count, 0)).toBe(report.total);
    expect(Object.keys(report.counts)).toEqual([...CATEGORY_ORDER]);
    expect(report).toMatchObject({ total: 8, guests: 1, disabled: 1, managed: 6, differFromRepo: 2 });
    expect(report.rows.find((row) => row.upn === "none@contoso.com")).toMatchObject({ placeholderState: "1", repo: "differs" });
  });

  it("says the summary at a glance, with thousands separators", () => {
    const many: PersonReading[] = Array.from({ length: 1204 }, (_, index) =>
      index < 1050
        ? { user: person(`p${index}@contoso.com`), managed: true, ignored: false, graph: present(1), spo: spo(1), plan: noop }
        : index < 1148
          ? { user: person(`p${index}@contoso.com`), managed: true, ignored: false, graph: { state: "absent" as const }, spo: spo(undefined), plan: noop }
          : index < 1189
            ? { user: person(`p${index}@contoso.com`), managed: true, ignored: false, graph: present(1), spo: spo(2), plan: noop }
            : { user: person(`p${index}@contoso.com`), managed: false, ignored: false },
    );
    expect(summaryLine(reportOf(many))).toBe("1,204 people: 98 without any, 41 where SharePoint shows an old picture, 1,050 with a photo everywhere, 15 not managed");
  });
});

describe("the report's formats", () => {
  const hostile = "=cmd|' /C calc'!A0<script>@x.com";
  const report = reportOf([...everyCase, { user: person(hostile), managed: true, ignored: false, graph: { state: "absent" }, spo: spo(undefined), plan: update }]);

  it("CSV: a header row, RFC 4180 quoting, and no formulas", () => {
    expect(csvField('a "b", c')).toBe('"a ""b"", c"');
    expect(csvField("=1+1")).toBe("'=1+1");
    expect(csvField("+1")).toBe("'+1");
    expect(csvField("-1")).toBe("'-1");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    const lines = formatReportCsv(report).split("\r\n");
    expect(lines[0]).toBe(CSV_COLUMNS.join(","));
    expect(lines.filter((line) => line !== "")).toHaveLength(report.total + 1);
    expect(lines.find((line) => line.includes("calc"))!.startsWith(`'=cmd|' /C calc'!A0<script>@x.com,`)).toBe(true);
  });

  it("JSON: versioned, every person, no pictures", () => {
    const json = JSON.parse(formatReportJson({ ...report, rows: report.rows.map((row) => ({ ...row, thumbnails: { graph: "data:image/jpeg;base64,AA==" } })) })) as Report;
    expect(json.format).toBe("photosync.report/v1");
    expect(json.rows).toHaveLength(report.total);
    expect(json.rows.some((row) => row.thumbnails !== undefined)).toBe(false);
  });

  it("markdown: real tables, UPNs as code spans, the summary first", () => {
    const markdown = formatReportMarkdown(report, { htmlLink: "https://github.com/contoso/photos/actions/runs/1/artifacts/2" });
    expect(linesOf(markdown)[1]).toBe(summaryLine(report));
    const [counts, ...groups] = tablesOf(markdown);
    expect(counts!.rows.at(-1)).toEqual(["All", String(report.total)]);
    expect(groups.flatMap((table) => table.rows.map((row) => row[0]))).toContain(hostile);
    // A hostile UPN stays text: no HTML reaches the rendered page (inside a code span <script> is shown, not run).
    const html = tokensOf(markdown).flatMap((token) => [token, ...(token.children ?? [])]).filter((token) => token.type.startsWith("html"));
    expect(html).toEqual([]);
    expect(markdown).toContain("(https://github.com/contoso/photos/actions/runs/1/artifacts/2)");
  });

  it("markdown: a group's table stops where a job summary would overflow", () => {
    const many = reportOf(Array.from({ length: MARKDOWN_ROWS_PER_GROUP + 5 }, (_, index) => ({ user: person(`n${index}@contoso.com`), managed: true, ignored: false, graph: { state: "absent" as const }, spo: spo(undefined), plan: update })));
    const markdown = formatReportMarkdown(many);
    expect(tablesOf(markdown)[1]!.rows).toHaveLength(MARKDOWN_ROWS_PER_GROUP);
    expect(markdown).toContain("…and 5 more");
  });

  it("HTML: one self-contained page, a strict CSP, every value escaped, only JPEG data: pictures", () => {
    const withPictures = { ...report, rows: report.rows.map((row) => ({ ...row, thumbnails: { graph: "data:image/jpeg;base64,AAAA", sharePoint: 'javascript:alert(1)" onerror="x' } })) };
    const html = formatReportHtml(withPictures);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`);
    expect(html).not.toContain("<script>");
    expect(html).toContain(escapeHtml(hostile));
    expect(html).not.toContain("javascript:");
    expect(html).not.toMatch(/(src|href)="(?!data:image\/jpeg;base64,|#)/);
    expect(escapeHtml(`<a href="x">'&`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;");
  });
});
