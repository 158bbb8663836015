import { describe, expect, it } from "vitest";
import { confidenceInterval, erlangC, mmcMeanWait, pollaczekKhinchineMeanWait } from "@hetao/stats";
import { simulateReplication } from "../src/index.js";
import { stationScenario } from "./helpers.js";

/**
 * The whole stack (scenario → population → crossing day → result) against
 * queueing theory. Each case runs R independent replications of a 22-hour
 * day (3-hour warm-up discarded, the last 2 hours only drain the system) and
 * builds a 99% Student-t interval from the per-replication estimates; the
 * theoretical value must lie inside it. The tolerance is the interval: it
 * comes from the replications, not from a hand-picked constant. Seeds are
 * fixed, so the check is deterministic; a correct model would fail it with
 * probability about 1% per assertion.
 */
const R = 30;
const LEVEL = 0.99;

function replicate(scenario: ReturnType<typeof stationScenario>) {
  const meanWait: number[] = [];
  const pWait: number[] = [];
  const littleGap: number[] = [];
  const conservation: number[] = [];
  for (let r = 0; r < R; r++) {
    const res = simulateReplication(scenario, { seed: 20261122, point: 0, replication: r });
    const p = res.policies["station"]!;
    meanWait.push(p.summary.meanWait);
    pWait.push(1 - p.wait.zeroCount / p.wait.count);
    conservation.push(p.arrived - p.cleared - p.inSystem);
    // Little's law for the waiting line over the observation hours 3..21:
    // time-average queue length = arrival rate × mean wait, hour by hour.
    const cp = p.checkpoints["station"]!;
    let lq = 0;
    let arrivals = 0;
    for (let h = 4; h < 21; h++) {
      lq += cp.hourlyQueue[h]!;
      arrivals += p.hourly.arrivals[h]!;
    }
    const hours = 17;
    littleGap.push(lq / hours - (arrivals / (hours * 3600)) * p.summary.meanWait);
  }
  return { meanWait, pWait, littleGap, conservation };
}

describe.each([
  { c: 1, rho: 0.5, meanService: 10 },
  { c: 1, rho: 0.9, meanService: 10 },
  { c: 4, rho: 0.5, meanService: 40 },
  { c: 4, rho: 0.9, meanService: 40 },
])("M/M/$c at ρ = $rho", ({ c, rho, meanService }) => {
  const mu = 1 / meanService;
  const lambda = rho * c * mu;
  const scenario = stationScenario({
    servers: c,
    service: { kind: "exponential", mean: meanService },
    ratePerHour: lambda * 3600,
  });
  const runs = replicate(scenario);

  it("matches the Erlang-C mean wait", () => {
    const ci = confidenceInterval(runs.meanWait, LEVEL);
    const wq = mmcMeanWait(lambda, mu, c);
    expect(wq).toBeGreaterThanOrEqual(ci.lower);
    expect(wq).toBeLessThanOrEqual(ci.upper);
    // Guard against a vacuous check: the interval must be informative
    // (relative half-width about 0.1-0.16 here; a broken run would give NaN or huge).
    expect(ci.halfWidth / wq).toBeLessThan(0.25);
  });

  it("matches the Erlang-C probability of waiting", () => {
    const ci = confidenceInterval(runs.pWait, LEVEL);
    const pw = erlangC(c, lambda / mu);
    expect(pw).toBeGreaterThanOrEqual(ci.lower);
    expect(pw).toBeLessThanOrEqual(ci.upper);
  });

  it("obeys Little's law (L = λW) and conserves travellers", () => {
    const ci = confidenceInterval(runs.littleGap, LEVEL);
    expect(0).toBeGreaterThanOrEqual(ci.lower);
    expect(0).toBeLessThanOrEqual(ci.upper);
    expect(runs.conservation.every((x) => x === 0)).toBe(true);
  });
});

describe("M/D/1 (Pollaczek–Khinchine)", () => {
  it("matches the PK mean wait", () => {
    const s = 20;
    const rho = 0.8;
    const lambda = rho / s;
    const scenario = stationScenario({ servers: 1, service: { kind: "deterministic", value: s }, ratePerHour: lambda * 3600 });
    const { meanWait } = replicate(scenario);
    const ci = confidenceInterval(meanWait, LEVEL);
    const wq = pollaczekKhinchineMeanWait(lambda, s, s * s);
    expect(wq).toBeCloseTo(40, 9);
    expect(wq).toBeGreaterThanOrEqual(ci.lower);
    expect(wq).toBeLessThanOrEqual(ci.upper);
  });
});
