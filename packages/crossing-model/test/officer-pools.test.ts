import { describe, expect, it } from "vitest";
import { parseScenario, resolveScenario, type ResolvedScenario } from "@hetao/scenario";
import { confidenceInterval, erlangC, mmcMeanWait } from "@hetao/stats";
import { simulateReplication } from "../src/index.js";

/**
 * Officer pools against queueing theory: two lanes (one per direction), each fed by its own Poisson
 * stream (a Bernoulli split of one Poisson stream), exponential service, every lane with `c` desks and
 * one pool of `c` officers between them. A freed officer takes the longest-waiting head of either line,
 * which serves the two lines together in arrival order: one M/M/c queue with the combined rate. The
 * tolerance is the 99% replication interval, as in theory.test.ts.
 */
const R = 30;
const LEVEL = 0.99;

function pooledScenario(o: { c: number; meanService: number; ratePerHour: number; pooled: boolean }): ResolvedScenario {
  return resolveScenario(
    parseScenario({
      name: "pooled",
      day: { open: "00:00", close: "22:00", end: "24:00" },
      warmupMinutes: 180,
      distributions: { service: { kind: "exponential", mean: o.meanService } },
      demand: { profile: [{ from: "00:00", to: "22:00", ratePerHour: o.ratePerHour }], southboundShare: 0.5 },
      travellers: { classes: [{ id: "customer", share: 1, whitelistEligible: false }], whitelist: { coverage: 0 } },
      policies: [
        {
          id: "station",
          lanes: [
            { id: "sb", checkpoint: "sb-desk", servers: o.c, service: "service" },
            { id: "nb", checkpoint: "nb-desk", servers: o.c, service: "service" },
          ],
          routes: [
            { when: { direction: "southbound" }, steps: [{ checkpoint: "sb-desk", lanes: "sb" }] },
            { steps: [{ checkpoint: "nb-desk", lanes: "nb" }] },
          ],
          ...(o.pooled ? { officerPools: [{ id: "desk-officers", lanes: ["sb", "nb"], officers: o.c }] } : {}),
        },
      ],
    }),
  );
}

describe.each([
  { c: 2, rho: 0.8, meanService: 30 },
  { c: 4, rho: 0.85, meanService: 40 },
])("two lanes pooled with $c officers at ρ = $rho", ({ c, rho, meanService }) => {
  const mu = 1 / meanService;
  const lambda = rho * c * mu;
  const meanWait: number[] = [];
  const pWait: number[] = [];
  const officerHours: number[] = [];
  const conservation: number[] = [];
  /** Per replication: southbound minus northbound mean queueing time. */
  const directionGap: number[] = [];
  const scenario = pooledScenario({ c, meanService, ratePerHour: lambda * 3600, pooled: true });
  for (let r = 0; r < R; r++) {
    const p = simulateReplication(scenario, { seed: 20261206, point: 0, replication: r }).policies["station"]!;
    meanWait.push(p.summary.meanWait);
    pWait.push(1 - p.wait.zeroCount / p.wait.count);
    officerHours.push(p.summary.officerHours);
    conservation.push(p.arrived - p.cleared - p.inSystem);
    const sb = p.byDirection["southbound"]!;
    const nb = p.byDirection["northbound"]!;
    directionGap.push(sb.waitSum / sb.arrived - nb.waitSum / nb.arrived);
  }

  it("is one M/M/c queue with the combined rate (Erlang-C mean wait and probability of waiting)", () => {
    const ci = confidenceInterval(meanWait, LEVEL);
    const wq = mmcMeanWait(lambda, mu, c);
    expect(wq).toBeGreaterThanOrEqual(ci.lower);
    expect(wq).toBeLessThanOrEqual(ci.upper);
    expect(ci.halfWidth / wq).toBeLessThan(0.25);
    const pw = confidenceInterval(pWait, LEVEL);
    expect(erlangC(c, lambda / mu)).toBeGreaterThanOrEqual(pw.lower);
    expect(erlangC(c, lambda / mu)).toBeLessThanOrEqual(pw.upper);
    expect(conservation.every((x) => x === 0)).toBe(true);
  });

  it("serves the longest-waiting head first: both directions wait alike (not the first-listed lane first)", () => {
    // Any work-conserving order gives the M/M/c mean over both lines; the dispatch rule shows in how the
    // wait is split between them.
    const ci = confidenceInterval(directionGap, LEVEL);
    expect(0).toBeGreaterThanOrEqual(ci.lower);
    expect(0).toBeLessThanOrEqual(ci.upper);
  });

  it("counts the pool's officers once: c officers all day, not the lanes' 2c desks", () => {
    for (const h of officerHours) expect(h).toBeCloseTo(c * 24, 6);
  });
});

describe("officer pool dispatch", () => {
  it("is deterministic and gives the pool's own result (officer-hours, hourly officers)", () => {
    const s = pooledScenario({ c: 2, meanService: 30, ratePerHour: 200, pooled: true });
    const a = simulateReplication(s, { seed: 7, point: 0, replication: 0 });
    const b = simulateReplication(s, { seed: 7, point: 0, replication: 0 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const pool = a.policies["station"]!.officerPools["desk-officers"]!;
    expect(pool.officerHours).toBeCloseTo(48, 9);
    expect(pool.hourlyOfficers.every((x) => Math.abs(x - 2) < 1e-9)).toBe(true);
    expect(pool.utilisation).toBeGreaterThan(0.5);
    expect(pool.utilisation).toBeLessThan(1);
  });

  it("without the pool, each lane's desks are its own officers (the same lanes wait far less with 2c servers)", () => {
    const c = 2;
    const lambda = (0.8 * c) / 30;
    const pooled = pooledScenario({ c, meanService: 30, ratePerHour: lambda * 3600, pooled: true });
    const separate = pooledScenario({ c, meanService: 30, ratePerHour: lambda * 3600, pooled: false });
    const w = (s: ResolvedScenario) => simulateReplication(s, { seed: 11, point: 0, replication: 0 }).policies["station"]!;
    expect(w(separate).summary.officerHours).toBeCloseTo(2 * c * 24, 6);
    expect(w(pooled).summary.meanWait).toBeGreaterThan(3 * w(separate).summary.meanWait);
  });
});
