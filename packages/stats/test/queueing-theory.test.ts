import { describe, it, expect } from "vitest";
import { erlangB } from "../src/queueing-theory.js";
import {
  erlangC,
  mmcMeanQueueLength,
  mmcMeanWait,
  mmcMinServers,
  mmcWaitTailProbability,
  pollaczekKhinchineMeanWait,
} from "../src/index.js";
import { exponential, mulberry32 } from "./rng.js";

/** Erlang C from the textbook formula with explicit powers and factorials (fine for small c). */
function erlangCDirect(c: number, a: number): number {
  let sum = 0;
  let term = 1; // a^k / k!
  for (let k = 0; k < c; k++) {
    sum += term;
    term *= a / (k + 1);
  }
  const last = term * (c / (c - a)); // a^c / c! * c / (c - a)
  return last / (sum + last);
}

describe("Erlang B and C", () => {
  it("M/M/1: P(wait) = rho", () => {
    for (const rho of [0.1, 0.3, 0.7, 0.95]) expect(erlangC(1, rho)).toBeCloseTo(rho, 14);
  });

  it("M/M/2 with a = 1: C = 1/3", () => {
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 15);
  });

  it("matches the direct formula", () => {
    expect(erlangC(4, 3.6)).toBeCloseTo(erlangCDirect(4, 3.6), 14);
    for (const [c, a] of [[3, 0.5], [10, 8.7], [25, 20], [50, 49.5]] as const) {
      expect(Math.abs(erlangC(c, a) / erlangCDirect(c, a) - 1)).toBeLessThan(1e-12);
    }
    expect(erlangB(1, 1)).toBe(0.5);
    expect(erlangB(2, 2)).toBeCloseTo(0.4, 15); // (4/2) / (1 + 2 + 2)
  });

  it("stays stable for thousands of servers", () => {
    const c = erlangC(2000, 1980);
    expect(c).toBeGreaterThan(0);
    expect(c).toBeLessThan(1);
    expect(erlangC(2000, 1500)).toBeLessThan(1e-30);
  });

  it("rejects unstable or malformed systems", () => {
    expect(() => erlangC(2, 2)).toThrow(RangeError);
    expect(() => erlangC(0, 0.5)).toThrow(RangeError);
    expect(() => erlangC(1.5, 0.5)).toThrow(RangeError);
    expect(() => mmcMeanWait(3, 1, 3)).toThrow(RangeError);
    expect(erlangC(3, 0)).toBe(0);
  });
});

describe("M/M/c measures", () => {
  it("M/M/1 closed forms", () => {
    // Wq = rho / (mu - lambda), Lq = rho^2 / (1 - rho)
    expect(mmcMeanWait(0.5, 1, 1)).toBeCloseTo(1, 14);
    expect(mmcMeanQueueLength(0.5, 1, 1)).toBeCloseTo(0.5, 14);
    expect(mmcMeanQueueLength(0.8, 1, 1)).toBeCloseTo(0.64 / 0.2, 12);
    expect(mmcWaitTailProbability(0.5, 1, 1, 0)).toBeCloseTo(0.5, 14);
    expect(mmcWaitTailProbability(0.5, 1, 1, 2)).toBeCloseTo(0.5 * Math.exp(-1), 14);
    expect(mmcWaitTailProbability(0.5, 1, 1, -1)).toBe(1);
  });

  it("tail probability integrates to the mean wait", () => {
    // E[Wq] = integral of P(Wq > t) dt = C / (c mu - lambda)
    const [lambda, mu, c] = [9, 1, 10];
    let area = 0;
    const dt = 0.001;
    for (let t = dt / 2; t < 60; t += dt) area += mmcWaitTailProbability(lambda, mu, c, t) * dt;
    expect(area).toBeCloseTo(mmcMeanWait(lambda, mu, c), 6);
  });

  it("matches a simulated M/M/2 queue", () => {
    const u = mulberry32(8);
    const [lambda, mu] = [1.5, 1];
    const free = [0, 0];
    let t = 0;
    let waitSum = 0;
    let waited = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      t += exponential(u, 1 / lambda);
      const k = free[0]! <= free[1]! ? 0 : 1;
      const start = Math.max(t, free[k]!);
      waitSum += start - t;
      if (start > t) waited++;
      free[k] = start + exponential(u, 1 / mu);
    }
    expect(waitSum / n).toBeCloseTo(mmcMeanWait(lambda, mu, 2), 1); // 1.286
    expect(Math.abs(waited / n - erlangC(2, 1.5))).toBeLessThan(0.01); // 0.643
  });

  it("mmcMinServers finds the smallest stable c meeting a target", () => {
    const [lambda, mu] = [10, 1];
    const c = mmcMinServers(lambda, mu, (k) => mmcMeanWait(lambda, mu, k) <= 0.1);
    expect(mmcMeanWait(lambda, mu, c)).toBeLessThanOrEqual(0.1);
    expect(mmcMeanWait(lambda, mu, c - 1)).toBeGreaterThan(0.1);
    expect(c).toBe(13);
    expect(mmcMinServers(10, 1, () => true)).toBe(11); // smallest c with rho < 1
    expect(mmcMinServers(10, 2, () => true)).toBe(6); // a = 5 exactly: c = 5 is unstable
    expect(() => mmcMinServers(10, 1, () => false, 50)).toThrow(RangeError);
  });
});

describe("Pollaczek-Khinchine (M/G/1)", () => {
  it("M/D/1 with rho = 0.5 and unit service: Wq = 0.5", () => {
    expect(pollaczekKhinchineMeanWait(0.5, 1, 1)).toBeCloseTo(0.5, 15);
  });

  it("reduces to M/M/1 for exponential service (E[S^2] = 2/mu^2)", () => {
    for (const [lambda, mu] of [[0.5, 1], [2, 3], [0.9, 1]] as const) {
      expect(pollaczekKhinchineMeanWait(lambda, 1 / mu, 2 / mu ** 2)).toBeCloseTo(mmcMeanWait(lambda, mu, 1), 12);
    }
  });

  it("rejects unstable systems and impossible moments", () => {
    expect(() => pollaczekKhinchineMeanWait(1, 1, 1)).toThrow(RangeError);
    expect(() => pollaczekKhinchineMeanWait(0.5, 1, 0.5)).toThrow(RangeError);
  });
});
