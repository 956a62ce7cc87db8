/**
 * The review sheet's HTML page as text: what it says for each person, hostile text escaped,
 * nothing that would fetch. Its DOM, alt texts and looks are checked in a real browser
 * (sheet-browser.e2e.test.ts).
 */
import { describe, expect, it } from "vitest";
import { SHEET_CSP, reviewHtml } from "../../src/pictures/sheet-html.js";
import { showSheet } from "../../src/pictures/sheet-images.js";
import { BLUE, RED, panel, picture, sheetOf } from "./helpers.js";

describe("reviewHtml", () => {
  it("says each person's stores, action and reason in words, with the pictures inline as JPEG data: URIs only", async () => {
    const [red, blue] = await Promise.all([picture(RED), picture(BLUE)]);
    const sheet = await showSheet(
      sheetOf(
        [
          { upn: "adele.vance@contoso.com", panels: [panel("update", red, blue, ["aad"], "a different picture (hash distance 31 > 10)")] },
          { upn: "megan.bowen@contoso.com", panels: [panel("delete", red, { kind: "none" }, ["exo", "spo"], "the manifest says remove")] },
        ],
        { kind: "drift", omitted: 4 },
      ),
    );
    const html = reviewHtml(sheet);
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${SHEET_CSP}">`);
    expect(SHEET_CSP).toMatch(/^default-src 'none'; img-src data:; style-src 'unsafe-inline';/);
    expect(html).toContain("photosync drift, contoso.onmicrosoft.com");
    expect(html).toContain("digest 5ebe39c0a1b2");
    expect(html).toContain("~ update");
    expect(html).toContain("\u2212 remove");
    expect(html).toContain("Exchange Online, SharePoint");
    expect(html).toContain("a different picture (hash distance 31 &#62; 10)");
    expect(html).toContain(">removed<");
    expect(html).toContain("4 more people with changes are not shown");
    // Nothing outside the page: no file name a reviewer of the uploaded page cannot reach, no link of
    // any kind, no script, every source a JPEG data: URI.
    expect(html).not.toContain(".png");
    expect(html).not.toMatch(/<(a|link|script|iframe|object|embed|base|form)\b/i);
    const sources = [...html.matchAll(/\ssrc="([^"]*)"/g)].map((match) => match[1]!);
    expect(sources.length).toBe(3);
    for (const source of sources) expect(source).toMatch(/^data:image\/jpeg;base64,[A-Za-z0-9+/]+=*$/);
    expect(html).not.toMatch(/url\(|@import|https?:|\/\/[a-z0-9]/i);
  });

  it("escapes hostile UPNs and reasons everywhere they appear", async () => {
    const blue = await picture(BLUE);
    const upn = `<script>alert(1)</script>"onerror='x'&amp;@contoso.com\u202e`;
    const sheet = await showSheet(sheetOf([{ upn, panels: [panel("create", { kind: "unavailable", why: `<img src="http://127.0.0.1:9/why">` }, blue, ["aad"], `<img src=x onerror=alert(2)>`)] }], { tenant: "<b>t</b>" }));
    const html = reviewHtml(sheet);
    expect(html).not.toMatch(/<script|<img src="http|<img src=x|<b>t|\u202e/);
    expect(html).toContain("&#60;script&#62;alert(1)&#60;/script&#62;&#34;onerror=&#39;x&#39;&#38;amp;@contoso.com\ufffd");
    // In the alt text too (an attribute), where a quote would end it.
    expect(html).toMatch(/alt="&#60;script&#62;alert\(1\)&#60;\/script&#62;&#34;onerror=&#39;x&#39;&#38;amp;@contoso.com\ufffd, Entra ID, after apply \(create\): the new photo, 648×648"/);
  });

  it("with nobody says there are no face changes, and shows no picture", () => {
    const html = reviewHtml({ kind: "plan", tenant: "contoso.onmicrosoft.com", digest: "abc", people: [], omitted: 0 });
    expect(html).toContain("No face changes");
    expect(html).not.toContain("<img");
    expect(html).not.toContain('<ol class="people">');
  });
});
