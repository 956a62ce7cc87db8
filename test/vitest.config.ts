import { configDefaults, defineConfig } from "vitest/config";

/**
 * Two tiers, told apart by file name. `unit` (`npm run test:unit`): pure and in-process tests, no
 * child processes. `e2e` (`npm run test:e2e`), the `*.e2e.test.ts` files: tests that start
 * processes (the built CLI, git, a workflow's bash steps) or run whole plan/apply runs against the
 * emulator. The e2e tier builds dist/ first (support/global-setup.ts): its children run the built
 * CLI. `npm test` runs both tiers in one run, sharing the two workers.
 */
const E2E = "test/**/*.e2e.test.ts";
/** The comparison corpus (test/corpus): minutes of image work, run as its own project. */
const CORPUS = "test/corpus/**/*.corpus.test.ts";

export default defineConfig({
  test: {
    root: new URL("..", import.meta.url).pathname,
    // sharp and the emulator are CPU-bound; two workers match the CI machine.
    pool: "forks",
    maxWorkers: 2,
    // End-to-end tests start processes and an emulator; generous limits keep a loaded machine from failing them.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    projects: [
      // Unit files share their workers' processes (no fresh process per file, about 8 s of a 26 s tier):
      // they start no processes and set no process-wide state (environment, globals, module mocks).
      { extends: true, test: { name: "unit", include: ["test/**/*.test.ts"], exclude: [...configDefaults.exclude, E2E, CORPUS], isolate: false } },
      { extends: true, test: { name: "e2e", include: [E2E], globalSetup: ["test/support/global-setup.ts"] } },
      { extends: true, test: { name: "corpus", include: [CORPUS] } },
    ],
  },
});
