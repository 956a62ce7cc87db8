/**
 * SharePoint as strict as a real tenant at scale: the per-app resource-unit budget (per minute and
 * per 24 h, Microsoft's tiers by licences, every $batch part charged, throttled requests charged
 * too), and list views that refuse more than 5,000 items at once but page by item ID.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { FaultConfig } from "../../src/emulator/faults.js";
import { Faults } from "../../src/emulator/faults.js";
import type { SpoFileRecord } from "../../src/emulator/model.js";
import { ResourceUnits, operationKind, tierFor } from "../../src/emulator/resource-units.js";
import { LIST_VIEW_THRESHOLD, listItems } from "../../src/emulator/sharepoint/list-items.js";
import type { EmuRequest } from "../../src/emulator/http.js";
import { harness, type Harness } from "./helpers.js";

describe("the resource-unit budget (pure)", () => {
  it("follows Microsoft's tiers by licences", () => {
    expect(tierFor(200)).toEqual({ perMinute: 1_250, perDay: 1_200_000 });
    expect(tierFor(10_000)).toEqual({ perMinute: 3_750, perDay: 3_600_000 });
    expect(tierFor(100_000)).toEqual({ perMinute: 6_250, perDay: 6_000_000 });
  });

  it("prices reads, listings, downloads and writes", () => {
    expect(operationKind("GET", "/_api/web/getList('/User Photos')/items?$top=5000")).toBe("list");
    expect(operationKind("GET", "/_api/web/GetFileByServerRelativePath(decodedurl='/a.jpg')/$value")).toBe("download");
    expect(operationKind("GET", "/_api/SP.UserProfiles.PeopleManager/GetPropertiesFor(accountName=@v)?@v='x'")).toBe("read");
    expect(operationKind("POST", "/_api/web/GetFolderByServerRelativePath(decodedurl='/x')/Files/AddUsingPath(decodedurl='a.jpg')")).toBe("write");
  });

  it("answers Retry-After until the minute's window ends, and charges throttled requests too", () => {
    const units = new ResourceUnits({ perMinute: 10, perDay: 1_000 }, 0);
    const at = (seconds: number) => units.charge("app", "read", seconds * 1000);
    expect([at(0), at(1), at(2), at(3), at(4)].every((charge) => charge.retryAfter === undefined)).toBe(true);
    expect(at(20)).toMatchObject({ exhausted: "minute", retryAfter: 40 });
    expect(units.used.get("app")).toBe(12);
    // Another app has a budget of its own; a new minute starts a new window.
    expect(units.charge("other", "read", 20_000).retryAfter).toBeUndefined();
    expect(at(60).retryAfter).toBeUndefined();
  });

  it("runs out for the day across minutes", () => {
    const units = new ResourceUnits({ perMinute: 100, perDay: 150 }, 0);
    for (let minute = 0; minute < 3; minute++) for (let i = 0; i < 25; i++) units.charge("app", "read", minute * 60_000 + i);
    expect(units.charge("app", "read", 200_000)).toMatchObject({ exhausted: "day" });
  });

  it("sends the preview RateLimit headers past 80% only when switched on", () => {
    const quiet = new ResourceUnits({ perMinute: 10 }, 0);
    const loud = new ResourceUnits({ perMinute: 10, rateLimitHeaders: true }, 0);
    for (let i = 0; i < 3; i++) quiet.charge("app", "read", 0);
    for (let i = 0; i < 3; i++) loud.charge("app", "read", 0);
    expect(quiet.charge("app", "read", 0).headers).toBeUndefined();
    expect(loud.charge("app", "read", 1_000).headers).toEqual({ "ratelimit-limit": "10", "ratelimit-remaining": "2", "ratelimit-reset": "59" });
  });

  it("the realistic preset budgets SharePoint by the tenant's users and leaves $batch envelopes free", () => {
    const faults = new Faults({ preset: "realistic" }, () => 200);
    expect(faults.budgetUse()).toEqual({ perMinute: 1_250, perDay: 1_200_000, used: {} });
    faults.decide({ service: "sharepoint", method: "POST", target: "/_api/$batch", app: "a", batchItem: false }, 0);
    faults.decide({ service: "sharepoint", method: "GET", target: "/_api/web", app: "a", batchItem: true }, 0);
    expect(faults.budgetUse()?.used).toEqual({ a: 2 });
  });
});

describe("list views (pure)", () => {
  const files: SpoFileRecord[] = Array.from({ length: 6_001 }, (_, i) => ({
    serverRelativeUrl: `/User Photos/Profile Pictures/u${i}_MThumb.jpg`,
    blob: "b",
    length: 100 + i,
    uniqueId: `00000000-0000-4000-a000-${String(i).padStart(12, "0")}`,
    version: 1,
    created: "2026-01-01T00:00:00.000Z",
    modified: "2026-01-01T00:00:00.000Z",
    itemId: i + 2,
  }));
  const listing = { folder: "/User Photos/Profile Pictures", files, fileProperties: (file: SpoFileRecord) => ({ Name: file.serverRelativeUrl.split("/").pop(), Length: String(file.length) }), siteUrl: "https://my.example", pageLimit: 5000 };
  const request = (query: string): EmuRequest => ({ method: "GET", url: new URL(`https://my.example/_api/web/getList('%2FUser%20Photos')/items?${query}`), headers: { accept: "application/json;odata=nometadata" }, body: Buffer.alloc(0), via: "http" });
  const body = (query: string) => JSON.parse(String(listItems(request(query), listing).body)) as { value: Array<Record<string, unknown>>; "odata.nextLink"?: string };

  it("refuses a page above the threshold", () => {
    expect(() => listItems(request(`$top=${LIST_VIEW_THRESHOLD + 1}`), listing)).toThrow(/exceeds the list view threshold/);
  });

  it("pages through every item by ID, with File's fields only when expanded", () => {
    const seen: string[] = [];
    let query = "$top=5000&$select=FileLeafRef,File/Name,File/Length&$expand=File";
    for (let pages = 0; pages < 5; pages++) {
      const answer = body(query);
      for (const item of answer.value) if (item.File !== null) seen.push(String((item.File as { Name: string }).Name));
      const next = answer["odata.nextLink"];
      if (next === undefined) break;
      query = new URL(next).search.slice(1);
    }
    expect(seen).toHaveLength(files.length);
    expect(new Set(seen).size).toBe(files.length);
    expect(() => listItems(request("$select=File/Name"), listing)).toThrow(/must contains File/);
  });
});

describe("over HTTP", () => {
  let h: Harness;
  let token: string;
  beforeAll(async () => {
    h = await harness();
    token = await h.token({ resource: "sharepoint" });
  });
  afterAll(async () => h.close());
  afterEach(async () => {
    await h.admin("/faults", { method: "DELETE" });
  });

  const get = (path: string) => h.http.fetch(`${h.emu.endpoints.mySiteUrl}${path}`, { headers: { authorization: `Bearer ${token}`, accept: "application/json;odata=nometadata" } });

  it("throttles an app past its minute's units with 429 and Retry-After, and reports the units spent", async () => {
    const config: FaultConfig = { sharePointBudget: { perMinute: 6 } };
    expect((await h.admin("/faults", { method: "PUT", body: config })).status).toBe(200);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i++) {
      const response = await get("/_api/web?$select=Language");
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get("retry-after");
      await response.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    const counters = (await (await h.admin("/counters")).json()) as { sharePointBudget: { perMinute: number; used: Record<string, number> } };
    expect(counters.sharePointBudget.perMinute).toBe(6);
    expect(Object.values(counters.sharePointBudget.used)).toEqual([8]);
  });

  it("lists the library's thumbnails by page", async () => {
    const first = (await (await get("/_api/web/getList('%2FUser%20Photos')/items?$top=2&$select=FileLeafRef,File/ETag&$expand=File")).json()) as { value: Array<{ FileLeafRef: string; File: { ETag?: string } | null }>; "odata.nextLink"?: string };
    expect(first.value).toHaveLength(2);
    expect(first["odata.nextLink"]).toContain("p_ID%3D");
    const file = first.value.find((item) => item.File !== null);
    expect(file?.File?.ETag).toMatch(/^"\{[0-9A-F-]+\},\d+"$/);
  });
});
