/**
 * Mergeable log-bucketed histogram with a guaranteed relative error (DDSketch-style,
 * Masson, Rim & Lee 2019), used for waiting-time quantiles merged across replications.
 *
 * With gamma = (1+a)/(1-a), bucket i holds values in (gamma^(i-1), gamma^i] and is
 * represented by 2*gamma^i/(gamma+1); every value in the bucket is within relative
 * error a of that representative, so every quantile is too. Counts are integers,
 * so merging is exact and order-independent.
 */

export interface LogHistogramOptions {
  /** Relative error bound `a` of every quantile, in (0, 1). Default 0.005 (0.5%). */
  relativeAccuracy?: number;
  /**
   * Values below this go to an exact zero bucket (represented by 0). Default 1e-3: with
   * times in seconds, a millisecond is below anything a clearance model distinguishes, and
   * most queue waits are exactly 0.
   */
  minTrackable?: number;
  /** Larger values are clamped into the top bucket and counted in `overflow`. Default 1e7 (~116 days in seconds). */
  maxTrackable?: number;
}

/**
 * Canonical plain-object form: `counts` is trimmed to the first..last non-empty bucket
 * and `offset` is the bucket index of `counts[0]`, so equal data stringifies identically.
 * `min`/`max` are null when empty (JSON has no Infinity).
 */
export interface LogHistogramState {
  relativeAccuracy: number;
  minTrackable: number;
  maxTrackable: number;
  count: number;
  sum: number;
  min: number | null;
  max: number | null;
  zeroCount: number;
  overflow: number;
  offset: number;
  counts: number[];
}

import { bucketLookup, lookupPosition, type BucketLookup } from "./bucket-lookup.js";

/** Refuse configurations whose preallocated bucket array would be unreasonably large (32 MiB). */
const MAX_BUCKETS = 1 << 22;

export class LogHistogram {
  readonly relativeAccuracy: number;
  readonly minTrackable: number;
  readonly maxTrackable: number;

  readonly #gamma: number;
  readonly #logGamma: number;
  /** Bucket index of minTrackable; array position p holds bucket p + minIndex. */
  readonly #minIndex: number;
  readonly #counts: Float64Array;
  /** The logarithm-free bucket position of trackable values (null: tables too large, use the logarithm; undefined: not needed yet). */
  #lookup: BucketLookup | null | undefined = undefined;

  #count = 0;
  #sum = 0;
  #min = Infinity;
  #max = -Infinity;
  #zero = 0;
  #overflow = 0;
  /** First and last non-empty array positions (lo > hi when no bucket is populated). */
  #lo: number;
  #hi = -1;

  constructor(options: LogHistogramOptions = {}) {
    const a = options.relativeAccuracy ?? 0.005;
    const lo = options.minTrackable ?? 1e-3;
    const hi = options.maxTrackable ?? 1e7;
    if (!(a > 0 && a < 1)) throw new RangeError(`LogHistogram: relativeAccuracy must be in (0, 1), got ${a}`);
    if (!(lo > 0 && hi > lo && Number.isFinite(hi))) {
      throw new RangeError(`LogHistogram: need 0 < minTrackable < maxTrackable < Infinity, got [${lo}, ${hi}]`);
    }
    this.relativeAccuracy = a;
    this.minTrackable = lo;
    this.maxTrackable = hi;
    this.#gamma = (1 + a) / (1 - a);
    this.#logGamma = Math.log(this.#gamma);
    this.#minIndex = this.#index(lo);
    const size = this.#index(hi) - this.#minIndex + 1;
    if (size > MAX_BUCKETS) {
      throw new RangeError(`LogHistogram: ${size} buckets exceed the limit of ${MAX_BUCKETS}; widen relativeAccuracy or narrow the range`);
    }
    this.#counts = new Float64Array(size);
    this.#lo = size;
  }

  #index(x: number): number {
    return Math.ceil(Math.log(x) / this.#logGamma);
  }

  /** Array position of a positive value, clamped to the preallocated range. */
  #position(x: number): number {
    if (x > this.maxTrackable) return this.#counts.length - 1;
    let lookup = this.#lookup;
    // Built on first use (once per configuration): histograms only merged or read never need it.
    if (lookup === undefined) lookup = this.#lookup = this.#buildLookup();
    if (lookup !== null && x >= this.minTrackable) return lookupPosition(lookup, x);
    return this.#logPosition(x);
  }

  #buildLookup(): BucketLookup | null {
    const key = `${this.relativeAccuracy} ${this.minTrackable} ${this.maxTrackable}`;
    return bucketLookup(key, this.minTrackable, this.maxTrackable, this.#gamma, this.#logGamma, this.#minIndex, this.#counts.length, (x) =>
      this.#logPosition(x),
    );
  }

  /** #position by its definition, the logarithm: what the lookup tables are built from and checked against. */
  #logPosition(x: number): number {
    if (x > this.maxTrackable) return this.#counts.length - 1;
    const p = this.#index(x) - this.#minIndex;
    return p < 0 ? 0 : p >= this.#counts.length ? this.#counts.length - 1 : p;
  }

  #representative(position: number): number {
    return (2 * Math.exp((position + this.#minIndex) * this.#logGamma)) / (this.#gamma + 1);
  }

  /** Records one value. Throws RangeError for negative, NaN or infinite values (an infinite value would make `sum` useless). */
  record(x: number): void {
    // The hot path (every traveller, several times): recordMany's work for n = 1, without its count checks.
    if (!(x >= 0) || x === Infinity) throw new RangeError(`LogHistogram.record: value must be finite and >= 0, got ${x}`);
    this.#count++;
    this.#sum += x;
    if (x < this.#min) this.#min = x;
    if (x > this.#max) this.#max = x;
    if (x < this.minTrackable) {
      this.#zero++;
      return;
    }
    let p: number;
    if (x > this.maxTrackable) {
      this.#overflow++;
      p = this.#counts.length - 1;
    } else {
      // #position without the range tests just made (x is trackable).
      const lookup = this.#lookup;
      p = lookup ? lookupPosition(lookup, x) : this.#position(x);
    }
    this.#counts[p] = (this.#counts[p] as number) + 1;
    if (p < this.#lo) this.#lo = p;
    if (p > this.#hi) this.#hi = p;
  }

  /** Records `n` copies of `x` (n a non-negative integer); `sum` grows by x*n. */
  recordMany(x: number, n: number): void {
    if (!(x >= 0) || x === Infinity) throw new RangeError(`LogHistogram.record: value must be finite and >= 0, got ${x}`);
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`LogHistogram.recordMany: count must be a non-negative integer, got ${n}`);
    if (n === 0) return;
    this.#count += n;
    this.#sum += x * n;
    if (x < this.#min) this.#min = x;
    if (x > this.#max) this.#max = x;
    if (x < this.minTrackable) {
      this.#zero += n;
      return;
    }
    if (x > this.maxTrackable) this.#overflow += n;
    const p = this.#position(x);
    this.#counts[p] = (this.#counts[p] as number) + n;
    if (p < this.#lo) this.#lo = p;
    if (p > this.#hi) this.#hi = p;
  }

  get count(): number {
    return this.#count;
  }
  /** Exact (floating-point) sum of recorded values, for an exact mean. */
  get sum(): number {
    return this.#sum;
  }
  /** Number of values below minTrackable (recorded as 0). */
  get zeroCount(): number {
    return this.#zero;
  }
  /** Number of values above maxTrackable (clamped into the top bucket). */
  get overflow(): number {
    return this.#overflow;
  }
  /** Exact smallest recorded value; NaN when empty. */
  get min(): number {
    return this.#count === 0 ? NaN : this.#min;
  }
  /** Exact largest recorded value; NaN when empty. */
  get max(): number {
    return this.#count === 0 ? NaN : this.#max;
  }
  /** Exact mean (sum/count); NaN when empty. */
  get mean(): number {
    return this.#count === 0 ? NaN : this.#sum / this.#count;
  }

  /**
   * The q-quantile: the bucket representative of the value of rank max(1, ceil(q*count)) in
   * sorted order, within relative error `relativeAccuracy` of the true sample quantile for
   * values in [minTrackable, maxTrackable]. Values in the zero bucket are reported as 0.
   * Ranks 1 and count return the exact min and max; other results are clamped to [min, max],
   * which can only move them closer to the truth. NaN when empty.
   */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`LogHistogram.quantile: q must be in [0, 1], got ${q}`);
    if (this.#count === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    // The extreme order statistics are known exactly.
    if (rank === 1) return this.#min;
    if (rank >= this.#count) return this.#max;
    let value = this.#max;
    let cumulative = this.#zero;
    if (cumulative >= rank) {
      value = 0;
    } else {
      const counts = this.#counts;
      for (let p = this.#lo; p <= this.#hi; p++) {
        cumulative += counts[p] as number;
        if (cumulative >= rank) {
          value = this.#representative(p);
          break;
        }
      }
    }
    return value < this.#min ? this.#min : value > this.#max ? this.#max : value;
  }

  /**
   * Number of values <= x at bucket resolution: the whole bucket containing x counts, so this
   * is an upper bound on the exact count, equal to it at bucket boundaries, below min and at
   * or above max. Consistent with quantile: countAtMost(quantile(q)) >= ceil(q*count).
   */
  countAtMost(x: number): number {
    if (Number.isNaN(x)) throw new RangeError("LogHistogram.countAtMost: x is NaN");
    if (this.#count === 0 || x < this.#min) return 0;
    if (x >= this.#max) return this.#count;
    let total = this.#zero;
    if (x < this.minTrackable) return total;
    const last = Math.min(this.#position(x), this.#hi);
    const counts = this.#counts;
    for (let p = this.#lo; p <= last; p++) total += counts[p] as number;
    return total;
  }

  /** Fraction of values <= x at bucket resolution (see countAtMost); NaN when empty. */
  cdf(x: number): number {
    return this.#count === 0 ? NaN : this.countAtMost(x) / this.#count;
  }

  /**
   * Calls cb for each non-empty bucket in increasing order with its value range
   * (lower, upper] and count; the zero bucket comes first as [0, minTrackable).
   * Overflowed values sit in the top bucket, whose nominal upper bound is ~maxTrackable.
   */
  forEachBucket(cb: (lower: number, upper: number, count: number) => void): void {
    if (this.#zero > 0) cb(0, this.minTrackable, this.#zero);
    const counts = this.#counts;
    for (let p = this.#lo; p <= this.#hi; p++) {
      const c = counts[p] as number;
      if (c === 0) continue;
      const i = p + this.#minIndex;
      const lower = p === 0 ? this.minTrackable : Math.exp((i - 1) * this.#logGamma);
      cb(lower, Math.exp(i * this.#logGamma), c);
    }
  }

  /**
   * Adds other's data into this histogram. Bucket counts, count, zeroCount, overflow, min and
   * max are exactly order-independent; `sum` is a float, so callers that need byte-identical
   * output must merge in a fixed order (e.g. by replication index).
   */
  merge(other: LogHistogram): this {
    if (
      other.relativeAccuracy !== this.relativeAccuracy ||
      other.minTrackable !== this.minTrackable ||
      other.maxTrackable !== this.maxTrackable
    ) {
      throw new RangeError(
        `LogHistogram.merge: incompatible histograms (a=${other.relativeAccuracy}, [${other.minTrackable}, ${other.maxTrackable}]) ` +
          `vs (a=${this.relativeAccuracy}, [${this.minTrackable}, ${this.maxTrackable}])`,
      );
    }
    if (other.#count === 0) return this;
    const src = other.#counts;
    const dst = this.#counts;
    const lo = other.#lo;
    const hi = other.#hi;
    for (let p = lo; p <= hi; p++) dst[p] = (dst[p] as number) + (src[p] as number);
    if (lo < this.#lo) this.#lo = lo;
    if (hi > this.#hi) this.#hi = hi;
    this.#count += other.#count;
    this.#sum += other.#sum;
    this.#zero += other.#zero;
    this.#overflow += other.#overflow;
    if (other.#min < this.#min) this.#min = other.#min;
    if (other.#max > this.#max) this.#max = other.#max;
    return this;
  }

  /** Empties the histogram, keeping its configuration and storage. */
  reset(): void {
    if (this.#hi >= this.#lo) this.#counts.fill(0, this.#lo, this.#hi + 1);
    this.#count = 0;
    this.#sum = 0;
    this.#min = Infinity;
    this.#max = -Infinity;
    this.#zero = 0;
    this.#overflow = 0;
    this.#lo = this.#counts.length;
    this.#hi = -1;
  }

  toJSON(): LogHistogramState {
    const empty = this.#count === 0;
    const populated = this.#hi >= this.#lo;
    return {
      relativeAccuracy: this.relativeAccuracy,
      minTrackable: this.minTrackable,
      maxTrackable: this.maxTrackable,
      count: this.#count,
      sum: this.#sum,
      min: empty ? null : this.#min,
      max: empty ? null : this.#max,
      zeroCount: this.#zero,
      overflow: this.#overflow,
      offset: populated ? this.#lo + this.#minIndex : 0,
      counts: populated ? this.#trimmedCounts() : [],
    };
  }

  /** counts[lo..hi] as a plain array (a loop: Array.from on a typed array goes through the iterator protocol). */
  #trimmedCounts(): number[] {
    const lo = this.#lo;
    const n = this.#hi - lo + 1;
    const out = new Array<number>(n);
    const counts = this.#counts;
    for (let i = 0; i < n; i++) out[i] = counts[lo + i] as number;
    return out;
  }

  /** Rebuilds a histogram from toJSON output, validating it (it usually crossed a process boundary). */
  static fromJSON(state: LogHistogramState): LogHistogram {
    const h = new LogHistogram({
      relativeAccuracy: state.relativeAccuracy,
      minTrackable: state.minTrackable,
      maxTrackable: state.maxTrackable,
    });
    return h.mergeState(state, "LogHistogram.fromJSON");
  }

  /**
   * merge(LogHistogram.fromJSON(state)) without building the intermediate histogram (whose bucket array
   * spans the whole trackable range): the same validation, the same result. Nothing changes when the
   * state is invalid.
   */
  mergeState(state: LogHistogramState, where = "LogHistogram.mergeState"): this {
    const fail = (why: string): never => {
      throw new RangeError(`${where}: ${why}`);
    };
    if (
      state.relativeAccuracy !== this.relativeAccuracy ||
      state.minTrackable !== this.minTrackable ||
      state.maxTrackable !== this.maxTrackable
    ) {
      fail(
        `incompatible histograms (a=${state.relativeAccuracy}, [${state.minTrackable}, ${state.maxTrackable}]) ` +
          `vs (a=${this.relativeAccuracy}, [${this.minTrackable}, ${this.maxTrackable}])`,
      );
    }
    const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
    if (!isCount(state.count) || !isCount(state.zeroCount) || !isCount(state.overflow)) {
      fail("count, zeroCount and overflow must be non-negative integers");
    }
    if (!Array.isArray(state.counts)) fail("counts must be an array");
    if (!Number.isSafeInteger(state.offset)) fail("offset must be an integer");
    const base = state.offset - this.#minIndex;
    const counts = state.counts;
    if (counts.length > 0 && (base < 0 || base + counts.length > this.#counts.length)) {
      fail(`buckets [${state.offset}, ${state.offset + counts.length - 1}] lie outside the trackable range`);
    }
    // Validate everything before changing anything.
    let total = state.zeroCount;
    let first = -1;
    let last = -1;
    for (let k = 0; k < counts.length; k++) {
      const c = counts[k];
      if (!isCount(c)) return fail(`counts[${k}] must be a non-negative integer`);
      if (c === 0) continue;
      total += c;
      if (first < 0) first = base + k;
      last = base + k;
    }
    if (total !== state.count) fail(`zeroCount + sum(counts) = ${total} but count = ${state.count}`);
    if (state.overflow > state.count) fail("overflow exceeds count");
    if (state.count > 0 && (state.min === null || state.max === null || !(state.min >= 0 && state.min <= state.max))) {
      fail("non-empty state needs 0 <= min <= max");
    }
    if (!Number.isFinite(state.sum)) fail("sum must be finite");
    if (state.count === 0) return this;
    const dst = this.#counts;
    for (let k = 0; k < counts.length; k++) {
      const c = counts[k] as number;
      if (c !== 0) dst[base + k] = (dst[base + k] as number) + c;
    }
    if (first >= 0) {
      if (first < this.#lo) this.#lo = first;
      if (last > this.#hi) this.#hi = last;
    }
    this.#count += state.count;
    this.#sum += state.sum;
    this.#zero += state.zeroCount;
    this.#overflow += state.overflow;
    if ((state.min as number) < this.#min) this.#min = state.min as number;
    if ((state.max as number) > this.#max) this.#max = state.max as number;
    return this;
  }
}
