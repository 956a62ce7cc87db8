/**
 * Legacy "no mailbox" answers (m365-facts.md, Graph profilePhoto): a licensed user whose Exchange
 * plan is Foundation shows an enabled exchange plan in the directory but has no mailbox, and a
 * legacy tenant answers Graph v1.0 with `400 AuthenticationError` ("Error authenticating with
 * resource", microsoft-graph-docs #8877) or, as documented, `404 ErrorNonExistentMailbox`.
 * photosync takes either for "no mailbox", routes the person to Entra ID (the Graph beta fallback),
 * never reports the sign-in as broken, and plan → apply --yes → plan converges.
 * Emulator: tenant.behaviour: legacy; user exchangePlan: foundation; tenant.noMailboxAnswer.
 */
import { describe, expect, it } from "vitest";
import { HOLDERS, SKIP_REASONS } from "../../src/model/routing.js";
import { useFidelityTenant } from "./helpers.js";

describe.each(["authenticationError", "nonExistentMailbox"])("a legacy tenant answering a Foundation-plan user with noMailboxAnswer %s", (answer) => {
  const t = useFidelityTenant({
    tenant: `  behaviour: legacy\n  noMailboxAnswer: ${answer}`,
    users: ["  - upn: fay.foundation@contoso.com", "    exchangePlan: foundation", "  - upn: max.mailbox@contoso.com"].join("\n"),
    manifest: { "fay.foundation@contoso.com": "photos/fay.jpg", "max.mailbox@contoso.com": "photos/max.jpg" },
  });

  it("plans the Foundation user's photo in Entra ID, the mailbox user's in Exchange", async () => {
    const { code, plan } = await t.plan();
    expect(code).toBe(2);
    const fay = plan.users.find((user) => user.upn.startsWith("fay"))!;
    expect(fay.steps).toEqual([
      { store: "exo", action: "skip", reason: SKIP_REASONS.noMailbox },
      expect.objectContaining({ store: "aad", action: "create", holder: HOLDERS.legacyAad }),
    ]);
    const max = plan.users.find((user) => user.upn.startsWith("max"))!;
    expect(max.steps.filter((step) => step.action !== "skip")).toEqual([expect.objectContaining({ store: "exo", action: "create", holder: HOLDERS.legacyExo })]);
    expect(plan.counts.unknown).toBe(0);
  });

  it("apply --yes writes the Foundation user's Entra ID photo, and the next plan has no changes", async () => {
    const { code, report } = await t.apply();
    expect(code).toBe(0);
    expect(report.counts).toMatchObject({ failed: 0 });
    const fay = report.users.find((user) => user.upn.startsWith("fay"))!;
    expect(fay.steps).toEqual([expect.objectContaining({ store: "aad", outcome: "done", detail: expect.stringContaining("Graph beta") })]);
    const fay2 = t.tenant.emulator.core.tenant.findUser("fay.foundation@contoso.com")!;
    expect(fay2.photos.aad).toBeDefined();
    // The plan already found Fay without a mailbox: no v1.0 write was sent only to be refused.
    const writes = t.tenant.emulator.core.counters.requests().filter((entry) => entry.method === "PUT" && decodeURIComponent(entry.path).includes(`/users/${fay2.id}/photo`));
    expect(writes.map((entry) => entry.path.split("/users/")[0])).toEqual(["/beta"]);
    const again = await t.plan();
    expect(again.code).toBe(0);
    expect(again.plan.counts).toMatchObject({ create: 0, update: 0, delete: 0, unknown: 0 });
  });
});
