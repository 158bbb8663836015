/**
 * Streaming moments of paired observations (treatment tᵢ, baseline bᵢ; one pair per replication),
 * enough for {@link pairedDifference}'s interval and {@link pairedRatioInterval}'s delta-method ratio
 * interval without holding the pairs.
 *
 * The ratio interval needs Var(tᵢ/T̄ − bᵢ/B̄) with the final means. With r = T̄/B̄ and dᵢ = tᵢ − bᵢ,
 *   tᵢ − r·bᵢ = dᵢ + (1 − r)·bᵢ,  so  Var(t − r·b) = Var(d) + (1 − r)²·Var(b) + 2(1 − r)·Cov(d, b),
 * and Var(tᵢ/T̄ − bᵢ/B̄) = Var(t − r·b) / T̄². Expanding around d rather than t keeps the formula well
 * conditioned when the policies are close (common random numbers): identical policies give exactly 0.
 * The sign conditions of the ratio are kept as flags.
 */
export class PairedMoments {
  #n = 0;
  #sumT = 0;
  #sumB = 0;
  #sumD = 0;
  #meanD = 0;
  #meanB = 0;
  #m2D = 0;
  #m2B = 0;
  #coDB = 0;
  /** Some value is not ≥ 0 (negative or NaN): no ratio for a positive baseline mean. */
  #notNonNegative = false;
  /** Some value is not ≤ 0: no ratio for a negative baseline mean. */
  #notNonPositive = false;

  add(t: number, b: number): void {
    const n = ++this.#n;
    const d = t - b;
    this.#sumT += t;
    this.#sumB += b;
    this.#sumD += d;
    const dd = d - this.#meanD;
    const db = b - this.#meanB;
    this.#meanD += dd / n;
    this.#meanB += db / n;
    this.#m2D += dd * (d - this.#meanD);
    this.#m2B += db * (b - this.#meanB);
    this.#coDB += dd * (b - this.#meanB);
    if (!(t >= 0) || !(b >= 0)) this.#notNonNegative = true;
    if (!(t <= 0) || !(b <= 0)) this.#notNonPositive = true;
  }

  get count(): number {
    return this.#n;
  }
  /** Σtᵢ / n (left to right); NaN when empty. */
  get treatmentMean(): number {
    return this.#n === 0 ? NaN : this.#sumT / this.#n;
  }
  get baselineMean(): number {
    return this.#n === 0 ? NaN : this.#sumB / this.#n;
  }
  /** Σ(tᵢ − bᵢ) / n; NaN when empty. */
  get differenceMean(): number {
    return this.#n === 0 ? NaN : this.#sumD / this.#n;
  }
  /** Sample variance of tᵢ − bᵢ (n − 1); NaN when n < 2. */
  get differenceVariance(): number {
    return this.#n < 2 ? NaN : this.#m2D / (this.#n - 1);
  }
  /** Every value has the given sign or is 0 (sign +1 or −1). */
  allOfSign(sign: 1 | -1): boolean {
    return sign > 0 ? !this.#notNonNegative : !this.#notNonPositive;
  }
  /**
   * Sample variance (n − 1) of tᵢ/T̄ − bᵢ/B̄ from the co-moments (see the module comment), clamped at 0
   * against rounding; NaN when n < 2 or a mean is 0.
   */
  get ratioTermVariance(): number {
    const n = this.#n;
    if (n < 2) return NaN;
    const tm = this.#sumT / n;
    const bm = this.#sumB / n;
    const r = tm / bm;
    const k = 1 - r;
    const v = (this.#m2D + k * k * this.#m2B + 2 * k * this.#coDB) / (n - 1);
    return Math.max(0, v) / (tm * tm);
  }
}
