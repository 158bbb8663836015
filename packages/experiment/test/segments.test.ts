/**
 * Who gains: the report splits travellers by whitelist standing (白名單 enrolment, institution 備案)
 * and by whether they carry declarable goods, with each policy's mean crossing and the paired
 * difference per segment. Checked on the Hetao weekday preset, where the levers act on different people.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "@hetao/scenario";
import { SEGMENTS } from "@hetao/crossing-model";
import { buildReport, createExperiment, planReplications, runReplication } from "../src/index.js";

const file = fileURLToPath(new URL("../../../seeds/scenarios/hetao-weekday.yaml", import.meta.url));

describe("who gains, by whitelist standing and goods", async () => {
  const { scenario, digest } = await loadScenarioFile(file);
  const spec = createExperiment(scenario, { replications: 8, seed: 5, policies: ["baseline", "current", "seamless"] });
  const results = planReplications(spec).map(({ point, replication }) => runReplication(spec, point, replication));
  const report = buildReport(spec, results, { scenarioDigest: digest, toolVersion: "0.0.0-test" });
  const point = report.points[0]!;
  const cmp = (treatment: string, baseline: string) => point.comparisons.find((c) => c.treatment === treatment && c.baseline === baseline)!;

  it("counts every counted traveller in exactly one segment, with the day's crossing times", () => {
    for (const r of results) {
      for (const day of Object.values(r.policies)) {
        const segs = SEGMENTS.map((k) => day.segments[k]!);
        expect(segs.reduce((a, g) => a + g.arrived, 0)).toBe(day.arrived);
        expect(segs.reduce((a, g) => a + g.crossingSum, 0)).toBeCloseTo(day.crossing.sum, 3);
        expect(segs.reduce((a, g) => a + g.waitSum, 0)).toBeCloseTo(day.wait.sum, 3);
      }
    }
    expect(Object.keys(point.policies.current!.segments)).toEqual([...SEGMENTS]);
  });

  it("gives the institution's customs measures to those carrying goods and the walk-through to the enrolled", () => {
    // baseline → current: the customs measures of whitelisted institutions help only those carrying goods.
    const customs = cmp("current", "baseline").segments;
    expect(customs["enrolled-with-goods"]!.crossing.upper).toBeLessThan(-300);
    expect(customs["institution-only-with-goods"]!.crossing.upper).toBeLessThan(-300);
    expect(Math.abs(customs["enrolled"]!.crossing.mean!)).toBeLessThan(30);
    // current → seamless: the walk-through helps the enrolled; staff who have not enrolled gain less.
    const walk = cmp("seamless", "current").segments;
    expect(walk["enrolled"]!.crossing.upper).toBeLessThan(-60);
    expect(walk["enrolled"]!.crossing.mean!).toBeLessThan(walk["institution-only"]!.crossing.mean!);
    expect(walk["enrolled"]!.crossing.mean!).toBeLessThan(walk["not-whitelisted"]!.crossing.mean!);
  });

  it("adds up per segment: baseline → current plus current → seamless equals baseline → seamless", () => {
    for (const k of SEGMENTS) {
      const a = cmp("current", "baseline").segments[k]!.crossing.mean!;
      const b = cmp("seamless", "current").segments[k]!.crossing.mean!;
      const c = cmp("seamless", "baseline").segments[k]!.crossing.mean!;
      expect(a + b, k).toBeCloseTo(c, 6);
    }
  });
});
