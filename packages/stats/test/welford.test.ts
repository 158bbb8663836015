import { describe, it, expect } from "vitest";
import { Welford } from "../src/index.js";
import { mulberry32, normal } from "./rng.js";

function twoPass(xs: number[]): { mean: number; variance: number } {
  let s = 0;
  for (const x of xs) s += x;
  const mean = s / xs.length;
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  return { mean, variance: ss / (xs.length - 1) };
}

const relClose = (a: number, b: number, tol: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.abs(b));

describe("Welford", () => {
  const u = mulberry32(42);
  // Large offset relative to spread: the case where the naive sum-of-squares formula fails.
  const xs = Array.from({ length: 10_000 }, () => 1e6 + 3 * normal(u));

  it("matches a two-pass computation", () => {
    const w = new Welford();
    for (const x of xs) w.add(x);
    const ref = twoPass(xs);
    expect(w.count).toBe(xs.length);
    relClose(w.mean, ref.mean, 1e-14);
    relClose(w.variance, ref.variance, 1e-9);
    relClose(w.sd, Math.sqrt(ref.variance), 1e-9);
    expect(w.min).toBe(Math.min(...xs));
    expect(w.max).toBe(Math.max(...xs));
    relClose(w.sum, xs.reduce((a, b) => a + b, 0), 1e-14);
    // Sanity: variance of N(., 9) within sampling error.
    expect(w.variance).toBeGreaterThan(8.5);
    expect(w.variance).toBeLessThan(9.5);
  });

  it("merges uneven splits to the same moments", () => {
    const whole = new Welford();
    for (const x of xs) whole.add(x);
    const cuts = [0, 1, 137, 5000, 9999, xs.length];
    const merged = new Welford();
    for (let k = 0; k + 1 < cuts.length; k++) {
      const part = new Welford();
      for (const x of xs.slice(cuts[k], cuts[k + 1])) part.add(x);
      merged.merge(part);
    }
    merged.merge(new Welford()); // empty merge is a no-op
    expect(merged.count).toBe(whole.count);
    relClose(merged.mean, whole.mean, 1e-14);
    relClose(merged.variance, whole.variance, 1e-9);
    expect(merged.min).toBe(whole.min);
    expect(merged.max).toBe(whole.max);
  });

  it("handles small counts and bad input", () => {
    const w = new Welford();
    expect(w.count).toBe(0);
    expect(w.mean).toBeNaN();
    expect(w.variance).toBe(0);
    expect(w.min).toBeNaN();
    w.add(5);
    expect(w.mean).toBe(5);
    expect(w.variance).toBe(0);
    w.add(7);
    expect(w.variance).toBe(2);
    expect(() => w.add(NaN)).toThrow(RangeError);
    expect(() => w.add(Infinity)).toThrow(RangeError);
    expect(w.count).toBe(2);
  });

  it("round-trips through JSON", () => {
    const w = new Welford();
    for (const x of xs.slice(0, 100)) w.add(x);
    const back = Welford.fromJSON(JSON.parse(JSON.stringify(w)));
    expect(back.toJSON()).toEqual(w.toJSON());
    back.add(1);
    w.add(1);
    expect(back.variance).toBe(w.variance);
    const empty = Welford.fromJSON(JSON.parse(JSON.stringify(new Welford())));
    expect(empty.count).toBe(0);
    expect(empty.toJSON().min).toBeNull();
    expect(() => Welford.fromJSON({ count: 2, mean: 0, m2: -1, sum: 0, min: 0, max: 0 })).toThrow(RangeError);
  });
});
