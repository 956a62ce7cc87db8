/** Raw Graph calls against an emulator with a small tenant of its own (the strict-* photo-store tests). */
import sharp from "sharp";
import type { Fixture } from "../../src/emulator/index.js";
import { harness, type Harness } from "./helpers.js";

export interface GraphAnswer {
  status: number;
  json: Record<string, unknown> | undefined;
}

export interface PhotoTenant {
  h: Harness;
  graph(path: string, init?: { method?: string; body?: Buffer | string; headers?: Record<string, string>; app?: "reader" | "writer" }): Promise<GraphAnswer>;
  close(): Promise<void>;
}

/** A tenant with a reader (with PeopleSettings.Read.All) and a writer; `tenant` and `users` as given. */
export async function photoTenant(tenant: NonNullable<Fixture["tenant"]>, users: NonNullable<Fixture["users"]>): Promise<PhotoTenant> {
  const h = await harness({
    fixture: {
      // Writes are served at once (strict-propagation.test.ts is about the delay).
      tenant: { domain: "tailspin.onmicrosoft.com", name: "tailspin", propagation: { graphSeconds: 0 }, ...tenant },
      apps: [
        { clientId: "app-reader", secrets: ["r"], roles: { graph: ["ProfilePhoto.Read.All", "User.Read.All", "PeopleSettings.Read.All"] } },
        { clientId: "app-writer", secrets: ["w"], roles: { graph: ["ProfilePhoto.ReadWrite.All", "User.Read.All", "PeopleSettings.ReadWrite.All"] } },
      ],
      users,
    },
  });
  const tokens = { reader: await h.token({ app: "reader" }), writer: await h.token({ app: "writer" }) };
  return {
    h,
    async graph(path, init = {}) {
      const headers: Record<string, string> = { authorization: `Bearer ${tokens[init.app ?? "writer"]}`, ...init.headers };
      const response = await h.http.fetch(`${h.emu.endpoints.graphBaseUrl}${path}`, { method: init.method ?? "GET", headers, ...(init.body !== undefined ? { body: init.body } : {}) });
      const buffer = Buffer.from(await response.arrayBuffer());
      const type = response.headers.get("content-type") ?? "";
      return { status: response.status, json: type.includes("json") && buffer.length > 0 ? (JSON.parse(buffer.toString("utf8")) as Record<string, unknown>) : undefined };
    },
    close: () => h.close(),
  };
}

/** A plain 300x300 JPEG, enough for the services to accept as a photo. */
export function testJpeg(colour = "#3366aa"): Promise<Buffer> {
  return sharp({ create: { width: 300, height: 300, channels: 3, background: colour } }).jpeg().toBuffer();
}

export const putPhoto = (tenant: PhotoTenant, version: string, upn: string, body: Buffer): Promise<GraphAnswer> =>
  tenant.graph(`/${version}/users/${upn}/photo/$value`, { method: "PUT", body, headers: { "content-type": "image/jpeg" } });
