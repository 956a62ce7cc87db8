/** --help documents what a script needs: the exit codes, and the emulator's options. */
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

/** Help text as one line: commander wraps it to the terminal's width. */
const help = async (args: string[]) => (await runCli([...args, "--help"], { cwd: process.cwd() })).stdout.replace(/\s+/g, " ");

describe("photosync --help", () => {
  it("lists every exit code", async () => {
    const result = await runCli(["--help"], { cwd: process.cwd() });
    expect(result.code).toBe(0);
    for (const code of ["0", "1", "2", "3", "4", "64", "70"]) expect(result.stdout).toMatch(new RegExp(`^ {2}${code} +\\S`, "m"));
    expect(result.stdout).toMatch(/64 +the command line is wrong/);
  });

  it.each(["plan", "apply", "drift"])("%s --help says what --reset-emulator does", async (command) => {
    expect(await help([command])).toMatch(/--reset-emulator discard the emulator's saved state .*\(implies --emulator\)/);
  });

  it("emulator --help documents --endpoints and --reset", async () => {
    const text = await help(["emulator"]);
    expect(text).toMatch(/-e, --endpoints <file> where to write the endpoints JSON \(URLs, CA, app credentials; .*\(default: <state>\/endpoints\.json\)/);
    expect(text).toMatch(/--reset discard the saved state/);
  });
});
