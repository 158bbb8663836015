import { describe, it, expect } from "vitest";
import { bucketLookup, lookupPosition } from "../src/bucket-lookup.js";
import { LogHistogram } from "../src/index.js";
import { mulberry32 } from "./rng.js";

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);
/** The double k ulps above (k < 0: below) positive x. */
function ulps(x: number, k: number): number {
  F64[0] = x;
  U64[0] = U64[0]! + BigInt(k);
  return F64[0]!;
}

/** The histogram's definition of a bucket position (log-histogram.ts, #index and #logPosition). */
function definition(a: number, lo: number, hi: number) {
  const gamma = (1 + a) / (1 - a);
  const logGamma = Math.log(gamma);
  const index = (x: number) => Math.ceil(Math.log(x) / logGamma);
  const minIndex = index(lo);
  const size = index(hi) - minIndex + 1;
  const position = (x: number) => {
    if (x > hi) return size - 1;
    const p = index(x) - minIndex;
    return p < 0 ? 0 : p >= size ? size - 1 : p;
  };
  return { gamma, logGamma, minIndex, size, position };
}

// The simulator's configuration, the default one, and a fine and a coarse one.
const CONFIGS: [number, number, number][] = [
  [0.01, 0.01, 2e5],
  [0.005, 1e-3, 1e7],
  [0.001, 1e-2, 1e3],
  [0.2, 0.5, 1e4],
];

describe("bucketLookup", () => {
  for (const [a, lo, hi] of CONFIGS) {
    it(`gives the logarithm's bucket bit for bit (a = ${a}, [${lo}, ${hi}])`, () => {
      const d = definition(a, lo, hi);
      const lookup = bucketLookup(`test ${a} ${lo} ${hi}`, lo, hi, d.gamma, d.logGamma, d.minIndex, d.size, d.position)!;
      expect(lookup).not.toBeNull();
      let mismatches = 0;
      // Every boundary is exact, and so is every value within 200 ulps of one (where rounding could bite).
      for (let p = 1; p < d.size; p++) {
        const b = lookup.lower[p]!;
        expect(d.position(b)).toBe(p);
        expect(d.position(ulps(b, -1))).toBe(p - 1);
        for (let k = -200; k <= 200; k++) {
          const x = ulps(b, k);
          if (x >= lo && x <= hi && lookupPosition(lookup, x) !== d.position(x)) mismatches++;
        }
      }
      // And values anywhere in the range, log-uniform, plus the ends.
      const rng = mulberry32(7);
      for (let i = 0; i < 200_000; i++) {
        const x = lo * Math.pow(hi / lo, rng());
        if (x >= lo && x <= hi && lookupPosition(lookup, x) !== d.position(x)) mismatches++;
      }
      for (const x of [lo, ulps(lo, 1), hi, ulps(hi, -1), 1, ulps(1, 1), ulps(1, -1)]) {
        if (x >= lo && x <= hi && lookupPosition(lookup, x) !== d.position(x)) mismatches++;
      }
      expect(mismatches).toBe(0);
    });
  }

  it("leaves LogHistogram's buckets as the logarithm puts them", () => {
    const [a, lo, hi] = CONFIGS[0]!;
    const d = definition(a, lo, hi);
    const h = new LogHistogram({ relativeAccuracy: a, minTrackable: lo, maxTrackable: hi });
    const counts = new Map<number, number>();
    const rng = mulberry32(11);
    for (let i = 0; i < 50_000; i++) {
      const x = 1e-3 * Math.pow(1e9, rng());
      h.record(x);
      if (x >= lo) counts.set(d.position(x), (counts.get(d.position(x)) ?? 0) + 1);
    }
    const s = h.toJSON();
    const positions = [...counts.keys()].sort((x, y) => x - y);
    expect(s.offset).toBe(positions[0]! + d.minIndex);
    expect(s.counts.length).toBe(positions[positions.length - 1]! - positions[0]! + 1);
    s.counts.forEach((c, k) => expect(c).toBe(counts.get(k + positions[0]!) ?? 0));
  });
});
