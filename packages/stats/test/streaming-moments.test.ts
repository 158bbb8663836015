import { describe, expect, it } from "vitest";
import {
  PairedMoments,
  Welford,
  confidenceInterval,
  confidenceIntervalOf,
  pairedDifference,
  pairedDifferenceOf,
  pairedRatioInterval,
  pairedRatioIntervalOf,
} from "../src/index.js";
import { exponential, mulberry32, normal } from "./rng.js";

function welford(xs: readonly number[]): Welford {
  const w = new Welford();
  for (const x of xs) w.add(x);
  return w;
}

function paired(t: readonly number[], b: readonly number[]): PairedMoments {
  const m = new PairedMoments();
  t.forEach((x, i) => m.add(x, b[i]!));
  return m;
}

/** Streaming and two-pass agree to rounding: 1e-12 relative is some 10⁴ ulps, far above what the updates lose. */
function close(a: number, b: number, rel = 1e-12): void {
  if (Number.isNaN(b)) expect(a).toBeNaN();
  else expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(Math.abs(a), Math.abs(b)));
}

describe("Welford", () => {
  it("gives the two-pass mean exactly and its variance to rounding", () => {
    const rng = mulberry32(7);
    const xs = Array.from({ length: 500 }, () => 1000 + 50 * normal(rng));
    const s = confidenceIntervalOf(welford(xs));
    const t = confidenceInterval(xs);
    expect(s.mean).toBe(t.mean);
    expect(s.n).toBe(t.n);
    close(s.sd, t.sd);
    close(s.halfWidth, t.halfWidth);
  });

  it("is NaN-safe for tiny samples and exact for constant ones", () => {
    expect(confidenceIntervalOf(new Welford()).mean).toBeNaN();
    expect(confidenceIntervalOf(welford([4])).halfWidth).toBeNaN();
    expect(confidenceIntervalOf(welford([0.1, 0.1, 0.1])).sd).toBe(0);
  });
});

describe("PairedMoments", () => {
  it("gives pairedDifference and the delta-method ratio interval from co-moments", () => {
    const rng = mulberry32(11);
    const b = Array.from({ length: 300 }, () => 600 + exponential(rng, 300));
    const t = b.map((x) => 0.8 * x + 20 * normal(rng));
    const s = pairedDifferenceOf(paired(t, b));
    const r = pairedDifference(t, b);
    expect(s.mean).toBe(r.mean);
    expect(s.baselineMean).toBe(r.baselineMean);
    expect(s.treatmentMean).toBe(r.treatmentMean);
    expect(s.relativeChange).toBe(r.relativeChange);
    close(s.sd, r.sd);
    close(s.relativeLower, r.relativeLower);
    close(s.relativeUpper, r.relativeUpper);
    const ratio = pairedRatioIntervalOf(paired(t, b));
    close(ratio.logStandardError, pairedRatioInterval(t, b).logStandardError, 1e-10);
  });

  it("keeps the sign conditions and the exact cases of the ratio", () => {
    expect(pairedRatioIntervalOf(paired([1, -1, 2], [2, 2, 2])).lower).toBeNaN();
    expect(pairedRatioIntervalOf(paired([-1, -2, -3], [-2, -2, -3])).lower).toBeGreaterThan(0);
    const zero = pairedRatioIntervalOf(paired([0, 0, 0], [1, 2, 3]));
    expect([zero.ratio, zero.lower, zero.upper]).toEqual([0, 0, 0]);
    // Identical policies: the interval is the point 1, exactly, as in the two-pass code.
    const same = [3.1, 4.7, 5.9, 2.2];
    const id = pairedRatioIntervalOf(paired(same, same));
    expect([id.lower, id.upper]).toEqual([1, 1]);
    expect(pairedRatioIntervalOf(paired([1], [1])).lower).toBeNaN();
  });
});
