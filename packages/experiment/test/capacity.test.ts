import { describe, expect, it } from "vitest";
import type { ReplicationResult } from "@hetao/crossing-model";
import { loadScenarioText } from "@hetao/scenario";
import { mmcMeanWait } from "@hetao/stats";
import {
  CapacityResultSchema,
  type ExperimentSpec,
  ExperimentError,
  capacityTargets,
  checkCapacityTarget,
  planReplications,
  runReplication,
  searchCapacity,
} from "../src/index.js";
import { TINY_YAML } from "./fixtures.js";

const META = { scenarioDigest: "d".repeat(64), toolVersion: "0.0.0-test" };

/** In-process runner: every replication in plan order; counts the experiments (evaluation rounds). */
function inProcess() {
  const specs: ExperimentSpec[] = [];
  const run = async (spec: ExperimentSpec): Promise<ReplicationResult[]> => {
    specs.push(spec);
    return planReplications(spec).map(({ point, replication }) => runReplication(spec, point, replication));
  };
  return { run, specs };
}

// The M/M/c textbook station (4 exponential counters, mean service 40 s) at a base λ of 200/h, so the
// capacity multiplier for a mean-wait target lies well inside the first bracket [×1, ×2] (×2 is
// 400/h > 4 × 90/h: unstable). A 6-hour day after a 1-hour warm-up, two hours to empty.
const BASE_PER_HOUR = 200;
const MU = 1 / 40;
const SERVERS = 4;
const MMC = `
name: mmc-capacity
title: M/M/4 at a base 200 per hour
day: { open: "05:00", close: "12:00", end: "14:00" }
warmupMinutes: 60
experiment: { replications: 20, seed: 12 }
distributions:
  service: { kind: exponential, mean: 40 }
demand:
  profile:
    - { from: "05:00", to: "12:00", ratePerHour: ${BASE_PER_HOUR} }
  southboundShare: 1
travellers:
  classes:
    - { id: traveller, share: 1, whitelistEligible: false }
  whitelist: { coverage: 0 }
policies:
  - id: mmc
    lanes:
      - { id: counter, checkpoint: station, kind: manual, servers: ${SERVERS}, service: service }
    routes:
      - steps:
          - { checkpoint: station, lanes: counter }
`;

/** The arrival rate (per second) at which the Erlang-C mean wait equals `target` seconds (bisection; Wq increases in λ). */
function erlangCLambda(target: number): number {
  let lo = 1e-9;
  let hi = SERVERS * MU * (1 - 1e-12);
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (mmcMeanWait(mid, MU, SERVERS) <= target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** λ* as a multiplier of the base rate. */
function erlangCMultiplier(target: number): number {
  return (erlangCLambda(target) * 3600) / BASE_PER_HOUR;
}

describe("capacity on a textbook M/M/c station", () => {
  it("brackets the Erlang-C arrival rate for a mean-wait target with a narrow interval", async () => {
    const { scenario } = loadScenarioText(MMC, "mmc.yaml");
    const target = 30;
    const mStar = erlangCMultiplier(target);
    // λ* = 288.3/h (ρ = 0.80): ×1.44 of the base, well inside [×1, ×2].
    expect(erlangCLambda(target) * 3600).toBeCloseTo(288.27, 1);
    expect(mStar).toBeGreaterThan(1.2);
    expect(mStar).toBeLessThan(1.8);

    const { run, specs } = inProcess();
    const result = await searchCapacity(scenario, { targets: [`meanWait <= ${target}`] }, run, META);
    expect(() => CapacityResultSchema.parse(result)).not.toThrow();
    const p = result.policies[0]!;
    expect(p.policy).toBe("mmc");
    expect(p.limits).toEqual({ estimate: null, lower: null, upper: null });
    expect(p.bindingTarget).toBe("meanWait <= 30");
    // The interval contains the Erlang-C answer and is not absurdly wide.
    expect(p.lower!).toBeLessThanOrEqual(mStar);
    expect(p.upper!).toBeGreaterThanOrEqual(mStar);
    expect(p.upper! / p.lower!).toBeLessThan(1.3);
    expect(p.lower!).toBeLessThanOrEqual(p.estimate!);
    expect(p.estimate!).toBeLessThanOrEqual(p.upper!);
    expect(Math.abs(Math.log(p.estimate! / mStar))).toBeLessThan(0.1);
    // The search path: starts at the scenario's ×1, doubles once to ×2 (rejected), then bisects to the tolerance.
    expect(p.candidates[0]!.multiplier).toBe(1);
    expect(p.candidates[1]!.multiplier).toBe(2);
    expect(p.candidates[0]!.pass).toBe(true);
    expect(p.candidates[1]!.notRejected).toBe(false);
    for (const q of ["lower", "estimate", "upper"] as const) {
      const [lo, hi] = p.brackets[q];
      expect(hi! / lo!, q).toBeLessThanOrEqual(1 + result.tolerance);
      expect(p[q]!).toBeGreaterThanOrEqual(lo!);
      expect(p[q]!).toBeLessThanOrEqual(hi!);
    }
    // Every candidate ran on the same seed and replications (common random numbers), one experiment per round.
    expect(new Set(specs.map((s) => `${s.seed}/${s.replications}`))).toEqual(new Set(["12/20"]));
    expect(specs.flatMap((s) => s.points.map((pt) => pt.overrides))).toEqual(
      p.candidates.map((c) => [{ path: "demand.multiplier", value: c.multiplier }]),
    );
    expect(specs).toHaveLength(p.candidates[p.candidates.length - 1]!.round);
    // Some round bisected more than one bracket at once.
    expect(specs.some((s) => s.points.length > 1)).toBe(true);
    expect(result.comparisons).toEqual([]);
  });

  it("is calibrated: the 90% interval contains the Erlang-C answer on most seeds, and is narrow on all", async () => {
    // [lower, upper] is a two-sided 90% interval, so a fixed seed misses the truth one time in ten
    // (over 60 seeds at 12 replications: 53 contained it). Five more seeds: at least three must.
    const { scenario } = loadScenarioText(MMC, "mmc.yaml");
    const mStar = erlangCMultiplier(30);
    const found: [number, number][] = [];
    for (const seed of [21, 22, 23, 24, 25]) {
      const r = await searchCapacity(scenario, { targets: ["meanWait <= 30"], seed, replications: 12 }, inProcess().run, META);
      const p = r.policies[0]!;
      found.push([p.lower!, p.upper!]);
    }
    expect(found.filter(([lo, hi]) => lo <= mStar && mStar <= hi).length, JSON.stringify(found)).toBeGreaterThanOrEqual(3);
    for (const [lo, hi] of found) expect(hi / lo).toBeLessThan(1.3);
  });

  it("moves with the target: a stricter wait gives less capacity (again at Erlang C), a reversed target none", async () => {
    const { scenario } = loadScenarioText(MMC, "mmc.yaml");
    const strict = await searchCapacity(scenario, { targets: ["meanWait <= 15"], replications: 12 }, inProcess().run, META);
    const loose = await searchCapacity(scenario, { targets: ["meanWait <= 60"], replications: 12 }, inProcess().run, META);
    const s = strict.policies[0]!;
    const l = loose.policies[0]!;
    expect(s.lower!).toBeLessThanOrEqual(erlangCMultiplier(15));
    expect(s.upper!).toBeGreaterThanOrEqual(erlangCMultiplier(15));
    expect(l.lower!).toBeLessThanOrEqual(erlangCMultiplier(60));
    expect(l.upper!).toBeGreaterThanOrEqual(erlangCMultiplier(60));
    // Disjoint intervals, in the right order (Erlang C: ×1.27 < ×1.58).
    expect(s.upper!).toBeLessThan(l.lower!);

    // Waits only grow with demand: "at least 30 s" never holds at the low end, so there is no capacity.
    const reversed = await searchCapacity(scenario, { targets: ["meanWait >= 30"], replications: 4 }, inProcess().run, META);
    const r = reversed.policies[0]!;
    expect(r.limits).toEqual({ estimate: "below-min", lower: "below-min", upper: "below-min" });
    expect(r.estimate).toBeNull();
    expect(r.candidates.map((c) => c.multiplier)).toEqual([1, 0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625]);
    expect(r.notes.join("\n")).toMatch(/even at ×0\.0156 \(--min-multiplier\)/);
  });

  it("reports a target that holds up to --max-multiplier as a lower limit", async () => {
    const { scenario } = loadScenarioText(MMC, "mmc.yaml");
    const r = await searchCapacity(scenario, { targets: ["meanWait <= 3600"], replications: 3, maxMultiplier: 1.5 }, inProcess().run, META);
    const p = r.policies[0]!;
    expect(p.candidates.map((c) => c.multiplier)).toEqual([1, 1.5]);
    expect(p.limits).toEqual({ estimate: "above-max", lower: "above-max", upper: "above-max" });
    expect(p.estimate).toBe(1.5);
    expect(p.bindingTarget).toBeNull();
  });
});

// two-counters without its own controls and pledges (top-level sections at the end of the preset)...
const NO_PLEDGES = TINY_YAML.split(/^(?:controls|pledges):/m)[0]!;
// ...and with a control (its one station) and pledges of these tests, one of them a 100% pledge.
const PLEDGED = `${NO_PLEDGES}
controls:
  - { id: counters, title: The counters, checkpoints: [station] }
pledges:
  - { id: residents-10min, title: 98% of residents through within 10 minutes, control: counters, classes: [resident], thresholdMinutes: 10, target: 0.98 }
  - { id: visitors-15min, title: 95% of visitors through within 15 minutes, control: counters, classes: [visitor], thresholdMinutes: 15, target: 0.95 }
  - { id: queue-5min, title: 90% queue under 5 minutes, control: counters, measure: queue, thresholdMinutes: 5, target: 0.9 }
  - { id: nobody-over-30, title: Nobody queues 30 minutes, control: counters, measure: queue, thresholdMinutes: 30, target: 1 }
`;

describe("capacity against service pledges", () => {
  it("uses every pledge by default, skips the 100% pledge with a note, names the binding pledge and compares policies", async () => {
    const { scenario } = loadScenarioText(PLEDGED, "pledged.yaml");
    const r = await searchCapacity(scenario, {}, inProcess().run, META);
    expect(r.targets.map((t) => t.text)).toEqual(["pledge:residents-10min", "pledge:visitors-15min", "pledge:queue-5min"]);
    expect(r.skippedTargets).toEqual([{ target: "pledge:nobody-over-30", reason: expect.stringMatching(/100%.*cannot be met with confidence/) }]);
    expect(r.policies.map((p) => p.policy)).toEqual(["two", "three"]);
    for (const p of r.policies) {
      expect(p.estimate, p.policy).not.toBeNull();
      expect(r.targets.map((t) => t.text)).toContain(p.bindingTarget);
      // All pledges must hold: at the last multiplier meeting every mean, each pledge's share is at or above its target.
      const at = p.candidates.find((c) => c.multiplier === p.brackets.estimate[0])!;
      for (const [k, t] of r.targets.entries()) expect(at.checks[k]!.estimate!).toBeGreaterThanOrEqual(t.value);
      // The capacity is the smallest over the pledges: searching the binding pledge alone gives the same estimate.
      const alone = await searchCapacity(scenario, { targets: [p.bindingTarget!], policies: [p.policy] }, inProcess().run, META);
      expect(alone.policies[0]!.estimate).toBeCloseTo(p.estimate!, 1);
    }
    const [two, three] = r.policies;
    expect(three!.estimate!).toBeGreaterThan(two!.estimate!);
    expect(r.comparisons).toHaveLength(1);
    const c = r.comparisons[0]!;
    expect(c).toMatchObject({ treatment: "three", baseline: "two", approximate: true });
    expect(c.ratio!).toBeCloseTo(three!.estimate! / two!.estimate!, 4);
    expect(c.ratio!).toBeGreaterThan(1);
    expect(c.lower!).toBeLessThanOrEqual(c.ratio!);
    expect(c.upper!).toBeGreaterThanOrEqual(c.ratio!);
  });

  it("checks a pledge on its share's one-sided lower bound", () => {
    const { scenario } = loadScenarioText(PLEDGED, "pledged.yaml");
    const { targets } = capacityTargets(scenario, ["pledge:visitors-15min"]);
    expect(targets).toEqual([
      { text: "pledge:visitors-15min", kind: "pledge", metric: null, pledge: "visitors-15min", op: ">=", value: 0.95, title: "95% of visitors through within 15 minutes" },
    ]);
    // n = 10, sd = 0.01: t(0.95, 9) = 1.833, so the bounds are mean ∓ 0.0058.
    const ci = { n: 10, mean: 0.955, sd: 0.01, halfWidth: 0.00715, lower: 0.94785, upper: 0.96215 };
    expect(checkCapacityTarget(ci, targets[0]!)).toMatchObject({ pass: false, meanMeets: true, notRejected: true });
    expect(checkCapacityTarget({ ...ci, mean: 0.957 }, targets[0]!).pass).toBe(true);
    expect(checkCapacityTarget({ ...ci, mean: 0.944 }, targets[0]!)).toMatchObject({ pass: false, meanMeets: false, notRejected: false });
    expect(checkCapacityTarget({ ...ci, mean: 0.946 }, targets[0]!)).toMatchObject({ meanMeets: false, notRejected: true });
  });

  it("rejects unknown or inapplicable targets before running", async () => {
    const { scenario } = loadScenarioText(NO_PLEDGES, "tiny.yaml");
    const { scenario: pledged } = loadScenarioText(PLEDGED, "pledged.yaml");
    expect(() => capacityTargets(scenario, ["pledge:nope"])).toThrow(/unknown pledge; the scenario "tiny-two-policy" has no pledges/);
    expect(() => capacityTargets(pledged, ["pledge:nope"])).toThrow(/unknown pledge; the scenario's pledges are residents-10min, visitors-15min, queue-5min, nobody-over-30/);
    expect(() => capacityTargets(scenario, undefined)).toThrow(/no --target given and no pledge of "tiny-two-policy" can be searched \(it has no pledges\)/);
    // A 100% pledge alone: skipped, so nothing is left to search.
    expect(() => capacityTargets(pledged, ["pledge:nobody-over-30"])).toThrow(ExperimentError);
    expect(capacityTargets(pledged, ["pledge:nobody-over-30", "meanWait <= 60"]).skipped).toHaveLength(1);
    expect(() => capacityTargets(pledged, ["pledge:queue-5min", "pledge:queue-5min"])).toThrow(/given twice/);
    expect(() => capacityTargets(scenario, ["class:martian.shareWithin15 >= 0.9"])).toThrow(/no class "martian"/);
    expect(() => capacityTargets(scenario, ["direction:east.shareWithin15 >= 0.9"])).toThrow(/no direction "east"/);
    expect(() => capacityTargets(scenario, ["meanWiat <= 3"])).toThrow(/unknown metric/);
    const { run, specs } = inProcess();
    await expect(searchCapacity(scenario, { targets: ["meanWait <= 60"], tolerance: 0 }, run, META)).rejects.toThrow(/--tolerance/);
    await expect(searchCapacity(scenario, { targets: ["meanWait <= 60"], minMultiplier: 2, maxMultiplier: 1 }, run, META)).rejects.toThrow(/--max-multiplier/);
    await expect(searchCapacity(scenario, { targets: ["meanWait <= 60"], policies: ["four"] }, run, META)).rejects.toThrow(/unknown policy "four"/);
    expect(specs).toHaveLength(0);
  });
});
