import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "@hetao/scenario";
import {
  ExperimentError,
  ReportSchema,
  buildReport,
  createExperiment,
  gridPoints,
  parseRange,
  parseVary,
  planReplications,
  reportJson,
  runReplication,
  sweepParameters,
} from "../src/index.js";

const WEEKDAY = fileURLToPath(new URL("../../../seeds/scenarios/hetao-weekday.yaml", import.meta.url));
// Every lane at full staffing: the property below compares policies on equal staffing.
const LAYOUT = fileURLToPath(new URL("../../../seeds/scenarios/hetao-layout.yaml", import.meta.url));
// The month on the enrolment path: 0, 45%, 67.5%, 90%, 95% of whitelisted institutions' staff enrolled.
const MONTH = "travellers.population.month";
const META = { scenarioDigest: "d".repeat(64), toolVersion: "0.0.0-test" };

describe("--vary parsing and grids", () => {
  it("parses lists, ranges (inclusive, without float noise) and selector paths", () => {
    expect(parseVary("travellers.whitelist.coverage=0:1:0.25")).toEqual({ path: "travellers.whitelist.coverage", values: [0, 0.25, 0.5, 0.75, 1] });
    expect(parseRange("0:1:0.1")).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(parseRange("3:1:-1")).toEqual([3, 2, 1]);
    expect(parseRange("07:30")).toBeUndefined();
    expect(parseVary("policies[id=seamless].lanes[id=sb-walkthrough].servers=1,2,4:6:1")).toEqual({
      path: "policies[id=seamless].lanes[id=sb-walkthrough].servers",
      values: [1, 2, 4, 5, 6],
    });
    expect(parseVary("day.close=21:00,22:00")).toEqual({ path: "day.close", values: ["21:00", "22:00"] });
    expect(parseVary("x.flag=true,false")).toEqual({ path: "x.flag", values: [true, false] });
    expect(() => parseVary("novalues")).toThrow(ExperimentError);
    expect(() => parseVary("a=1,1")).toThrow(/appears twice/);
    expect(() => parseVary("a=0:1:-0.5")).toThrow(/does not lead/);
    // Two numbers that are not a time of day: a range missing its step, said so (not "wrong type: a string").
    expect(() => parseVary("demand.multiplier=1:3")).toThrow('range "1:3" needs a step: start:stop:step, e.g. "1:3:1"');
    expect(parseVary("day.open=07:30")).toEqual({ path: "day.open", values: ["07:30"] });
  });

  it("builds a row-major full grid of at most two parameters", () => {
    const points = gridPoints([
      { path: "a", values: [1, 2] },
      { path: "b", values: ["x", "y", "z"] },
    ]);
    expect(points.map((p) => [p.index, ...p.overrides.map((o) => o.value)])).toEqual([
      [0, 1, "x"],
      [1, 1, "y"],
      [2, 1, "z"],
      [3, 2, "x"],
      [4, 2, "y"],
      [5, 2, "z"],
    ]);
    expect(sweepParameters(points)).toEqual([
      { path: "a", values: [1, 2] },
      { path: "b", values: ["x", "y", "z"] },
    ]);
    expect(gridPoints([])).toEqual([{ index: 0, overrides: [] }]);
    expect(() => gridPoints([{ path: "a", values: [1] }, { path: "b", values: [1] }, { path: "c", values: [1] }])).toThrow(/at most 2/);
    expect(() => gridPoints([{ path: "a", values: [1] }, { path: "a", values: [2] }])).toThrow(/twice/);
  });
});

describe("sweep over individual enrolment on the Hetao layout (property of the model)", async () => {
  const { scenario, digest } = await loadScenarioFile(LAYOUT);
  const coverage = ["2024-10", "2025-02", "2025-05", "2025-08", "2026-06"];
  const spec = createExperiment(scenario, {
    replications: 6,
    policies: ["current", "seamless"],
    points: gridPoints([{ path: MONTH, values: coverage }]),
  });
  const results = planReplications(spec).map(({ point, replication }) => runReplication(spec, point, replication));
  const report = buildReport(spec, results, { ...META, scenarioDigest: digest });

  it("has a sweep section aligned with the points, and a per-replication table", () => {
    const written = JSON.parse(reportJson(report));
    expect(ReportSchema.parse(written)).toEqual(written);
    const sweep = report.sweep!;
    expect(sweep.parameters).toEqual([{ path: MONTH, values: coverage }]);
    expect(sweep.points.map((p) => p.values[0])).toEqual(coverage);
    expect(sweep.series.seamless!.meanClearance).toHaveLength(5);
    expect(sweep.differences[0]!.treatment).toBe("seamless");
    expect(report.replications).toHaveLength(5 * 2 * 6);
    const row = report.replications.find((r) => r.point === 3 && r.policy === "seamless" && r.replication === 4)!;
    expect(row.meanClearance).toBe(results.find((r) => r.point === 3 && r.replication === 4)!.policies.seamless!.summary.meanClearance);
  });

  it("seamless − current mean clearance decreases strictly as enrolment rises", () => {
    const diffs = report.sweep!.differences[0]!.metrics.meanClearance!.map((d) => d.mean!);
    for (let i = 1; i < diffs.length; i++) expect(diffs[i]!).toBeLessThan(diffs[i - 1]!);
    // And the difference is significant once anyone is on the whitelist.
    for (const d of report.sweep!.differences[0]!.metrics.meanClearance!.slice(1)) expect(d.upper!).toBeLessThan(0);
  });

  it("with nobody enrolled seamless agrees with current within its interval (exactly: seamless extends current)", () => {
    const d = report.sweep!.differences[0]!.metrics.meanClearance![0]!;
    expect(d.lower!).toBeLessThanOrEqual(0);
    expect(d.upper!).toBeGreaterThanOrEqual(0);
    expect(d.mean).toBe(0);
    const current = report.sweep!.series.current!.meanClearance![0]!;
    const seamless = report.sweep!.series.seamless!.meanClearance![0]!;
    expect(seamless.mean!).toBeGreaterThanOrEqual(current.lower!);
    expect(seamless.mean!).toBeLessThanOrEqual(current.upper!);
  });

  it("keeps common random numbers across the grid: the current policy is identical at every enrolment", () => {
    // Enrolment does not change who the travellers are, and the current policy ignores individual enrolment.
    const current = report.sweep!.series.current!.meanClearance!.map((x) => x.mean);
    expect(new Set(current).size).toBe(1);
  });
});

describe("reports without a sweep", () => {
  it("omit the sweep section but keep the per-replication table", async () => {
    const { scenario, digest } = await loadScenarioFile(WEEKDAY);
    const spec = createExperiment(scenario, { replications: 2, policies: ["current", "seamless"] });
    const results = planReplications(spec).map(({ point, replication }) => runReplication(spec, point, replication));
    const report = buildReport(spec, results, { ...META, scenarioDigest: digest });
    expect(report.sweep).toBeUndefined();
    expect(report.replications.map((r) => `${r.point}/${r.policy}/${r.replication}`)).toEqual(["0/current/0", "0/current/1", "0/seamless/0", "0/seamless/1"]);
  });
});

describe("sweep over the share of institutions whitelisted (備案) on the Hetao layout", async () => {
  const { scenario, digest } = await loadScenarioFile(LAYOUT);
  const shares = [0, 0.25, 0.5, 0.75, 1];
  const path = "travellers.population.institutions[*].whitelisted";
  const spec = createExperiment(scenario, { replications: 5, policies: ["current", "seamless"], points: gridPoints([{ path, values: shares }]) });
  const results = planReplications(spec).map(({ point, replication }) => runReplication(spec, point, replication));
  const report = buildReport(spec, results, { ...META, scenarioDigest: digest });

  it("one `[*]` parameter sets every group, and the seamless gain in mean crossing time grows with the share", () => {
    expect(report.sweep!.parameters).toEqual([{ path, values: shares }]);
    const diffs = report.sweep!.differences[0]!.metrics.meanCrossing!.map((d) => d.mean!);
    expect(diffs[0]).toBe(0);
    for (let i = 1; i < diffs.length; i++) expect(diffs[i]!).toBeLessThan(diffs[i - 1]!);
  });
});
