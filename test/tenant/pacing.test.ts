/** Adaptive concurrency per service (pure): back off on 429, slow latency and a spent budget; recover slowly. */
import { describe, expect, it } from "vitest";
import { AdaptiveLimit, budgetLow, requestKind } from "../../src/tenant/pacing.js";

const ok = (latencyMs = 100, kind = "GET x") => ({ kind, latencyMs, throttled: false });

/** Sends `count` requests one round at a time (as many at once as the limit allows), all answered `answer`. */
async function round(limit: AdaptiveLimit, answer: (index: number) => { kind: string; latencyMs: number; throttled: boolean; budgetLow?: boolean }): Promise<void> {
  const width = limit.current;
  await Promise.all(Array.from({ length: width }, () => limit.acquire()));
  for (let index = 0; index < width; index += 1) limit.release(answer(index));
}

describe("AdaptiveLimit", () => {
  it("never lets more than the limit through at once, and lets the next in as one is answered", async () => {
    const limit = new AdaptiveLimit({ ceiling: 2 });
    await limit.acquire();
    await limit.acquire();
    let third = false;
    const waiting = limit.acquire().then(() => (third = true));
    await Promise.resolve();
    expect(third).toBe(false);
    limit.release(ok());
    await waiting;
    expect(third).toBe(true);
  });

  it("halves on a 429 once per round, however many answers of that round were throttled", async () => {
    const limit = new AdaptiveLimit({ ceiling: 16 });
    await round(limit, () => ({ ...ok(), throttled: true }));
    expect(limit.current).toBe(8);
    await round(limit, () => ({ ...ok(), throttled: true }));
    expect(limit.current).toBe(4);
  });

  it("a throttled $batch part halves it too", () => {
    const limit = new AdaptiveLimit({ ceiling: 16 });
    limit.throttled();
    expect(limit.current).toBe(8);
  });

  it("recovers by about one per round of good answers, up to the ceiling", async () => {
    const limit = new AdaptiveLimit({ ceiling: 16 });
    await round(limit, () => ({ ...ok(), throttled: true }));
    await round(limit, () => ({ ...ok(), throttled: true }));
    expect(limit.current).toBe(4);
    // A round of four adds a little under one (1/4 + 1/4.25 + …), two rounds one and more.
    await round(limit, () => ok());
    expect(limit.current).toBe(4);
    await round(limit, () => ok());
    expect(limit.current).toBe(5);
    for (let rounds = 0; rounds < 40; rounds += 1) await round(limit, () => ok());
    expect(limit.current).toBe(16);
  });

  it("comes down when a kind of request grows much slower than it was, not when another kind is slower", async () => {
    const limit = new AdaptiveLimit({ ceiling: 16 });
    // File reads at 100 ms and 100-part batches at 1,200 ms are each normal for their kind.
    for (let rounds = 0; rounds < 4; rounds += 1) await round(limit, (index) => (index % 2 === 0 ? ok(100, "read") : ok(1200, "batch")));
    expect(limit.current).toBe(16);
    // Then file reads take five times as long: the service is queueing.
    for (let rounds = 0; rounds < 4; rounds += 1) await round(limit, () => ok(500, "read"));
    expect(limit.current).toBeLessThan(16);
    expect(limit.current).toBeGreaterThanOrEqual(1);
  });

  it("comes down when the service says little of its budget is left", async () => {
    const limit = new AdaptiveLimit({ ceiling: 16 });
    await round(limit, () => ({ ...ok(), budgetLow: true }));
    expect(limit.current).toBe(12);
  });

  it("never goes below one", async () => {
    const limit = new AdaptiveLimit({ ceiling: 4 });
    for (let rounds = 0; rounds < 10; rounds += 1) await round(limit, () => ({ ...ok(), throttled: true }));
    expect(limit.current).toBe(1);
  });
});

describe("requestKind", () => {
  it("every file read or person's photo is one kind; a batch is another", () => {
    const read = (name: string) => requestKind("get", new URL(`https://contoso-my.sharepoint.com/_api/web/getFileByServerRelativePath(decodedurl='/User Photos/Profile Pictures/${name}')/$value`));
    expect(read("ana_MThumb.jpg")).toBe(read("bruno_LThumb.jpg"));
    const photo = (id: string) => requestKind("GET", new URL(`https://graph.microsoft.com/v1.0/users/${id}/photo/$value`));
    expect(photo("ana@contoso.com")).toBe(photo("0b0e7f4c-3a6e-4a43-9d53-5d1c4a7b9e10"));
    expect(requestKind("POST", new URL("https://graph.microsoft.com/v1.0/$batch"))).not.toBe(photo("ana@contoso.com"));
  });
});

describe("requestKind of a $batch", () => {
  const graphBatch = (urls: string[]) => JSON.stringify({ requests: urls.map((url, id) => ({ id: String(id), method: "GET", url })) });
  const batchUrl = new URL("https://graph.microsoft.com/v1.0/$batch");

  it("tells a $batch by what it holds: twenty photo reads are not a page of users, whoever they are for", () => {
    const photos = (ids: string[]) => requestKind("POST", batchUrl, graphBatch(ids.map((id) => `/users/${id}/photo`)));
    const users = requestKind("POST", batchUrl, graphBatch(["/users?$select=id,userPrincipalName&$top=999"]));
    const twenty = Array.from({ length: 20 }, (_, i) => `0b0e7f4c-3a6e-4a43-9d53-5d1c4a7b9e${String(i).padStart(2, "0")}`);
    expect(photos(twenty)).toBe(photos(twenty.map((id) => id.replace("0b0e", "1c1f"))));
    expect(photos(twenty)).not.toBe(users);
    expect(photos(twenty)).toContain("[20 × GET /users/{id}/photo]");
    // An OData multipart $batch: the request lines of its parts.
    const part = (upn: string) => `--batch_b1\r\nContent-Type: application/http\r\n\r\nGET https://contoso-admin.sharepoint.com/_api/sp.userprofiles.peoplemanager/getpropertiesfor(@v)?@v='i%3A0%23.f%7Cmembership%7C${upn}' HTTP/1.1\r\naccept: application/json\r\n\r\n`;
    const profiles = requestKind("POST", new URL("https://contoso-admin.sharepoint.com/_api/$batch"), `${part("ana@contoso.com")}${part("bo@contoso.com")}--batch_b1--`);
    expect(profiles).toContain("[2 × GET /_api/sp.userprofiles.peoplemanager/getpropertiesfor()]");
    // A body it cannot read leaves the kind as it was.
    expect(requestKind("POST", batchUrl, "not json")).toBe(requestKind("POST", batchUrl));
  });

  it("so slow photo batches after fast pages of users do not take the pacing down to one", async () => {
    const limit = new AdaptiveLimit({ ceiling: 8 });
    const users = requestKind("POST", batchUrl, graphBatch(["/users?$top=999"]));
    const photos = requestKind("POST", batchUrl, graphBatch(Array.from({ length: 20 }, (_, i) => `/users/u${i}@contoso.com/photo`)));
    for (let rounds = 0; rounds < 3; rounds += 1) await round(limit, () => ok(150, users));
    // Twenty photo items four at a time: five times the page's latency, every time.
    for (let rounds = 0; rounds < 10; rounds += 1) await round(limit, () => ok(750, photos));
    expect(limit.current).toBe(8);
  });
});

describe("budgetLow", () => {
  it("below a fifth of the limit left; absent or odd headers are not a signal", () => {
    expect(budgetLow("3600", "500")).toBe(true);
    expect(budgetLow("3600", "900")).toBe(false);
    expect(budgetLow(null, "1")).toBe(false);
    expect(budgetLow("x", "1")).toBe(false);
  });
});
