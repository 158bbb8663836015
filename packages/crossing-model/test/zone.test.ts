/**
 * People and institutions (travellers.population): whitelist status from institutions and enrolment,
 * a researcher's trips as one person's tour sharing whitelist status, traits and goods.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadScenarioText, parseScenario, resolveScenario, type ResolvedScenario } from "@hetao/scenario";
import { institutionSizes, replicationPopulation, simulateReplication, zoneOf } from "../src/index.js";

const weekdayPath = fileURLToPath(new URL("../../../seeds/scenarios/hetao-weekday.yaml", import.meta.url));
const weekday = loadScenarioText(readFileSync(weekdayPath, "utf8"), weekdayPath).scenario;

/** The weekday preset with the Hetao zone's institutions instead of a per-trip whitelist coin flip. */
function withZone(o: { whitelisted?: number; enrolment?: number; tours?: number; beyondZone?: number } = {}): ResolvedScenario {
  const data = structuredClone(weekday) as unknown as { travellers: Record<string, unknown> };
  if (o.beyondZone !== undefined) data.travellers["beyondZone"] = o.beyondZone;
  delete data.travellers["whitelist"];
  data.travellers["population"] = {
    institutions: [
      { id: "shenzhen-park", park: "shenzhen", count: 52, staff: 1300, whitelisted: o.whitelisted ?? 0.85, lifeScience: 0.3 },
      { id: "hongkong-park", park: "hongkong", count: 30, staff: 700, whitelisted: o.whitelisted ?? 0.85, lifeScience: 0.4 },
    ],
    enrolment: o.enrolment ?? 0.8,
    tours: o.tours ?? 0.9,
    goods: { lifeScience: { instruments: 0.05, reagents: 0.05, biological: 0.2 }, other: { instruments: 0.06, reagents: 0.02 } },
  };
  return resolveScenario(parseScenario(data));
}

describe("the zone's institutions and staff", () => {
  it("splits staff by a Zipf size skew that sums to the staff count", () => {
    const sizes = institutionSizes(52, 1300, 1);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(1300);
    expect(sizes[0]!).toBeGreaterThan(sizes[51]! * 10);
    expect(new Set(institutionSizes(10, 100, 0))).toEqual(new Set([10]));
  });

  it("whitelists through institutions and enrolment, nested: raising either only adds people", () => {
    let previous: Uint8Array | null = null;
    let previousCoverage = -1;
    for (const [whitelisted, enrolment] of [[0, 0.8], [0.5, 0.5], [0.5, 0.8], [1, 0.8], [1, 1]] as const) {
      const zone = zoneOf(withZone({ whitelisted, enrolment }), 1);
      if (previous !== null) for (let p = 0; p < zone.whitelisted.length; p++) if (previous[p] === 1) expect(zone.whitelisted[p]).toBe(1);
      expect(zone.coverage).toBeGreaterThanOrEqual(previousCoverage);
      previous = zone.whitelisted;
      previousCoverage = zone.coverage;
    }
    expect(zoneOf(withZone({ whitelisted: 0 }), 1).coverage).toBe(0);
    // Whitelisted only where the institution is: every whitelisted person's institution is on the list.
    const zone = zoneOf(withZone(), 1);
    for (let p = 0; p < zone.whitelisted.length; p++) if (zone.whitelisted[p] === 1) expect(zone.institutions[zone.institution[p]!]!.whitelisted).toBe(true);
  });
});

describe("tours", () => {
  const s = withZone();
  const pop = replicationPopulation(s, { seed: 1, point: 0, replication: 0 });

  it("pairs an outbound trip with a later return of the same person in the opposite direction", () => {
    let returns = 0;
    let walkIns = 0;
    for (let k = 0; k < pop.size; k++) {
      if (pop.arrival[k] === 0) walkIns++;
      const other = pop.tourLeg[k]!;
      if (other < 0) continue;
      expect(pop.tourLeg[other]).toBe(k);
      expect(pop.person[other]).toBe(pop.person[k]);
      expect(pop.direction[other]).not.toBe(pop.direction[k]);
      if (other < k) {
        returns++;
        expect(pop.arrivalTime[k]! - pop.arrivalTime[other]!).toBeGreaterThanOrEqual(3600);
      }
    }
    // Most evening trips are returns of morning ones: a large share of the day's trips are tour legs.
    expect((2 * returns) / walkIns).toBeGreaterThan(0.5);
    const none = replicationPopulation(withZone({ tours: 0 }), { seed: 1, point: 0, replication: 0 });
    expect(Array.from(none.tourLeg).every((x) => x === -1)).toBe(true);
  });

  it("both legs share whitelist status, class, goods and the traveller's draws (one seed)", () => {
    let withGoods = 0;
    for (let k = 0; k < pop.size; k++) {
      const other = pop.tourLeg[k]!;
      if (other < 0) continue;
      expect(pop.whitelisted[other]).toBe(pop.whitelisted[k]);
      expect(pop.classIndex[other]).toBe(pop.classIndex[k]);
      expect(pop.goods[other]).toBe(pop.goods[k]);
      expect(pop.seed[other]).toBe(pop.seed[k]);
      if (pop.goods[k] !== 0) withGoods++;
    }
    expect(withGoods).toBeGreaterThan(0);
  });

  it("the institution's whitelist status covers its staff enrolled or not; a tour's legs share the destination", () => {
    const s = withZone({ beyondZone: 0.3 });
    const p = replicationPopulation(s, { seed: 1, point: 0, replication: 0 });
    let institutionOnly = 0;
    let beyond = 0;
    let legs = 0;
    for (let k = 0; k < p.size; k++) {
      if (p.whitelisted[k] === 1) expect(p.institutionWhitelisted[k]).toBe(1);
      if (p.institutionWhitelisted[k] === 1 && p.whitelisted[k] === 0) institutionOnly++;
      beyond += p.destination[k]!;
      const other = p.tourLeg[k]!;
      if (other < 0) continue;
      legs++;
      expect(p.destination[other]).toBe(p.destination[k]);
      expect(p.institutionWhitelisted[other]).toBe(p.institutionWhitelisted[k]);
    }
    // Enrolment 0.8 leaves staff of whitelisted institutions unenrolled; foreign staff cannot enrol at all.
    expect(institutionOnly).toBeGreaterThan(0.05 * p.size);
    expect(legs).toBeGreaterThan(0.5 * p.size);
    // Binomial share of 2,000 trips (legs correlated in pairs): within 5 standard errors of 0.3.
    const se = Math.sqrt((0.3 * 0.7 * 2) / p.size);
    expect(Math.abs(beyond / p.size - 0.3)).toBeLessThan(5 * se);
    const none = replicationPopulation(withZone({ beyondZone: 0 }), { seed: 1, point: 0, replication: 0 });
    expect(Array.from(none.destination).every((x) => x === 0)).toBe(true);
  });

  it("keeps the demand profile: the same arrival times and directions as anonymous trips", () => {
    const anon = replicationPopulation(resolveScenario(parseScenario(weekday)), { seed: 1, point: 0, replication: 0 });
    expect(Array.from(pop.arrivalTime)).toEqual(Array.from(anon.arrivalTime));
    expect(Array.from(pop.direction)).toEqual(Array.from(anon.direction));
  });

  it("the seamless gain grows with the share of institutions whitelisted", () => {
    const gains = [0, 0.5, 1].map((whitelisted) => {
      const sc = withZone({ whitelisted });
      let gain = 0;
      for (let r = 0; r < 4; r++) {
        const res = simulateReplication(sc, { seed: 3, point: 0, replication: r });
        gain += res.policies["current"]!.summary.meanCrossing - res.policies["seamless"]!.summary.meanCrossing;
      }
      return gain / 4;
    });
    expect(gains[1]!).toBeGreaterThan(gains[0]!);
    expect(gains[2]!).toBeGreaterThan(gains[1]!);
  });
});
