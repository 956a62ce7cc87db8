/**
 * State survives a restart: users' photos (bytes and etags), SharePoint files and profile
 * properties, tenant settings, the CA (clients keep trusting it) and the token signing key.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Fixture } from "../../src/emulator/index.js";
import { renderPortrait } from "../../src/demo/portrait.js";
import { harness } from "./helpers.js";

const fixture: Fixture = {
  tenant: { domain: "persist.onmicrosoft.com", name: "persist", behaviour: "legacy" },
  apps: [{ clientId: "app", secrets: ["s"], roles: { graph: ["ProfilePhoto.ReadWrite.All", "User.Read.All"] } }],
  users: [{ upn: "p@persist.com" }, { upn: "q@persist.com", photo: { portrait: "q", size: 120 } }],
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "photosync-emulator-"));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe("persistence", () => {
  it("keeps photos, etags, settings, the CA and issued tokens across a restart; --reset re-seeds", async () => {
    const first = await harness({ fixture, statePath: dir });
    const token = await first.token({ app: "reader" });
    const upload = await renderPortrait({ seed: "p", width: 240, height: 240 });
    const put = await first.http.fetch(`${first.emu.endpoints.graphBaseUrl}/v1.0/users/p@persist.com/photo/$value`, { method: "PUT", body: upload, headers: { authorization: `Bearer ${token}`, "content-type": "image/jpeg" } });
    expect(put.status).toBe(200);
    await first.admin("/tenant", { method: "PATCH", body: { behaviour: "current" } });
    const before = (await (await first.admin("/users/p@persist.com")).json()) as { exo: { etag: string; sha256: string } };
    const bytesBefore = Buffer.from(await (await first.admin("/photos/exo/p@persist.com")).arrayBuffer());
    const caBefore = first.emu.endpoints.caCertPem;
    await first.close();

    expect(await readdir(dir)).toEqual(expect.arrayContaining(["state.json", "blobs", "tls"]));

    const second = await harness({ fixture, statePath: dir });
    try {
      expect(second.emu.endpoints.caCertPem).toBe(caBefore);
      const after = (await (await second.admin("/users/p@persist.com")).json()) as { exo: { etag: string; sha256: string } };
      expect(after.exo).toEqual(before.exo);
      // A token issued before the restart still verifies (signing key persisted).
      const meta = await second.http.fetch(`${second.emu.endpoints.graphBaseUrl}/v1.0/users/p@persist.com/photo/$value`, { headers: { authorization: `Bearer ${token}` } });
      expect(meta.status).toBe(200);
      expect(Buffer.from(await meta.arrayBuffer()).equals(bytesBefore)).toBe(true);
      expect(((await (await second.admin("/tenant")).json()) as { behaviour: string }).behaviour).toBe("current");
    } finally {
      await second.close();
    }

    const third = await harness({ fixture, statePath: dir, reset: true });
    try {
      expect(((await (await third.admin("/users/p@persist.com")).json()) as { exo: unknown }).exo).toBeNull();
      expect(((await (await third.admin("/users/q@persist.com")).json()) as { exo: { width: number } }).exo.width).toBe(120);
    } finally {
      await third.close();
    }
  });
});
