import { describe, it, expect } from "vitest";
import {
  confidenceInterval,
  independentDifference,
  pairedDifference,
  pairedRatioInterval,
  relativeHalfWidth,
  studentTQuantile,
} from "../src/index.js";
import { exponential, mulberry32, normal } from "./rng.js";

describe("confidenceInterval", () => {
  it("matches a hand computation", () => {
    const ci = confidenceInterval([1, 2, 3, 4, 5]);
    expect(ci.n).toBe(5);
    expect(ci.mean).toBe(3);
    expect(ci.sd).toBeCloseTo(Math.sqrt(2.5), 15);
    // t_{0.975,4} = 2.776445105
    expect(ci.halfWidth).toBeCloseTo((2.776445105 * Math.sqrt(2.5)) / Math.sqrt(5), 8);
    expect(ci.lower).toBe(3 - ci.halfWidth);
    expect(ci.upper).toBe(3 + ci.halfWidth);
    expect(ci.level).toBe(0.95);
    const ci90 = confidenceInterval([1, 2, 3, 4, 5], 0.9);
    expect(ci90.halfWidth).toBeCloseTo((studentTQuantile(0.95, 4) * Math.sqrt(2.5)) / Math.sqrt(5), 14);
    expect(ci90.halfWidth).toBeLessThan(ci.halfWidth);
  });

  it("handles tiny and constant samples", () => {
    const one = confidenceInterval([4]);
    expect(one.mean).toBe(4);
    expect(one.sd).toBeNaN();
    expect(one.halfWidth).toBeNaN();
    expect(confidenceInterval([]).mean).toBeNaN();
    const flat = confidenceInterval(new Float64Array([2, 2, 2]));
    expect(flat.halfWidth).toBe(0);
    expect(flat.lower).toBe(2);
    expect(() => confidenceInterval([1, 2], 1)).toThrow(RangeError);
  });

  it("is deterministic: sums in index order", () => {
    const u = mulberry32(5);
    const xs = Array.from({ length: 1000 }, () => 1e3 * normal(u) + 1e9);
    const a = JSON.stringify(confidenceInterval(xs));
    const b = JSON.stringify(confidenceInterval(Float64Array.from(xs)));
    expect(a).toBe(b);
    expect(xs[0]).not.toBe(Math.min(...xs)); // input untouched (not sorted)
  });

  it("covers the true mean about 95% (and 80%) of the time", () => {
    const u = mulberry32(2024);
    const trueMean = 10;
    let hit95 = 0;
    let hit80 = 0;
    const runs = 2000;
    for (let r = 0; r < runs; r++) {
      const xs = Array.from({ length: 5 }, () => trueMean + 3 * normal(u));
      const ci = confidenceInterval(xs);
      if (ci.lower <= trueMean && trueMean <= ci.upper) hit95++;
      const c80 = confidenceInterval(xs, 0.8);
      if (c80.lower <= trueMean && trueMean <= c80.upper) hit80++;
    }
    expect(hit95 / runs).toBeGreaterThanOrEqual(0.93);
    expect(hit95 / runs).toBeLessThanOrEqual(0.97);
    expect(hit80 / runs).toBeGreaterThanOrEqual(0.77);
    expect(hit80 / runs).toBeLessThanOrEqual(0.83);
  });

  it("a normal-quantile interval would under-cover with n = 5 (the t matters)", () => {
    const u = mulberry32(77);
    let hit = 0;
    const runs = 2000;
    for (let r = 0; r < runs; r++) {
      const xs = Array.from({ length: 5 }, () => normal(u));
      const ci = confidenceInterval(xs);
      const z = (ci.halfWidth / studentTQuantile(0.975, 4)) * 1.959963985;
      if (Math.abs(ci.mean) <= z) hit++;
    }
    expect(hit / runs).toBeLessThan(0.91);
  });
});

describe("paired and independent differences", () => {
  it("pairedDifference by hand", () => {
    const r = pairedDifference([2, 4, 6], [1, 2, 3]);
    expect(r.n).toBe(3);
    expect(r.mean).toBe(2);
    expect(r.baselineMean).toBe(2);
    expect(r.treatmentMean).toBe(4);
    expect(r.relativeChange).toBe(1);
    expect(r.sd).toBe(1);
    expect(r.halfWidth).toBeCloseTo((4.302652729749464 * 1) / Math.sqrt(3), 12);
    // Delta method on log(T̄/B̄): z_i = t_i/4 − b_i/2 = 0 for every pair (t = 2b), so the ratio is exactly 2.
    expect(r.relativeLower).toBeCloseTo(1, 12);
    expect(r.relativeUpper).toBeCloseTo(1, 12);
    expect(pairedDifference([1, 2], [0, 0]).relativeChange).toBeNaN();
    const neg = pairedDifference([-1, -3, -2], [-2, -4, -5]);
    expect(neg.relativeLower).toBeLessThanOrEqual(neg.relativeUpper);
    expect(() => pairedDifference([1, 2], [1])).toThrow(RangeError);
  });

  it("pairedRatioInterval by hand, and the relative change never passes −100%", () => {
    const t = [1, 3, 2, 2];
    const b = [10, 12, 9, 11];
    const r = pairedRatioInterval(t, b);
    const tm = 2;
    const bm = 10.5;
    const z = t.map((x, i) => x / tm - b[i]! / bm);
    const zm = z.reduce((s, x) => s + x, 0) / 4;
    const se = Math.sqrt(z.reduce((s, x) => s + (x - zm) ** 2, 0) / 3 / 4);
    const tq = 3.182446305284263; // t_{0.975, 3}
    expect(r.ratio).toBeCloseTo(tm / bm, 12);
    expect(r.logStandardError).toBeCloseTo(se, 12);
    expect(r.lower).toBeCloseTo(Math.exp(Math.log(tm / bm) - tq * se), 12);
    expect(r.upper).toBeCloseTo(Math.exp(Math.log(tm / bm) + tq * se), 12);
    // A large cut with a noisy, small treatment: the difference interval divided by the baseline would
    // pass −100% (the old method); the ratio interval stays above it.
    const d = pairedDifference(t, b);
    expect(d.lower / d.baselineMean).toBeLessThan(-0.9);
    expect(d.relativeLower).toBeGreaterThan(-1);
    expect(d.relativeLower).toBeLessThan(d.relativeChange);
    expect(d.relativeUpper).toBeGreaterThan(d.relativeChange);
    const heavy = pairedDifference([0.1, 4, 0.2, 0.1], [10, 8, 12, 9]);
    expect(heavy.lower / heavy.baselineMean).toBeLessThan(-1);
    expect(heavy.relativeLower).toBeGreaterThan(-1);
    // Every treatment value 0: exactly −100%; a negative value or a zero baseline: undefined.
    expect(pairedDifference([0, 0, 0], [1, 2, 3]).relativeLower).toBe(-1);
    expect(pairedDifference([0, 0, 0], [1, 2, 3]).relativeUpper).toBe(-1);
    expect(pairedRatioInterval([-1, 2], [1, 2]).lower).toBeNaN();
    expect(pairedRatioInterval([-1, -2, -3], [-2, -4, -5]).lower).toBeGreaterThan(0);
    expect(pairedRatioInterval([1, 2], [0, 0]).lower).toBeNaN();
  });

  it("the paired ratio interval covers the true ratio about 95% of the time", () => {
    const u = mulberry32(2024);
    const runs = 2000;
    let hit = 0;
    for (let k = 0; k < runs; k++) {
      const t: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < 30; i++) {
        const day = exponential(u, 1); // shared day effect (common random numbers)
        b.push(10 * day + exponential(u, 2));
        t.push(3 * day + exponential(u, 0.6)); // true ratio of means: (3 + 0.6) / (10 + 2) = 0.3
      }
      const r = pairedRatioInterval(t, b);
      if (r.lower <= 0.3 && 0.3 <= r.upper) hit++;
    }
    expect(hit / runs).toBeGreaterThan(0.92);
    expect(hit / runs).toBeLessThan(0.975);
  });

  it("common random numbers narrow the interval versus an unpaired comparison", () => {
    // Each replication is a day with its own demand level; both policies see the same day.
    const u = mulberry32(31337);
    const reps = 30;
    const baseline: number[] = [];
    const treatment: number[] = [];
    for (let r = 0; r < reps; r++) {
      const dayLoad = 0.5 + u(); // shared across policies: the noise CRN cancels
      let b = 0;
      let t = 0;
      for (let k = 0; k < 200; k++) {
        const s = exponential(u, 60 * dayLoad);
        b += s;
        t += 0.9 * s; // the treatment clears each traveller 10% faster
      }
      baseline.push(b / 200);
      treatment.push(t / 200);
    }
    const paired = pairedDifference(treatment, baseline);
    const welch = independentDifference(treatment, baseline);
    expect(welch.mean).toBeCloseTo(paired.mean, 10);
    expect(paired.halfWidth * 5).toBeLessThan(welch.halfWidth);
    expect(paired.relativeChange).toBeCloseTo(-0.1, 10);
    expect(paired.relativeLower).toBeLessThanOrEqual(-0.1 + 1e-12);
    expect(paired.relativeUpper).toBeGreaterThanOrEqual(-0.1 - 1e-12);
    expect(welch.df).toBeGreaterThan(reps - 1);
    expect(welch.df).toBeLessThanOrEqual(2 * reps - 2);
  });

  it("Welch interval by hand", () => {
    const a = [1, 2, 3, 4];
    const b = [2, 4, 6];
    // va = 5/3 / 4, vb = 4 / 3
    const va = 5 / 3 / 4;
    const vb = 4 / 3;
    const df = (va + vb) ** 2 / (va ** 2 / 3 + vb ** 2 / 2);
    const w = independentDifference(a, b);
    expect(w.mean).toBe(-1.5);
    expect(w.df).toBeCloseTo(df, 12);
    expect(w.standardError).toBeCloseTo(Math.sqrt(va + vb), 14);
    expect(w.halfWidth).toBeCloseTo(studentTQuantile(0.975, df) * Math.sqrt(va + vb), 12);
    expect(independentDifference([1, 1], [2, 2]).halfWidth).toBe(0);
    expect(independentDifference([1], [2, 3]).halfWidth).toBeNaN();
  });

  it("relativeHalfWidth", () => {
    expect(relativeHalfWidth({ mean: -50, halfWidth: 5 })).toBe(0.1);
    expect(relativeHalfWidth(confidenceInterval([9, 10, 11]))).toBeCloseTo((studentTQuantile(0.975, 2) / Math.sqrt(3)) / 10, 14);
    expect(relativeHalfWidth({ mean: 0, halfWidth: 1 })).toBe(Infinity);
  });
});
