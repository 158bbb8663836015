import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { createExperiment, runReplication } from "@hetao/experiment";
import { loadScenarioFile } from "@hetao/scenario";

// The runner starts dist/worker.js, so use the built package.
const DIST = join(fileURLToPath(new URL("../", import.meta.url)), "dist/index.js");
const cli = (await import(pathToFileURL(DIST).href)) as typeof import("../src/index.js");

// The shared preset seeds/scenarios/two-counters.yaml; replications and seed are given per test.
const TWO_COUNTERS = fileURLToPath(new URL("../../../seeds/scenarios/two-counters.yaml", import.meta.url));

describe("EmbeddedRunner", () => {
  it("returns every result once, sorted, equal to in-process runs, and reports progress", async () => {
    const { scenario } = await loadScenarioFile(TWO_COUNTERS);
    const spec = createExperiment(scenario, { replications: 5, seed: 2 });
    const progress: number[] = [];
    const runner = new cli.EmbeddedRunner({ threads: 2 });
    expect(runner.describe()).toBe("embedded, 2 worker threads");
    const results = await runner.run(spec, (p) => {
      expect(p.total).toBe(5);
      progress.push(p.done);
    });
    expect(results.map((r) => r.replication)).toEqual([0, 1, 2, 3, 4]);
    expect(progress).toEqual([0, 1, 2, 3, 4, 5]);
    expect(JSON.stringify(results[3])).toBe(JSON.stringify(runReplication(spec, 0, 3)));
  });

  it("fails with a clear message when a worker cannot run the experiment", async () => {
    const { scenario } = await loadScenarioFile(TWO_COUNTERS);
    const spec = createExperiment(scenario, { replications: 3 });
    const tampered = { ...spec, policies: ["nope"] };
    const runner = new cli.EmbeddedRunner({ threads: 2 });
    await expect(runner.run(tampered, () => {})).rejects.toThrow(/worker thread failed: [\s\S]*unknown policy "nope"/);
  });

  it("rejects a non-positive thread count", () => {
    expect(() => new cli.EmbeddedRunner({ threads: 0 })).toThrow(/threads/);
  });
});
