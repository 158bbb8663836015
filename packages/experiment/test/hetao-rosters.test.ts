/**
 * The planned rosters of the Hetao presets, checked as a policy maker would: on days the planner never
 * saw (new seeds), today's rostered current regime keeps every pledge; at the bridge's demand the same
 * roster misses at least one, and the report says which, by how much and in which hour.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadScenarioFile, resolveScenario } from "@hetao/scenario";
import {
  type ExperimentSpec,
  type Report,
  buildReport,
  capacityTargets,
  createExperiment,
  planReplications,
  rosterChecks,
  rosterSchedule,
  runReplication,
  searchRoster,
} from "../src/index.js";

const seeds = (name: string) => fileURLToPath(new URL(`../../../seeds/scenarios/${name}`, import.meta.url));

async function simulate(spec: ExperimentSpec) {
  return planReplications(spec).map(({ point, replication }) => runReplication(spec, point, replication));
}

async function run(file: string, seed: number): Promise<Report> {
  const { scenario, digest } = await loadScenarioFile(seeds(file));
  const spec = createExperiment(scenario, { replications: 20, seed, policies: ["current", "seamless"] });
  const results = planReplications(spec).map(({ point, replication }) => runReplication(spec, point, replication));
  return buildReport(spec, results, { scenarioDigest: digest, toolVersion: "0.0.0-test" });
}

describe("the planned rosters of hetao-weekday", () => {
  it("keep every pledge of the current regime at today's demand on new days, and miss one at the bridge's, naming the hour", async () => {
    // The roster was planned on seed 1; these days are new.
    const today = await run("hetao-weekday.yaml", 1001);
    const rows = today.points[0]!.compliance!.filter((r) => r.policy === "current");
    expect(rows.length).toBeGreaterThanOrEqual(5);
    for (const r of rows) expect(r.status, r.pledge).toBe("met");

    const bridge = await run("hetao-bridge-2026.yaml", 1001);
    const missed = bridge.points[0]!.compliance!.filter((r) => r.policy === "current" && r.status !== "met");
    expect(missed.map((r) => r.pledge)).toContain("hk-residents-15min");
    for (const r of missed) {
      // Where and when: the worst hour is below the target.
      expect(r.worstHour).not.toBeNull();
      expect(r.worstHour!.share).toBeLessThan(r.target);
    }
    // The seamless regime, on its own roster and the bridge, keeps them.
    for (const r of bridge.points[0]!.compliance!.filter((x) => x.policy === "seamless" && x.pledge.startsWith("hk-"))) expect(r.status, r.pledge).toBe("met");
  });

  it("give the seamless regime fewer officer-hours than the current one for the same pledges", async () => {
    const today = await run("hetao-weekday.yaml", 1001);
    const cmp = today.points[0]!.comparisons.find((c) => c.treatment === "seamless" && c.baseline === "current")!;
    const hours = cmp.metrics.officerHours!;
    expect(hours.upper!).toBeLessThan(0);
  });

  it("leave no officer-hour to spare: one fewer in the current roster's tightest period breaks a pledge on the same new days", async () => {
    const { scenario } = await loadScenarioFile(seeds("hetao-weekday.yaml"));
    // The roster's own margins: the search started from the preset's roster (its seed and replications)
    // keeps it (every trim undone) and names the tightest period.
    const checked = await searchRoster(scenario, { policies: ["current"], start: "scenario" }, simulate);
    const p = checked.policies[0]!;
    expect(p.feasible).toBe(true);
    expect(p.officerHours).toBe(p.scenarioOfficerHours);
    expect(p.candidates.filter((c) => c.action === "trim").every((c) => !c.kept)).toBe(true);
    const t = p.tightest!;
    expect(t, "the roster names its tightest period").not.toBeNull();
    expect(t.servers).toBeGreaterThan(checked.minServers);

    // One officer fewer on that lane in that hour, on the days of the first test (new seeds).
    const hour = Number(t.period.slice(0, 2));
    const starts: number[] = [];
    const servers: number[] = [];
    for (const w of scenario.rosters.current![t.lane]!) {
      for (let h = Number(w.from.slice(0, 2)); h < Number(w.to.slice(0, 2)); h++) {
        starts.push(h);
        servers.push(w.servers - (h === hour ? 1 : 0));
      }
    }
    const fewer = rosterSchedule(starts, servers, 1);
    const resolved = resolveScenario(scenario);
    const { targets } = capacityTargets(scenario, undefined);
    const checksWith = async (overrides: { path: string; value: unknown }[]) => {
      const spec = createExperiment(scenario, { policies: ["current"], replications: 20, seed: 1001, points: [{ index: 0, overrides }] });
      return rosterChecks(resolved, targets, (await simulate(spec)).map((r) => r.policies.current!), 1);
    };
    const intact = await checksWith([]);
    expect(intact.filter((c) => !c.pass), "the roster as planned keeps every pledge, every hour").toEqual([]);
    const reduced = await checksWith([{ path: `rosters.current.${t.lane}`, value: fewer }]);
    const broken = reduced.filter((c) => !c.pass && c.target.startsWith("pledge:"));
    expect(broken.length, `one officer fewer on ${t.lane} at ${t.period} (${t.servers} → ${t.servers - 1}) breaks no pledge`).toBeGreaterThan(0);
    expect(broken.map((c) => `${c.target}@${c.period}`), `${t.lane} at ${t.period}`).toContain(`${t.target}@${t.period}`);
  });

  it("call the Shenzhen reserve officers only when the queue reaches the 15-minute line, and count their hours in officer-hours", async () => {
    const { scenario } = await loadScenarioFile(seeds("hetao-weekday.yaml"));
    const day = async (multiplier: number) => {
      const spec = createExperiment(scenario, { policies: ["current"], replications: 2, seed: 1001, points: [{ index: 0, overrides: [{ path: "demand.multiplier", value: multiplier }] }] });
      return (await simulate(spec)).map((r) => r.policies.current!);
    };
    const reserveHours = (d: Awaited<ReturnType<typeof day>>[number]) => Object.values(d.reserves).reduce((a, x) => a + x.officerHours, 0);
    // Today: the rostered counters never reach the line; the reserves stay on standby.
    for (const d of await day(1)) {
      expect(Object.keys(d.reserves).sort()).toEqual(["sz-entry-standby", "sz-exit-standby"]);
      expect(reserveHours(d)).toBe(0);
    }
    // Six times today's demand: the exit hall's single rostered counter queues past 15 minutes, a standby
    // officer opens a counter, and the officer-hours are the roster's plus the reserve's open time.
    const rostered = (await day(1))[0]!.summary.officerHours;
    const heavy = await day(6);
    for (const d of heavy) {
      expect(d.reserves["sz-exit-standby"]!.openings).toBeGreaterThan(0);
      expect(d.summary.officerHours).toBeCloseTo(rostered + reserveHours(d), 6);
    }
  });
});
