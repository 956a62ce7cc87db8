#!/usr/bin/env node
/**
 * Runs the emulator on its own (e.g. as the separate process of a benchmark):
 * `node dist/emulator/main.js [--port N] [--tenant FIXTURE.yaml] [--state DIR] [--reset] [--faults FILE]`,
 * the same options as `photosync emulator`.
 */
import { Command } from "commander";
import { registerEmulator } from "../cli/commands/emulator.js";
import { processIo } from "../cli/io.js";

const program = new Command("photosync-emulator");
let exitCode = 0;
registerEmulator(program, { io: processIo(), setExitCode: (code) => (exitCode = code) });
await program.parseAsync(["emulator", ...process.argv.slice(2)], { from: "user" });
process.exitCode = exitCode;
