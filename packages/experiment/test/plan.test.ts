import { describe, expect, it } from "vitest";
import type { ReplicationResult } from "@hetao/crossing-model";
import { loadScenarioText } from "@hetao/scenario";
import { mmcMeanWait, mmcMinServers } from "@hetao/stats";
import {
  type ExperimentSpec,
  ExperimentError,
  adjustableLanes,
  checkTarget,
  metricInterval,
  parseTarget,
  planCapacity,
  planReplications,
  runReplication,
} from "../src/index.js";

const META = { scenarioDigest: "d".repeat(64), toolVersion: "0.0.0-test" };

/** In-process runner: every replication in plan order. */
async function runInProcess(spec: ExperimentSpec): Promise<ReplicationResult[]> {
  return planReplications(spec).map(({ point, replication }) => runReplication(spec, point, replication));
}

// mmc-textbook with λ = 400/h (not the preset's 324/h), μ = 1/40 s: a = 4.44 erlang.
// Erlang C: Wq(5) = 53.1 s, Wq(6) = 10.4 s, Wq(7) = 3.2 s. Target Wq <= 25 s: c* = 6, far from both edges.
const LAMBDA_PER_HOUR = 400;
const MMC = `
name: mmc-plan
title: M/M/c at 400 per hour
day: { open: "06:00", close: "18:00", end: "18:00" }
warmupMinutes: 60
experiment: { replications: 8, seed: 5 }
distributions:
  service: { kind: exponential, mean: 40 }
demand:
  profile:
    - { from: "06:00", to: "18:00", ratePerHour: ${LAMBDA_PER_HOUR} }
  southboundShare: 1
travellers:
  classes:
    - { id: traveller, share: 1, whitelistEligible: false }
  whitelist: { coverage: 0 }
policies:
  - id: mmc
    lanes:
      - { id: counter, checkpoint: station, kind: manual, servers: 4, service: service }
    routes:
      - steps:
          - { checkpoint: station, lanes: counter }
`;

describe("targets", () => {
  it("parses metric, operator and value (with % and time units)", () => {
    expect(parseTarget("class:hk-resident.shareWithin15 >= 0.98")).toMatchObject({ metric: "class:hk-resident.shareWithin15", op: ">=", value: 0.98 });
    expect(parseTarget("shareWithin30>=95%").value).toBeCloseTo(0.95, 12);
    expect(parseTarget("meanWait <= 2min")).toMatchObject({ metric: "meanWait", op: "<=", value: 120 });
    expect(parseTarget("p95Clearance < 900s")).toMatchObject({ op: "<", value: 900 });
    expect(() => parseTarget("meanWiat <= 3")).toThrow(/unknown metric/);
    expect(() => parseTarget("class:x.p95Wait >= 1")).toThrow(ExperimentError);
    expect(() => parseTarget("meanWait is small")).toThrow(/expected/);
  });

  it("passes on the one-sided 95% bound beyond the target", () => {
    // n = 10, sd = 1: t(0.95, 9) = 1.833, so the bound is mean ∓ 0.5797.
    const ci = { n: 10, mean: 5, sd: 1, halfWidth: 0.715, lower: 4.285, upper: 5.715 };
    const le = checkTarget(ci, parseTarget("meanWait <= 5.6"));
    expect(le.bound!).toBeCloseTo(5.5797, 3);
    expect(le.pass).toBe(true);
    expect(le.margin!).toBeCloseTo(0.0203, 3);
    expect(checkTarget(ci, parseTarget("meanWait <= 5.5")).pass).toBe(false);
    expect(checkTarget(ci, parseTarget("meanClearance >= 4.42")).pass).toBe(true);
    expect(checkTarget(ci, parseTarget("meanClearance >= 4.43")).pass).toBe(false);
    expect(checkTarget({ ...ci, n: 1, sd: null }, parseTarget("meanWait <= 100")).pass).toBe(false);
  });
});

describe("adjustable lanes", () => {
  it("defaults to a single-lane policy's lane and builds the override path", () => {
    const { scenario } = loadScenarioText(MMC, "mmc.yaml");
    expect(adjustableLanes(scenario, "mmc")).toEqual([
      { id: "counter", checkpoint: "station", kind: "manual", definedIn: "mmc", path: "policies[id=mmc].lanes[id=counter].servers", servers: 4 },
    ]);
    expect(() => adjustableLanes(scenario, "nope")).toThrow(/unknown policy/);
    expect(() => adjustableLanes(scenario, "mmc", ["desk"])).toThrow(/no lane "desk"/);
  });
});

describe("plan on a textbook M/M/c station", () => {
  it("returns the Erlang-C minimum server count for a mean-wait target", async () => {
    const { scenario } = loadScenarioText(MMC, "mmc.yaml");
    const lambda = LAMBDA_PER_HOUR / 3600;
    const mu = 1 / 40;
    const target = 25;
    const cStar = mmcMinServers(lambda, mu, (c) => mmcMeanWait(lambda, mu, c) <= target);
    expect(cStar).toBe(6);
    // Not balanced on an edge: well below the target at c*, well above it at c* − 1.
    expect(mmcMeanWait(lambda, mu, cStar)).toBeLessThan(0.5 * target);
    expect(mmcMeanWait(lambda, mu, cStar - 1)).toBeGreaterThan(2 * target);

    const plan = await planCapacity(scenario, { policy: "mmc", target: `meanWait <= ${target}` }, runInProcess, META);
    expect(plan.recommended?.servers).toEqual({ counter: cStar });
    // The search path: the scenario's 4 counters fail, the bracket and bisection end at c* (pass) next to c* − 1 (fail).
    const byCount = new Map(plan.candidates.map((c) => [c.servers.counter!, c]));
    expect(byCount.get(4)!.check.pass).toBe(false);
    expect(byCount.get(cStar - 1)!.check.pass).toBe(false);
    expect(byCount.get(cStar)!.check.pass).toBe(true);
    expect(plan.candidates[0]!.servers.counter).toBe(4);
    // The simulated wait at c* agrees with Erlang C within its interval (a loose sanity check).
    const ci = metricInterval(plan.report, 0, "mmc", "meanWait");
    expect(ci.mean!).toBeGreaterThan(mmcMeanWait(lambda, mu, cStar) * 0.6);
    expect(ci.mean!).toBeLessThan(mmcMeanWait(lambda, mu, cStar) * 1.4);
    // The recommended configuration's report is that configuration, and it meets the target.
    expect(plan.report.points[0]!.overrides).toEqual([{ path: "policies[id=mmc].lanes[id=counter].servers", value: cStar }]);
    expect(checkTarget(ci, parseTarget(`meanWait <= ${target}`)).pass).toBe(true);
    expect(plan.recommended!.check.margin!).toBeGreaterThan(0);
  });

  it("reports an infeasible target with the search path and the report of the largest candidate", async () => {
    const { scenario } = loadScenarioText(MMC, "mmc.yaml");
    const plan = await planCapacity(scenario, { policy: "mmc", target: "meanClearance <= 10", max: 8, replications: 2 }, runInProcess, META);
    expect(plan.recommended).toBeNull();
    expect(plan.candidates.map((c) => c.servers.counter)).toEqual([4, 8]);
    expect(plan.report.points[0]!.overrides[0]!.value).toBe(8);
  });
});

/**
 * One bank of manual desks, 6 per direction, staffed by a pool of officers who move between the two
 * lines: 240 travellers an hour each way, 30 s each (4 erlang in all). Its officers are the count to
 * plan; the desks stay as written.
 */
const POOLED = `
name: pooled-plan
day: { open: "07:00", close: "10:00", end: "11:00" }
experiment: { replications: 6, seed: 9 }
distributions:
  service: { kind: exponential, mean: 30 }
demand:
  profile:
    - { from: "07:00", to: "10:00", ratePerHour: 480 }
  southboundShare: 0.5
travellers:
  classes:
    - { id: traveller, share: 1, whitelistEligible: false }
  whitelist: { coverage: 0 }
policies:
  - id: base
    lanes:
      - { id: sb-desk, checkpoint: sb-immigration, kind: manual, servers: 6, service: service }
      - { id: nb-desk, checkpoint: nb-immigration, kind: manual, servers: 6, service: service }
    routes:
      - { when: { direction: southbound }, steps: [{ checkpoint: sb-immigration, lanes: sb-desk }] }
      - { steps: [{ checkpoint: nb-immigration, lanes: nb-desk }] }
    officerPools:
      - { id: desk-officers, lanes: [sb-desk, nb-desk], officers: 9 }
  - { id: pooled, extends: base }
`;

describe("plan with an officer pool", () => {
  it("plans the pool's officers as one count, named by the pool or by its lanes", () => {
    const { scenario } = loadScenarioText(POOLED, "pooled.yaml");
    expect(adjustableLanes(scenario, "pooled", ["desk-officers"])).toEqual([
      {
        id: "desk-officers",
        checkpoint: "sb-immigration + nb-immigration",
        kind: "officer-pool",
        // Inherited: the entry that defines the pool is the parent's.
        definedIn: "base",
        path: "policies[id=base].officerPools[id=desk-officers].officers",
        servers: 9,
        pool: ["sb-desk", "nb-desk"],
        cap: 12,
      },
    ]);
    // A lane of the pool names the pool (its servers are desks, not officers), once.
    expect(adjustableLanes(scenario, "pooled", ["sb-desk", "nb-desk"]).map((l) => l.id)).toEqual(["desk-officers"]);
    expect(() => adjustableLanes(scenario, "pooled", ["desks"])).toThrow(/officer pools: desk-officers/);
  });

  it("finds the fewest officers that meet the target, never more than the desks, and counts them as the officer-hours", async () => {
    const { scenario } = loadScenarioText(POOLED, "pooled.yaml");
    const plan = await planCapacity(scenario, { policy: "pooled", lanes: ["desk-officers"], target: "meanWait <= 20", max: 20 }, runInProcess, META);
    const k = plan.recommended!.servers["desk-officers"]!;
    // 4 erlang in one line (a freed officer takes the longest-waiting head: M/M/k): 5 officers wait
    // about 17 s by Erlang C, 6 about 4 s, 7 about 1.4 s.
    expect(k).toBeGreaterThanOrEqual(5);
    expect(k).toBeLessThanOrEqual(7);
    const byCount = new Map(plan.candidates.map((c) => [c.servers["desk-officers"]!, c.check.pass]));
    expect(byCount.get(k)).toBe(true);
    expect(byCount.get(k - 1)).toBe(false);
    expect(plan.recommended!.totalServers).toBe(k);
    // The recommended report is the pool at k officers (the desks as written): k officers over the
    // operating day, 07:00 to the hard stop at 11:00.
    const officerHours = plan.report.points[0]!.policies["pooled"]!.summary.officerHours.mean!;
    expect(officerHours).toBeCloseTo(k * 4, 6);
  }, 60_000);

  it("never gives the pool more officers than its desks: they would stand idle", async () => {
    const { scenario } = loadScenarioText(POOLED, "pooled.yaml");
    // Unreachable: the search doubles past the 12 desks to its max of 40, but tries the pool at 12 at most.
    const plan = await planCapacity(scenario, { policy: "pooled", lanes: ["desk-officers"], target: "meanWait < 0", max: 40, replications: 2 }, runInProcess, META);
    expect(plan.recommended).toBeNull();
    expect(plan.candidates.map((c) => c.servers["desk-officers"])).toEqual([9, 12]);
    expect(plan.report.points[0]!.overrides[0]!.value).toBe(12);
  }, 60_000);
});
