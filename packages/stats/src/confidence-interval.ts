/**
 * Student-t confidence intervals for replication means and for differences between policies.
 *
 * Reports must be byte-identical across runs, worker counts and transports, so every sum runs
 * over the inputs in index order (replication order); nothing is sorted or reordered.
 */
import type { PairedMoments } from "./paired-moments.js";
import { studentTQuantile } from "./student-t.js";
import type { Welford } from "./welford.js";

export interface ConfidenceInterval {
  /** Number of observations. */
  n: number;
  mean: number;
  /** Sample standard deviation (n-1); NaN when n < 2. */
  sd: number;
  /** t_{(1+level)/2, n-1} * sd / sqrt(n); NaN when n < 2 (no variance estimate), 0 when all values are equal. */
  halfWidth: number;
  lower: number;
  upper: number;
  level: number;
}

/** A paired comparison (common random numbers): the interval is for d_i = treatment_i - baseline_i. */
export interface PairedDifference extends ConfidenceInterval {
  baselineMean: number;
  treatmentMean: number;
  /** mean(d) / baselineMean = treatmentMean / baselineMean − 1; NaN when baselineMean is 0. */
  relativeChange: number;
  /**
   * Interval of the relative change treatmentMean / baselineMean − 1 from {@link pairedRatioInterval}
   * (delta method on the log of the ratio of paired means): it accounts for the baseline's own sampling
   * error and never passes −100%. NaN when the ratio is not defined (values of mixed sign, a zero baseline).
   */
  relativeLower: number;
  relativeUpper: number;
}

/** Welch's interval for mean(a) - mean(b) from independent samples. */
export interface IndependentDifference {
  /** mean(a) - mean(b). */
  mean: number;
  meanA: number;
  meanB: number;
  nA: number;
  nB: number;
  standardError: number;
  /** Welch-Satterthwaite degrees of freedom. */
  df: number;
  halfWidth: number;
  lower: number;
  upper: number;
  level: number;
}

function checkLevel(level: number): void {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must be in (0, 1), got ${level}`);
}

/** Sum in index order. */
function meanOf(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] as number;
  return values.length === 0 ? NaN : s / values.length;
}

/** Two-pass sample variance (n-1) in index order; NaN when n < 2. */
function varianceOf(values: ArrayLike<number>, mean: number): number {
  const n = values.length;
  if (n < 2) return NaN;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - mean;
    ss += d * d;
  }
  return ss / (n - 1);
}

/** Student-t interval for the mean of i.i.d. values (typically one summary per replication). */
export function confidenceInterval(values: ArrayLike<number>, level = 0.95): ConfidenceInterval {
  checkLevel(level);
  const n = values.length;
  const mean = meanOf(values);
  const sd = Math.sqrt(varianceOf(values, mean));
  const halfWidth = n < 2 ? NaN : (studentTQuantile(0.5 + level / 2, n - 1) * sd) / Math.sqrt(n);
  return { n, mean, sd, halfWidth, lower: mean - halfWidth, upper: mean + halfWidth, level };
}

/** As {@link confidenceInterval}, from streaming moments (same mean; the variance differs in the last bits). */
export function confidenceIntervalOf(moments: Welford, level = 0.95): ConfidenceInterval {
  return intervalFrom(moments.count, moments.mean, moments.variance, level);
}

function intervalFrom(n: number, mean: number, variance: number, level: number): ConfidenceInterval {
  checkLevel(level);
  const sd = Math.sqrt(variance);
  const halfWidth = n < 2 ? NaN : (studentTQuantile(0.5 + level / 2, n - 1) * sd) / Math.sqrt(n);
  return { n, mean, sd, halfWidth, lower: mean - halfWidth, upper: mean + halfWidth, level };
}

/** As {@link pairedDifference}, from streaming paired moments. */
export function pairedDifferenceOf(moments: PairedMoments, level = 0.95): PairedDifference {
  const ci = intervalFrom(moments.count, moments.differenceMean, moments.differenceVariance, level);
  const baselineMean = moments.baselineMean;
  const relativeChange = baselineMean === 0 ? NaN : ci.mean / baselineMean;
  const ratio = pairedRatioIntervalOf(moments, level);
  return {
    ...ci,
    baselineMean,
    treatmentMean: moments.treatmentMean,
    relativeChange,
    relativeLower: ratio.lower - 1,
    relativeUpper: ratio.upper - 1,
  };
}

/** As {@link pairedRatioInterval}, from streaming paired moments. */
export function pairedRatioIntervalOf(moments: PairedMoments, level = 0.95): RatioInterval {
  checkLevel(level);
  const n = moments.count;
  const tm = moments.treatmentMean;
  const bm = moments.baselineMean;
  const undefinedRatio = { ratio: bm === 0 ? NaN : tm / bm, lower: NaN, upper: NaN, logStandardError: NaN, level };
  if (!(bm !== 0) || n < 2) return undefinedRatio;
  if (!moments.allOfSign(bm > 0 ? 1 : -1)) return undefinedRatio;
  if (tm === 0) return { ratio: 0, lower: 0, upper: 0, logStandardError: NaN, level };
  const se = Math.sqrt(moments.ratioTermVariance / n);
  const half = studentTQuantile(0.5 + level / 2, n - 1) * se;
  const theta = Math.log(tm / bm);
  return { ratio: tm / bm, lower: Math.exp(theta - half), upper: Math.exp(theta + half), logStandardError: se, level };
}

/**
 * Interval for the effect of a treatment measured on the same replications (same random
 * streams) as a baseline. Pairing cancels the noise the two share, which is why the
 * simulator runs every policy on common random numbers.
 */
export function pairedDifference(
  treatment: ArrayLike<number>,
  baseline: ArrayLike<number>,
  level = 0.95,
): PairedDifference {
  if (treatment.length !== baseline.length) {
    throw new RangeError(`pairedDifference: ${treatment.length} treatment vs ${baseline.length} baseline values`);
  }
  const d = new Float64Array(treatment.length);
  for (let i = 0; i < d.length; i++) d[i] = (treatment[i] as number) - (baseline[i] as number);
  const ci = confidenceInterval(d, level);
  const baselineMean = meanOf(baseline);
  const treatmentMean = meanOf(treatment);
  const relativeChange = baselineMean === 0 ? NaN : ci.mean / baselineMean;
  const ratio = pairedRatioInterval(treatment, baseline, level);
  return {
    ...ci,
    baselineMean,
    treatmentMean,
    relativeChange,
    relativeLower: ratio.lower - 1,
    relativeUpper: ratio.upper - 1,
  };
}

/** An interval for a ratio of means. */
export interface RatioInterval {
  /** treatmentMean / baselineMean. */
  ratio: number;
  /** Bounds of the ratio, both ≥ 0; NaN when undefined. */
  lower: number;
  upper: number;
  /** Delta-method standard error of log(ratio); NaN when undefined. */
  logStandardError: number;
  level: number;
}

/**
 * Interval for treatmentMean / baselineMean from paired observations (one pair per replication),
 * by the delta method on the log of the ratio:
 *
 *   θ = log(T̄) − log(B̄),  se(θ)² ≈ Var(tᵢ / T̄ − bᵢ / B̄) / n,  ratio ∈ exp(θ ± t_{n−1} · se).
 *
 * The covariance of the pair enters through the per-replication term, so common random numbers
 * narrow it just as they narrow the difference. The bounds are positive, so the relative change
 * (ratio − 1) never passes −100%. Defined when every value has the sign of the (non-zero) baseline mean
 * or is 0; when every treatment value is 0 the ratio is exactly 0 (bounds 0, 0). NaN bounds otherwise
 * or when n < 2.
 */
export function pairedRatioInterval(treatment: ArrayLike<number>, baseline: ArrayLike<number>, level = 0.95): RatioInterval {
  checkLevel(level);
  if (treatment.length !== baseline.length) {
    throw new RangeError(`pairedRatioInterval: ${treatment.length} treatment vs ${baseline.length} baseline values`);
  }
  const n = treatment.length;
  const tm = meanOf(treatment);
  const bm = meanOf(baseline);
  const undefinedRatio = { ratio: bm === 0 ? NaN : tm / bm, lower: NaN, upper: NaN, logStandardError: NaN, level };
  if (!(bm !== 0) || n < 2) return undefinedRatio;
  const sign = bm > 0 ? 1 : -1;
  for (let i = 0; i < n; i++) {
    if (!(sign * (treatment[i] as number) >= 0) || !(sign * (baseline[i] as number) >= 0)) return undefinedRatio;
  }
  if (tm === 0) return { ratio: 0, lower: 0, upper: 0, logStandardError: NaN, level };
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = (treatment[i] as number) / tm - (baseline[i] as number) / bm;
  const se = Math.sqrt(varianceOf(z, meanOf(z)) / n);
  const half = studentTQuantile(0.5 + level / 2, n - 1) * se;
  const theta = Math.log(tm / bm);
  return { ratio: tm / bm, lower: Math.exp(theta - half), upper: Math.exp(theta + half), logStandardError: se, level };
}

/**
 * Welch's t interval for mean(a) - mean(b) without pairing; mainly the yardstick showing how
 * much common random numbers narrow {@link pairedDifference}. Needs at least two values per
 * sample (NaN otherwise); if both samples are constant the half-width is 0.
 */
export function independentDifference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  level = 0.95,
): IndependentDifference {
  checkLevel(level);
  const nA = a.length;
  const nB = b.length;
  const meanA = meanOf(a);
  const meanB = meanOf(b);
  const va = varianceOf(a, meanA) / nA;
  const vb = varianceOf(b, meanB) / nB;
  const se2 = va + vb;
  const standardError = Math.sqrt(se2);
  const mean = meanA - meanB;
  let df: number;
  let halfWidth: number;
  if (Number.isNaN(se2)) {
    df = NaN;
    halfWidth = NaN;
  } else if (se2 === 0) {
    df = nA + nB - 2;
    halfWidth = 0;
  } else {
    df = (se2 * se2) / ((va * va) / (nA - 1) + (vb * vb) / (nB - 1));
    halfWidth = studentTQuantile(0.5 + level / 2, df) * standardError;
  }
  return { mean, meanA, meanB, nA, nB, standardError, df, halfWidth, lower: mean - halfWidth, upper: mean + halfWidth, level };
}

/**
 * halfWidth / |mean|: the precision measure for "run replications until the half-width is
 * within x% of the mean". Infinity when the mean is 0 and the half-width is not.
 */
export function relativeHalfWidth(ci: Pick<ConfidenceInterval, "mean" | "halfWidth">): number {
  return ci.halfWidth / Math.abs(ci.mean);
}
