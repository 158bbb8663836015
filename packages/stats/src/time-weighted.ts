/**
 * Time averages of piecewise-constant signals (queue length, busy servers). A count-based
 * mean would weight every change equally; what matters for a queue is how long each level lasted.
 */

function checkTime(where: string, time: number, last: number): void {
  if (!(time >= last) || time === Infinity) {
    throw new RangeError(`${where}: time must be finite and non-decreasing, got ${time} after ${last}`);
  }
}

/** Time-weighted mean, area, extremes of a step signal observed from `startTime`. */
export class TimeWeighted {
  #start: number;
  #last: number;
  #value: number;
  #area = 0;
  #max: number;
  #min: number;

  constructor(startTime = 0, initialValue = 0) {
    if (!Number.isFinite(startTime)) throw new RangeError(`TimeWeighted: startTime must be finite, got ${startTime}`);
    this.#start = startTime;
    this.#last = startTime;
    this.#value = initialValue;
    this.#max = initialValue;
    this.#min = initialValue;
  }

  /** The signal takes `newValue` from `time` on. Throws RangeError if time goes backwards. */
  update(time: number, newValue: number): void {
    checkTime("TimeWeighted.update", time, this.#last);
    this.#area += this.#value * (time - this.#last);
    this.#last = time;
    this.#value = newValue;
    if (newValue > this.#max) this.#max = newValue;
    if (newValue < this.#min) this.#min = newValue;
  }

  /** Integral of the signal from the start to `untilTime` (>= the last update time). */
  area(untilTime: number): number {
    checkTime("TimeWeighted.area", untilTime, this.#last);
    return this.#area + this.#value * (untilTime - this.#last);
  }

  /** area(untilTime) / (untilTime - startTime); NaN for an empty window. */
  mean(untilTime: number): number {
    const a = this.area(untilTime);
    const span = untilTime - this.#start;
    return span > 0 ? a / span : NaN;
  }

  /** Largest value the signal has taken (including the initial value). */
  get max(): number {
    return this.#max;
  }
  /** Smallest value the signal has taken (including the initial value). */
  get min(): number {
    return this.#min;
  }
  get current(): number {
    return this.#value;
  }
  get startTime(): number {
    return this.#start;
  }
  get lastTime(): number {
    return this.#last;
  }

  /** Starts a new observation window (e.g. after a warm-up period) at `time` with `value`. */
  reset(time: number, value: number): void {
    if (!Number.isFinite(time)) throw new RangeError(`TimeWeighted.reset: time must be finite, got ${time}`);
    this.#start = time;
    this.#last = time;
    this.#value = value;
    this.#area = 0;
    this.#max = value;
    this.#min = value;
  }
}

/**
 * Per-interval (e.g. hourly) time-weighted means and maxima of a step signal. Each constant
 * segment's area is split across the bins it covers, so a queue that spans an hour boundary
 * is charged to both hours. Bins are [binStart + k*binWidth, binStart + (k+1)*binWidth);
 * time beyond the last bin is ignored.
 */
export class BinnedTimeWeighted {
  readonly binStart: number;
  readonly binWidth: number;
  readonly binCount: number;
  readonly #area: Float64Array;
  readonly #max: Float64Array;
  #last: number;
  #value: number;
  /** Bin containing #last (binCount once past the end). */
  #bin = 0;
  #end = NaN;

  constructor(binStart: number, binWidth: number, binCount: number, initialValue = 0) {
    if (!Number.isFinite(binStart)) throw new RangeError(`BinnedTimeWeighted: binStart must be finite, got ${binStart}`);
    if (!(binWidth > 0 && Number.isFinite(binWidth))) throw new RangeError(`BinnedTimeWeighted: binWidth must be > 0, got ${binWidth}`);
    if (!Number.isSafeInteger(binCount) || binCount < 1) throw new RangeError(`BinnedTimeWeighted: binCount must be a positive integer, got ${binCount}`);
    this.binStart = binStart;
    this.binWidth = binWidth;
    this.binCount = binCount;
    this.#area = new Float64Array(binCount);
    this.#max = new Float64Array(binCount).fill(-Infinity);
    this.#max[0] = initialValue;
    this.#last = binStart;
    this.#value = initialValue;
  }

  /** End of bin k, computed by multiplication so that rounding does not drift across bins. */
  #binEnd(k: number): number {
    return this.binStart + (k + 1) * this.binWidth;
  }

  /** Charges the current value over [#last, time) to the bins it covers. */
  #advance(time: number): void {
    const area = this.#area;
    const max = this.#max;
    const v = this.#value;
    let t = this.#last;
    let k = this.#bin;
    while (k < this.binCount) {
      const end = this.#binEnd(k);
      const segEnd = time < end ? time : end;
      if (segEnd > t) {
        area[k] = (area[k] as number) + v * (segEnd - t);
        if (v > (max[k] as number)) max[k] = v;
      }
      if (time < end) break;
      t = end;
      k++;
    }
    this.#bin = k;
    this.#last = time;
  }

  /** The signal takes `newValue` from `time` on. Throws RangeError if time goes backwards or after finish. */
  update(time: number, newValue: number): void {
    if (!Number.isNaN(this.#end)) throw new Error("BinnedTimeWeighted.update: already finished");
    checkTime("BinnedTimeWeighted.update", time, this.#last);
    this.#advance(time);
    this.#value = newValue;
    if (this.#bin < this.binCount && newValue > (this.#max[this.#bin] as number)) this.#max[this.#bin] = newValue;
  }

  /** Closes the observation at `time`; bins wholly after it have no data. */
  finish(time: number): void {
    if (!Number.isNaN(this.#end)) throw new Error("BinnedTimeWeighted.finish: already finished");
    checkTime("BinnedTimeWeighted.finish", time, this.#last);
    this.#advance(time);
    this.#end = time;
  }

  /** Time covered in bin k by [binStart, finish time]. */
  #covered(k: number): number {
    const from = this.binStart + k * this.binWidth;
    const to = Math.min(this.#binEnd(k), this.#end);
    return to > from ? to - from : 0;
  }

  #requireFinished(where: string): void {
    if (Number.isNaN(this.#end)) throw new Error(`BinnedTimeWeighted.${where}: call finish(time) first`);
  }

  /** Mean of the signal over the observed part of each bin; NaN for bins not reached. */
  binMeans(): Float64Array {
    this.#requireFinished("binMeans");
    const out = new Float64Array(this.binCount);
    for (let k = 0; k < this.binCount; k++) {
      const c = this.#covered(k);
      out[k] = c > 0 ? (this.#area[k] as number) / c : NaN;
    }
    return out;
  }

  /** Integral of the signal over each bin (0 for bins not reached). */
  binAreas(): Float64Array {
    this.#requireFinished("binAreas");
    return this.#area.slice();
  }

  /** Largest value the signal took within each bin; NaN for bins not reached. */
  binMaxima(): Float64Array {
    this.#requireFinished("binMaxima");
    const out = new Float64Array(this.binCount);
    for (let k = 0; k < this.binCount; k++) {
      const m = this.#max[k] as number;
      out[k] = m === -Infinity ? NaN : m;
    }
    return out;
  }
}
