import { describe, expect, it } from "vitest";
import type { ReplicationResult } from "@hetao/crossing-model";
import { loadScenarioText } from "@hetao/scenario";
import { mmcWaitTailProbability } from "@hetao/stats";
import { type ExperimentSpec, RosterResultSchema, planReplications, runReplication, searchRoster, stableJson } from "../src/index.js";

async function run(spec: ExperimentSpec): Promise<ReplicationResult[]> {
  return planReplications(spec).map(({ point, replication }) => runReplication(spec, point, replication));
}

/** One checkpoint, one officer lane, piecewise-constant Poisson arrivals, exponential service, a queue pledge. */
function station(opts: { rates: number[]; meanService: number; thresholdMinutes: number; target: number; end: string; replications: number }): string {
  const profile = opts.rates.map((r, i) => `    - { from: "${String(6 + i).padStart(2, "0")}:00", to: "${String(7 + i).padStart(2, "0")}:00", ratePerHour: ${r} }`).join("\n");
  return `
name: roster-station
day: { open: "06:00", close: "${String(6 + opts.rates.length).padStart(2, "0")}:00", end: "${opts.end}" }
warmupMinutes: 0
experiment: { replications: ${opts.replications}, seed: 7 }
distributions:
  service: { kind: exponential, mean: ${opts.meanService} }
demand:
  profile:
${profile}
  southboundShare: 1
travellers:
  classes:
    - { id: traveller, share: 1, whitelistEligible: false }
  whitelist: { coverage: 0 }
policies:
  - id: p
    lanes:
      - { id: counter, checkpoint: station, kind: manual, servers: 4, service: service }
    routes:
      - steps:
          - { checkpoint: station, lanes: counter }
controls:
  - { id: station-control, checkpoints: [station] }
pledges:
  - { id: queue-pledge, title: queue pledge, control: station-control, measure: queue, thresholdMinutes: ${opts.thresholdMinutes}, target: ${opts.target} }
`;
}

/** Erlang-C count for P(queue > t) <= p at rate λ per hour and mean service s seconds. */
function erlang(ratePerHour: number, meanService: number, t: number, p: number): number {
  const lambda = ratePerHour / 3600;
  let c = Math.floor(lambda * meanService) + 1;
  while (mmcWaitTailProbability(lambda, 1 / meanService, c, t) > p) c++;
  return c;
}

describe("searchRoster", () => {
  it("(a) short service: the roster per hour is the per-hour Erlang-C count", async () => {
    // 10 s service; queue within 30 s for 95%. Erlang-C tail at the count vs one fewer: 300/h 0.007 | 0.51,
    // 1200/h 0.002 | 0.089, 2700/h 0.006 | 0.18: far from the 0.05 edge.
    const rates = [300, 1200, 2700, 300];
    const { scenario } = loadScenarioText(station({ rates, meanService: 10, thresholdMinutes: 0.5, target: 0.95, end: "11:00", replications: 12 }), "a.yaml");
    const result = await searchRoster(scenario, { policies: ["p"] }, run);
    RosterResultSchema.parse(result);
    const lane = result.policies[0]!.lanes[0]!;
    const expected = rates.map((r) => erlang(r, 10, 30, 0.05));
    expect(expected).toEqual([2, 5, 9, 2]);
    expect(lane.periods.slice(0, 4).map((p) => p.servers)).toEqual(expected);
    expect(result.policies[0]!.feasible).toBe(true);
    // The hour after close has no arrivals: the minimum.
    expect(lane.periods[4]!.servers).toBe(1);
  });

  it("(b) service long against the hour: more servers than the per-hour formula in the hour after the peak", async () => {
    // 20 min service, queue within 10 min for 80%; 30/h peak at 07:00 between 6/h hours.
    const rates = [6, 30, 6, 6];
    const { scenario } = loadScenarioText(station({ rates, meanService: 1200, thresholdMinutes: 10, target: 0.8, end: "13:00", replications: 12 }), "b.yaml");
    const result = await searchRoster(scenario, { policies: ["p"] }, run);
    const p = result.policies[0]!;
    const lane = p.lanes[0]!;
    const after = lane.periods.find((x) => x.from === "08:00")!;
    const formula = erlang(6, 1200, 600, 0.2);
    expect(formula).toBe(4);
    expect(after.erlang).toBe(formula);
    expect(after.servers).toBeGreaterThan(formula);
    expect(p.feasible).toBe(true);
    // The search path shows the raise for the failing period after the peak.
    expect(p.candidates.some((c) => c.action === "raise" && c.period === "08:00")).toBe(true);
  });

  it("(d) the same seed gives the same roster.json bytes", async () => {
    const { scenario } = loadScenarioText(station({ rates: [100, 400, 100], meanService: 30, thresholdMinutes: 1, target: 0.9, end: "10:00", replications: 6 }), "d.yaml");
    const a = stableJson(await searchRoster(scenario, { policies: ["p"] }, run));
    const b = stableJson(await searchRoster(scenario, { policies: ["p"] }, run));
    expect(a).toBe(b);
    const c = stableJson(await searchRoster(scenario, { policies: ["p"], seed: 8 }, run));
    expect(c).not.toBe(a);
  });

  it("respects the maximum change between periods", async () => {
    const { scenario } = loadScenarioText(station({ rates: [100, 900, 100], meanService: 30, thresholdMinutes: 1, target: 0.9, end: "10:00", replications: 6 }), "c.yaml");
    const result = await searchRoster(scenario, { policies: ["p"], maxChange: 3 }, run);
    const s = result.policies[0]!.lanes[0]!.periods.map((p) => p.servers);
    for (let k = 1; k < s.length; k++) expect(Math.abs(s[k]! - s[k - 1]!)).toBeLessThanOrEqual(3);
  });

  it("keeps to the scenario's per-period rosterLimits: a floor and a ceiling force counts the unconstrained search would not choose", async () => {
    const rates = [300, 1200, 2700, 300];
    const text = station({ rates, meanService: 10, thresholdMinutes: 0.5, target: 0.95, end: "11:00", replications: 12 });
    // Unconstrained (test a): 2, 5, 9, 2, then 1 in the hour after close.
    const floor = `${text}rosterLimits:\n  p:\n    counter:\n      - { from: "09:00", to: "11:00", min: 4 }\n`;
    const { scenario } = loadScenarioText(floor, "floor.yaml");
    const result = await searchRoster(scenario, { policies: ["p"] }, run);
    const periods = result.policies[0]!.lanes[0]!.periods;
    expect(periods.map((p) => p.servers)).toEqual([2, 5, 9, 4, 4]);
    expect(periods.map((p) => p.min)).toEqual([1, 1, 1, 4, 4]);
    expect(result.policies[0]!.feasible).toBe(true);
    expect(stableJson(result)).toContain("rosterLimits");

    // A ceiling below what the pledge needs: kept to, and the roster is reported not feasible at that hour.
    const ceiling = `${text}rosterLimits:\n  p:\n    counter:\n      - { from: "06:00", to: "07:00", max: 1 }\n`;
    const capped = await searchRoster(loadScenarioText(ceiling, "ceiling.yaml").scenario, { policies: ["p"] }, run);
    const c = capped.policies[0]!;
    expect(c.lanes[0]!.periods[0]!.servers).toBe(1);
    expect(c.lanes[0]!.periods[0]!.max).toBe(1);
    expect(c.feasible).toBe(false);
    expect(c.candidates[c.candidates.length - 1]!.failed).toContainEqual({ target: "pledge:queue-pledge", period: "06:00" });
  });

  it("refuses rosterLimits with an unknown lane, min above max, or neither", () => {
    const text = station({ rates: [100], meanService: 10, thresholdMinutes: 0.5, target: 0.95, end: "08:00", replications: 4 });
    const bad = (limits: string) => () => loadScenarioText(`${text}rosterLimits:\n  p:\n${limits}`, "bad.yaml");
    expect(bad(`    countr:\n      - { from: "06:00", to: "07:00", min: 1 }\n`)).toThrow(/rosterLimits\.p\.countr: unknown lane "countr" in policy "p"/);
    expect(bad(`    counter:\n      - { from: "06:00", to: "07:00", min: 3, max: 2 }\n`)).toThrow(/rosterLimits\.p\.counter\[0\]\.max: max 2 is below min 3/);
    expect(bad(`    counter:\n      - { from: "06:00", to: "07:00" }\n`)).toThrow(/rosterLimits\.p\.counter\[0\]: a limit window needs min, max or both/);
    expect(bad(`    counter:\n      - { from: "06:00", to: "07:00", min: -1 }\n`)).toThrow(/rosterLimits\.p\.counter\[0\]\.min/);
  });
});
