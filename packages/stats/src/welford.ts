/**
 * Streaming mean/variance (Welford 1962) with exact min/max/sum.
 *
 * Welford's update avoids the catastrophic cancellation of the naive
 * sum-of-squares formula, and the Chan et al. (1979) merge lets partial
 * accumulators from different replications or workers be combined without
 * revisiting the data.
 */

/** Plain, JSON-safe snapshot of a {@link Welford}. `min`/`max` are null when empty (JSON has no Infinity). */
export interface WelfordState {
  count: number;
  mean: number;
  /** Sum of squared deviations from the mean. */
  m2: number;
  sum: number;
  min: number | null;
  max: number | null;
}

export class Welford {
  #n = 0;
  #mean = 0;
  #m2 = 0;
  #sum = 0;
  #min = Infinity;
  #max = -Infinity;

  /** Adds one observation. Throws RangeError for non-finite values, which would silently poison every moment. */
  add(x: number): void {
    if (!Number.isFinite(x)) throw new RangeError(`Welford.add: value must be finite, got ${x}`);
    const n = ++this.#n;
    const delta = x - this.#mean;
    this.#mean += delta / n;
    this.#m2 += delta * (x - this.#mean);
    this.#sum += x;
    if (x < this.#min) this.#min = x;
    if (x > this.#max) this.#max = x;
  }

  get count(): number {
    return this.#n;
  }
  /** NaN when empty. */
  get mean(): number {
    return this.#n === 0 ? NaN : this.#mean;
  }
  /** Sample variance (divisor n-1); 0 when fewer than two observations. */
  get variance(): number {
    return this.#n < 2 ? 0 : this.#m2 / (this.#n - 1);
  }
  get sd(): number {
    return Math.sqrt(this.variance);
  }
  /** NaN when empty. */
  get min(): number {
    return this.#n === 0 ? NaN : this.#min;
  }
  /** NaN when empty. */
  get max(): number {
    return this.#n === 0 ? NaN : this.#max;
  }
  get sum(): number {
    return this.#sum;
  }

  /**
   * Folds `other` into this accumulator (Chan, Golub & LeVeque parallel formula).
   * Floating-point results depend on merge order, so merge in a fixed order when
   * byte-identical output matters.
   */
  merge(other: Welford): this {
    const nb = other.#n;
    if (nb === 0) return this;
    const na = this.#n;
    if (na === 0) {
      this.#n = nb;
      this.#mean = other.#mean;
      this.#m2 = other.#m2;
      this.#sum = other.#sum;
      this.#min = other.#min;
      this.#max = other.#max;
      return this;
    }
    const n = na + nb;
    const delta = other.#mean - this.#mean;
    this.#mean += (delta * nb) / n;
    this.#m2 += other.#m2 + ((delta * delta * na) / n) * nb;
    this.#n = n;
    this.#sum += other.#sum;
    if (other.#min < this.#min) this.#min = other.#min;
    if (other.#max > this.#max) this.#max = other.#max;
    return this;
  }

  reset(): void {
    this.#n = 0;
    this.#mean = 0;
    this.#m2 = 0;
    this.#sum = 0;
    this.#min = Infinity;
    this.#max = -Infinity;
  }

  toJSON(): WelfordState {
    const empty = this.#n === 0;
    return {
      count: this.#n,
      mean: this.#mean,
      m2: this.#m2,
      sum: this.#sum,
      min: empty ? null : this.#min,
      max: empty ? null : this.#max,
    };
  }

  static fromJSON(s: WelfordState): Welford {
    if (!Number.isSafeInteger(s.count) || s.count < 0) {
      throw new RangeError(`Welford.fromJSON: count must be a non-negative integer, got ${s.count}`);
    }
    if (!(s.m2 >= 0)) throw new RangeError(`Welford.fromJSON: m2 must be >= 0, got ${s.m2}`);
    const w = new Welford();
    if (s.count === 0) return w;
    if (s.min === null || s.max === null || !(s.min <= s.max)) {
      throw new RangeError("Welford.fromJSON: non-empty state needs min <= max");
    }
    w.#n = s.count;
    w.#mean = s.mean;
    w.#m2 = s.m2;
    w.#sum = s.sum;
    w.#min = s.min;
    w.#max = s.max;
    return w;
  }
}
