/** Progress of plan and apply: a status line on a terminal's standard error, nothing anywhere else. */
import { describe, expect, it } from "vitest";
import { createRunProgress } from "../../src/cli/progress.js";

const capture = (isTTY: boolean) => {
  const stream = { text: "", isTTY, columns: 100, write: (t: string) => ((stream.text += t), true) };
  return stream;
};
const tick = () => new Promise((resolve) => setTimeout(resolve, 300));

describe("createRunProgress", () => {
  it("says nothing off a terminal, but still passes warnings through", () => {
    const stream = capture(false);
    const progress = createRunProgress(stream, "plan", "reading the tenant");
    progress.started(10);
    progress.analysed(5, 10);
    progress.log("photosync: warning: careful\n");
    progress.stop();
    expect(stream.text).toBe("photosync: warning: careful\n");
  });

  it("shows who is planned and for how long, then the photos counted, and clears itself", async () => {
    const stream = capture(true);
    const progress = createRunProgress(stream, "plan", "analysing photos and reading the tenant");
    progress.started(10_000);
    expect(stream.text).toMatch(/plan: 10000 people: analysing photos and reading the tenant… 0s/);
    progress.analysed(345, 10_000);
    await tick();
    expect(stream.text).toMatch(/plan: 10000 people: analysing photos .* 345\/10000 0s/);
    progress.log("photosync: warning: careful\n");
    expect(stream.text).toContain("\r\u001b[2Kphotosync: warning: careful\n");
    progress.stop();
    progress.stop();
    // The last thing written clears the line: the plan that follows starts on a clean one.
    expect(stream.text.slice(stream.text.lastIndexOf("\r"))).not.toMatch(/people/);
  });

  it("shows nothing for nobody", () => {
    const stream = capture(true);
    const progress = createRunProgress(stream, "plan", "reading the tenant");
    progress.started(0);
    progress.stop();
    expect(stream.text).toBe("");
  });
});
