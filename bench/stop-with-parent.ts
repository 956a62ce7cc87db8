/**
 * Runs a script (argv[2]) as a child that stops with its parent: when the parent's IPC channel
 * closes (the bench ended or died), it sends itself SIGTERM, which the emulator handles by saving
 * and exiting. The channel itself never keeps the process alive.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";

const [entry, ...args] = process.argv.slice(2);
if (entry === undefined) throw new Error("usage: stop-with-parent.js SCRIPT [ARGS...]");
process.argv = [process.argv[0]!, path.resolve(entry), ...args];
process.channel?.unref();
process.once("disconnect", () => process.kill(process.pid, "SIGTERM"));
await import(pathToFileURL(path.resolve(entry)).href);
