/**
 * Streaming mean/variance (Welford 1962): one observation at a time, O(1) state, so a report over
 * any number of replications never holds the per-replication values.
 *
 * The sum is kept exactly as a left-to-right sum, so `mean` (sum / n) is the very number the two-pass
 * confidenceInterval computes; only the variance differs from the two-pass one, in the last bits.
 * Non-finite values propagate (the moments become NaN/±Infinity and reports show null), as in the
 * two-pass code.
 */
export class Welford {
  #n = 0;
  #runningMean = 0;
  #m2 = 0;
  #sum = 0;

  add(x: number): void {
    const n = ++this.#n;
    const delta = x - this.#runningMean;
    this.#runningMean += delta / n;
    this.#m2 += delta * (x - this.#runningMean);
    this.#sum += x;
  }

  get count(): number {
    return this.#n;
  }
  /** Left-to-right sum of the observations. */
  get sum(): number {
    return this.#sum;
  }
  /** sum / n; NaN when empty. */
  get mean(): number {
    return this.#n === 0 ? NaN : this.#sum / this.#n;
  }
  /** Sum of squared deviations from the mean. */
  get m2(): number {
    return this.#m2;
  }
  /** Sample variance (divisor n − 1); NaN when n < 2. */
  get variance(): number {
    return this.#n < 2 ? NaN : this.#m2 / (this.#n - 1);
  }
}
