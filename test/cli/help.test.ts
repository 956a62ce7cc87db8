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

  it.each(["plan", "apply", "drift", "doctor"])("%s --help says what --reset-emulator does", async (command) => {
    expect(await help([command])).toMatch(/--reset-emulator discard the emulator's saved state .*\(implies --emulator\)/);
  });

  it("doctor --help says it is read-only, what --writer and --probe-user do, and its exit codes", async () => {
    const text = await help(["doctor"]);
    expect(text).toContain("Read-only. Exit 0: everything the manifest asks for is possible, 1: something is not.");
    expect(text).toMatch(/--writer sign in as the read-write \(apply\) identity and check its permissions; writes nothing without --probe-user/);
    expect(text).toMatch(/--probe-user <upn> a person in the manifest: sampled first; with --writer, one profile write that sets SPS-PicturePlaceholderState to the value it already has/);
    expect(text).toMatch(/--sample <n> how many managed people to read \(default 5\)/);
    expect(text).toMatch(/-f, --format <format> output format \(choices: "text", "json", "markdown", default: "text"\)/);
  });

  it("emulator --help documents --endpoints and --reset", async () => {
    const text = await help(["emulator"]);
    expect(text).toMatch(/-e, --endpoints <file> where to write the endpoints JSON \(URLs, CA, app credentials; .*\(default: <state>\/endpoints\.json\)/);
    expect(text).toMatch(/--reset discard the saved state/);
  });
});
