import { describe, it, expect } from "vitest";
import { LogHistogram } from "../src/index.js";
import type { LogHistogramState } from "../src/index.js";
import { exponential, mulberry32, normal, sampleQuantile } from "./rng.js";

const QS = [0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

/** Worst relative error of the histogram's quantiles against exact sample quantiles. */
function worstQuantileError(h: LogHistogram, xs: number[]): number {
  const sorted = Float64Array.from(xs).sort();
  let worst = 0;
  for (const q of QS) {
    const exact = sampleQuantile(sorted, q);
    const approx = h.quantile(q);
    worst = Math.max(worst, exact === 0 ? Math.abs(approx) : Math.abs(approx - exact) / exact);
  }
  // Plus a fine grid, which visits every part of the distribution.
  for (let k = 1; k < 1000; k++) {
    const exact = sampleQuantile(sorted, k / 1000);
    worst = Math.max(worst, Math.abs(h.quantile(k / 1000) - exact) / exact);
  }
  return worst;
}

function fill(h: LogHistogram, xs: number[]): LogHistogram {
  for (const x of xs) h.record(x);
  return h;
}

describe("LogHistogram quantiles", () => {
  const u = mulberry32(7);
  // Wide lognormal (median 1, sigma 2: ~1e-4 .. 1e4) and exponential waits in seconds.
  const lognormal = Array.from({ length: 20_000 }, () => Math.exp(2 * normal(u)));
  const expo = Array.from({ length: 20_000 }, () => exponential(u, 300));

  for (const a of [0.005, 0.01, 0.05]) {
    it(`stay within relative accuracy ${a} (lognormal)`, () => {
      const h = fill(new LogHistogram({ relativeAccuracy: a, minTrackable: 1e-9 }), lognormal);
      const worst = worstQuantileError(h, lognormal);
      expect(worst).toBeLessThanOrEqual(a * (1 + 1e-9));
      // The bound is tight-ish, not vacuous: the error is a real fraction of a.
      expect(worst).toBeGreaterThan(a / 4);
    });
    it(`stay within relative accuracy ${a} (exponential)`, () => {
      const h = fill(new LogHistogram({ relativeAccuracy: a, minTrackable: 1e-9 }), expo);
      expect(worstQuantileError(h, expo)).toBeLessThanOrEqual(a * (1 + 1e-9));
    });
  }

  it("keeps exact count, sum, mean, min and max", () => {
    const h = fill(new LogHistogram({ minTrackable: 1e-9 }), expo);
    expect(h.count).toBe(expo.length);
    let s = 0;
    for (const x of expo) s += x;
    expect(h.sum).toBe(s);
    expect(h.mean).toBe(s / expo.length);
    expect(h.min).toBe(Math.min(...expo));
    expect(h.max).toBe(Math.max(...expo));
    expect(h.quantile(0)).toBe(h.min);
    expect(h.quantile(1)).toBe(h.max);
  });

  it("is NaN when empty and rejects bad input", () => {
    const h = new LogHistogram();
    expect(h.quantile(0.5)).toBeNaN();
    expect(h.mean).toBeNaN();
    expect(h.cdf(1)).toBeNaN();
    expect(h.countAtMost(1)).toBe(0);
    expect(() => h.record(-1)).toThrow(RangeError);
    expect(() => h.record(NaN)).toThrow(RangeError);
    expect(() => h.record(Infinity)).toThrow(RangeError);
    expect(() => h.recordMany(1, 1.5)).toThrow(RangeError);
    expect(() => h.quantile(1.01)).toThrow(RangeError);
    expect(() => new LogHistogram({ relativeAccuracy: 0 })).toThrow(RangeError);
    expect(() => new LogHistogram({ minTrackable: 10, maxTrackable: 1 })).toThrow(RangeError);
    expect(h.count).toBe(0);
  });
});

describe("LogHistogram zero bucket, cdf and overflow", () => {
  it("counts zeros (and sub-minTrackable values) exactly", () => {
    const h = new LogHistogram();
    h.recordMany(0, 6);
    h.record(0.0004); // below minTrackable 1e-3
    h.record(1);
    h.record(2);
    h.record(3);
    expect(h.count).toBe(10);
    expect(h.zeroCount).toBe(7);
    expect(h.quantile(0.6)).toBe(0);
    expect(h.quantile(0.7)).toBe(0); // rank 7 is 0.0004, reported at the zero bucket (clamped to min = 0)
    expect(Math.abs(h.quantile(0.8) - 1)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(h.quantile(1) - 3)).toBe(0);
    expect(h.cdf(-1)).toBe(0);
    expect(h.cdf(0)).toBe(0.7); // the zero bucket counts at 0
    expect(h.countAtMost(1)).toBe(8);
    expect(h.countAtMost(2.5)).toBe(9); // 2.5 and 3 are in different buckets at 0.5% accuracy
    expect(h.cdf(3)).toBe(1);
    expect(h.cdf(1e9)).toBe(1);
  });

  it("clamps values above maxTrackable into the top bucket and counts them", () => {
    const h = new LogHistogram({ maxTrackable: 1e3 });
    h.recordMany(100, 10);
    h.record(2e4);
    h.record(5e4);
    expect(h.overflow).toBe(2);
    expect(h.count).toBe(12);
    expect(h.max).toBe(5e4);
    expect(h.mean).toBe((1000 + 2e4 + 5e4) / 12); // sum stays exact
    expect(Math.abs(h.quantile(0.5) / 100 - 1)).toBeLessThanOrEqual(0.005);
    // Rank 11 (2e4) is only known to be beyond ~maxTrackable.
    expect(Math.abs(h.quantile(11 / 12) / 1e3 - 1)).toBeLessThanOrEqual(0.005);
    expect(h.quantile(1)).toBe(5e4);
    expect(h.toJSON().overflow).toBe(2);
  });

  it("reports bucket bounds that contain each value, in order", () => {
    const h = new LogHistogram({ relativeAccuracy: 0.02 });
    const values = [0, 0.002, 0.5, 0.5, 1, 7, 7.5, 300, 9e6];
    for (const v of values) h.record(v);
    const buckets: Array<[number, number, number]> = [];
    h.forEachBucket((lo, hi, c) => buckets.push([lo, hi, c]));
    expect(buckets.reduce((s, b) => s + b[2], 0)).toBe(values.length);
    expect(buckets[0]).toEqual([0, 1e-3, 1]);
    for (let k = 1; k < buckets.length; k++) expect(buckets[k]![0]).toBeGreaterThanOrEqual(buckets[k - 1]![1] * (1 - 1e-12));
    for (const v of values.slice(1)) {
      const b = buckets.find(([lo, hi]) => v > lo * (1 - 1e-12) && v <= hi * (1 + 1e-12));
      expect(b, `bucket for ${v}`).toBeDefined();
      expect(b![1] / b![0]).toBeLessThanOrEqual((1.02 / 0.98) * (1 + 1e-12));
    }
    // 0.5 twice; 7 and 7.5 in separate buckets (7.5/7 > gamma = 1.0408).
    expect(buckets.filter((b) => b[2] === 2)).toHaveLength(1);
  });
});

describe("LogHistogram merge and serialization", () => {
  const u = mulberry32(99);
  const parts = [0, 1, 2].map((k) =>
    Array.from({ length: 3000 }, () => (u() < 0.3 ? 0 : exponential(u, 60 * (k + 1)))),
  );

  it("merges order-independently (A+B equals B+A, JSON-identical)", () => {
    const [a, b] = parts as [number[], number[]];
    const ab = fill(new LogHistogram(), a).merge(fill(new LogHistogram(), b));
    const ba = fill(new LogHistogram(), b).merge(fill(new LogHistogram(), a));
    expect(JSON.stringify(ab)).toBe(JSON.stringify(ba));
  });

  it("merging parts equals recording everything, bucket for bucket", () => {
    const whole = fill(new LogHistogram(), parts.flat());
    const orders = [
      [0, 1, 2],
      [2, 0, 1],
      [1, 2, 0],
    ];
    for (const order of orders) {
      const m = new LogHistogram();
      for (const k of order) m.merge(fill(new LogHistogram(), parts[k]!));
      const { sum: s1, ...rest1 } = m.toJSON();
      const { sum: s2, ...rest2 } = whole.toJSON();
      expect(rest1).toEqual(rest2); // counts, min, max, zeroCount, offset: exact
      expect(Math.abs(s1 - s2)).toBeLessThanOrEqual(1e-9 * s2); // sum: float, order-dependent
      for (const q of [0.3, 0.5, 0.9, 0.99]) expect(m.quantile(q)).toBe(whole.quantile(q));
    }
  });

  it("refuses to merge histograms with different accuracy or range", () => {
    const h = new LogHistogram();
    expect(() => h.merge(new LogHistogram({ relativeAccuracy: 0.01 }))).toThrow(RangeError);
    expect(() => h.merge(new LogHistogram({ maxTrackable: 1e6 }))).toThrow(RangeError);
  });

  it("serializes canonically and round-trips", () => {
    const h = fill(new LogHistogram(), parts[0]!);
    const json = JSON.stringify(h);
    expect(json).toBe(JSON.stringify(fill(new LogHistogram(), parts[0]!)));
    const state = JSON.parse(json) as LogHistogramState;
    expect(state.counts[0]).toBeGreaterThan(0);
    expect(state.counts[state.counts.length - 1]).toBeGreaterThan(0);
    expect(state.counts.every((c) => Number.isInteger(c))).toBe(true);
    expect(state.counts.length).toBeLessThan(2500);
    const back = LogHistogram.fromJSON(state);
    expect(JSON.stringify(back)).toBe(json);
    for (const q of [0, 0.31, 0.5, 0.9, 1]) expect(back.quantile(q)).toBe(h.quantile(q));
    // A restored histogram keeps working and merging.
    back.merge(h);
    expect(back.count).toBe(2 * h.count);
    expect(back.quantile(0.5)).toBe(h.quantile(0.5));
    // Empty histograms serialize too.
    const empty = JSON.parse(JSON.stringify(new LogHistogram())) as LogHistogramState;
    expect(empty).toMatchObject({ count: 0, min: null, max: null, counts: [], offset: 0 });
    expect(LogHistogram.fromJSON(empty).count).toBe(0);
  });

  it("rejects inconsistent states", () => {
    const good = fill(new LogHistogram(), [1, 2, 3]).toJSON();
    expect(() => LogHistogram.fromJSON({ ...good, count: 4 })).toThrow(RangeError);
    expect(() => LogHistogram.fromJSON({ ...good, counts: good.counts.map((c) => c + 0.5) })).toThrow(RangeError);
    expect(() => LogHistogram.fromJSON({ ...good, offset: 1e6 })).toThrow(RangeError);
    expect(() => LogHistogram.fromJSON({ ...good, min: null })).toThrow(RangeError);
  });

  it("reset empties but keeps configuration", () => {
    const h = fill(new LogHistogram({ relativeAccuracy: 0.01 }), parts[1]!);
    h.reset();
    expect(JSON.stringify(h)).toBe(JSON.stringify(new LogHistogram({ relativeAccuracy: 0.01 })));
    h.record(5);
    expect(h.quantile(0.5)).toBe(5);
  });
});

describe("LogHistogram.mergeState", () => {
  it("equals merging fromJSON's histogram, and changes nothing for an invalid state", () => {
    const a = new LogHistogram();
    const b = new LogHistogram();
    for (let i = 1; i <= 500; i++) a.record((i * 37) % 911);
    for (let i = 1; i <= 300; i++) b.record(i * 0.73);
    b.record(0);
    const viaJson = LogHistogram.fromJSON(a.toJSON()).merge(LogHistogram.fromJSON(b.toJSON()));
    const direct = new LogHistogram().mergeState(a.toJSON()).mergeState(b.toJSON()).mergeState(new LogHistogram().toJSON());
    expect(JSON.stringify(direct.toJSON())).toBe(JSON.stringify(viaJson.toJSON()));
    const before = JSON.stringify(direct.toJSON());
    expect(() => direct.mergeState({ ...b.toJSON(), count: 7 })).toThrow(/mergeState: zeroCount/);
    expect(() => direct.mergeState({ ...b.toJSON(), relativeAccuracy: 0.02 })).toThrow(/incompatible/);
    expect(JSON.stringify(direct.toJSON())).toBe(before);
  });
});
