import { describe, expect, it } from "vitest";
import { nextReplications, parsePrecision, skewness, type PrecisionCheck } from "../src/index.js";

const check = (relativeHalfWidth: number | null, target = 0.05): PrecisionCheck => ({ measure: "meanCrossing", subject: "p", relativeHalfWidth, target, met: relativeHalfWidth !== null && relativeHalfWidth <= target });

describe("the sequential rule of run --precision", () => {
  it("parses a share, a percentage and a measure", () => {
    expect(parsePrecision("5%")).toEqual({ measure: "meanCrossing", relativeHalfWidth: 0.05 });
    expect(parsePrecision("0.05")).toEqual({ measure: "meanCrossing", relativeHalfWidth: 0.05 });
    expect(parsePrecision("meanWait=10%")).toEqual({ measure: "meanWait", relativeHalfWidth: 0.1 });
    expect(() => parsePrecision("meanWiat=10%")).toThrow(/unknown measure "meanWiat"/);
    expect(() => parsePrecision("150%")).toThrow(/above 0 and below 100%/);
  });

  it("grows n as the square of the widest ratio (a half-width shrinks as 1/√n), at least by half, never past the cap", () => {
    expect(nextReplications(10, [check(0.1)], 1000)).toBe(Math.ceil(1.1 * 10 * 4));
    expect(nextReplications(10, [check(0.051), check(0.01)], 1000)).toBe(15);
    expect(nextReplications(10, [check(null)], 200)).toBe(200);
    expect(nextReplications(100, [check(0.5)], 150)).toBe(150);
  });

  it("measures skewness: 0 for a symmetric sample, large for one long tail", () => {
    expect(skewness([1, 2, 3, 4, 5])).toBeCloseTo(0, 12);
    expect(skewness([1, 1, 1, 1, 1, 1, 1, 1, 1, 20])!).toBeGreaterThan(2);
    expect(skewness([2, 2, 2])).toBeNull();
  });
});
