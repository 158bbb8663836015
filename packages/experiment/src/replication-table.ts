import type { ReplicationResult } from "@hetao/crossing-model";
import { SUMMARY_METRICS } from "@hetao/crossing-model";
import type { ReplicationRow } from "./report-schema.js";
import type { ExperimentSpec } from "./spec.js";

/** null for NaN/±Infinity: JSON has neither. */
function fin(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** Numbers of one row after (point, policy, replication): the summary metrics, then these totals. */
const TOTALS = ["arrived", "cleared", "inSystem", "fallbacks", "diverted"] as const;
const WIDTH = SUMMARY_METRICS.length + TOTALS.length;

/**
 * One design point's rows of the per-replication table, kept as they come (in replication order) as
 * flat numbers per policy, a few per replication: the table is part of the report.
 */
export class ReplicationTable {
  readonly #point: number;
  readonly #policies: readonly string[];
  readonly #values: number[][];

  constructor(point: number, policies: readonly string[]) {
    this.#point = point;
    this.#policies = policies;
    this.#values = policies.map(() => []);
  }

  add(result: ReplicationResult): void {
    this.#policies.forEach((policy, p) => {
      const day = result.policies[policy]!;
      const out = this.#values[p]!;
      for (const m of SUMMARY_METRICS) out.push(day.summary[m]);
      for (const t of TOTALS) out.push(day[t]);
    });
  }

  /** Rows policy-major (experiment order), replications ascending. */
  rows(): ReplicationRow[] {
    const rows: ReplicationRow[] = [];
    this.#policies.forEach((policy, p) => {
      const v = this.#values[p]!;
      for (let r = 0, at = 0; at < v.length; r++, at += WIDTH) {
        const row: Record<string, unknown> = { point: this.#point, policy, replication: r };
        SUMMARY_METRICS.forEach((m, k) => (row[m] = fin(v[at + k]!)));
        TOTALS.forEach((t, k) => (row[t] = v[at + SUMMARY_METRICS.length + k]!));
        rows.push(row as ReplicationRow);
      }
    });
    return rows;
  }
}

/**
 * The report's per-replication table: for each design point (ascending), each policy (experiment
 * order) and each replication (ascending), the day's summary metrics and totals. `byPoint` holds each
 * point's results sorted by replication (as buildReport groups them).
 */
export function replicationRows(spec: ExperimentSpec, pointOrder: readonly number[], byPoint: ReadonlyMap<number, readonly ReplicationResult[]>): ReplicationRow[] {
  const rows: ReplicationRow[] = [];
  for (const point of pointOrder) {
    const results = byPoint.get(point) ?? [];
    for (const policy of spec.policies) {
      for (const r of results) {
        const day = r.policies[policy]!;
        const row: Record<string, unknown> = { point, policy, replication: r.replication };
        for (const m of SUMMARY_METRICS) row[m] = fin(day.summary[m]);
        row.arrived = day.arrived;
        row.cleared = day.cleared;
        row.inSystem = day.inSystem;
        row.fallbacks = day.fallbacks;
        row.diverted = day.diverted;
        rows.push(row as ReplicationRow);
      }
    }
  }
  return rows;
}
