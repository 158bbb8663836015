/**
 * Student's t distribution: quantile and CDF from stdlib (`@stdlib/stats-base-dists-t-*`, ports of
 * well-tested numerics), with this package's argument checks. Agrees with the hand-written
 * implementation it replaced to 1e-10 (test/pinned/student-t-grid.json).
 */
import tCdf from "@stdlib/stats-base-dists-t-cdf";
import tPdf from "@stdlib/stats-base-dists-t-pdf";
import tQuantile from "@stdlib/stats-base-dists-t-quantile";

/**
 * Beyond this many degrees of freedom t is the normal to double precision (the difference is about
 * z³/(4·df)); stdlib's quantile also loses accuracy past about 1e15, so larger df (and Infinity) use it.
 */
const NORMAL_DF = 1e15;
/**
 * Within this distance of p = 1/2 stdlib's quantile rounds to 0 (below about 1e-8); there the linear
 * term (p - 1/2) / f(0) is exact to about 1e-11 relative, the next term being O((p - 1/2)²) smaller.
 */
const CENTRE = 1e-6;

function checkDf(df: number): void {
  if (!(df > 0)) throw new RangeError(`Student t: degrees of freedom must be > 0, got ${df}`);
}

/** P(T <= t) for Student's t with df > 0 degrees of freedom (Infinity gives the normal). */
export function studentTCdf(t: number, df: number): number {
  checkDf(df);
  return tCdf(t, Math.min(df, NORMAL_DF));
}

/** The t with P(T <= t) = p, for p in [0, 1] and any df > 0 (Infinity gives the normal). */
export function studentTQuantile(p: number, df: number): number {
  checkDf(df);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`studentTQuantile: p must be in [0, 1], got ${p}`);
  const v = Math.min(df, NORMAL_DF);
  const d = p - 0.5; // exact for p in [1/4, 1] (Sterbenz), and for p < 1/4 far from the centre anyway
  if (Math.abs(d) < CENTRE) return d / tPdf(0, v);
  return tQuantile(p, v);
}
