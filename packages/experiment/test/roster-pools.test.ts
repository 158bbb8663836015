import { describe, expect, it } from "vitest";
import type { ReplicationResult } from "@hetao/crossing-model";
import { loadScenarioText, setPath, type Scenario, parseScenario } from "@hetao/scenario";
import { type ExperimentSpec, RosterResultSchema, createExperiment, planReplications, runReplication, searchRoster } from "../src/index.js";

async function run(spec: ExperimentSpec): Promise<ReplicationResult[]> {
  return planReplications(spec).map(({ point, replication }) => runReplication(spec, point, replication));
}

/**
 * Two directions with offset peaks at one bank of manual counters: southbound heavy in the morning,
 * northbound heavy in the afternoon, the same total each hour. Each direction has its own line and 10
 * desks; `pooled` lets the officers move between the two lines.
 */
function twoDirections(pooled: boolean): Scenario {
  return loadScenarioText(
    `
name: offset-peaks
day: { open: "07:00", close: "11:00", end: "12:00" }
experiment: { replications: 10, seed: 3 }
distributions:
  service: { kind: exponential, mean: 30 }
demand:
  profile:
    - { from: "07:00", to: "11:00", ratePerHour: 600 }
  southboundShare:
    - { from: "07:00", to: "09:00", share: 0.85 }
    - { from: "09:00", to: "11:00", share: 0.15 }
travellers:
  classes:
    - { id: traveller, share: 1, whitelistEligible: false }
  whitelist: { coverage: 0 }
policies:
  - id: p
    lanes:
      - { id: sb-desk, checkpoint: sb-immigration, kind: manual, servers: 10, service: service }
      - { id: nb-desk, checkpoint: nb-immigration, kind: manual, servers: 10, service: service }
    routes:
      - { when: { direction: southbound }, steps: [{ checkpoint: sb-immigration, lanes: sb-desk }] }
      - { steps: [{ checkpoint: nb-immigration, lanes: nb-desk }] }
${pooled ? "    officerPools:\n      - { id: desk-officers, lanes: [sb-desk, nb-desk], officers: 14 }" : ""}
controls:
  - { id: immigration, checkpoints: [sb-immigration, nb-immigration] }
pledges:
  - { id: queue-1min, title: queue within 1 min, control: immigration, measure: queue, thresholdMinutes: 1, target: 0.95 }
`,
    "offset-peaks.yaml",
  ).scenario;
}

const pooledByHourOf = (p: { lanes: { periods: { servers: number }[] }[] }) => JSON.stringify(p.lanes.map((l) => l.periods.map((x) => x.servers)));
const separateByHourOf = pooledByHourOf;

describe("roster with an officer pool", () => {
  it("rosters the pool as one count per period and needs fewer officer-hours than the two lanes rostered apart", async () => {
    const pooled = await searchRoster(twoDirections(true), {}, run);
    const separate = await searchRoster(twoDirections(false), {}, run);
    RosterResultSchema.parse(pooled);
    const pp = pooled.policies[0]!;
    const sp = separate.policies[0]!;
    expect(pp.feasible).toBe(true);
    expect(sp.feasible).toBe(true);
    // One plan for the pool (its lanes named), none for its lanes.
    expect(pp.lanes.map((l) => ({ lane: l.lane, pool: l.pool ?? null, checkpoint: l.checkpoint }))).toEqual([
      { lane: "desk-officers", pool: ["sb-desk", "nb-desk"], checkpoint: "sb-immigration + nb-immigration" },
    ]);
    expect(sp.lanes.map((l) => l.lane)).toEqual(["sb-desk", "nb-desk"]);
    // Pooling gain: the combined line needs fewer officers than the two apart, every hour at most as many.
    expect(pp.officerHours, `pooled ${pooledByHourOf(pp)} vs apart ${separateByHourOf(sp)}`).toBeLessThan(sp.officerHours);
    const pooledByHour = pp.lanes[0]!.periods.map((x) => x.servers);
    const separateByHour = sp.lanes[0]!.periods.map((x, k) => x.servers + sp.lanes[1]!.periods[k]!.servers);
    pooledByHour.forEach((n, k) => expect(n).toBeLessThanOrEqual(separateByHour[k]!));
    // Officer-hours counted once: the pool's roster, and the simulated days agree.
    expect(pp.officerHours).toBe(pooledByHour.reduce((a, b) => a + b, 0));
    expect(pp.simulatedOfficerHours.mean).toBeCloseTo(pp.officerHours, 6);
    // The overlay rosters the pool, not its lanes, and `run` takes it as it is: the same officers by hour.
    const entry = pp.set[0]!.value as Record<string, { from: string; to: string; servers: number }[]>;
    expect(Object.keys(entry)).toEqual(["desk-officers"]);
    const overlaid = parseScenario(setPath(twoDirections(true), "rosters", { p: entry }));
    const days = await run(createExperiment(overlaid, { policies: ["p"] }));
    for (const d of days) {
      const pool = d.policies["p"]!.officerPools["desk-officers"]!;
      expect(pool.hourlyOfficers.slice(7, 7 + pooledByHour.length)).toEqual(pooledByHour);
      expect(d.policies["p"]!.summary.officerHours).toBeCloseTo(pp.officerHours, 6);
    }
  }, 120_000);

  it("keeps within the pool's officers and names pooled lanes by their pool", async () => {
    const scenario = setPath(twoDirections(true), "policies[0].officerPools[0].officers", 5) as Scenario;
    const result = await searchRoster(parseScenario(scenario), { lanes: ["sb-desk"], correct: false }, run);
    const plan = result.policies[0]!.lanes;
    expect(plan.map((l) => l.lane)).toEqual(["desk-officers"]);
    for (const x of plan[0]!.periods) {
      expect(x.max).toBe(5);
      expect(x.servers).toBeLessThanOrEqual(5);
    }
    expect(result.policies[0]!.notes.some((n) => n.includes("officer pool desk-officers"))).toBe(true);
  }, 60_000);
});
