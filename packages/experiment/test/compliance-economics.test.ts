import { describe, expect, it } from "vitest";
import type { GroupResult, PolicyDayResult } from "@hetao/crossing-model";
import { LogHistogram } from "@hetao/stats";
import {
  SERVICE_PLEDGES,
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
    within15: g.within15 ?? clearance.filter((c) => c <= 900).length,
    within30: g.within30 ?? clearance.filter((c) => c <= 1800).length,
    clearance: histogram(clearance),
    wait: histogram(g.wait ?? []),
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
    summary: {
      meanClearance: 0,
      p50Clearance: 0,
      p95Clearance: 0,
      meanWait: 0,
      throughput: clearance.length,
      peakHourThroughput: 0,
      shareWithin15: 0,
      shareWithin30: 0,
    },
    clearance: histogram(clearance),
    wait: empty,
    byClass,
    byDirection: {},
    checkpoints: {},
    lanes: {},
    hourly: { arrivals: [], cleared: [], clearance: [] },
  };
}

const HETAO_CLASSES = ["hk-resident", "mainland-resident", "foreign"];

function row(policy: string, days: PolicyDayResult[], pledge: string, classes = HETAO_CLASSES) {
  const r = policyCompliance(policy, classes, days).find((x) => x.pledge === pledge);
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
  it("states met / met on average / not met for the Hong Kong residents' 15-minute pledge with its margin", () => {
    const daysOf = (within: number[]) => within.map((w) => day({ "hk-resident": { arrived: 100, within15: w, within30: 100 } }));

    const met = row("p", daysOf([99, 99, 99]), "hk-residents-15min");
    expect(met.status).toBe("met");
    expect(met.share.mean).toBeCloseTo(0.99, 12);
    expect(met.share.lower).toBeCloseTo(0.99, 12);
    expect(met.margin).toBeCloseTo(0.01, 12);
    expect(met.target).toBe(0.98);
    expect(met.classes).toEqual(["hk-resident"]);

    // Shares .99, .98, .99: mean .98667, sd .005774, t(0.975, 2) = 4.3027 → half-width .014344.
    const average = row("p", daysOf([99, 98, 99]), "hk-residents-15min");
    expect(average.status).toBe("met-on-average");
    expect(average.share.mean).toBeCloseTo(0.986667, 5);
    expect(average.share.halfWidth).toBeCloseTo(0.014344, 5);
    expect(average.share.lower).toBeCloseTo(0.972323, 5);
    expect(average.margin).toBeCloseTo(0.006667, 5);

    const notMet = row("p", daysOf([97, 97, 98]), "hk-residents-15min");
    expect(notMet.status).toBe("not-met");
    expect(notMet.margin).toBeCloseTo(0.973333 - 0.98, 5);
  });

  it("pools the visitors' classes per day and counts travellers not cleared as over the limit", () => {
    const days = [
      day({ "hk-resident": { arrived: 10, within15: 0, within30: 0 }, "mainland-resident": { arrived: 100, within30: 90 }, foreign: { arrived: 50, within30: 50 } }),
      day({ "hk-resident": { arrived: 10, within15: 0, within30: 0 }, "mainland-resident": { arrived: 100, within30: 96 }, foreign: { arrived: 50, within30: 44 } }),
    ];
    const r = row("p", days, "hk-visitors-30min");
    expect(r.classes).toEqual(["mainland-resident", "foreign"]);
    expect(r.share.n).toBe(2);
    expect(r.share.mean).toBeCloseTo((140 / 150 + 140 / 150) / 2, 12);
    expect(r.status).toBe("not-met");
  });

  it("reads queue pledges from the wait histogram, over everyone who arrived", () => {
    // Four arrived, three cleared: waits 0 s, 10 s, 400 s → 2 of 4 queued under 5 minutes.
    const d = day({ "hk-resident": { arrived: 2, clearance: [100, 200], wait: [0, 10] }, foreign: { arrived: 2, clearance: [600], wait: [400] } });
    const frontex = row("p", [d, d], "frontex-abc-5min");
    expect(frontex.classes).toEqual(HETAO_CLASSES);
    expect(frontex.measure).toBe("queue");
    expect(frontex.share.mean).toBeCloseTo(0.5, 12);
    expect(frontex.status).toBe("not-met");
    const mainland = row("p", [d, d], "mainland-citizens-30min");
    expect(mainland.classes).toEqual(["hk-resident", "mainland-resident"]);
    expect(mainland.share.mean).toBe(1);
    expect(mainland.status).toBe("met");
  });

  it("reports a pledge whose classes are absent as not applicable", () => {
    const d = day({ resident: { arrived: 10, clearance: [60, 60, 60, 60, 60, 60, 60, 60, 60, 60], wait: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0] } });
    const rows = policyCompliance("p", ["resident"], [d, d]);
    expect(rows.map((r) => [r.pledge, r.status])).toEqual([
      ["hk-residents-15min", "not-applicable"],
      ["hk-visitors-30min", "not-applicable"],
      ["mainland-citizens-30min", "not-applicable"],
      ["frontex-abc-5min", "met"],
    ]);
    expect(rows[0]!.margin).toBeNull();
    expect(rows[0]!.note).toMatch(/None of the classes/);
    expect(SERVICE_PLEDGES).toHaveLength(4);
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

    expect(point.compliance?.map((r) => `${r.pledge}/${r.policy}`)).toEqual([
      "hk-residents-15min/two",
      "hk-residents-15min/three",
      "hk-visitors-30min/two",
      "hk-visitors-30min/three",
      "mainland-citizens-30min/two",
      "mainland-citizens-30min/three",
      "frontex-abc-5min/two",
      "frontex-abc-5min/three",
    ]);
    expect(point.compliance?.filter((r) => r.status === "not-applicable").length).toBe(6);

    const e = point.economics?.[0];
    expect(e?.treatment).toBe("three");
    expect(e?.baseline).toBe("two");
    expect(e?.workingDaysPerYear).toBe(220);
    expect(e?.currency).toBe("EUR");
    // Hours saved = Σ clearance(two) − Σ clearance(three), per replication.
    const saved = results.map((r) => (r.policies.two!.clearance.sum - r.policies.three!.clearance.sum) / 3600);
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
