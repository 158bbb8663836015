import { describe, expect, it } from "vitest";
import { createDistribution, inverseNormalCdf, RandomStream, type DistributionSpec } from "../src/index.js";

const N = 200_000;

/**
 * For each law: the sample mean must lie within 4.5 standard errors of the
 * exact mean, and the sample variance within 4.5 standard errors of the exact
 * variance (its standard error estimated from the fourth central moment).
 * With fixed seeds this either passes or fails deterministically; a correct
 * sampler fails such a bound with probability below 1e-5.
 */
const cases: [DistributionSpec, number, number][] = [
  [{ kind: "exponential", mean: 40 }, 40, 1600],
  [{ kind: "lognormal", mean: 15, sd: 6, min: 6 }, 15, 36],
  [{ kind: "lognormal", mean: 240, sd: 180, min: 60 }, 240, 180 * 180],
  [{ kind: "gamma", mean: 10, sd: 5 }, 10, 25],
  [{ kind: "gamma", mean: 2, sd: 4 }, 2, 16],
  [{ kind: "erlang", k: 3, mean: 30 }, 30, 300],
  [{ kind: "triangular", min: 180, mode: 240, max: 420 }, 280, (180 ** 2 + 240 ** 2 + 420 ** 2 - 180 * 240 - 180 * 420 - 240 * 420) / 18],
  [{ kind: "uniform", min: 2, max: 8 }, 5, 3],
  [{ kind: "deterministic", value: 7 }, 7, 0],
  [{ kind: "empirical", values: [1, 2, 10], weights: [1, 1, 2] }, 5.75, (1 + 4 + 200) / 4 - 5.75 ** 2],
];

describe("distributions", () => {
  for (const [spec, mean, variance] of cases) {
    it(`${spec.kind} ${JSON.stringify(spec)} has the right mean and variance`, () => {
      const d = createDistribution(spec);
      expect(d.mean).toBeCloseTo(mean, 9);
      expect(d.variance).toBeCloseTo(variance, 6);
      const r = RandomStream.derive(2026, 0, 0, spec.kind);
      const xs = new Float64Array(N);
      let s = 0;
      let lowest = Infinity;
      for (let i = 0; i < N; i++) {
        const x = d.sample(r);
        if (x < lowest) lowest = x;
        xs[i] = x;
        s += x;
      }
      expect(lowest).toBeGreaterThanOrEqual(0);
      const m = s / N;
      let m2 = 0;
      let m4 = 0;
      for (const x of xs) {
        const c = x - m;
        m2 += c * c;
        m4 += c ** 4;
      }
      const v = m2 / (N - 1);
      m4 /= N;
      if (variance === 0) {
        expect(v).toBe(0);
        expect(m).toBe(mean);
        return;
      }
      expect(Math.abs(m - mean)).toBeLessThan(4.5 * Math.sqrt(variance / N));
      const seVar = Math.sqrt(Math.max(m4 - v * v, 0) / N);
      expect(Math.abs(v - variance)).toBeLessThan(4.5 * seVar);
    });
  }

  it("respects the lognormal minimum", () => {
    const d = createDistribution({ kind: "lognormal", mean: 9, sd: 3, min: 5 });
    const r = new RandomStream(3);
    let lowest = Infinity;
    for (let i = 0; i < 10_000; i++) lowest = Math.min(lowest, d.sample(r));
    expect(lowest).toBeGreaterThan(5);
  });

  it("rejects impossible parameters", () => {
    expect(() => createDistribution({ kind: "exponential", mean: 0 })).toThrow(/mean/);
    expect(() => createDistribution({ kind: "lognormal", mean: 5, sd: 1, min: 6 })).toThrow(/minimum/);
    expect(() => createDistribution({ kind: "triangular", min: 3, mode: 1, max: 4 })).toThrow(/triangular/);
    expect(() => createDistribution({ kind: "erlang", k: 1.5, mean: 3 })).toThrow(/integer/);
  });

  it("inverts the normal CDF accurately", () => {
    expect(inverseNormalCdf(0.5)).toBeCloseTo(0, 12);
    expect(inverseNormalCdf(0.975)).toBeCloseTo(1.959963985, 8);
    expect(inverseNormalCdf(0.001)).toBeCloseTo(-3.090232306, 8);
    expect(inverseNormalCdf(1e-9)).toBeCloseTo(-5.997807015, 6);
  });
});
