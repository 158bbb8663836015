import { describe, expect, it } from "vitest";
import type { GroupResult, PolicyDayResult } from "@hetao/crossing-model";
import { LogHistogram } from "@hetao/stats";
import {
  buildReport,
  clearanceCdfs,
  complianceStatus,
  createExperiment,
  economics,
  experimentId,
  hourlyMeanClearanceInterval,
  planReplications,
  policyCompliance,
  runReplication,
} from "../src/index.js";
import { parseScenario, resolveScenario, type ResolvedScenario } from "@hetao/scenario";
import { tinyScenario } from "./fixtures.js";

const OPTIONS = { relativeAccuracy: 0.01 };

function histogram(values: readonly number[]) {
  const h = new LogHistogram(OPTIONS);
  for (const v of values) h.record(v);
  return h.toJSON();
}

interface GroupSpec {
  arrived: number;
  within15?: number;
  within30?: number;
  /** Clearance times of the cleared travellers (seconds). */
  clearance?: number[];
  /** Queueing times of the cleared travellers (seconds). */
  wait?: number[];
}

function group(g: GroupSpec): GroupResult {
  const clearance = g.clearance ?? [];
  return {
    arrived: g.arrived,
    cleared: clearance.length,
    censored: 0,
    within15: g.within15 ?? clearance.filter((c) => c <= 900).length,
    within30: g.within30 ?? clearance.filter((c) => c <= 1800).length,
    clearance: histogram(clearance),
    crossingSum: 0,
    waitSum: (g.wait ?? []).reduce((a, b) => a + b, 0),
  };
}

/** A hand-built day: only the fields compliance and economics read carry meaning. */
function day(classes: Record<string, GroupSpec>, clearance: number[] = Object.values(classes).flatMap((g) => g.clearance ?? [])): PolicyDayResult {
  const arrived = Object.values(classes).reduce((n, g) => n + g.arrived, 0);
  const byClass: Record<string, GroupResult> = {};
  for (const [id, g] of Object.entries(classes)) byClass[id] = group(g);
  const empty = histogram([]);
  return {
    arrived,
    cleared: clearance.length,
    inSystem: arrived - clearance.length,
    fallbacks: 0,
    diverted: 0,
    summary: {
      meanCrossing: 0,
      p50Crossing: 0,
      p95Crossing: 0,
      meanClearance: 0,
      p50Clearance: 0,
      p95Clearance: 0,
      meanWait: 0,
      throughput: clearance.length,
      peakHourThroughput: 0,
      shareWithin15: 0,
      shareWithin30: 0,
      censored: 0,
      emptiedAt: 0,
      officerHours: 0,
      gateHours: 0,
    },
    clearance: histogram(clearance),
    crossing: histogram(clearance),
    wait: empty,
    byClass,
    byDirection: {},
    segments: {},
    institutions: { arrived: [], censored: [], crossingSum: [] },
    checkpoints: {},
    controls: {},
    pledges: {},
    lanes: {},
    reserves: {},
    officerPools: {},
    shuttles: [],
    hourly: { arrivals: [], cleared: [], clearance: [] },
  };
}

/** A resolved scenario carrying only what compliance reads: classes, controls and pledges. */
function pledgeScenario(): ResolvedScenario {
  const { scenario } = tinyScenario();
  const data = {
    ...scenario,
    travellers: {
      ...scenario.travellers,
      classes: [
        { id: "hk-resident", share: 0.5, whitelistEligible: true },
        { id: "mainland-resident", share: 0.3, whitelistEligible: true },
        { id: "foreign", share: 0.2, whitelistEligible: false },
      ],
    },
    controls: [{ id: "hk-immigration", title: "Hong Kong immigration", checkpoints: ["station"] }],
    pledges: [
      { id: "hk-residents-15min", title: "98% within 15 min", control: "hk-immigration", classes: ["hk-resident"], thresholdMinutes: 15, target: 0.98 },
      { id: "nobody-over-30", title: "nobody queues over 30 min", control: "hk-immigration", measure: "queue", thresholdMinutes: 30, target: 1 },
    ],
  };
  return resolveScenario(parseScenario(data));
}

/** A day whose pledge results are given directly (covered, within, censored). */
function pledgeDay(pledges: Record<string, { covered: number; within: number; censored?: number }>): PolicyDayResult {
  const d = day({});
  for (const [id, p] of Object.entries(pledges)) d.pledges[id] = { covered: p.covered, within: p.within, censored: p.censored ?? 0, valueSum: 0, hourlyCovered: [], hourlyWithin: [] };
  return d;
}

function row(days: PolicyDayResult[], pledge: string) {
  const r = policyCompliance(pledgeScenario(), "p", days).find((x) => x.pledge === pledge);
  if (r === undefined) throw new Error(`no row for ${pledge}`);
  return r;
}

describe("complianceStatus", () => {
  it("is met only when the lower 95% bound reaches the target", () => {
    expect(complianceStatus(0.99, 0.981, 0.98)).toBe("met");
    expect(complianceStatus(0.99, 0.98, 0.98)).toBe("met");
    expect(complianceStatus(0.985, 0.975, 0.98)).toBe("met-on-average");
    expect(complianceStatus(0.98, null, 0.98)).toBe("met-on-average");
    expect(complianceStatus(0.979, 0.97, 0.98)).toBe("not-met");
    expect(complianceStatus(null, null, 0.98)).toBe("not-applicable");
  });
});

describe("policyCompliance", () => {
  it("states met / met on average / not met with the margin, on the pledge's own control and travellers", () => {
    const daysOf = (within: number[]) => within.map((w) => pledgeDay({ "hk-residents-15min": { covered: 100, within: w } }));

    const met = row(daysOf([99, 99, 99]), "hk-residents-15min");
    expect(met.status).toBe("met");
    expect(met.share.mean).toBeCloseTo(0.99, 12);
    expect(met.margin).toBeCloseTo(0.01, 12);
    expect(met.classes).toEqual(["hk-resident"]);
    expect(met.directions).toEqual(["northbound", "southbound"]);
    expect(met.control).toBe("hk-immigration");
    expect(met.checkpoints).toEqual(["station"]);
    expect(met.covered).toBe(300);
    expect(met.overPerDay.mean).toBeCloseTo(1, 12);

    // Shares .99, .98, .99: mean .98667, sd .005774, t(0.975, 2) = 4.3027 → half-width .014344.
    const average = row(daysOf([99, 98, 99]), "hk-residents-15min");
    expect(average.status).toBe("met-on-average");
    expect(average.share.halfWidth).toBeCloseTo(0.014344, 5);
    expect(average.share.lower).toBeCloseTo(0.972323, 5);

    const notMet = row(daysOf([97, 97, 98]), "hk-residents-15min");
    expect(notMet.status).toBe("not-met");
    expect(notMet.margin).toBeCloseTo(0.973333 - 0.98, 5);
  });

  it("a 100% target is met only when nobody is over on any day, and says how many were", () => {
    const clean = row([pledgeDay({ "nobody-over-30": { covered: 50, within: 50 } }), pledgeDay({ "nobody-over-30": { covered: 40, within: 40 } })], "nobody-over-30");
    expect(clean.status).toBe("met");
    expect(clean.classes).toEqual(["hk-resident", "mainland-resident", "foreign"]);
    expect(clean.measure).toBe("queue");
    const one = row([pledgeDay({ "nobody-over-30": { covered: 50, within: 50 } }), pledgeDay({ "nobody-over-30": { covered: 40, within: 39, censored: 1 } })], "nobody-over-30");
    expect(one.status).toBe("not-met");
    expect(one.overPerDay.mean).toBeCloseTo(0.5, 12);
    expect(one.censored).toBe(1);
  });

  it("reports a pledge nobody it covers reached as not applicable", () => {
    const rows = policyCompliance(pledgeScenario(), "p", [pledgeDay({}), pledgeDay({})]);
    expect(rows.map((r) => [r.pledge, r.status])).toEqual([
      ["hk-residents-15min", "not-applicable"],
      ["nobody-over-30", "not-applicable"],
    ]);
    expect(rows[0]!.margin).toBeNull();
    expect(rows[0]!.note).toMatch(/No covered traveller reached hk-immigration/);
  });
});

describe("economics", () => {
  it("gives researcher-hours saved per day and per year as a paired interval, and their value", () => {
    const base = [day({ a: { arrived: 10 } }, [36_000]), day({ a: { arrived: 10 } }, [43_200])];
    const treat = [day({ a: { arrived: 10 } }, [28_800]), day({ a: { arrived: 10 } }, [32_400])];
    const e = economics("t", "b", treat, base, { workingDaysPerYear: 200, valueOfTimePerHour: 100, currency: "HKD" });
    // Per day: (10 − 8) h and (12 − 9) h → mean 2.5, sd 0.7071, t(0.975, 1) = 12.706 → half-width 6.353.
    expect(e.hoursSavedPerDay.mean).toBeCloseTo(2.5, 12);
    expect(e.hoursSavedPerDay.halfWidth).toBeCloseTo(6.3531, 3);
    expect(e.hoursSavedPerYear.mean).toBeCloseTo(500, 9);
    expect(e.hoursSavedPerYear.lower).toBeCloseTo((2.5 - 6.3531) * 200, 0);
    expect(e.valueSavedPerYear?.mean).toBeCloseTo(50_000, 6);
    expect(e.valueSavedPerDay?.mean).toBeCloseTo(250, 9);
    expect(e.currency).toBe("HKD");
    expect(e.travellersPerDay).toBe(10);
    expect(e.clearedDifferencePerDay).toBe(0);
  });

  it("defaults to 250 working days and no value of time, and refuses unpaired inputs", () => {
    const d = day({ a: { arrived: 1 } }, [3600]);
    const e = economics("t", "b", [d, d], [d, d]);
    expect(e.workingDaysPerYear).toBe(250);
    expect(e.hoursSavedPerDay.mean).toBe(0);
    expect(e.valueOfTimePerHour).toBeNull();
    expect(e.valueSavedPerYear).toBeNull();
    expect(e.currency).toBeNull();
    expect(() => economics("t", "b", [d], [d, d])).toThrow(RangeError);
  });
});

describe("report fields", () => {
  const { scenario, digest } = tinyScenario();

  it("carry compliance, economics, hourly intervals and a shared-grid CDF; economics options travel with the spec", () => {
    const plain = createExperiment(scenario, { replications: 3 });
    const withEconomics = createExperiment(scenario, { replications: 3, economics: { workingDaysPerYear: 220, valueOfTimePerHour: 50, currency: "EUR" } });
    // Specs without economics keep their id; a spec with it gets its own.
    expect(experimentId(createExperiment(scenario, { replications: 3 }))).toBe(experimentId(plain));
    expect(experimentId(withEconomics)).not.toBe(experimentId(plain));

    const results = planReplications(withEconomics).map(({ point, replication }) => runReplication(withEconomics, point, replication));
    const report = buildReport(withEconomics, results, { scenarioDigest: digest, toolVersion: "0.0.0" });
    const point = report.points[0]!;

    // The scenario's own pledges, measured on its control.
    expect(point.compliance?.map((r) => `${r.pledge}/${r.policy}`)).toEqual([
      "residents-10min/two",
      "residents-10min/three",
      "queue-5min/two",
      "queue-5min/three",
    ]);
    expect(point.compliance?.every((r) => r.status !== "not-applicable" && r.control === "station")).toBe(true);
    expect(point.compliance?.[0]!.covered).toBe(results.reduce((n, r) => n + r.policies.two!.byClass.resident!.arrived, 0));

    const e = point.economics?.[0];
    expect(e?.treatment).toBe("three");
    expect(e?.baseline).toBe("two");
    expect(e?.workingDaysPerYear).toBe(220);
    expect(e?.currency).toBe("EUR");
    // Hours saved = Σ crossing(two) − Σ crossing(three), per replication.
    const saved = results.map((r) => (r.policies.two!.crossing.sum - r.policies.three!.crossing.sum) / 3600);
    expect(e?.hoursSavedPerDay.mean).toBeCloseTo(saved.reduce((a, b) => a + b, 0) / saved.length, 9);
    expect(e?.hoursSavedPerDay.mean).toBeGreaterThan(0);

    const two = point.policies.two!;
    const cdf = two.clearanceCdf!;
    expect(cdf[0]).toEqual({ seconds: 0, share: 0 });
    expect(cdf.map((c) => c.seconds)).toEqual(point.policies.three!.clearanceCdf!.map((c) => c.seconds));
    for (let i = 1; i < cdf.length; i++) expect(cdf[i]!.share).toBeGreaterThanOrEqual(cdf[i - 1]!.share);
    expect(cdf.at(-1)!.seconds).toBeGreaterThanOrEqual(35 * 60);

    const hourly = two.hourly.meanClearanceInterval!;
    expect(hourly.length).toBe(two.hourly.meanClearance.length);
    expect(hourly[8]!.n).toBe(3);
    // The interval is over each day's own mean for the hour (not the pooled mean).
    const dayMeans = results.map((r) => r.policies.two!.hourly.clearance[8]!).map((h) => h.sum / h.count);
    expect(hourly[8]!.mean).toBeCloseTo(dayMeans.reduce((a, b) => a + b, 0) / dayMeans.length, 9);
  });

  it("hourly intervals leave out days without arrivals that hour, and CDFs pool days over arrivals", () => {
    const withHour = (count: number, sum: number) => {
      const d = day({ a: { arrived: count } });
      const h = new LogHistogram(OPTIONS);
      if (count > 0) h.recordMany(sum / count, count);
      d.hourly.clearance = [histogram([]), h.toJSON()];
      return d;
    };
    const ci = hourlyMeanClearanceInterval([withHour(2, 200), withHour(0, 0), withHour(1, 300)]);
    expect(ci[0]!.n).toBe(0);
    expect(ci[1]!.n).toBe(2);
    expect(ci[1]!.mean).toBeCloseTo(200, 9);

    const cdfs = clearanceCdfs(new Map([["p", [day({ a: { arrived: 4 } }, [60, 600, 1200])]]]));
    const p = cdfs.get("p")!;
    expect(p.at(-1)!.share).toBeCloseTo(0.75, 12);
    expect(p.find((c) => c.seconds >= 600)!.share).toBeCloseTo(0.5, 12);
  });
});
