import { type Welford, confidenceInterval, confidenceIntervalOf } from "@hetao/stats";
import type { Interval } from "./report-schema.js";

/** The confidence level of every interval in the report. */
const LEVEL = 0.95;

/** null for NaN/±Infinity: JSON has neither. */
export function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** Mean and 95% Student-t interval of one observation per replication (in replication order). */
export function intervalOf(values: readonly number[]): Interval {
  if (values.length === 0) return { n: 0, mean: null, sd: null, halfWidth: null, lower: null, upper: null };
  const ci = confidenceInterval(values, LEVEL);
  return { n: ci.n, mean: finite(ci.mean), sd: finite(ci.sd), halfWidth: finite(ci.halfWidth), lower: finite(ci.lower), upper: finite(ci.upper) };
}

/** As {@link intervalOf}, from streaming moments (the same mean; sd and bounds agree to the last bits). */
export function intervalOfMoments(w: Welford): Interval {
  if (w.count === 0) return { n: 0, mean: null, sd: null, halfWidth: null, lower: null, upper: null };
  const ci = confidenceIntervalOf(w, LEVEL);
  return { n: ci.n, mean: finite(ci.mean), sd: finite(ci.sd), halfWidth: finite(ci.halfWidth), lower: finite(ci.lower), upper: finite(ci.upper) };
}

/** An interval multiplied by a non-negative constant (e.g. hours per day → hours per year). */
export function scaleInterval(ci: Interval, factor: number): Interval {
  const m = (x: number | null) => (x === null ? null : finite(x * factor));
  return { n: ci.n, mean: m(ci.mean), sd: m(ci.sd), halfWidth: m(ci.halfWidth), lower: m(ci.lower), upper: m(ci.upper) };
}
