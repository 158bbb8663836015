import type { ReplicationResult } from "@hetao/crossing-model";
import { SUMMARY_METRICS } from "@hetao/crossing-model";
import type { ReplicationRow } from "./report-schema.js";
import type { ExperimentSpec } from "./spec.js";

/** null for NaN/±Infinity: JSON has neither. */
function fin(x: number): number | null {
  return Number.isFinite(x) ? x : null;
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
