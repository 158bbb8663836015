/**
 * Which institutions gain: per institution of the zone (and per group: park × whitelist filing × field),
 * the paired difference of their staff's door-to-door crossing time between two policies. Checked on
 * the Hetao weekday preset, where the walk-through is for enrolled staff of whitelisted institutions.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "@hetao/scenario";
import { zoneOf } from "@hetao/crossing-model";
import { buildReport, createExperiment, planReplications, resolvePoint, runReplication } from "../src/index.js";

const file = fileURLToPath(new URL("../../../seeds/scenarios/hetao-weekday.yaml", import.meta.url));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("which institutions gain", async () => {
  const { scenario, digest } = await loadScenarioFile(file);
  const spec = createExperiment(scenario, { replications: 6, seed: 5, policies: ["baseline", "current", "seamless"] });
  const results = planReplications(spec).map(({ point, replication }) => runReplication(spec, point, replication));
  const report = buildReport(spec, results, { scenarioDigest: digest, toolVersion: "0.0.0-test" });
  const point = report.points[0]!;
  const cmp = (treatment: string, baseline: string) => point.comparisons.find((c) => c.treatment === treatment && c.baseline === baseline)!.institutions!;

  it("counts every staff trip under its institution; shuttle passengers are anonymous", () => {
    const shuttlePassengers = scenario.demand.shuttles.reduce((a, s) => a + Math.round(s.seats * s.load), 0);
    for (const r of results) {
      for (const day of Object.values(r.policies)) {
        const arrived = day.institutions.arrived.reduce((a, b) => a + b, 0);
        expect(arrived + shuttlePassengers).toBe(day.arrived);
        expect(day.institutions.arrived.length).toBe(52 + 60);
      }
    }
  });

  it("gives whitelisted institutions a larger saving per trip under seamless than the others", () => {
    const g = cmp("seamless", "current");
    const rows = g.rows.filter((x) => x.crossing.mean !== null);
    const filed = rows.filter((x) => x.whitelisted).map((x) => x.crossing.mean!);
    const others = rows.filter((x) => !x.whitelisted).map((x) => x.crossing.mean!);
    expect(filed.length).toBeGreaterThan(10);
    expect(others.length).toBeGreaterThan(0);
    // Negative = time saved: the whitelisted save more, clearly.
    expect(mean(filed)).toBeLessThan(mean(others) - 30);
    for (const park of ["shenzhen", "hongkong"]) {
      const w = g.groups.filter((x) => x.park === park && x.whitelisted);
      const n = g.groups.filter((x) => x.park === park && !x.whitelisted);
      for (const a of w) {
        expect(a.crossing.upper!, a.id).toBeLessThan(-30);
        for (const b of n) expect(a.crossing.mean!, `${a.id} vs ${b.id}`).toBeLessThan(b.crossing.mean!);
      }
    }
    // The institution that saves the most researcher-hours a day is a whitelisted one.
    const top = [...g.rows].sort((a, b) => a.hoursPerDay.mean! - b.hoursPerDay.mean!)[0]!;
    expect(top.whitelisted).toBe(true);
  });

  it("describes each institution as the zone built it, with its trips per day", () => {
    const zone = zoneOf(resolvePoint(spec, 0), spec.seed);
    const g = cmp("seamless", "current");
    expect(g.rows.length + g.withoutTrips.length).toBe(zone.institutions.length);
    const first = g.rows.find((x) => x.id === "shenzhen-park-01")!;
    expect([first.staff, first.whitelisted, first.lifeScience]).toEqual([zone.institutions[0]!.staff, zone.institutions[0]!.whitelisted, zone.institutions[0]!.lifeScience]);
    const trips = results.map((r) => r.policies.current!.institutions.arrived[0]!);
    expect(first.tripsPerDay).toBeCloseTo(mean(trips), 9);
    expect(first.daysWithTrips).toBe(trips.filter((x) => x > 0).length);
  });

  it("adds up per institution: baseline → current plus current → seamless equals baseline → seamless", () => {
    const a = cmp("current", "baseline");
    const b = cmp("seamless", "current");
    const c = cmp("seamless", "baseline");
    for (const x of c.rows) {
      const ax = a.rows.find((y) => y.id === x.id)!;
      const bx = b.rows.find((y) => y.id === x.id)!;
      expect(ax.crossing.mean! + bx.crossing.mean!, x.id).toBeCloseTo(x.crossing.mean!, 6);
      expect(ax.hoursPerDay.mean! + bx.hoursPerDay.mean!, x.id).toBeCloseTo(x.hoursPerDay.mean!, 9);
    }
  });

  it("gives an institution with no trip no row and names it among those without trips", () => {
    // Very skewed sizes: the smallest institutions have no staff, hence no trips.
    const skewed = createExperiment(scenario, {
      replications: 2,
      seed: 5,
      policies: ["current", "seamless"],
      points: [{ index: 0, overrides: [{ path: "travellers.population.sizeSkew", value: 3 }] }],
    });
    const res = planReplications(skewed).map(({ point: p, replication }) => runReplication(skewed, p, replication));
    const g = buildReport(skewed, res, { scenarioDigest: digest, toolVersion: "0.0.0-test" }).points[0]!.comparisons[0]!.institutions!;
    const zone = zoneOf(resolvePoint(skewed, 0), skewed.seed);
    const empty = zone.institutions.map((x, i) => [x, i] as const).filter(([, i]) => res.every((r) => r.policies.current!.institutions.arrived[i] === 0));
    expect(empty.length).toBeGreaterThan(0);
    expect(g.withoutTrips.length).toBe(empty.length);
    for (const id of g.withoutTrips) expect(g.rows.some((x) => x.id === id), id).toBe(false);
    expect(g.rows.every((x) => x.daysWithTrips > 0 && x.tripsPerDay > 0)).toBe(true);
  });

  it("is null without a population of institutions", async () => {
    const { scenario: mmc, digest: d } = await loadScenarioFile(fileURLToPath(new URL("../../../seeds/scenarios/two-counters.yaml", import.meta.url)));
    const s = createExperiment(mmc, { replications: 2, seed: 1 });
    expect(s.compare.length).toBeGreaterThan(0);
    const r = buildReport(s, planReplications(s).map(({ point: p, replication }) => runReplication(s, p, replication)), { scenarioDigest: d, toolVersion: "0" });
    for (const c of r.points[0]!.comparisons) expect(c.institutions).toBeNull();
  });
});
