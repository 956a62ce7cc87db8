import type { Command } from "commander";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "yaml";
import type { FaultConfig, RunningEmulator } from "../../emulator/index.js";
import { EXIT } from "../io.js";
import type { CliIo } from "../io.js";
import type { CommandContext } from "../io.js";

export interface EmulatorCommandOptions {
  port?: string;
  tenant?: string;
  state: string;
  reset?: boolean;
  endpoints?: string;
  faults?: string;
}

/** Where the emulator keeps its state unless told otherwise (git-ignored). */
export const DEFAULT_EMULATOR_STATE = ".photosync/emulator";

/**
 * Starts the emulator, writes its endpoints (URLs, CA, demo app credentials) to a JSON file and
 * serves until `stop` resolves. Split from the commander wiring so tests can stop it.
 */
export async function runEmulator(options: EmulatorCommandOptions, io: CliIo, stop: Promise<unknown>): Promise<number> {
  const port = options.port === undefined ? 0 : Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65530) {
    io.stderr.write(`photosync emulator: --port must be a number between 0 and 65530 (got ${options.port ?? ""})\n`);
    return EXIT.usage;
  }
  const statePath = path.resolve(io.cwd, options.state);
  let faults: FaultConfig | undefined;
  if (options.faults !== undefined) faults = parse(await readFile(path.resolve(io.cwd, options.faults), "utf8")) as FaultConfig;
  let emulator: RunningEmulator;
  try {
    const { BUILT_IN_TENANTS, parseFixture, startEmulator } = await import("../../emulator/index.js");
    // "demo" and "legacy" name the built-in tenants; anything else is a fixture file (./legacy for a file of that name).
    const builtIn = options.tenant === undefined ? "demo" : Object.hasOwn(BUILT_IN_TENANTS, options.tenant) ? (options.tenant as keyof typeof BUILT_IN_TENANTS) : undefined;
    emulator = await startEmulator({
      ...(builtIn === undefined ? { fixture: path.resolve(io.cwd, options.tenant!) } : { fixture: parseFixture(BUILT_IN_TENANTS[builtIn]), fixtureBaseDir: io.cwd }),
      statePath,
      ...(options.reset === true ? { reset: true } : {}),
      port,
      ...(faults !== undefined ? { faults } : {}),
    });
  } catch (error) {
    io.stderr.write(`photosync emulator: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failure;
  }
  const endpointsFile = path.resolve(io.cwd, options.endpoints ?? path.join(statePath, "endpoints.json"));
  await mkdir(path.dirname(endpointsFile), { recursive: true });
  await writeFile(endpointsFile, `${JSON.stringify(emulator.endpoints, null, 2)}\n`, { mode: 0o600 });
  const e = emulator.endpoints;
  const rel = (file: string | undefined): string => (file === undefined ? "(in memory)" : path.relative(io.cwd, file) || file);
  io.stdout.write(
    [
      `photosync emulator: a local stand-in for Microsoft 365 (tenant ${e.tenantDomain}, ${e.tenantId})`,
      `  authority (Entra ID)  ${e.authorityHost}`,
      `  Graph                 ${e.graphBaseUrl}/v1.0  and /beta`,
      `  My Site host          ${e.mySiteUrl}   (${e.sharePointHosts.mySite})`,
      `  admin site            ${e.adminSiteUrl}   (${e.sharePointHosts.admin})`,
      `  emulator admin API    ${e.adminApiUrl}`,
      `  CA certificate        ${rel(e.caFile)}   (clients must trust it; TLS verification stays on)`,
      `  endpoints + apps      ${rel(endpointsFile)}`,
      `  state                 ${rel(statePath)}`,
      "Press Ctrl+C to stop.",
      "",
    ].join("\n"),
  );
  await stop;
  await emulator.close();
  io.stdout.write("photosync emulator: stopped, state saved.\n");
  return EXIT.ok;
}

export function registerEmulator(program: Command, { io, setExitCode }: CommandContext): void {
  program
    .command("emulator")
    .description("Run a local Microsoft 365 emulator (Entra sign-in, Graph photos, SharePoint) over HTTPS until Ctrl+C.")
    .option("-p, --port <port>", "first of five consecutive ports (login, Graph, My Site, admin site, admin API); 0 = any free ports", "0")
    .option("-t, --tenant <fixture>", "tenant fixture YAML, or a built-in tenant: demo (Contoso, current behaviour: photos in Entra ID) or legacy (the same tenant, mailbox-first Graph v1.0)", "demo")
    .option("-s, --state <dir>", "directory for the tenant's state, photos, CA and keys", DEFAULT_EMULATOR_STATE)
    .option("--reset", "discard the saved state and seed the tenant from the fixture again")
    .option("-e, --endpoints <file>", "where to write the endpoints JSON (URLs, CA, app credentials; written mode 0600) for clients to read (default: <state>/endpoints.json)")
    .option("--faults <file>", "fault configuration (YAML or JSON; see src/emulator/faults.ts)")
    .action(async (options: EmulatorCommandOptions) => {
      const stop = new Promise<void>((resolve) => {
        process.once("SIGINT", () => resolve());
        process.once("SIGTERM", () => resolve());
      });
      setExitCode(await runEmulator(options, io, stop));
    });
}
