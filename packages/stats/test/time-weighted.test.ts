import { describe, it, expect } from "vitest";
import { BinnedTimeWeighted, TimeWeighted } from "../src/index.js";
import { exponential, mulberry32 } from "./rng.js";

describe("TimeWeighted", () => {
  it("integrates a hand-computed step signal", () => {
    const tw = new TimeWeighted(0, 0);
    tw.update(2, 3); // 0 on [0,2)
    tw.update(5, 1); // 3 on [2,5)  -> 9
    tw.update(5, 4); // 1 for zero time
    // 4 on [5,10) -> 20
    expect(tw.area(10)).toBe(29);
    expect(tw.mean(10)).toBe(2.9);
    expect(tw.max).toBe(4);
    expect(tw.min).toBe(0);
    expect(tw.current).toBe(4);
    expect(tw.mean(5)).toBe(9 / 5);
  });

  it("respects a non-zero start and initial value, and reset", () => {
    const tw = new TimeWeighted(100, 2);
    tw.update(110, 0);
    expect(tw.mean(120)).toBe(1);
    expect(new TimeWeighted(100, 2).mean(100)).toBeNaN(); // empty window
    tw.reset(120, 5);
    expect(tw.mean(130)).toBe(5);
    expect(tw.max).toBe(5);
  });

  it("rejects time going backwards", () => {
    const tw = new TimeWeighted(0, 1);
    tw.update(5, 2);
    expect(() => tw.update(4, 1)).toThrow(RangeError);
    expect(() => tw.update(NaN, 1)).toThrow(RangeError);
    expect(() => tw.area(4.999)).toThrow(RangeError);
    expect(tw.area(6)).toBe(5 + 2);
  });

  it("satisfies Little's law on a simulated single-server queue", () => {
    // FIFO M/M/1 by the Lindley recursion; L (time-average number in system) = lambda_hat * W.
    const u = mulberry32(3);
    const n = 20_000;
    const events: Array<[number, number]> = []; // (time, +1 arrival / -1 departure)
    let t = 0;
    let free = 0;
    let totalSojourn = 0;
    for (let i = 0; i < n; i++) {
      t += exponential(u, 1);
      const start = Math.max(t, free);
      free = start + exponential(u, 0.8);
      totalSojourn += free - t;
      events.push([t, 1], [free, -1]);
    }
    events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const tw = new TimeWeighted(0, 0);
    let inSystem = 0;
    for (const [time, d] of events) tw.update(time, (inSystem += d));
    const end = free;
    // Every customer is inside [0, end], so area = total sojourn exactly (up to rounding).
    expect(Math.abs(tw.area(end) - totalSojourn)).toBeLessThan(1e-6 * totalSojourn);
    expect(tw.current).toBe(0);
  });
});

describe("BinnedTimeWeighted", () => {
  it("splits segments across bins (hand-computed)", () => {
    const b = new BinnedTimeWeighted(0, 10, 3);
    b.update(5, 2); // 0 on [0,5), 2 on [5,25)
    b.update(25, 4); // 4 on [25,30)
    b.finish(30);
    expect(Array.from(b.binMeans())).toEqual([1, 2, 3]);
    expect(Array.from(b.binAreas())).toEqual([10, 20, 30]);
    expect(Array.from(b.binMaxima())).toEqual([2, 2, 4]);
  });

  it("agrees with TimeWeighted over the whole span and across many bins", () => {
    const u = mulberry32(11);
    const hours = 24;
    const b = new BinnedTimeWeighted(6 * 3600, 3600, hours, 1);
    const tw = new TimeWeighted(6 * 3600, 1);
    let t = 6 * 3600;
    while (true) {
      t += exponential(u, 900);
      if (t >= 6 * 3600 + hours * 3600) break;
      const v = Math.floor(u() * 20);
      b.update(t, v);
      tw.update(t, v);
    }
    const end = 6 * 3600 + hours * 3600;
    b.finish(end);
    const areas = b.binAreas();
    let total = 0;
    for (const a of areas) total += a;
    expect(Math.abs(total - tw.area(end))).toBeLessThan(1e-9 * total);
    const means = b.binMeans();
    for (let k = 0; k < hours; k++) expect(means[k]).toBeCloseTo(areas[k]! / 3600, 12);
    const maxima = b.binMaxima();
    expect(Math.max(...maxima)).toBe(tw.max);
  });

  it("handles partial coverage, values at boundaries and time beyond the last bin", () => {
    const b = new BinnedTimeWeighted(0, 10, 3, 7);
    b.update(10, 1); // exactly at a boundary: 7 belongs only to bin 0
    b.finish(15);
    const m = b.binMeans();
    expect(m[0]).toBe(7);
    expect(m[1]).toBe(1); // covered for 5 of 10
    expect(m[2]).toBeNaN();
    expect(Array.from(b.binMaxima())).toEqual([7, 1, NaN]);

    const late = new BinnedTimeWeighted(0, 10, 2, 3);
    late.update(50, 9); // beyond the end: ignored
    late.finish(60);
    expect(Array.from(late.binMeans())).toEqual([3, 3]);
  });

  it("enforces ordering and the finish protocol", () => {
    const b = new BinnedTimeWeighted(0, 10, 2);
    expect(() => b.binMeans()).toThrow();
    b.update(3, 1);
    expect(() => b.update(2, 1)).toThrow(RangeError);
    b.finish(20);
    expect(() => b.update(21, 0)).toThrow();
    expect(() => new BinnedTimeWeighted(0, 0, 2)).toThrow(RangeError);
    expect(() => new BinnedTimeWeighted(0, 1, 0)).toThrow(RangeError);
  });
});
