/** Series the reports chart: hourly mean-clearance intervals and clearance-time CDFs (see report-schema.ts). */
import type { PolicyDayResult } from "@hetao/crossing-model";
import { LogHistogram } from "@hetao/stats";
import { intervalOf } from "./interval.js";
import type { Interval } from "./report-schema.js";

/** Points of each CDF (plus the origin). */
export const CDF_STEPS = 120;
/** The CDF grid always reaches this far (the 30-minute standards), in seconds. */
const CDF_MIN_UPPER = 35 * 60;
/** The grid ends at a multiple of this, in seconds. */
const CDF_ROUND = 5 * 60;
/** The grid reaches the largest policy's quantile of this level. */
const CDF_UPPER_QUANTILE = 0.999;

/**
 * By hour of arrival: the interval over replications of each day's mean clearance time of the
 * travellers who arrived that hour (replications with none that hour are left out; n says how many).
 */
export function hourlyMeanClearanceInterval(days: readonly PolicyDayResult[]): Interval[] {
  const hours = days.reduce((m, d) => Math.max(m, d.hourly.clearance.length), 0);
  const out: Interval[] = [];
  for (let h = 0; h < hours; h++) {
    const means: number[] = [];
    for (const d of days) {
      const s = d.hourly.clearance[h];
      if (s !== undefined && s.count > 0) means.push(s.sum / s.count);
    }
    out.push(intervalOf(means));
  }
  return out;
}

/** The clearance histogram of a policy merged over its replications, in replication order. */
function mergedClearance(days: readonly PolicyDayResult[]): LogHistogram | undefined {
  let merged: LogHistogram | undefined;
  for (const d of days) {
    const h = LogHistogram.fromJSON(d.clearance);
    if (merged === undefined) merged = h;
    else merged.merge(h);
  }
  return merged;
}

/**
 * Clearance-time CDFs of several policies on one shared grid of CDF_STEPS + 1 points from 0 to a
 * multiple of 5 minutes covering 35 minutes and every policy's 99.9th percentile: the share of counted
 * travellers (cleared or not) cleared within each time, pooled over replications, at histogram
 * resolution (a bucket counts whole, so a share may include values up to the histogram's relative
 * accuracy above the grid time).
 */
export function clearanceCdfs(daysByPolicy: ReadonlyMap<string, readonly PolicyDayResult[]>): Map<string, { seconds: number; share: number }[]> {
  const merged = new Map<string, { h: LogHistogram | undefined; arrived: number }>();
  for (const [policy, days] of daysByPolicy) {
    let arrived = 0;
    for (const d of days) arrived += d.arrived;
    merged.set(policy, { h: mergedClearance(days), arrived });
  }
  return clearanceCdfsOf(merged);
}

/** As {@link clearanceCdfs}, from each policy's clearance histogram already merged over its replications and its travellers counted. */
export function clearanceCdfsOf(merged: ReadonlyMap<string, { h: LogHistogram | undefined; arrived: number }>): Map<string, { seconds: number; share: number }[]> {
  let upper = CDF_MIN_UPPER;
  for (const { h } of merged.values()) if (h !== undefined && h.count > 0) upper = Math.max(upper, h.quantile(CDF_UPPER_QUANTILE));
  upper = Math.ceil(upper / CDF_ROUND) * CDF_ROUND;
  const out = new Map<string, { seconds: number; share: number }[]>();
  for (const [policy, { h, arrived }] of merged) {
    const points: { seconds: number; share: number }[] = [];
    if (h !== undefined && arrived > 0) {
      for (let k = 0; k <= CDF_STEPS; k++) {
        const seconds = (upper * k) / CDF_STEPS;
        points.push({ seconds, share: Math.min(1, h.countAtMost(seconds) / arrived) });
      }
    }
    out.set(policy, points);
  }
  return out;
}
