import { defineConfig } from "vitest/config";

// One runner for the whole monorepo: package tests sit with their package,
// cross-service end-to-end tests live in test/.
export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "services/*/test/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});
