import type { ReplicationResult } from "@hetao/crossing-model";
import { ReportAccumulator, type ReportMeta } from "./report-accumulator.js";
import type { Report } from "./report-schema.js";
import type { ExperimentSpec } from "./spec.js";

export { CONFIDENCE_LEVEL, type ReportMeta } from "./report-accumulator.js";

/**
 * The experiment report from results held in memory (plan, capacity and roster searches, tests): a
 * ReportAccumulator fed every result. Results may come in any order but must cover every planned
 * (point, replication) exactly once; the report is byte-identical to the one the runners build as
 * results arrive.
 */
export function buildReport(spec: ExperimentSpec, results: readonly ReplicationResult[], meta: ReportMeta): Report {
  const acc = new ReportAccumulator(spec);
  for (const r of results) {
    if (!acc.add(r)) throw new RangeError(`point ${r.point}: replication ${r.replication} appears twice (deduplicate with ResultCollector)`);
  }
  return acc.finish(meta);
}
