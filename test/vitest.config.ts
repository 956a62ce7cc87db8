import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: new URL("..", import.meta.url).pathname,
    include: ["test/**/*.test.ts"],
    // sharp and the emulator are CPU-bound; two workers match the CI machine.
    pool: "forks",
    maxWorkers: 2,
    // End-to-end tests start processes and an emulator; generous limits keep a loaded machine from failing them.
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
