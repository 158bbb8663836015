import { describe, expect, it } from "vitest";
import { PiecewiseConstantRate, RandomStream } from "../src/index.js";

describe("non-homogeneous Poisson arrivals", () => {
  // A day profile with a 2-minute peak at 100x the base rate: thinning with a
  // badly chosen bound, or stepping hour by hour, would miss or blur it.
  const edges = [0, 3600, 3660, 3780, 7200, 10800];
  const perHour = [60, 60, 6000, 120, 0];
  const rate = new PiecewiseConstantRate(
    edges,
    perHour.map((r) => r / 3600),
  );

  it("integrates the rate exactly", () => {
    expect(rate.integral(0, 10800)).toBeCloseTo(60 + 1 + 200 + (3420 / 3600) * 120, 9);
    expect(rate.rateAt(3700)).toBeCloseTo(6000 / 3600, 12);
    expect(rate.rateAt(20000)).toBe(0);
  });

  it("gives interval counts whose means match the integral of the rate, including the short peak", () => {
    const R = 400;
    const intervals = [
      [0, 3600],
      [3600, 3660],
      [3660, 3780],
      [3780, 7200],
      [7200, 10800],
    ] as const;
    const sums = new Float64Array(intervals.length);
    for (let r = 0; r < R; r++) {
      const rng = RandomStream.derive(99, 0, r, "arrivals");
      let t = rate.nextArrival(0, rng);
      while (t < Infinity) {
        for (let i = 0; i < intervals.length; i++) if (t >= intervals[i]![0] && t < intervals[i]![1]) sums[i]!++;
        t = rate.nextArrival(t, rng);
      }
    }
    intervals.forEach(([a, b], i) => {
      const lambda = rate.integral(a, b);
      const mean = sums[i]! / R;
      // Poisson: the mean count over R days has sd sqrt(lambda / R).
      const tol = 4 * Math.sqrt(Math.max(lambda, 1e-9) / R);
      expect(Math.abs(mean - lambda)).toBeLessThanOrEqual(tol);
    });
    expect(sums[4]).toBe(0);
  });

  it("scales demand without rebuilding", () => {
    let n1 = 0;
    let n3 = 0;
    for (let r = 0; r < 200; r++) {
      const a = RandomStream.derive(5, 0, r, "a");
      for (let t = rate.nextArrival(0, a); t < Infinity; t = rate.nextArrival(t, a)) n1++;
      const b = RandomStream.derive(5, 0, r, "b");
      for (let t = rate.nextArrival(0, b, 3); t < Infinity; t = rate.nextArrival(t, b, 3)) n3++;
    }
    const lam = rate.integral(0, 10800) * 200;
    expect(Math.abs(n1 - lam)).toBeLessThan(4 * Math.sqrt(lam));
    expect(Math.abs(n3 - 3 * lam)).toBeLessThan(4 * Math.sqrt(3 * lam));
  });
});
