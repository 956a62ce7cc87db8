/** The top-level handler (src/cli/program.ts run()): a bug is told apart from a user's or an access failure. */
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli/program.js";
import { EXIT } from "../../src/cli/io.js";
import type { CliIo } from "../../src/cli/io.js";
import { AccessError, UserError } from "../../src/model/errors.js";

/** An io whose environment throws `error` at the first look, so the command fails inside its action. */
function throwingIo(error: unknown): CliIo & { out: () => string } {
  let stderr = "";
  const env = new Proxy({} as NodeJS.ProcessEnv, {
    get: () => {
      throw error;
    },
  });
  return {
    cwd: process.cwd(),
    env,
    stdout: { write: () => true, isTTY: false },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    out: () => stderr,
  };
}

describe("run()'s last-resort handler", () => {
  it("reports a plain Error as an internal error with its stack and where to report it, exit 70", async () => {
    const io = throwingIo(new Error("the planner lost a person"));
    const code = await run(["validate"], io);
    expect(code).toBe(EXIT.internal);
    expect(code).toBe(70);
    expect(io.out()).toMatch(/^photosync: internal error: the planner lost a person\n/);
    expect(io.out()).toMatch(/\n\s+at /); // the stack
    expect(io.out()).toContain("please report this at the photosync issue tracker");
  });

  it("prints a UserError's message alone and exits with its code", async () => {
    const io = throwingIo(new UserError("AZURE_CLIENT_ID is not set", 64));
    expect(await run(["validate"], io)).toBe(64);
    expect(io.out()).toBe("photosync: AZURE_CLIENT_ID is not set\n");
  });

  it("prints an AccessError's one message and exits 1", async () => {
    const io = throwingIo(new AccessError("Graph refused photosync's token; grant ProfilePhoto.Read.All"));
    expect(await run(["validate"], io)).toBe(EXIT.failure);
    expect(io.out()).toBe("photosync: Graph refused photosync's token; grant ProfilePhoto.Read.All\n");
  });
});
