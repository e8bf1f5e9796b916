import { defineConfig } from "vitest/config";
import { FaultSummaryReporter } from "./test/faults/support/fault-summary-reporter.js";

/**
 * The fault suite (`npm run test:faults`): crashes, outages, races and hostile input against
 * real gateway processes, Redis and PostgreSQL. Not part of `npm test`.
 */
export const vitestFaultsConfig = defineConfig({
  test: {
    include: ["test/faults/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 240_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: true,
    maxWorkers: 2,
    reporters: [new FaultSummaryReporter(), "default"],
  },
});

// vitest loads the config through its default export.
export default vitestFaultsConfig;
