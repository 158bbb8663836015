import type { Reporter, SerializedError, TestModule } from "vitest/node";

/**
 * Prints one plain closing line, "vitest: N passed, N failed, N skipped",
 * after vitest's own summary, so CI tooling that reads the last line of a
 * run sees the counts in a runner-neutral form.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError> = []): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const m of testModules) {
      for (const t of m.children.allTests()) {
        const s = t.result().state;
        if (s === "passed") passed++;
        else if (s === "failed") failed++;
        else skipped++;
      }
      // A module that failed to load, or whose beforeAll threw (its tests then count as skipped), is a
      // failure even with no failed test in it.
      if (m.state() === "failed" && ![...m.children.allTests()].some((t) => t.result().state === "failed")) failed++;
    }
    // An error thrown outside any test (an unhandled rejection, say) fails the run too.
    failed += unhandledErrors.length;
    process.stdout.write(`\nvitest: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
