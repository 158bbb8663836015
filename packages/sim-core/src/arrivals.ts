import type { UniformSource } from "./random-stream.js";

/**
 * A piecewise-constant arrival rate over [edges[0], edges[n]): rate[i]
 * (per second) holds on [edges[i], edges[i+1]). Outside, the rate is 0.
 */
export class PiecewiseConstantRate {
  readonly edges: Float64Array;
  readonly rates: Float64Array;

  constructor(edges: ArrayLike<number>, ratesPerSecond: ArrayLike<number>) {
    if (edges.length !== ratesPerSecond.length + 1) throw new RangeError("need one more edge than rates");
    for (let i = 0; i < ratesPerSecond.length; i++) {
      if (!(edges[i + 1]! > edges[i]!)) throw new RangeError(`edges must increase (index ${i})`);
      if (!(ratesPerSecond[i]! >= 0)) throw new RangeError(`rate ${i} must be >= 0`);
    }
    this.edges = Float64Array.from(edges);
    this.rates = Float64Array.from(ratesPerSecond);
  }

  /** The rate at instant t. */
  rateAt(t: number): number {
    const e = this.edges;
    if (t < e[0]! || t >= e[e.length - 1]!) return 0;
    return this.rates[this.segment(t)]!;
  }

  /** Expected number of arrivals in [t0, t1): the integral of the rate. */
  integral(t0: number, t1: number): number {
    let sum = 0;
    const e = this.edges;
    for (let i = 0; i < this.rates.length; i++) {
      const a = Math.max(t0, e[i]!);
      const b = Math.min(t1, e[i + 1]!);
      if (b > a) sum += this.rates[i]! * (b - a);
    }
    return sum;
  }

  /**
   * The next arrival after t of the non-homogeneous Poisson process, by
   * inverting the cumulative rate: draw E ~ Exp(1) and walk forward until the
   * integrated rate reaches E. This is exact (no thinning bound to choose) and
   * cannot step over a short peak, because every segment is integrated.
   * Returns +Infinity when no arrival happens before the last edge.
   * `scale` multiplies every rate (a demand multiplier) without rebuilding.
   */
  nextArrival(t: number, u: UniformSource, scale = 1): number {
    let remaining = -Math.log(u.next());
    const e = this.edges;
    const last = e.length - 1;
    if (t < e[0]!) t = e[0]!;
    if (t >= e[last]!) return Number.POSITIVE_INFINITY;
    for (let i = this.segment(t); i < this.rates.length; i++) {
      const r = this.rates[i]! * scale;
      const end = e[i + 1]!;
      if (r > 0) {
        const need = remaining / r;
        if (t + need < end) return t + need;
        remaining -= r * (end - t);
      }
      t = end;
    }
    return Number.POSITIVE_INFINITY;
  }

  private segment(t: number): number {
    const e = this.edges;
    let lo = 0;
    let hi = this.rates.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (e[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
