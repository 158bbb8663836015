import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "@hetao/scenario";
import { SUMMARY_METRICS, type ReplicationResult } from "@hetao/crossing-model";
import { independentDifference } from "@hetao/stats";
import {
  ExperimentError,
  ReportSchema,
  ResultCollector,
  buildReport,
  createExperiment,
  experimentId,
  parseExperimentSpec,
  planReplications,
  reportJson,
  runReplication,
  stableJson,
} from "../src/index.js";
import { shuffled, tinyScenario } from "./fixtures.js";

const META = { scenarioDigest: "d".repeat(64), toolVersion: "0.0.0-test" };

function runAll(spec: ReturnType<typeof createExperiment>): ReplicationResult[] {
  return planReplications(spec).map(({ point, replication }) => runReplication(spec, point, replication));
}

describe("createExperiment", () => {
  it("fills defaults from the scenario's experiment block", () => {
    const { scenario } = tinyScenario();
    const spec = createExperiment(scenario);
    expect(spec.replications).toBe(6);
    expect(spec.seed).toBe(3);
    expect(spec.policies).toEqual(["two", "three"]);
    expect(spec.baseline).toBe("two");
    expect(spec.compare).toEqual([["three", "two"]]);
    expect(spec.points).toEqual([{ index: 0, overrides: [] }]);
  });

  it("takes overrides and restricts the comparison to the selected policies", () => {
    const { scenario } = tinyScenario();
    const spec = createExperiment(scenario, { replications: 3, seed: 9, policies: ["three"] });
    expect(spec).toMatchObject({ replications: 3, seed: 9, policies: ["three"], baseline: "three", compare: [] });
  });

  it("names an unknown policy and the valid ones", () => {
    const { scenario } = tinyScenario();
    expect(() => createExperiment(scenario, { policies: ["two", "four"] })).toThrow(ExperimentError);
    expect(() => createExperiment(scenario, { policies: ["two", "four"] })).toThrow(/"four".*two, three/);
  });

  it("rejects bad replications, seeds, comparisons and design points", () => {
    const { scenario } = tinyScenario();
    expect(() => createExperiment(scenario, { replications: 1 })).toThrow(/replications/);
    expect(() => createExperiment(scenario, { seed: -1 })).toThrow(/seed/);
    expect(() => createExperiment(scenario, { compare: [["three", "nine"]] })).toThrow(/compare\[0\]\[1\].*"nine"/);
    expect(() => createExperiment(scenario, { points: [{ index: 0, overrides: [{ path: "demand.nothing.here", value: 1 }] }] })).toThrow(
      /points\[0\]\.overrides/,
    );
    expect(() => createExperiment(scenario, { points: [{ index: 0, overrides: [{ path: "travellers.whitelist.coverage", value: 2 }] }] })).toThrow(
      /points\[0\]\.overrides.*coverage/,
    );
  });
});

describe("parseExperimentSpec errors", () => {
  it("list at most 50 problems, then how many more (a job payload can carry thousands)", () => {
    const spec = JSON.parse(JSON.stringify(createExperiment(tinyScenario().scenario, { replications: 4 })));
    spec.points = Array.from({ length: 3_000 }, () => ({ index: -1, overrides: [] }));
    let message = "";
    try {
      parseExperimentSpec(spec);
    } catch (err) {
      message = (err as Error).message;
    }
    const lines = message.split("\n");
    expect(lines[0]).toBe("invalid experiment:");
    expect(lines).toHaveLength(52);
    expect(lines.at(-1)).toMatch(/^… and \d+ more issues \(\d+ in all\)$/);
  });
});

describe("experimentId", () => {
  it("is stable for the same spec, including after a JSON round trip", () => {
    const { scenario } = tinyScenario();
    const a = createExperiment(scenario, { replications: 4 });
    const b = createExperiment(tinyScenario().scenario, { replications: 4 });
    const c = parseExperimentSpec(JSON.parse(JSON.stringify(a)));
    expect(experimentId(a)).toMatch(/^exp-[0-9a-f]{16}$/);
    expect(experimentId(b)).toBe(experimentId(a));
    expect(experimentId(c)).toBe(experimentId(a));
    expect(c).toEqual(a);
  });

  it("changes with anything that changes the results", () => {
    const { scenario } = tinyScenario();
    const base = experimentId(createExperiment(scenario, { replications: 4 }));
    expect(experimentId(createExperiment(scenario, { replications: 5 }))).not.toBe(base);
    expect(experimentId(createExperiment(scenario, { replications: 4, seed: 4 }))).not.toBe(base);
    expect(experimentId(createExperiment(scenario, { replications: 4, policies: ["three", "two"] }))).not.toBe(base);
  });
});

describe("planReplications", () => {
  it("is point-major with replications ascending", () => {
    const { scenario } = tinyScenario();
    const spec = createExperiment(scenario, {
      replications: 3,
      points: [
        { index: 1, overrides: [{ path: "demand.multiplier", value: 1.5 }] },
        { index: 0, overrides: [] },
      ],
    });
    expect(planReplications(spec)).toEqual([
      { point: 0, replication: 0 },
      { point: 0, replication: 1 },
      { point: 0, replication: 2 },
      { point: 1, replication: 0 },
      { point: 1, replication: 1 },
      { point: 1, replication: 2 },
    ]);
  });
});

describe("runReplication", () => {
  it("applies a design point's overrides (and keeps the travellers' draws common across points)", () => {
    const { scenario } = tinyScenario();
    const spec = createExperiment(scenario, {
      replications: 2,
      points: [
        { index: 0, overrides: [] },
        { index: 1, overrides: [{ path: "policies[id=two].lanes[id=counter].servers", value: 4 }] },
      ],
    });
    const p0 = runReplication(spec, 0, 0);
    const p1 = runReplication(spec, 1, 0);
    expect(p0.point).toBe(0);
    expect(p1.point).toBe(1);
    expect(p1.travellers).toBe(p0.travellers);
    expect(p1.policies.two!.summary.meanWait).toBeLessThan(p0.policies.two!.summary.meanWait);
    expect(p1.policies.three).toEqual({ ...p0.policies.three });
    expect(() => runReplication(spec, 2, 0)).toThrow(/design point 2/);
    expect(() => runReplication(spec, 0, 2)).toThrow(/replication 2/);
  });

  it("is deterministic", () => {
    const { scenario } = tinyScenario();
    const spec = createExperiment(scenario, { replications: 2 });
    expect(JSON.stringify(runReplication(spec, 0, 1))).toBe(JSON.stringify(runReplication(createExperiment(scenario, { replications: 2 }), 0, 1)));
  });
});

describe("ResultCollector", () => {
  const { scenario, digest } = tinyScenario();
  const spec = createExperiment(scenario, { replications: 5 });
  const results = runAll(spec);

  it("ignores duplicates and rejects results outside the plan", () => {
    const c = new ResultCollector(spec);
    expect(c.expected).toBe(5);
    expect(c.add(results[2])).toBe(true);
    expect(c.add(JSON.parse(JSON.stringify(results[2])))).toBe(false);
    expect(c.size).toBe(1);
    expect(c.has(0, 2)).toBe(true);
    expect(c.has(0, 1)).toBe(false);
    expect(c.isComplete()).toBe(false);
    expect(() => c.add({ ...results[0]!, replication: 5 })).toThrow(/not part of the experiment/);
    expect(() => c.add({ ...results[0]!, point: 1 })).toThrow(/not part of the experiment/);
    expect(() => c.add({ ...results[0]!, travellers: -1 })).toThrow();
    expect(c.size).toBe(1);
  });

  it("addValidated trusts the schema check done elsewhere but still checks plan, duplicates and policies", () => {
    const c = new ResultCollector(spec);
    expect(c.addValidated(results[1]!)).toBe(true);
    expect(c.addValidated(results[1]!)).toBe(false);
    expect(() => c.addValidated({ ...results[0]!, replication: 7 })).toThrow(/replication 7 is not part of the experiment/);
    const [kept] = spec.policies;
    expect(() => c.addValidated({ ...results[0]!, policies: { [kept!]: results[0]!.policies[kept!]! } })).toThrow(/lacks policies: /);
    expect(c.size).toBe(1);
  });

  it("is order-independent: shuffled delivery with duplicates gives byte-identical reports", () => {
    const inOrder = new ResultCollector(spec);
    for (const r of results) inOrder.add(r);
    const mixed = new ResultCollector(spec);
    const deliveries = shuffled([...results, ...results.slice(1, 3)].map((r) => JSON.parse(JSON.stringify(r)) as unknown));
    for (const r of deliveries) mixed.add(r);
    expect(inOrder.isComplete()).toBe(true);
    expect(mixed.isComplete()).toBe(true);
    expect(mixed.results().map((r) => r.replication)).toEqual([0, 1, 2, 3, 4]);
    const a = reportJson(buildReport(spec, inOrder.results(), { ...META, scenarioDigest: digest }));
    const b = reportJson(buildReport(spec, mixed.results(), { ...META, scenarioDigest: digest }));
    const c = reportJson(buildReport(spec, shuffled(results, 99), { ...META, scenarioDigest: digest }));
    expect(b).toBe(a);
    expect(c).toBe(a);
  });
});

describe("buildReport", () => {
  const { scenario, digest } = tinyScenario();
  const spec = createExperiment(scenario, { replications: 6 });
  const results = runAll(spec);
  const report = buildReport(spec, results, { scenarioDigest: digest, toolVersion: "1.2.3" });

  it("has an interval per summary metric with n = replications, and totals", () => {
    expect(ReportSchema.parse(report)).toEqual(report);
    expect(report.schemaVersion).toBe(1);
    expect(report.tool).toEqual({ name: "hetao-sim", version: "1.2.3" });
    expect(report.scenario).toEqual({ name: "tiny-two-policy", title: "Two counters vs three counters", digest });
    expect(report.experiment).toMatchObject({
      id: experimentId(spec),
      replications: 6,
      seed: 3,
      policies: ["two", "three"],
      baseline: "two",
      compare: [["three", "two"]],
      warmupMinutes: 0,
      commonRandomNumbers: true,
      confidenceLevel: 0.95,
    });
    expect(report.experiment.histogramRelativeAccuracy).toBeGreaterThan(0);
    expect(report.points).toHaveLength(1);
    const point = report.points[0]!;
    for (const id of ["two", "three"]) {
      const p = point.policies[id]!;
      for (const m of SUMMARY_METRICS) {
        const ci = p.summary[m];
        expect(ci.n).toBe(6);
        expect(ci.lower!).toBeLessThanOrEqual(ci.mean!);
        expect(ci.upper!).toBeGreaterThanOrEqual(ci.mean!);
      }
      const arrived = results.reduce((s, r) => s + r.policies[id]!.arrived, 0);
      expect(p.totals.arrived).toBe(arrived);
      expect(p.totals.cleared + p.totals.inSystem).toBe(arrived);
      expect(p.clearance.p50!).toBeLessThanOrEqual(p.clearance.p90!);
      expect(p.clearance.p90!).toBeLessThanOrEqual(p.clearance.p95!);
      expect(p.clearance.p95!).toBeLessThanOrEqual(p.clearance.p99!);
      expect(Object.keys(p.byClass)).toEqual(["resident", "visitor"]);
      expect(Object.keys(p.byDirection).sort()).toEqual(["northbound", "southbound"]);
      expect(p.byClass.resident!.shareWithin30.n).toBe(6);
      expect(p.checkpoints.station!.maxQueue).toBeGreaterThan(0);
      expect(p.lanes.counter!.utilisation.n).toBe(6);
      expect(p.hourly.arrivals.length).toBeGreaterThan(0);
      const hourlyArrivals = p.hourly.arrivals.reduce<number>((s, x) => s + (x ?? 0), 0);
      expect(hourlyArrivals * 6).toBeCloseTo(arrived, 6);
      expect(p.hourly.meanClearance.some((x) => x === null)).toBe(true);
    }
  });

  it("compares the pair on paired differences", () => {
    const cmp = report.points[0]!.comparisons[0]!;
    expect(cmp.treatment).toBe("three");
    expect(cmp.baseline).toBe("two");
    const d = cmp.metrics.meanClearance;
    expect(d.n).toBe(6);
    expect(d.mean!).toBeLessThan(0);
    expect(d.significant).toBe(true);
    expect(d.relativeChange!).toBeCloseTo(d.mean! / d.baselineMean!, 12);
    // Same travellers under both policies: throughput per day is identical, difference exactly 0, not significant.
    expect(cmp.metrics.throughput.mean).toBe(0);
    expect(cmp.metrics.throughput.significant).toBe(false);
  });

  it("is deterministic: separate runs give byte-identical JSON", () => {
    const again = buildReport(spec, runAll(createExperiment(tinyScenario().scenario, { replications: 6 })), {
      scenarioDigest: digest,
      toolVersion: "1.2.3",
    });
    expect(reportJson(again)).toBe(reportJson(report));
    expect(reportJson(report).endsWith("}\n")).toBe(true);
  });

  it("needs every planned replication exactly once", () => {
    expect(() => buildReport(spec, results.slice(1), META)).toThrow(/replication 0 is missing/);
    expect(() => buildReport(spec, [...results, results[0]!], META)).toThrow(/appears twice/);
  });
});

describe("common random numbers", () => {
  it("make the paired interval of the difference narrower than the independent one (hetao-weekday)", async () => {
    const { scenario } = await loadScenarioFile(new URL("../../../seeds/scenarios/hetao-weekday.yaml", import.meta.url).pathname);
    const spec = createExperiment(scenario, { replications: 6 });
    const results = runAll(spec);
    const report = buildReport(spec, results, META);
    const [treatment, baseline] = spec.compare[0]!;
    const t = results.map((r) => r.policies[treatment]!.summary.meanClearance);
    const b = results.map((r) => r.policies[baseline]!.summary.meanClearance);
    const paired = report.points[0]!.comparisons[0]!.metrics.meanClearance;
    const independent = independentDifference(t, b);
    expect(paired.mean!).toBeCloseTo(independent.mean, 9);
    expect(paired.halfWidth!).toBeLessThan(independent.halfWidth);
  });
});

describe("reportJson", () => {
  it("sorts keys, indents, turns non-finite numbers into null and ends with a newline", () => {
    expect(reportJson({ b: 1, a: [NaN, Infinity, { d: undefined, c: -0 }], e: {} })).toBe(
      '{\n  "a": [\n    null,\n    null,\n    {\n      "c": 0\n    }\n  ],\n  "b": 1,\n  "e": {}\n}\n',
    );
    expect(stableJson([])).toBe("[]");
  });
});
