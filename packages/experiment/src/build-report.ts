import {
  type GroupResult,
  type HistogramState,
  type PolicyDayResult,
  type ReplicationResult,
  SUMMARY_METRICS,
  SEGMENTS,
} from "@hetao/crossing-model";
import { LogHistogram, confidenceInterval, pairedDifference } from "@hetao/stats";
import {
  COMPARED_METRICS,
  type CheckpointReport,
  type Comparison,
  type ControlReport,
  type ReserveReport,
  type Difference,
  type GroupReport,
  type HourlyReport,
  type Interval,
  type LaneReport,
  type PointReport,
  type PolicyReport,
  type Quantiles,
  type Report,
  ReportSchema,
  type SummaryReport,
} from "./report-schema.js";
import { type ExperimentSpec, experimentId, sortedPoints } from "./spec.js";
import { replicationRows } from "./replication-table.js";
import { sweepReport } from "./sweep.js";
import { compliance } from "./compliance.js";
import { resolvePoint } from "./run-replication.js";
import { formatTimeOfDay, type ResolvedScenario } from "@hetao/scenario";
import { economics } from "./economics.js";
import type { PrecisionRecord } from "./precision.js";
import { clearanceCdfs, hourlyMeanClearanceInterval } from "./report-series.js";

export const CONFIDENCE_LEVEL = 0.95;

export interface ReportMeta {
  /** sha256 of the scenario's canonical JSON (loadScenarioFile's `digest`). */
  scenarioDigest: string;
  toolVersion: string;
  /** How `run --precision` chose the replications, recorded in `experiment.precision`. */
  precision?: PrecisionRecord;
}

/** null for NaN/±Infinity: JSON has neither. */
function fin(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function interval(values: readonly number[]): Interval {
  if (values.length === 0) return { n: 0, mean: null, sd: null, halfWidth: null, lower: null, upper: null };
  const ci = confidenceInterval(values, CONFIDENCE_LEVEL);
  return { n: ci.n, mean: fin(ci.mean), sd: fin(ci.sd), halfWidth: fin(ci.halfWidth), lower: fin(ci.lower), upper: fin(ci.upper) };
}

/** Merges histogram states in the given (replication) order; undefined when there are none. */
function merge(states: readonly (HistogramState | undefined)[]): LogHistogram | undefined {
  let merged: LogHistogram | undefined;
  for (const s of states) {
    if (s === undefined) continue;
    const h = LogHistogram.fromJSON(s);
    if (merged === undefined) merged = h;
    else merged.merge(h);
  }
  return merged;
}

function quantile(h: LogHistogram | undefined, q: number): number | null {
  return h === undefined || h.count === 0 ? null : fin(h.quantile(q));
}

function meanOf(h: LogHistogram | undefined): number | null {
  return h === undefined || h.count === 0 ? null : fin(h.mean);
}

function quantiles(states: readonly (HistogramState | undefined)[]): Quantiles {
  const h = merge(states);
  return {
    count: h?.count ?? 0,
    mean: meanOf(h),
    p50: quantile(h, 0.5),
    p90: quantile(h, 0.9),
    p95: quantile(h, 0.95),
    p99: quantile(h, 0.99),
  };
}

/** Keys in preferred order first (those present), then the rest sorted. */
function keysOf(days: readonly PolicyDayResult[], pick: (d: PolicyDayResult) => Record<string, unknown>, preferred: readonly string[] = []): string[] {
  const all = new Set<string>();
  for (const d of days) for (const k of Object.keys(pick(d))) all.add(k);
  const first = preferred.filter((k) => all.has(k));
  const rest = [...all].filter((k) => !preferred.includes(k)).sort();
  return [...first, ...rest];
}

/** Element-wise mean over replications of hourly series (missing entries count as 0). */
function hourlyMean(series: readonly (readonly number[])[]): (number | null)[] {
  const n = series.length;
  const hours = series.reduce((m, s) => Math.max(m, s.length), 0);
  const out: (number | null)[] = [];
  for (let h = 0; h < hours; h++) {
    let sum = 0;
    for (const s of series) sum += s[h] ?? 0;
    out.push(n === 0 ? null : fin(sum / n));
  }
  return out;
}

function groupReport(groups: readonly (GroupResult | undefined)[]): GroupReport {
  let arrived = 0;
  let cleared = 0;
  let censored = 0;
  const w15: number[] = [];
  const w30: number[] = [];
  const meanClearance: number[] = [];
  const meanCrossing: number[] = [];
  for (const g of groups) {
    if (g === undefined) continue;
    arrived += g.arrived;
    cleared += g.cleared;
    censored += g.censored;
    if (g.arrived > 0) {
      w15.push(g.within15 / g.arrived);
      w30.push(g.within30 / g.arrived);
    }
    if (g.clearance.count > 0) meanClearance.push(g.clearance.sum / g.clearance.count);
    if (g.clearance.count > 0) meanCrossing.push(g.crossingSum / g.clearance.count);
  }
  return {
    arrived,
    cleared,
    censored,
    meanCrossing: interval(meanCrossing),
    shareWithin15: interval(w15),
    shareWithin30: interval(w30),
    meanClearance: interval(meanClearance),
    p95Clearance: quantile(merge(groups.map((g) => g?.clearance)), 0.95),
  };
}

/** Mean of a histogram state, or undefined when it is empty (one observation per replication). */
function stateMean(h: HistogramState | undefined): number | undefined {
  return h === undefined || h.count === 0 ? undefined : h.sum / h.count;
}

function defined(values: readonly (number | undefined)[]): number[] {
  return values.filter((v): v is number => v !== undefined);
}

/** Hours whose total queue grows through the hour (end − start, lower 95% bound > 0) over replications. */
function capacityBoundHours(cps: readonly (PolicyDayResult["checkpoints"][string] | undefined)[]): number[] {
  const hours: number[] = [];
  for (let h = 0; h < 24; h++) {
    const growth: number[] = [];
    for (const x of cps) if (x !== undefined) growth.push((x.queueAtHour[h + 1] ?? 0) - (x.queueAtHour[h] ?? 0));
    const ci = interval(growth);
    if (ci.mean !== null && ci.mean > 0 && (ci.lower === null ? false : ci.lower > 0)) hours.push(h);
  }
  return hours;
}

/** The most frequent value (smallest on ties). */
function mode(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = -1;
  let bestCount = 0;
  for (const [v, c] of [...counts].sort((a, b) => a[0] - b[0])) {
    if (c > bestCount) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

function policyReport(spec: ExperimentSpec, scenario: ResolvedScenario, id: string, days: readonly PolicyDayResult[]): PolicyReport {
  const summary = Object.fromEntries(SUMMARY_METRICS.map((m) => [m, interval(days.map((d) => d.summary[m]))])) as SummaryReport;
  const totals = { arrived: 0, cleared: 0, inSystem: 0, censored: 0, fallbacks: 0, diverted: 0 };
  for (const d of days) {
    totals.arrived += d.arrived;
    totals.cleared += d.cleared;
    totals.inSystem += d.inSystem;
    totals.censored += d.summary.censored;
    totals.fallbacks += d.fallbacks;
    totals.diverted += d.diverted;
  }

  const classOrder = spec.scenario.travellers.classes.map((c) => c.id);
  const byClass: Record<string, GroupReport> = {};
  for (const c of keysOf(days, (d) => d.byClass, classOrder)) byClass[c] = groupReport(days.map((d) => d.byClass[c]));
  const byDirection: Record<string, GroupReport> = {};
  for (const dir of keysOf(days, (d) => d.byDirection, ["northbound", "southbound"])) {
    byDirection[dir] = groupReport(days.map((d) => d.byDirection[dir]));
  }

  const checkpoints: Record<string, CheckpointReport> = {};
  for (const c of keysOf(days, (d) => d.checkpoints)) {
    const cps = days.map((d) => d.checkpoints[c]);
    const wait = merge(cps.map((x) => x?.wait));
    let visits = 0;
    let maxQueue = 0;
    for (const x of cps) {
      if (x === undefined) continue;
      visits += x.visits;
      if (x.maxQueue > maxQueue) maxQueue = x.maxQueue;
    }
    checkpoints[c] = {
      visits,
      meanWait: meanOf(wait),
      p95Wait: quantile(wait, 0.95),
      meanTime: interval(defined(cps.map((x) => stateMean(x?.time)))),
      p95Time: quantile(merge(cps.map((x) => x?.time)), 0.95),
      maxQueue,
      hourlyMeanQueue: hourlyMean(cps.map((x) => x?.hourlyQueue ?? [])),
      hourlyMaxQueue: hourlyMean(cps.map((x) => x?.hourlyMaxQueue ?? [])),
      capacityBoundHours: capacityBoundHours(cps),
    };
  }

  const controls: Record<string, ControlReport> = {};
  for (const control of scenario.controls) {
    const cs = days.map((d) => d.controls[control.id]);
    let travellers = 0;
    let censored = 0;
    for (const x of cs) {
      if (x === undefined) continue;
      travellers += x.travellers;
      censored += x.censored;
    }
    if (travellers === 0) continue; // the policy does not use this control
    controls[control.id] = {
      title: control.title ?? null,
      checkpoints: [...control.checkpoints],
      travellers,
      censored,
      meanTime: interval(defined(cs.map((x) => stateMean(x?.time)))),
      timePerTraveller: interval(days.filter((d) => d.arrived > 0).map((d) => (d.controls[control.id]?.time.sum ?? 0) / d.arrived)),
      meanQueue: interval(defined(cs.map((x) => (x === undefined || x.travellers === 0 ? undefined : x.queueSum / x.travellers)))),
      time: quantiles(cs.map((x) => x?.time)),
    };
  }

  const lanes: Record<string, LaneReport> = {};
  for (const l of keysOf(days, (d) => d.lanes)) {
    const ls = days.map((d) => d.lanes[l]);
    let served = 0;
    let maxQueue = 0;
    let diverted = 0;
    let automated = false;
    let checkpoint = "";
    const utilisation: number[] = [];
    const peak: number[] = [];
    const peakHours: number[] = [];
    const staffed: number[] = [];
    for (const x of ls) {
      if (x === undefined) continue;
      checkpoint = x.checkpoint;
      served += x.served;
      diverted += x.diverted;
      automated = x.automated;
      if (x.maxQueue > maxQueue) maxQueue = x.maxQueue;
      utilisation.push(x.utilisation);
      peak.push(x.peakUtilisation);
      peakHours.push(x.peakHour);
      staffed.push(x.staffedHours);
    }
    lanes[l] = {
      checkpoint,
      served,
      utilisation: interval(utilisation),
      peakUtilisation: interval(peak),
      peakHour: mode(peakHours),
      staffedHours: interval(staffed),
      automated,
      diverted,
      maxQueue,
    };
  }

  const reserves: Record<string, ReserveReport> = {};
  for (const r of keysOf(days, (d) => d.reserves)) {
    const rs = days.map((d) => d.reserves[r]).filter((x) => x !== undefined);
    reserves[r] = {
      officerHours: interval(rs.map((x) => x.officerHours)),
      openings: interval(rs.map((x) => x.openings)),
      maxOpen: rs.reduce((m, x) => Math.max(m, x.maxOpen), 0),
      meanOpenServers: interval(rs.map((x) => x.meanOpenServers)),
      shareOverThreshold: interval(rs.filter((x) => x.served > 0).map((x) => x.overThreshold / x.served)),
    };
  }

  const hours = days.reduce((m, d) => Math.max(m, d.hourly.clearance.length), 0);
  const meanClearance: (number | null)[] = [];
  const p95Clearance: (number | null)[] = [];
  for (let h = 0; h < hours; h++) {
    const merged = merge(days.map((d) => d.hourly.clearance[h]));
    meanClearance.push(meanOf(merged));
    p95Clearance.push(quantile(merged, 0.95));
  }
  const hourly: HourlyReport = {
    arrivals: hourlyMean(days.map((d) => d.hourly.arrivals)),
    throughput: hourlyMean(days.map((d) => d.hourly.cleared)),
    meanClearance,
    p95Clearance,
    meanClearanceInterval: hourlyMeanClearanceInterval(days),
  };

  const title = spec.scenario.policies.find((p) => p.id === id)?.title ?? null;
  return {
    id,
    title,
    summary,
    totals,
    lowerBound: totals.censored > 0,
    crossing: quantiles(days.map((d) => d.crossing)),
    clearance: quantiles(days.map((d) => d.clearance)),
    wait: quantiles(days.map((d) => d.wait)),
    byClass,
    byDirection,
    segments: segmentReports(days),
    checkpoints,
    controls,
    lanes,
    reserves,
    shuttles: scenario.demand.shuttles.map((bus, b) => ({
      time: formatTimeOfDay(bus.time),
      direction: bus.direction,
      passengers: bus.passengers,
      dwell: interval(days.map((d) => d.shuttles[b]?.dwell ?? 0)),
      censoredDays: days.filter((d) => (d.shuttles[b]?.censored ?? 0) > 0).length,
    })),
    hourly,
  };
}

/** The segments with any counted traveller on any day, in the model's order. */
function segmentsPresent(days: readonly PolicyDayResult[]): string[] {
  return SEGMENTS.filter((k) => days.some((d) => (d.segments[k]?.arrived ?? 0) > 0));
}

/** Per-day mean of a segment's sum per trip; days without a trip of the segment are left out. */
function segmentMeans(days: readonly PolicyDayResult[], key: string, field: "crossingSum" | "waitSum"): number[] {
  const out: number[] = [];
  for (const d of days) {
    const g = d.segments[key];
    if (g !== undefined && g.arrived > 0) out.push(g[field] / g.arrived);
  }
  return out;
}

function segmentReports(days: readonly PolicyDayResult[]): PolicyReport["segments"] {
  const out: PolicyReport["segments"] = {};
  for (const k of segmentsPresent(days)) {
    let arrived = 0;
    let censored = 0;
    for (const d of days) {
      arrived += d.segments[k]?.arrived ?? 0;
      censored += d.segments[k]?.censored ?? 0;
    }
    out[k] = {
      arrivedPerDay: arrived / Math.max(1, days.length),
      censored,
      meanCrossing: interval(segmentMeans(days, k, "crossingSum")),
      meanWait: interval(segmentMeans(days, k, "waitSum")),
    };
  }
  return out;
}

/**
 * Paired per-segment differences. Both policies simulate the same travellers (common random numbers),
 * so a segment has trips on the same days under both and the per-day means pair up.
 */
function segmentDifferences(t: readonly PolicyDayResult[], b: readonly PolicyDayResult[]): Comparison["segments"] {
  const out: Comparison["segments"] = {};
  for (const k of segmentsPresent(b)) {
    const days = t.map((_, i) => i).filter((i) => (t[i]!.segments[k]?.arrived ?? 0) > 0 && (b[i]!.segments[k]?.arrived ?? 0) > 0);
    const per = (ds: readonly PolicyDayResult[], field: "crossingSum" | "waitSum") => days.map((i) => ds[i]!.segments[k]![field] / ds[i]!.segments[k]!.arrived);
    out[k] = { crossing: difference(per(t, "crossingSum"), per(b, "crossingSum")), wait: difference(per(t, "waitSum"), per(b, "waitSum")) };
  }
  return out;
}

function difference(treatment: readonly number[], baseline: readonly number[]): Difference {
  const d = pairedDifference(treatment, baseline, CONFIDENCE_LEVEL);
  return {
    n: d.n,
    mean: fin(d.mean),
    sd: fin(d.sd),
    halfWidth: fin(d.halfWidth),
    lower: fin(d.lower),
    upper: fin(d.upper),
    baselineMean: fin(d.baselineMean),
    treatmentMean: fin(d.treatmentMean),
    relativeChange: fin(d.relativeChange),
    relativeLower: fin(d.relativeLower),
    relativeUpper: fin(d.relativeUpper),
    significant: d.lower > 0 || d.upper < 0,
  };
}

/** Checks the results cover the plan exactly once; returns them grouped by point, sorted by replication. */
function groupByPoint(spec: ExperimentSpec, results: readonly ReplicationResult[]): Map<number, ReplicationResult[]> {
  const byPoint = new Map<number, ReplicationResult[]>();
  for (const p of spec.points) byPoint.set(p.index, []);
  for (const r of results) {
    const list = byPoint.get(r.point);
    if (list === undefined) throw new RangeError(`result for point ${r.point} is not part of the experiment`);
    if (!Number.isInteger(r.replication) || r.replication < 0 || r.replication >= spec.replications) {
      throw new RangeError(`result for point ${r.point} has replication ${r.replication}, outside 0..${spec.replications - 1}`);
    }
    list.push(r);
  }
  for (const [point, list] of byPoint) {
    list.sort((a, b) => a.replication - b.replication);
    for (let i = 0; i < list.length; i++) {
      if (list[i]!.replication !== i) {
        const dup = i > 0 && list[i]!.replication === list[i - 1]!.replication;
        throw new RangeError(
          dup
            ? `point ${point}: replication ${list[i]!.replication} appears twice (deduplicate with ResultCollector)`
            : `point ${point}: replication ${i} is missing`,
        );
      }
    }
    if (list.length !== spec.replications) {
      throw new RangeError(`point ${point}: ${list.length} of ${spec.replications} replications`);
    }
    for (const r of list) {
      for (const p of spec.policies) {
        if (!Object.hasOwn(r.policies, p)) throw new RangeError(`point ${point}, replication ${r.replication}: no result for policy "${p}"`);
      }
    }
  }
  return byPoint;
}

function pointReport(spec: ExperimentSpec, index: number, overrides: PointReport["overrides"], results: readonly ReplicationResult[]): PointReport {
  const scenario = resolvePoint(spec, index);
  const daysOf = (policy: string): PolicyDayResult[] => results.map((r) => r.policies[policy]!);
  const policies: Record<string, PolicyReport> = {};
  for (const p of spec.policies) policies[p] = policyReport(spec, scenario, p, daysOf(p));
  const comparisons: Comparison[] = spec.compare.map(([treatment, baseline]) => {
    const t = daysOf(treatment);
    const b = daysOf(baseline);
    const metrics = Object.fromEntries(
      COMPARED_METRICS.map((m) => [m, difference(t.map((d) => d.summary[m]), b.map((d) => d.summary[m]))]),
    ) as Comparison["metrics"];
    // Time at each control per counted traveller (0 for those who pass it without stopping), paired per
    // replication: the same people under both policies, so a control that fewer travellers stop at counts as less time.
    const controls: Comparison["controls"] = {};
    const perTraveller = (d: PolicyDayResult, id: string) => (d.arrived > 0 ? (d.controls[id]?.time.sum ?? 0) / d.arrived : 0);
    for (const control of scenario.controls) {
      const used = (ds: readonly PolicyDayResult[]) => ds.some((d) => (d.controls[control.id]?.travellers ?? 0) > 0);
      if (!used(t) && !used(b)) continue;
      controls[control.id] = difference(t.map((d) => perTraveller(d, control.id)), b.map((d) => perTraveller(d, control.id)));
    }
    const shuttles = scenario.demand.shuttles.map((bus, k) => ({
      time: formatTimeOfDay(bus.time),
      direction: bus.direction,
      dwell: difference(t.map((d) => d.shuttles[k]?.dwell ?? 0), b.map((d) => d.shuttles[k]?.dwell ?? 0)),
    }));
    return { treatment, baseline, metrics, controls, shuttles, segments: segmentDifferences(t, b) };
  });
  // Reports: clearance-time CDFs on one grid, service pledges, researcher-hours saved.
  const cdfs = clearanceCdfs(new Map(spec.policies.map((p) => [p, daysOf(p)])));
  for (const p of spec.policies) policies[p]!.clearanceCdf = cdfs.get(p) ?? [];
  return {
    index,
    overrides: overrides.map((o) => ({ path: o.path, value: o.value })),
    policies,
    comparisons,
    compliance: compliance(scenario, spec.policies, daysOf),
    economics: spec.compare.map(([t, b]) => economics(t, b, daysOf(t), daysOf(b), spec.economics)),
  };
}

function relativeAccuracyOf(results: readonly ReplicationResult[]): number | null {
  for (const r of results) {
    for (const day of Object.values(r.policies)) return day.clearance.relativeAccuracy;
  }
  return null;
}

/**
 * The experiment report. A pure function of (spec, results, meta): results may come in any order but
 * must cover every planned (point, replication) exactly once; every sum and merge runs in replication
 * order, so the report is byte-identical across runs, worker counts and transports.
 */
export function buildReport(spec: ExperimentSpec, results: readonly ReplicationResult[], meta: ReportMeta): Report {
  const byPoint = groupByPoint(spec, results);
  const points = sortedPoints(spec).map((p) => pointReport(spec, p.index, p.overrides, byPoint.get(p.index)!));
  const report: Report = {
    schemaVersion: 1,
    tool: { name: "hetao-sim", version: meta.toolVersion },
    scenario: { name: spec.scenario.name, title: spec.scenario.title ?? null, digest: meta.scenarioDigest },
    experiment: {
      id: experimentId(spec),
      replications: spec.replications,
      seed: spec.seed,
      policies: [...spec.policies],
      baseline: spec.baseline,
      compare: spec.compare.map(([a, b]) => [a, b] as [string, string]),
      warmupMinutes: spec.scenario.warmupMinutes,
      commonRandomNumbers: true,
      confidenceLevel: CONFIDENCE_LEVEL,
      histogramRelativeAccuracy: relativeAccuracyOf(results),
      ...(meta.precision !== undefined ? { precision: meta.precision } : {}),
    },
    points,
    replications: replicationRows(
      spec,
      points.map((p) => p.index),
      byPoint,
    ),
  };
  const sweep = sweepReport(spec, points);
  if (sweep !== undefined) report.sweep = sweep;
  return ReportSchema.parse(report);
}
