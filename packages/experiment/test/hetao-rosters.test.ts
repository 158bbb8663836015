/**
 * The planned rosters of the Hetao presets, checked as a policy maker would: on days the planner never
 * saw (new seeds), today's rostered current regime keeps every pledge; at the bridge's demand the same
 * roster misses at least one, and the report says which, by how much and in which hour.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "@hetao/scenario";
import { buildReport, createExperiment, planReplications, runReplication, type Report } from "../src/index.js";

const seeds = (name: string) => fileURLToPath(new URL(`../../../seeds/scenarios/${name}`, import.meta.url));

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
});
