import { createHash } from "node:crypto";
import { stringify } from "safe-stable-stringify";
import { describe, expect, it } from "vitest";
import { formatPlanJson, formatPlanJsonChunks } from "../../src/plan/format-json.js";
import { formatPlanMarkdown, GITHUB_COMMENT_LIMIT, PLAN_COMMENT_MARKER } from "../../src/plan/format-markdown.js";
import { formatPlanText } from "../../src/plan/format-text.js";
import type { Plan, UserPlan } from "../../src/model/plan.js";
import { countActions, planDigest } from "../../src/plan/plan.js";
import { userStateDiff } from "../../src/plan/state-diff.js";
import { linesOf, tablesOf } from "../support/markdown.js";

const photo = (hash: string, edge = 648) => ({ width: edge, height: edge, hash });

const alex: UserPlan = {
  upn: "alex.wilber@contoso.com",
  id: "1",
  photo: "photos/alex.wilber.jpg",
  steps: [
    { store: "exo", action: "update", reason: "a different picture (hash distance 31 > 10)", before: photo("aaaaaaaaaaaaaaaa"), after: photo("bbbbbbbbbbbbbbbb"), distance: { hash: 31, colour: 12.5, pixels: 20 } },
    { store: "aad", action: "skip", reason: "follows the Exchange Online photo for mailbox users" },
    {
      store: "spo",
      action: "update",
      reason: "PictureURL is not as expected",
      before: photo("cccccccccccccccc", 200),
      after: photo("cccccccccccccccc", 200),
      thumbnails: { before: ["small", "medium", "large"], after: ["small", "medium", "large"] },
      properties: { before: { PictureURL: "" }, after: { PictureURL: "https://contoso-my.sharepoint.com/User%20Photos/Profile%20Pictures/alex_wilber_contoso_com_MThumb.jpg" } },
    },
  ],
};
const adele: UserPlan = { upn: "adele.vance@contoso.com", id: "2", photo: "photos/adele.vance.jpg", steps: [{ store: "exo", action: "noop", reason: "same picture", before: photo("d".repeat(16)), after: photo("d".repeat(16)) }] };
const nestor: UserPlan = { upn: "nestor.wilke@contoso.com", id: "3", photo: "photos/nestor.wilke.webp", steps: [{ store: "aad", action: "unknown", reason: "read failed: ServiceUnavailable: try later" }] };

const megan: UserPlan = {
  upn: "megan.bowen@contoso.com",
  id: "4",
  photo: "photos/megan.bowen.png",
  steps: [
    { store: "exo", action: "create", reason: "no photo yet", before: null, after: photo("e".repeat(16)) },
    { store: "aad", action: "skip", reason: "follows the Exchange Online photo for mailbox users" },
    { store: "spo", action: "create", reason: "no photo yet", before: null, after: photo("e".repeat(16), 200) },
  ],
};
const pradeep: UserPlan = { upn: "pradeep.gupta@contoso.com", id: "5", photo: "remove", steps: [{ store: "exo", action: "delete", reason: "the manifest says remove", before: photo("f".repeat(16)), after: null }] };
const patti: UserPlan = {
  upn: "patti.fernandez_fabrikam.com#EXT#@contoso.onmicrosoft.com",
  id: "6",
  photo: "photos/patti.fernandez.jpg",
  steps: (["exo", "aad"] as const).map((store) => ({ store, action: "skip" as const, reason: "guest: their home organisation owns the photo" })),
};
/** Every kind of person: changing (create, update, delete), unchanged, skipped entirely, unknown. */
const everyone = [adele, alex, megan, nestor, patti, pradeep];
/** Invisible characters a copy-paste would carry along: zero-width spaces, joiners, marks, BOM. */
const INVISIBLE = /[\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]/;

function planOf(users: UserPlan[]): Plan {
  return { format: "photosync.plan/v1", tenant: "contoso.onmicrosoft.com", notices: [], users, counts: countActions(users), digest: planDigest("contoso.onmicrosoft.com", users) };
}

describe("text format", () => {
  it("lists changing users like terraform plan and hides users already in line", () => {
    const text = formatPlanText(planOf([adele, alex]), { colour: false });
    expect(text).toBe(
      [
        "photosync plan for contoso.onmicrosoft.com",
        "",
        "  ~ alex.wilber@contoso.com  (photos/alex.wilber.jpg)",
        "      ~ exo update  a different picture (hash distance 31 > 10)  [648x648 #aaaaaaaa → 648x648 #bbbbbbbb]",
        "      · aad skip    follows the Exchange Online photo for mailbox users",
        "      ~ spo update  PictureURL is not as expected  [200x200 #cccccccc → 200x200 #cccccccc]",
        "",
        "  1 user already in line (use --verbose to list them)",
        "",
        "Plan: 1 person to change (2 steps), 1 unchanged, 0 skipped, 0 unknown.",
        "Steps: 0 to create, 2 to update, 0 to delete, 1 unchanged, 1 skipped, 0 unknown.",
        `Digest: ${planOf([adele, alex]).digest}`,
        "",
      ].join("\n"),
    );
  });

  it("says the plan is incomplete when a read failed, and colours only when asked", () => {
    const text = formatPlanText(planOf([nestor]), { colour: true });
    expect(text).toContain("Plan incomplete: some reads failed: 0 people to change, 0 unchanged, 0 skipped, 1 unknown.\nSteps: 0 to create, 0 to update, 0 to delete, 0 unchanged, 0 skipped, 1 unknown.");
    expect(text).toContain("\u001b[35m! aad unknown\u001b[0m");
    expect(formatPlanText(planOf([adele]), { colour: false })).toContain("No changes: 0 people to change, 1 unchanged");
  });

  it("shows each changing user's state as a unified diff with --diff", () => {
    const text = formatPlanText(planOf([alex]), { colour: false, diff: true });
    expect(text).toContain("        -exo.photo: 648x648 #aaaaaaaaaaaaaaaa");
    expect(text).toContain("        +exo.photo: 648x648 #bbbbbbbbbbbbbbbb");
  });
});

describe("unified diff of a user's state", () => {
  it("shows changed photos and SharePoint properties, and nothing for users without changes", () => {
    const diff = userStateDiff(alex)!;
    expect(diff.split("\n")).toEqual([
      "--- alex.wilber@contoso.com\ttenant now",
      "+++ alex.wilber@contoso.com\tafter apply",
      "@@ -1,4 +1,4 @@",
      "-exo.photo: 648x648 #aaaaaaaaaaaaaaaa",
      "+exo.photo: 648x648 #bbbbbbbbbbbbbbbb",
      " spo.photo: 200x200 #cccccccccccccccc",
      " spo.thumbnails: small, medium, large",
      '-spo.PictureURL: ""',
      "+spo.PictureURL: https://contoso-my.sharepoint.com/User%20Photos/Profile%20Pictures/alex_wilber_contoso_com_MThumb.jpg",
    ]);
    expect(userStateDiff(adele)).toBeUndefined();
  });
});

describe("markdown format", () => {
  it("starts with the sticky-comment marker, has a summary table and a row per step that does something", () => {
    const markdown = formatPlanMarkdown(planOf([adele, alex, nestor]));
    expect(markdown.startsWith(`${PLAN_COMMENT_MARKER}\n### ❓ photosync plan incomplete`)).toBe(true);
    expect(markdown).toContain("| 0 | 2 | 0 | 1 | 1 | 1 |");
    expect(markdown).toContain("| `alex.wilber@contoso.com` | exo | 🔄 update | a different picture (hash distance 31 &gt; 10) | 648×648 `aaaaaaaa` | 648×648 `bbbbbbbb` | 31 bits, ΔE 12.5 |");
    expect(markdown).not.toContain("adele.vance");
    expect(markdown).toContain("```diff\n--- alex.wilber@contoso.com");
  });

  it("counts people, not only steps", () => {
    const text = formatPlanText(planOf(everyone), { colour: false });
    expect(text).toContain("Plan incomplete: some reads failed: 3 people to change (5 steps), 1 unchanged, 1 skipped, 1 unknown.\n");
    expect(text).toContain("Steps: 2 to create, 2 to update, 1 to delete, 1 unchanged, 4 skipped, 1 unknown.\n");
  });

  it("renders as a reader sees it: a counts table, then a separate table of the steps that do something", () => {
    const markdown = formatPlanMarkdown(planOf(everyone));
    const tables = tablesOf(markdown);
    expect(tables).toHaveLength(2);
    expect(tables[0]).toEqual({ header: ["➕ create", "🔄 update", "🗑️ delete", "✅ unchanged", "⏭️ skipped", "❓ unknown"], rows: [["2", "2", "1", "1", "4", "1"]] });
    expect(tables[1]!.header).toEqual(["user", "store", "action", "reason", "now", "after", "distance"]);
    expect(tables[1]!.rows.every((row) => row.length === 7)).toBe(true);
    // One row per step that does something: skips and unchanged steps are counted in a line instead.
    expect(tables[1]!.rows.map((row) => row.slice(0, 3))).toEqual([
      ["alex.wilber@contoso.com", "exo", "🔄 update"],
      ["alex.wilber@contoso.com", "spo", "🔄 update"],
      ["megan.bowen@contoso.com", "exo", "➕ create"],
      ["megan.bowen@contoso.com", "spo", "➕ create"],
      ["nestor.wilke@contoso.com", "aad", "❓ unknown"],
      ["pradeep.gupta@contoso.com", "exo", "🗑️ delete"],
    ]);
    expect(tables[1]!.rows[0]).toEqual(["alex.wilber@contoso.com", "exo", "🔄 update", "a different picture (hash distance 31 > 10)", "648×648 aaaaaaaa", "648×648 bbbbbbbb", "31 bits, ΔE 12.5"]);
    const lines = linesOf(markdown);
    expect(lines).toContain("3 people to change (5 steps), 1 unchanged, 1 skipped, 1 unknown");
    expect(lines).toContain("Not listed: 4 skipped steps and 1 unchanged step; photosync plan shows why each step is skipped.");
    expect(markdown).not.toContain("patti.fernandez");
  });

  it("keeps UPNs exactly as they are, for copy and paste: no invisible characters anywhere", () => {
    const markdown = formatPlanMarkdown(planOf([{ ...alex, steps: [{ ...alex.steps[0]!, reason: "read by @ops-team, see ```x```" }] }]));
    expect(markdown).not.toMatch(INVISIBLE);
    expect(tablesOf(markdown)[1]!.rows[0]![0]).toBe("alex.wilber@contoso.com");
    // A mention-like @ in free text is still kept from pinging anyone, visibly.
    expect(tablesOf(markdown)[1]!.rows[0]![3]).toBe("read by @ops-team, see ```x```");
    expect(markdown).toContain("<summary><code>alex.wilber@contoso.com</code></summary>");
  });

  it("says plainly when nothing changes", () => {
    expect(formatPlanMarkdown(planOf([adele]))).toContain("### ✅ photosync plan: no changes");
  });

  it("stays under GitHub's comment limit for 5,000 changing users by summarising the tail", () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ ...alex, upn: `user${String(i).padStart(4, "0")}@contoso.com` }));
    const markdown = formatPlanMarkdown(planOf(many));
    expect(markdown.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    const listed = new Set([...markdown.matchAll(/\| `(user\d{4})@/g)].map((match) => match[1])).size;
    expect(listed).toBeGreaterThan(50);
    expect(markdown).toContain(`…and ${5000 - listed} more users with changes not listed here`);
    expect(markdown).toContain("digest");
  });

  it("escapes table-breaking and HTML characters from the tenant's data", () => {
    const hostile: UserPlan = { ...nestor, steps: [{ store: "aad", action: "unknown", reason: "read failed: x | <img src=x onerror=alert(1)>\nnext" }] };
    const markdown = formatPlanMarkdown(planOf([hostile]));
    expect(markdown).toContain("read failed: x \\| &lt;img src=x onerror=alert(1)&gt; next");
  });
});

describe("json format", () => {
  it("is the versioned plan itself", () => {
    const result = planOf([alex]);
    expect(JSON.parse(formatPlanJson(result))).toEqual(result);
  });

  it("is written in chunks that make exactly JSON.stringify's indented text, for any number of people", () => {
    const many = Array.from({ length: 2000 }, (_, i) => ({ ...alex, upn: `person${i}@contoso.com`, photo: `photos/"quoted"\nline ${i} ✓.jpg` }));
    for (const users of [[], [nestor], [alex, adele, nestor], many]) {
      const result = planOf(users);
      const chunks = [...formatPlanJsonChunks(result)];
      expect(chunks.join("")).toBe(`${JSON.stringify(result, null, 2)}\n`);
      if (users.length === many.length) expect(chunks.length).toBeGreaterThan(10);
    }
  });
});

describe("plan digest", () => {
  it("is sha256 of the key-sorted JSON of format, tenant and people, hashed a person at a time", () => {
    const users = [alex, adele, nestor, { ...adele, upn: "zoë.o'brien@contoso.com", photo: 'photos/"odd"\u2028name.jpg' }];
    const whole = createHash("sha256").update(stringify({ users, tenant: "contoso.onmicrosoft.com", format: "photosync.plan/v1" }) ?? "").digest("hex");
    expect(planDigest("contoso.onmicrosoft.com", users)).toBe(whole);
    expect(planDigest("contoso.onmicrosoft.com", [])).toBe(createHash("sha256").update(stringify({ format: "photosync.plan/v1", tenant: "contoso.onmicrosoft.com", users: [] }) ?? "").digest("hex"));
  });
});

describe("tenant-wide notices", () => {
  const notice = {
    code: "spo-profile-read-denied",
    service: "sharepoint" as const,
    message: "SharePoint refuses to read user profiles with this app's token",
    consequence: "thumbnails are planned, profile properties are not",
    fix: "grant the SharePoint application permission User.Read.All",
  };
  const withNotice = (): Plan => ({ ...planOf([alex, adele]), notices: [notice] });

  it("are said once in the text plan, with the fix", () => {
    const text = formatPlanText(withNotice(), { colour: false });
    expect(text.split(notice.message).length - 1).toBe(1);
    expect(text).toContain(`Fix: ${notice.fix}.`);
  });

  it("are one alert in the markdown comment that a reader sees before the table", () => {
    const markdown = formatPlanMarkdown(withNotice());
    const lines = linesOf(markdown);
    const at = lines.findIndex((line) => line.includes(notice.message));
    expect(at).toBeGreaterThan(-1);
    expect(lines[at]).toContain(`Fix: ${notice.fix}.`);
    expect(markdown.indexOf("| user | store |")).toBeGreaterThan(markdown.indexOf(notice.message));
    expect(markdown.split(notice.message).length - 1).toBe(1);
  });

  it("are absent when there are none", () => {
    expect(formatPlanText(planOf([alex]), { colour: false })).not.toContain("Notes about this tenant");
    expect(formatPlanMarkdown(planOf([alex]))).not.toContain("[!WARNING]");
  });
});
