import { describe, expect, it } from "vitest";
import type { ReplicationResult } from "@hetao/crossing-model";
import { ReportAccumulator, ResultCollector, buildReport, createExperiment, gridPoints, planReplications, reportJson, runReplication } from "../src/index.js";
import { shuffled, tinyScenario } from "./fixtures.js";

const META = { scenarioDigest: "d".repeat(64), toolVersion: "0.0.0-test" };

describe("ReportAccumulator", () => {
  const { scenario } = tinyScenario();
  const spec = createExperiment(scenario, { replications: 7, points: gridPoints([{ path: "travellers.whitelist.coverage", values: [0.2, 0.8] }]) });
  const results: ReplicationResult[] = planReplications(spec).map(({ point, replication }) => runReplication(spec, point, replication));
  const expected = reportJson(buildReport(spec, results, META));

  it("gives the same bytes whatever the arrival order, buffering only the early results", () => {
    for (const seed of [1, 2, 3]) {
      const acc = new ReportAccumulator(spec);
      let maxWaiting = 0;
      for (const r of shuffled(results, seed)) {
        expect(acc.add(r)).toBe(true);
        maxWaiting = Math.max(maxWaiting, acc.waiting);
      }
      expect(acc.isComplete()).toBe(true);
      expect(acc.waiting).toBe(0);
      expect(maxWaiting).toBeLessThan(results.length);
      expect(reportJson(acc.finish(META))).toBe(expected);
    }
  });

  it("holds nothing when results come in plan order, ignores duplicates, and names a missing replication", () => {
    const acc = new ReportAccumulator(spec);
    for (const r of results.slice(0, 3)) acc.add(r);
    expect(acc.waiting).toBe(0);
    expect(acc.add(results[1]!)).toBe(false);
    expect(acc.size).toBe(3);
    expect(() => acc.add({ ...results[0]!, replication: 7 })).toThrow(/outside 0..6/);
    expect(() => acc.add({ ...results[0]!, point: 9 })).toThrow(/not part of the experiment/);
    expect(() => acc.finish(META)).toThrow(/point 0: replication 3 is missing/);
  });

  it("takes a ResultCollector's stream (the runners' path) and finishes twice alike", () => {
    const acc = new ReportAccumulator(spec);
    const collector = new ResultCollector(spec, (r) => acc.add(r));
    for (const r of shuffled([...results, ...results.slice(0, 4)], 5)) collector.addValidated(r);
    expect(collector.isComplete()).toBe(true);
    expect(collector.results()).toEqual([]);
    expect(reportJson(acc.finish(META))).toBe(expected);
    expect(reportJson(acc.finish(META))).toBe(expected);
  });
});
