/** `photosync emulator`: starts, writes its endpoints file, serves, stops and keeps its state. */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerEmulator, runEmulator } from "../../src/cli/commands/emulator.js";
import type { EmulatorEndpoints } from "../../src/emulator/index.js";
import { createTrustedHttp } from "../../src/tenant/http.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "photosync-cli-emulator-"));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: { write: (text: string) => out.push(text) }, stderr: { write: (text: string) => err.push(text) }, env: {}, cwd: process.cwd() }, out, err };
}

describe("photosync emulator", () => {
  it("registers as a command with its options", () => {
    const program = new Command();
    registerEmulator(program, { io: io().io, setExitCode: () => undefined });
    const command = program.commands.find((candidate) => candidate.name() === "emulator");
    expect(command?.options.map((option) => option.long)).toEqual(expect.arrayContaining(["--port", "--tenant", "--state", "--reset", "--endpoints", "--faults"]));
  });

  it("serves the demo tenant over HTTPS trusted through the written CA, until stopped", async () => {
    const { io: cliIo, out } = io();
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const running = runEmulator({ state: join(dir, "state") }, cliIo, stopped);
    const endpointsFile = join(dir, "state", "endpoints.json");
    let endpoints: EmulatorEndpoints | undefined;
    for (let i = 0; i < 600 && endpoints === undefined; i++) {
      try {
        endpoints = JSON.parse(await readFile(endpointsFile, "utf8")) as EmulatorEndpoints;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    expect(endpoints?.caFile).toBeDefined();
    const http = createTrustedHttp({ caPem: await readFile(endpoints!.caFile!, "utf8") });
    const response = await http.fetch(`${endpoints!.adminApiUrl}/users/adele.vance@contoso.com`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { exo: { width: number } }).exo.width).toBe(648);
    await http.close();
    stop();
    expect(await running).toBe(0);
    expect(out.join("")).toMatch(/Graph\s+https:\/\/127\.0\.0\.1:\d+\/v1\.0/);
  });

  it("starts with faults from a YAML file, keeps the saved tenant and serves it", async () => {
    const { writeFile } = await import("node:fs/promises");
    const faultsFile = join(dir, "faults.yaml");
    await writeFile(faultsFile, "seed: 7\nrules:\n  - match: { service: graph }\n    failFirst: 1\n");
    const { io: cliIo } = io();
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const endpointsFile = join(dir, "second-endpoints.json");
    const running = runEmulator({ state: join(dir, "state"), faults: faultsFile, endpoints: endpointsFile }, cliIo, stopped);
    let endpoints: EmulatorEndpoints | undefined;
    for (let i = 0; i < 600 && endpoints === undefined; i++) {
      try {
        endpoints = JSON.parse(await readFile(endpointsFile, "utf8")) as EmulatorEndpoints;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const http = createTrustedHttp({ caPem: endpoints!.caCertPem });
    const token = ((await (await http.fetch(`${endpoints!.adminApiUrl}/tokens`, { method: "POST", body: JSON.stringify({ clientId: endpoints!.apps[0]!.clientId }) })).json()) as { access_token: string }).access_token;
    const url = `${endpoints!.graphBaseUrl}/v1.0/users/adele.vance@contoso.com/photo`;
    const first = await http.fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(first.status).toBe(503);
    await first.arrayBuffer();
    const second = await http.fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(second.status).toBe(200);
    await second.arrayBuffer();
    await http.close();
    stop();
    expect(await running).toBe(0);
  });

  it("refuses a bad port with the usage exit code", async () => {
    const { io: cliIo, err } = io();
    expect(await runEmulator({ state: dir, port: "nope" }, cliIo, Promise.resolve())).toBe(64);
    expect(err.join("")).toMatch(/--port/);
  });
});
