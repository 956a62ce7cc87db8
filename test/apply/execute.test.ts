/** The executor's decisions that the emulator cannot provoke on demand, with a scripted Graph. */
import type { Client } from "@microsoft/microsoft-graph-client";
import { describe, expect, it } from "vitest";
import { WAVE_SIZE, executePlan } from "../../src/apply/execute.js";
import { checkRails, railCounts } from "../../src/plan/rails.js";
import { renderPortrait } from "../../src/demo/portrait.js";
import { unlink, writeFile } from "node:fs/promises";
import { RenderCache, emptyStats, renderCached } from "../../src/images/cache.js";
import { renderVariants, sha256 } from "../../src/images/variants.js";
import type { Plan, UserPlan } from "../../src/model/plan.js";
import { countActions, planDigest } from "../../src/plan/plan.js";
import type { TenantConnection } from "../../src/stores/connection.js";
import { desiredState, desiredUser } from "../support/plan-fixtures.js";
import { makeTempRepo } from "../support/temp-repo.js";

interface BatchCall {
  version: string;
  requests: Array<{ method: string; url: string; headers?: Record<string, string>; body?: string }>;
}

/** A Graph client whose $batch answers come from `answer`, recording every call. */
function scriptedGraph(answer: (call: BatchCall) => Array<{ status: number; body?: unknown }>): { client: Client; calls: BatchCall[] } {
  const calls: BatchCall[] = [];
  const client = {
    api: () => ({
      version: (version: string) => ({
        post: async (body: { requests: BatchCall["requests"] & Array<{ id: string }> }) => {
          const call = { version, requests: body.requests };
          calls.push(call);
          return { responses: answer(call).map((response, i) => ({ id: body.requests[i]!.id, status: response.status, headers: { "Content-Type": "application/json" }, body: response.body })) };
        },
      }),
    }),
  } as unknown as Client;
  return { client, calls };
}

function planOf(users: UserPlan[]): Plan {
  return { format: "photosync.plan/v1", tenant: "contoso.onmicrosoft.com", notices: [], users, counts: countActions(users), digest: planDigest("contoso.onmicrosoft.com", users) };
}

/** A repo holding photos/alex.jpg (these bytes) and a manifest state managing Alex's Exchange photo from it. */
async function alexWithPhoto(bytes: Buffer) {
  const repo = await makeTempRepo("", { "photos/alex.jpg": bytes });
  const photoFile = `${repo.root}/photos/alex.jpg`;
  const user = { ...desiredUser("alex@contoso.com", { stores: ["exo"] }) };
  user.photo = { kind: "photo", path: "photos/alex.jpg", absolutePath: photoFile, position: user.position };
  return { repo, photoFile, state: { ...desiredState([user]), rootDir: repo.root } };
}

describe("executePlan", () => {
  it("writes Entra ID instead when Exchange answers that the person has no mailbox after all", async () => {
    const { repo, state } = await alexWithPhoto(await renderPortrait({ seed: "alex", width: 400, height: 400 }));
    try {
      const { client, calls } = scriptedGraph((call) =>
        call.version === "v1.0"
          ? [{ status: 404, body: { error: { code: "ErrorNonExistentMailbox", message: "The SMTP address has no mailbox associated with it." } } }]
          : [{ status: 204 }],
      );
      const plan = planOf([{ upn: "alex@contoso.com", id: "id-1", photo: "photos/alex.jpg", steps: [{ store: "exo", action: "create", reason: "no photo yet" }] }]);
      const results = await executePlan({ graph: client } as TenantConnection, state, plan, new Map([["alex@contoso.com", { id: "id-1", upn: "alex@contoso.com" }]]));
      expect(calls.map((call) => [call.version, call.requests[0]!.method, call.requests[0]!.url])).toEqual([
        ["v1.0", "PUT", "/users/id-1/photo/$value"],
        ["beta", "PUT", "/users/id-1/photo/$value"],
      ]);
      // The bytes travel base64-encoded as a JPEG, as json-batching.md describes.
      expect(calls[1]!.requests[0]!.headers).toEqual({ "Content-Type": "image/jpeg" });
      expect(Buffer.from(calls[1]!.requests[0]!.body!, "base64").subarray(0, 2).toString("hex")).toBe("ffd8");
      expect(results[0]!.steps).toEqual([
        { store: "exo", action: "create", outcome: "done", detail: "no Exchange Online mailbox after all: wrote the photo to Entra ID (Graph beta) instead" },
      ]);
    } finally {
      await repo.remove();
    }
  });

  it("renders a large plan wave by wave as it writes, holding at most two waves of photos", async () => {
    const portrait = await renderPortrait({ seed: "everyone", width: 400, height: 400 });
    const repo = await makeTempRepo("", { "photos/everyone.jpg": portrait });
    try {
      const people = WAVE_SIZE * 2 + 80;
      const users = Array.from({ length: people }, (_, i) => {
        const user = desiredUser(`u${i}@contoso.com`, { stores: ["exo"] });
        user.photo = { kind: "photo", path: "photos/everyone.jpg", absolutePath: `${repo.root}/photos/everyone.jpg`, position: user.position };
        return user;
      });
      const state = { ...desiredState(users), rootDir: repo.root };
      // Every render is a cache hit of one real render, counted as it starts.
      const photo = await renderVariants(portrait, users[0]!.render, state.tenant.sharepoint.thumbnails);
      let rendered = 0;
      const cache = { read: async () => (rendered++, { photo }), write: async () => undefined, entryPath: () => "" } as unknown as RenderCache;
      let written = 0;
      let mostHeld = 0;
      const { client } = scriptedGraph((call) => {
        mostHeld = Math.max(mostHeld, rendered - written);
        written += call.requests.length;
        return call.requests.map(() => ({ status: 204 }));
      });
      const plan = planOf(users.map((user, i) => ({ upn: user.upn, id: `id-${i}`, photo: "photos/everyone.jpg", steps: [{ store: "exo" as const, action: "create" as const, reason: "no photo yet" }] })));
      const ids = new Map(users.map((user, i) => [user.upn, { id: `id-${i}`, upn: user.upn }]));
      const results = await executePlan({ graph: client } as TenantConnection, state, plan, ids, { cache });
      expect(results.filter((result) => result.steps[0]!.outcome === "done")).toHaveLength(people);
      expect(written).toBe(people);
      // Rendered but not yet written: never more than the wave being written and the next.
      expect(mostHeld).toBeGreaterThan(0);
      expect(mostHeld).toBeLessThanOrEqual(2 * WAVE_SIZE);
    } finally {
      await repo.remove();
    }
  });

  it("a tenant that still refuses Graph photo writes stops them after the first wave, and is said once", async () => {
    const portrait = await renderPortrait({ seed: "everyone", width: 400, height: 400 });
    const repo = await makeTempRepo("", { "photos/everyone.jpg": portrait });
    try {
      const people = WAVE_SIZE * 3;
      const users = Array.from({ length: people }, (_, i) => {
        const user = desiredUser(`u${i}@contoso.com`, { stores: ["exo"] });
        user.photo = { kind: "photo", path: "photos/everyone.jpg", absolutePath: `${repo.root}/photos/everyone.jpg`, position: user.position };
        return user;
      });
      const state = { ...desiredState(users), rootDir: repo.root };
      const photo = await renderVariants(portrait, users[0]!.render, state.tenant.sharepoint.thumbnails);
      const cache = { read: async () => ({ photo }), write: async () => undefined, entryPath: () => "" } as unknown as RenderCache;
      const refused = { error: { code: "PhotoUpdatesDisabled", message: "Profile photo updates through cloud services are disabled for this organization." } };
      const { client, calls } = scriptedGraph((call) => call.requests.map(() => ({ status: 403, body: refused })));
      const plan = planOf(users.map((user, i) => ({ upn: user.upn, id: `id-${i}`, photo: "photos/everyone.jpg", steps: [{ store: "exo" as const, action: "create" as const, reason: "no photo yet" }] })));
      const ids = new Map(users.map((user, i) => [user.upn, { id: `id-${i}`, upn: user.upn }]));
      const notices: string[] = [];
      const results = await executePlan({ graph: client } as TenantConnection, state, plan, ids, { cache, onNotice: (notice) => notices.push(`${notice.code}: ${notice.message}`) });
      // Only the first wave was sent; nothing after the refusal.
      expect(calls.flatMap((call) => call.requests)).toHaveLength(WAVE_SIZE);
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(/^graph-writes-refused: the tenant still refuses Graph photo writes; the setting can take up to 24 hours/);
      // Each person's step says what was not done, without repeating the service's error.
      expect(results.flatMap((result) => result.steps.map((step) => [step.outcome, step.error]))).toEqual(Array.from({ length: people }, () => ["skipped", undefined]));
    } finally {
      await repo.remove();
    }
  });

  it("reports a photo that fails to render as the repo's problem, and sends nothing for that person", async () => {
    // The file changed after the plan checked it: apply renders it afresh, and it is no image now.
    const { repo, state } = await alexWithPhoto(Buffer.from("no longer a JPEG"));
    try {
      const { client, calls } = scriptedGraph(() => [{ status: 204 }]);
      const plan = planOf([{ upn: "alex@contoso.com", id: "id-1", photo: "photos/alex.jpg", steps: [{ store: "exo", action: "update", reason: "a different picture" }] }]);
      const results = await executePlan({ graph: client } as TenantConnection, state, plan, new Map([["alex@contoso.com", { id: "id-1", upn: "alex@contoso.com" }]]));
      expect(calls).toEqual([]);
      expect(results[0]!.steps[0]).toMatchObject({
        outcome: "failed",
        detail: "the repo's photo photos/alex.jpg could not be rendered; nothing was written",
        error: { code: "photo-render", message: expect.stringMatching(/^photos\/alex\.jpg could not be rendered \(.+\); export the photo again and check it with photosync validate$/) },
      });
      expect(results[0]!.steps[0]!.error).not.toHaveProperty("status");
    } finally {
      await repo.remove();
    }
  });

  it("renders from the source the plan analysed: a warm render is used without reading or decoding the file again", async () => {
    const portrait = await renderPortrait({ seed: "alex", width: 400, height: 400 });
    const { repo, photoFile, state } = await alexWithPhoto(portrait);
    try {
      const cache = new RenderCache(`${repo.root}/.photosync/cache`);
      await renderCached(portrait, state.users[0]!.render, state.tenant.sharepoint.thumbnails, cache);
      // Gone from disk: apply must not need it, since the plan said which bytes it analysed.
      await unlink(photoFile);
      const { client, calls } = scriptedGraph(() => [{ status: 204 }]);
      const plan = planOf([{ upn: "alex@contoso.com", id: "id-1", photo: "photos/alex.jpg", steps: [{ store: "exo", action: "create", reason: "no photo yet" }] }]);
      const stats = emptyStats();
      const sources = new Map([["alex@contoso.com", { sha256: sha256(portrait) }]]);
      const results = await executePlan({ graph: client } as TenantConnection, state, plan, new Map([["alex@contoso.com", { id: "id-1", upn: "alex@contoso.com" }]]), { cache, sources, stats });
      expect(results[0]!.steps[0]).toMatchObject({ outcome: "done" });
      expect(calls).toHaveLength(1);
      expect(stats).toMatchObject({ hits: 1, decodes: 0 });
    } finally {
      await repo.remove();
    }
  });

  it("decodes a source once to render it when there is no render yet", async () => {
    const portrait = await renderPortrait({ seed: "alex", width: 400, height: 400 });
    const { repo, state } = await alexWithPhoto(portrait);
    try {
      const { client } = scriptedGraph(() => [{ status: 204 }]);
      const plan = planOf([{ upn: "alex@contoso.com", id: "id-1", photo: "photos/alex.jpg", steps: [{ store: "exo", action: "create", reason: "no photo yet" }] }]);
      const stats = emptyStats();
      const sources = new Map([["alex@contoso.com", { sha256: sha256(portrait) }]]);
      await executePlan({ graph: client } as TenantConnection, state, plan, new Map([["alex@contoso.com", { id: "id-1", upn: "alex@contoso.com" }]]), { sources, stats });
      expect(stats.decodes).toBe(1);
    } finally {
      await repo.remove();
    }
  });

  it("refuses to upload a source that changed after the plan analysed it", async () => {
    const reviewed = await renderPortrait({ seed: "alex", width: 400, height: 400 });
    const { repo, photoFile, state } = await alexWithPhoto(reviewed);
    try {
      // A valid photo, but not the one the plan showed.
      await writeFile(photoFile, await renderPortrait({ seed: "megan", width: 400, height: 400 }));
      const { client, calls } = scriptedGraph(() => [{ status: 204 }]);
      const plan = planOf([{ upn: "alex@contoso.com", id: "id-1", photo: "photos/alex.jpg", steps: [{ store: "exo", action: "update", reason: "a different picture" }] }]);
      const sources = new Map([["alex@contoso.com", { sha256: sha256(reviewed) }]]);
      const results = await executePlan({ graph: client } as TenantConnection, state, plan, new Map([["alex@contoso.com", { id: "id-1", upn: "alex@contoso.com" }]]), { sources });
      expect(calls).toEqual([]);
      expect(results[0]!.steps[0]).toMatchObject({
        outcome: "failed",
        error: { code: "photo-render", message: expect.stringContaining("the file changed after the plan analysed it") },
      });
    } finally {
      await repo.remove();
    }
  });

  it("never writes an unknown step, and reports it as skipped", async () => {
    const { client, calls } = scriptedGraph(() => []);
    const plan = planOf([{ upn: "alex@contoso.com", photo: "photos/alex.jpg", steps: [{ store: "exo", action: "unknown", reason: "read failed: TooManyRequests: retry" }] }]);
    const results = await executePlan({ graph: client } as TenantConnection, desiredState([desiredUser("alex@contoso.com")]), plan, new Map());
    expect(calls).toEqual([]);
    expect(results[0]!.steps[0]).toMatchObject({ outcome: "skipped", detail: "state unknown (read failed: TooManyRequests: retry); nothing written" });
  });
});

describe("safety rails", () => {
  type RailAction = "create" | "update" | "delete" | "noop";
  const photo = { width: 400, height: 400, hash: "0".repeat(16) };
  // A person with a photo now shows it as `before`; a create is a person without one.
  const step = (action: RailAction) => ({ store: "exo" as const, action, reason: "", ...(action === "create" ? { before: null } : { before: photo }) });
  const users = (actions: RailAction[]) => planOf(actions.map((action, i) => ({ upn: `u${i}@contoso.com`, photo: "x", steps: [step(action)] })));
  const safety = { maxUpdateShare: 0.3, maxRemoveShare: 0.1, minManagedForShare: 10 };

  it("apply only above the floor of managed people", () => {
    expect(checkRails(users(Array(9).fill("update")), 9, safety)).toEqual([]);
    expect(checkRails(users(Array(10).fill("update")), 10, safety).map((refusal) => refusal.rail)).toEqual(["max-update-share"]);
  });

  it("allow exactly the configured share, refuse one more", () => {
    expect(checkRails(users([...Array(3).fill("update"), ...Array(7).fill("noop")]), 10, safety)).toEqual([]);
    expect(checkRails(users([...Array(4).fill("update"), ...Array(6).fill("noop")]), 10, safety)[0]!.message).toBe(
      "4 of 10 people with a photo in the tenant would get a different photo (40%), over safety.maxUpdateShare 30% by 10%",
    );
    expect(checkRails(users(["delete", "delete", ...Array(8).fill("noop")]), 10, safety).map((refusal) => refusal.rail)).toEqual(["max-remove-share"]);
  });

  it("measure the shares against the people who have a photo now, not everyone managed", () => {
    // 3 of 20 managed would be 15%; of the 10 who have a photo it is 30% of what exists.
    const plan = users([...Array(3).fill("delete"), ...Array(7).fill("noop"), ...Array(10).fill("create")]);
    expect(checkRails(plan, 20, safety)[0]!.message).toBe("3 of 10 people with a photo in the tenant would lose their photo (30%), over safety.maxRemoveShare 10% by 20%");
  });

  it("count creates apart: people getting a first photo never trip the update rail", () => {
    expect(checkRails(users(Array(10).fill("create")), 10, safety)).toEqual([]);
    expect(checkRails(users([...Array(3).fill("update"), ...Array(7).fill("noop"), ...Array(40).fill("create")]), 50, safety)).toEqual([]);
    const refused = checkRails(users([...Array(4).fill("update"), ...Array(6).fill("noop"), ...Array(5).fill("create")]), 15, safety);
    expect(refused).toEqual([
      {
        rail: "max-update-share",
        message: "4 of 10 people with a photo in the tenant would get a different photo (40%), over safety.maxUpdateShare 30% by 10%; 5 more would get a first photo, which this rail does not count",
      },
    ]);
    expect(railCounts(users(["create", "update", "delete", "noop"]))).toEqual({ existing: 3, updating: 1, removing: 1, creating: 1 });
  });

  it("refuse a manifest that manages nobody, whatever the floor", () => {
    expect(checkRails(users([]), 0, safety).map((refusal) => refusal.rail)).toEqual(["no-managed-users"]);
  });
});
