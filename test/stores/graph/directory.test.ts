/** listDirectory against the emulator: every person of a tenant larger than one page, in pages of 999, following @odata.nextLink. */
import { Client } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_READER_CLIENT_ID, parseFixture } from "../../../src/emulator/index.js";
import { listDirectory } from "../../../src/stores/graph/directory.js";
import { graphFetchMiddleware } from "../../../src/tenant/http.js";
import { harness } from "../../emulator/helpers.js";
import type { Harness } from "../../emulator/helpers.js";

const PEOPLE = 2_001;

const fixture = parseFixture(`tenant:
  name: contoso
  domain: contoso.com
apps:
  - clientId: ${DEMO_READER_CLIENT_ID}
    displayName: reader
    secrets: [s]
    roles: { graph: [User.Read.All] }
users:
${Array.from({ length: PEOPLE }, (_, index) => `  - upn: person.${String(index).padStart(4, "0")}@contoso.com${index % 7 === 0 ? "\n    guest: true" : ""}${index % 11 === 0 ? "\n    accountEnabled: false" : ""}`).join("\n")}
`);

let h: Harness;
let client: Client;

beforeAll(async () => {
  h = await harness({ fixture });
  const token = await h.token({ app: "reader", kind: "secret" });
  client = Client.initWithMiddleware({
    middleware: graphFetchMiddleware({ getAccessToken: () => Promise.resolve(token) }, h.http.fetch),
    baseUrl: h.emu.endpoints.graphBaseUrl,
    customHosts: new Set([new URL(h.emu.endpoints.graphBaseUrl).hostname]),
    defaultVersion: "v1.0",
  });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe("listDirectory", () => {
  it("lists every person past 999, a page at a time, guests and disabled accounts included", async () => {
    h.emu.admin.resetCounters();
    const pages: number[] = [];
    const users = await listDirectory(client, (listed) => pages.push(listed));
    expect(users).toHaveLength(PEOPLE);
    expect(new Set(users.map((user) => user.upn)).size).toBe(PEOPLE);
    expect(pages).toEqual([999, 1998, PEOPLE]);
    expect(users.filter((user) => user.userType === "Guest")).toHaveLength(Math.ceil(PEOPLE / 7));
    expect(users.filter((user) => !user.accountEnabled)).toHaveLength(Math.ceil(PEOPLE / 11));
    const listRequests = h.emu.core.counters.requests().filter((entry) => entry.path.startsWith("/v1.0/users") || entry.path.startsWith("/users"));
    expect(listRequests).toHaveLength(3);
  });
});
