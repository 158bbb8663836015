import { readFileSync } from "node:fs";
import { describe, it, expect } from "vitest";
import { studentTCdf, studentTQuantile } from "../src/index.js";

const relErr = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
/** The standard normal's 0.975 quantile (mpmath). */
const Z975 = 1.9599639845400538556;

/** Values of the hand-written implementation the library replaced (see the file's comment). */
const pinned = JSON.parse(readFileSync(new URL("./pinned/student-t-grid.json", import.meta.url), "utf8")) as {
  quantiles: [number, number, number][];
  cdfs: [number, number, number][];
};

describe("Student t from the library agrees with the implementation it replaced", () => {
  it("quantiles to 1e-10 (relative above 1) over a grid of p and df", () => {
    let worst = 0;
    for (const [p, df, t] of pinned.quantiles) worst = Math.max(worst, Math.abs(studentTQuantile(p, df) - t) / Math.max(1, Math.abs(t)));
    expect(worst).toBeLessThan(1e-10);
    expect(pinned.quantiles.length).toBeGreaterThan(500);
  });

  it("CDF values to 1e-10, and tail probabilities to 1e-10 relative", () => {
    for (const [t, df, c] of pinned.cdfs) {
      const got = studentTCdf(t, df);
      expect(Math.abs(got - c), `cdf(${t}, ${df})`).toBeLessThan(1e-10);
      const tail = Math.min(c, 1 - c);
      if (tail > 0) expect(Math.abs(Math.min(got, 1 - got) - tail) / tail, `tail(${t}, ${df})`).toBeLessThan(1e-10);
    }
  });
});

describe("Student t quantiles", () => {
  it("match printed table values (9-10 significant digits)", () => {
    const table: Array<[number, number, number]> = [
      [0.975, 1, 12.706204736],
      [0.975, 2, 4.30265273],
      [0.975, 9, 2.262157163],
      [0.975, 29, 2.045229642],
      [0.995, 29, 2.756385904],
    ];
    for (const [p, df, t] of table) {
      expect(Math.abs(studentTQuantile(p, df) - t), `t(${p}, ${df})`).toBeLessThan(6e-10);
      expect(Math.abs(studentTQuantile(1 - p, df) + t)).toBeLessThan(6e-10);
    }
    expect(Math.abs(studentTQuantile(0.975, 1000) - 1.962339)).toBeLessThan(1e-6);
  });

  it("match high-precision references to 1e-12 relative, including extreme tails and huge df", () => {
    // 50-digit values from mpmath (betainc), for the same double-precision p.
    const refs: Array<[number, number, number]> = [
      [0.6, 4.7, 0.26808271954103179624],
      [0.9, 1.5, 2.1963984175655377638],
      [0.995, 2.5, 7.1637281389487828791],
      [0.999999, 3, 103.29946777942897177],
      [1e-10, 10, -25.466008021697726065],
      [1e-100, 30, -10810.645001143975864],
      [0.5 + 1e-9, 5, 2.6343054496370241136e-9],
      [0.975, 99999, 1.9599877077718443991],
      [0.975, 1e6, 1.9599663568141066553],
      // Either side of the switch to the Cornish-Fisher expansion (df >= 1e5), deep in the tail.
      [1e-300, 99999, -37.174671944880964486],
      [1e-300, 1e5, -37.174670665466219077],
      [1e-300, 1e7, -37.048368428741473079],
    ];
    for (const [p, df, t] of refs) expect(relErr(studentTQuantile(p, df), t), `t(${p}, ${df})`).toBeLessThan(1e-12);
  });

  it("agree with closed forms for df = 1, 2, 4", () => {
    for (const p of [1e-12, 0.01, 0.2, 0.45, 0.5 + 1e-10, 0.8, 0.975, 1 - 1e-9]) {
      // Cauchy: tan(pi (p - 1/2)), written as a cotangent in the tails where p - 1/2 is inexact.
      const cauchy = p < 0.25 ? -1 / Math.tan(Math.PI * p) : p > 0.75 ? 1 / Math.tan(Math.PI * (1 - p)) : Math.tan(Math.PI * (p - 0.5));
      expect(relErr(studentTQuantile(p, 1), cauchy)).toBeLessThan(1e-14);
      const df2 = (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
      expect(relErr(studentTQuantile(p, 2), df2)).toBeLessThan(1e-9);
      if (Math.abs(p - 0.5) < 0.01) continue; // the df = 4 formula cancels catastrophically near the centre
      // df = 4: t = sign * 2 sqrt(q - 1), q = cos(acos(sqrt(alpha)) / 3) / sqrt(alpha), alpha = 4p(1-p).
      const alpha = 4 * p * (1 - p);
      const q4 = Math.cos(Math.acos(Math.sqrt(alpha)) / 3) / Math.sqrt(alpha);
      expect(relErr(studentTQuantile(p, 4), Math.sign(p - 0.5) * 2 * Math.sqrt(q4 - 1)), `df4 p=${p}`).toBeLessThan(1e-8);
    }
  });

  it("invert the CDF and approach the normal as df grows", () => {
    for (const df of [1, 1.7, 3, 12.5, 40, 400, 5e4, 2e5, 1e9]) {
      for (const p of [1e-8, 0.025, 0.3, 0.5, 0.7, 0.975, 0.999]) {
        const t = studentTQuantile(p, df);
        const back = studentTCdf(t, df);
        const tail = Math.min(p, 1 - p);
        expect(Math.abs(back - p) / tail, `df=${df} p=${p}`).toBeLessThan(1e-11);
      }
    }
    expect(relErr(studentTQuantile(0.975, 1e12), Z975)).toBeLessThan(1e-11);
    expect(relErr(studentTQuantile(0.975, 1e300), Z975)).toBeLessThan(1e-14);
    expect(relErr(studentTQuantile(0.975, Infinity), Z975)).toBeLessThan(1e-14);
    // Monotone in df: heavier tails for fewer degrees of freedom.
    let prev = Infinity;
    for (const df of [1, 2, 3, 5, 10, 30, 100, 1e3, 1e5, 1e7]) {
      const t = studentTQuantile(0.975, df);
      expect(t).toBeLessThan(prev);
      prev = t;
    }
  });

  it("handle edges and reject bad arguments", () => {
    expect(studentTQuantile(0, 5)).toBe(-Infinity);
    expect(studentTQuantile(1, 5)).toBe(Infinity);
    expect(studentTQuantile(0.5, 5)).toBe(0);
    expect(studentTCdf(0, 7)).toBe(0.5);
    expect(studentTCdf(Infinity, 7)).toBe(1);
    expect(studentTCdf(-Infinity, 7)).toBe(0);
    expect(() => studentTQuantile(0.5, 0)).toThrow(RangeError);
    expect(() => studentTQuantile(1.5, 3)).toThrow(RangeError);
    expect(() => studentTQuantile(NaN, 3)).toThrow(RangeError);
    expect(() => studentTCdf(1, -1)).toThrow(RangeError);
  });
});
