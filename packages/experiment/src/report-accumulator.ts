/**
 * The experiment report built as results arrive. Results are taken one at a time in any order; each
 * design point adds them in replication order (the few that arrive early wait in a small buffer), so
 * every sum and merge runs in the same order whatever the transport, worker count or arrival order, and
 * the report is byte-identical across them. Only O(1) state per statistic is kept (streaming moments,
 * merged histograms, counters, per-hour sums, mode counts), plus the report's own per-replication table,
 * so memory does not grow with the replication count beyond that table.
 *
 * Compared with two-pass statistics over stored values, means are the same numbers (left-to-right sums);
 * standard deviations, half-widths and ratio bounds agree to the last bits (Welford's update and co-moments).
 */
import { type ReplicationResult, zoneOf } from "@hetao/crossing-model";
import { ComparisonAccumulator } from "./comparison-accumulator.js";
import { PolicyComplianceAccumulator, complianceRows } from "./compliance.js";
import { EconomicsAccumulator } from "./economics.js";
import { PolicyAccumulator } from "./policy-accumulator.js";
import { type PointReport, type Report, ReportSchema } from "./report-schema.js";
import { clearanceCdfsOf } from "./report-series.js";
import { ReplicationTable } from "./replication-table.js";
import { resolvePoint } from "./run-replication.js";
import { type DesignPoint, type ExperimentSpec, experimentId, sortedPoints } from "./spec.js";
import { sweepReport } from "./sweep.js";
import type { PrecisionRecord } from "./precision.js";

export const CONFIDENCE_LEVEL = 0.95;

export interface ReportMeta {
  /** sha256 of the scenario's canonical JSON (loadScenarioFile's `digest`). */
  scenarioDigest: string;
  toolVersion: string;
  /** How `run --precision` chose the replications, recorded in `experiment.precision`. */
  precision?: PrecisionRecord;
}

/** One design point: its statistics and the replications waiting for their turn. */
class PointAccumulator {
  readonly point: DesignPoint;
  /** The next replication to add; those before it are in. */
  next = 0;
  /** Results that arrived before their turn, by replication. */
  readonly early = new Map<number, ReplicationResult>();
  /** The histograms' relative accuracy, from replication 0. */
  relativeAccuracy: number | null = null;
  readonly #spec: ExperimentSpec;
  readonly #policies: Map<string, PolicyAccumulator>;
  readonly #compliance: PolicyComplianceAccumulator[];
  readonly #comparisons: ComparisonAccumulator[];
  readonly #economics: EconomicsAccumulator[];
  readonly #pledges: number;
  readonly table: ReplicationTable;

  constructor(spec: ExperimentSpec, point: DesignPoint) {
    this.#spec = spec;
    this.point = point;
    const scenario = resolvePoint(spec, point.index);
    this.#pledges = scenario.pledges.length;
    this.#policies = new Map(spec.policies.map((p) => [p, new PolicyAccumulator(spec, scenario, p)]));
    this.#compliance = spec.policies.map((p) => new PolicyComplianceAccumulator(scenario, p));
    // The point's institutions, as the replications built them (the experiment seed, the point's scenario).
    const zone = scenario.travellers.population === null ? null : zoneOf(scenario, spec.seed);
    this.#comparisons = spec.compare.map(([t, b]) => new ComparisonAccumulator(scenario, t, b, zone));
    this.#economics = spec.compare.map(([t, b]) => new EconomicsAccumulator(t, b, spec.economics));
    this.table = new ReplicationTable(point.index, spec.policies);
  }

  /** Adds a result whose turn it is (replication `next`). */
  take(r: ReplicationResult): void {
    if (this.next === 0) {
      for (const day of Object.values(r.policies)) {
        this.relativeAccuracy = day.clearance.relativeAccuracy;
        break;
      }
    }
    this.#spec.policies.forEach((p, i) => {
      const day = r.policies[p]!;
      this.#policies.get(p)!.add(day);
      this.#compliance[i]!.add(day);
    });
    this.#spec.compare.forEach(([t, b], i) => {
      this.#comparisons[i]!.add(r.policies[t]!, r.policies[b]!);
      this.#economics[i]!.add(r.policies[t]!, r.policies[b]!);
    });
    this.table.add(r);
    this.next++;
  }

  finish(): PointReport {
    const spec = this.#spec;
    const policies: PointReport["policies"] = {};
    for (const [p, acc] of this.#policies) policies[p] = acc.finish();
    const comparisons = this.#comparisons.map((c) => c.finish(this.#policies.get(c.baseline)!));
    // Clearance-time CDFs on one grid for all policies.
    const cdfs = clearanceCdfsOf(new Map([...this.#policies].map(([p, acc]) => [p, { h: acc.clearance.histogram, arrived: acc.totals.arrived }])));
    for (const p of spec.policies) policies[p]!.clearanceCdf = cdfs.get(p) ?? [];
    return {
      index: this.point.index,
      overrides: this.point.overrides.map((o) => ({ path: o.path, value: o.value })),
      policies,
      comparisons,
      compliance: complianceRows(
        this.#compliance.map((c) => c.finish()),
        this.#pledges,
      ),
      economics: this.#economics.map((e) => e.finish()),
    };
  }
}

export class ReportAccumulator {
  readonly spec: ExperimentSpec;
  readonly #points: Map<number, PointAccumulator>;
  #size = 0;
  readonly #expected: number;

  constructor(spec: ExperimentSpec) {
    this.spec = spec;
    this.#points = new Map(sortedPoints(spec).map((p) => [p.index, new PointAccumulator(spec, p)]));
    this.#expected = this.#points.size * spec.replications;
  }

  /**
   * Takes one result (in any order). Returns false, changing nothing, for a (point, replication) already
   * taken; throws RangeError for one outside the plan or lacking a policy of the experiment.
   */
  add(r: ReplicationResult): boolean {
    const acc = this.#points.get(r.point);
    if (acc === undefined) throw new RangeError(`result for point ${r.point} is not part of the experiment`);
    if (!Number.isInteger(r.replication) || r.replication < 0 || r.replication >= this.spec.replications) {
      throw new RangeError(`result for point ${r.point} has replication ${r.replication}, outside 0..${this.spec.replications - 1}`);
    }
    if (r.replication < acc.next || acc.early.has(r.replication)) return false;
    for (const p of this.spec.policies) {
      if (!Object.hasOwn(r.policies, p)) throw new RangeError(`point ${r.point}, replication ${r.replication}: no result for policy "${p}"`);
    }
    this.#size++;
    if (r.replication !== acc.next) {
      acc.early.set(r.replication, r);
      return true;
    }
    acc.take(r);
    for (let e = acc.early.get(acc.next); e !== undefined; e = acc.early.get(acc.next)) {
      acc.early.delete(acc.next);
      acc.take(e);
    }
    return true;
  }

  /** Distinct results taken. */
  get size(): number {
    return this.#size;
  }

  /** Results the plan expects. */
  get expected(): number {
    return this.#expected;
  }

  /** Results waiting for an earlier replication (the buffer's size). */
  get waiting(): number {
    let n = 0;
    for (const acc of this.#points.values()) n += acc.early.size;
    return n;
  }

  isComplete(): boolean {
    return this.#size === this.#expected;
  }

  /** The report; throws RangeError when a planned replication is missing. */
  finish(meta: ReportMeta): Report {
    const spec = this.spec;
    for (const [point, acc] of this.#points) {
      if (acc.next !== spec.replications) {
        throw new RangeError(`point ${point}: replication ${acc.next} is missing (${acc.next + acc.early.size} of ${spec.replications} replications)`);
      }
    }
    const accs = [...this.#points.values()];
    const points = accs.map((a) => a.finish());
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
        histogramRelativeAccuracy: accs.find((a) => a.relativeAccuracy !== null)?.relativeAccuracy ?? null,
        ...(meta.precision !== undefined ? { precision: meta.precision } : {}),
      },
      points,
      replications: accs.flatMap((a) => a.table.rows()),
    };
    const sweep = sweepReport(spec, points);
    if (sweep !== undefined) report.sweep = sweep;
    return ReportSchema.parse(report);
  }
}
