import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadScenarioText, parseScenario, resolveScenario, setPath, type ResolvedScenario, type Scenario } from "@hetao/scenario";
import { ReplicationResultSchema, simulateReplication } from "../src/index.js";

// The layout (every lane at the posts' full staffing), so that lanes can be edited where they are defined.
const weekdayPath = fileURLToPath(new URL("../../../seeds/scenarios/hetao-layout.yaml", import.meta.url));
const weekday = loadScenarioText(readFileSync(weekdayPath, "utf8"), weekdayPath);

function variant(path: string, value: unknown, ...more: [string, unknown][]): ResolvedScenario {
  let data: unknown = setPath(weekday.scenario, path, value);
  for (const [p, v] of more) data = setPath(data, p, v);
  return resolveScenario(parseScenario(data));
}

describe("the Hetao crossing model", () => {
  it("is deterministic: same inputs, same bytes; another replication differs", () => {
    const a = JSON.stringify(simulateReplication(weekday.resolved, { seed: 7, point: 0, replication: 3 }));
    const b = JSON.stringify(simulateReplication(weekday.resolved, { seed: 7, point: 0, replication: 3 }));
    const c = JSON.stringify(simulateReplication(weekday.resolved, { seed: 7, point: 0, replication: 4 }));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it("returns results that satisfy their schema and conserve travellers", () => {
    const res = ReplicationResultSchema.parse(simulateReplication(weekday.resolved, { seed: 1, point: 0, replication: 0 }));
    expect(Object.keys(res.policies)).toEqual(["baseline", "current", "seamless", "line-management"]);
    for (const p of Object.values(res.policies)) {
      expect(p.arrived).toBeGreaterThan(1500);
      expect(p.arrived).toBe(p.cleared + p.inSystem);
      expect(p.clearance.count).toBe(p.cleared);
      const byClass = Object.values(p.byClass).reduce((s, g) => s + g.arrived, 0);
      expect(byClass).toBe(p.arrived);
      expect(p.hourly.cleared.reduce((s, x) => s + x, 0)).toBe(p.cleared);
    }
  });

  it("uses the same travellers under every policy (common random numbers)", () => {
    const res = simulateReplication(weekday.resolved, { seed: 1, point: 0, replication: 0 });
    const cur = res.policies["current"]!;
    const sea = res.policies["seamless"]!;
    expect(sea.arrived).toBe(cur.arrived);
    expect(sea.hourly.arrivals).toEqual(cur.hourly.arrivals);
    for (const k of Object.keys(cur.byClass)) expect(sea.byClass[k]!.arrived).toBe(cur.byClass[k]!.arrived);
  });

  it("with nobody enrolled, seamless (which keeps the conventional lanes) equals current exactly", () => {
    const s = variant("travellers.population.month", "2024-10") // enrolment 0 on the path;
    const res = simulateReplication(s, { seed: 3, point: 0, replication: 1 });
    const cur = res.policies["current"]!;
    const sea = res.policies["seamless"]!;
    // Everything but staffing: seamless keeps its (unused) walk-through lanes open.
    const { officerHours: _o1, gateHours: _g1, ...seaRest } = sea.summary;
    const { officerHours: _o2, gateHours: _g2, ...curRest } = cur.summary;
    expect(seaRest).toEqual(curRest);
    expect(sea.summary.officerHours).toBe(cur.summary.officerHours);
    expect(sea.summary.gateHours).toBeGreaterThan(cur.summary.gateHours);
    expect(sea.clearance).toEqual(cur.clearance);
    expect(sea.byClass).toEqual(cur.byClass);
  });

  it("whitelist seamless clearance shortens whitelisted travellers' clearance", () => {
    const res = simulateReplication(weekday.resolved, { seed: 11, point: 0, replication: 0 });
    expect(res.policies["seamless"]!.summary.meanClearance).toBeLessThan(res.policies["current"]!.summary.meanClearance);
  });

  it("counts travellers still inside when lanes close before the day ends", () => {
    const s = variant("policies[id=baseline].lanes[id=sb-hk-customs-green].outages", [{ from: "15:00", to: "24:00" }]);
    const res = simulateReplication(s, { seed: 5, point: 0, replication: 0 }).policies["current"]!;
    expect(res.inSystem).toBeGreaterThan(50);
    expect(res.arrived).toBe(res.cleared + res.inSystem);
  });

  it("an outage with onClose: wait lengthens waits there; with divert the fallback counters serve the queue", () => {
    const base = simulateReplication(weekday.resolved, { seed: 9, point: 0, replication: 0 }).policies["current"]!;
    const lane = "policies[id=baseline].lanes[id=sb-sz-exit-egate]"; // inherited by current
    const outage = variant(`${lane}.outages`, [{ from: "08:00", to: "09:00" }]);
    const waiting = variant(`${lane}.outages`, [{ from: "08:00", to: "09:00" }], [`${lane}.onClose`, "wait"]);
    const div = simulateReplication(outage, { seed: 9, point: 0, replication: 0 }).policies["current"]!;
    const hold = simulateReplication(waiting, { seed: 9, point: 0, replication: 0 }).policies["current"]!;
    const time = (p: typeof base) => p.checkpoints["sz-exit-immigration"]!.time.sum;
    // Nobody new joins a closed lane: arrivals take the step's fallback (the manual counters) at once.
    expect(div.lanes["sb-sz-exit-manual"]!.served).toBeGreaterThan(base.lanes["sb-sz-exit-manual"]!.served + 50);
    expect(div.diverted).toBeGreaterThan(50);
    expect(hold.lanes["sb-sz-exit-manual"]!.served).toBe(div.lanes["sb-sz-exit-manual"]!.served);
    expect(time(div)).toBeGreaterThan(0);
    expect(div.lanes["sb-sz-exit-egate"]!.hourlyUtilisation[8]).toBe(0);
    for (const p of [div, hold]) expect(p.arrived).toBe(p.cleared + p.inSystem);
  });

  it("simulates a third policy written only as data", () => {
    const text = readFileSync(weekdayPath, "utf8");
    const loaded = loadScenarioText(text, weekdayPath);
    const third = {
      id: "egates-everywhere",
      extends: "current",
      lanes: [],
      routes: [
        {
          id: "foreign-too",
          when: { class: "foreign", direction: "southbound", goods: "none" },
          steps: [
            { checkpoint: "sz-exit-immigration", lanes: "sb-sz-exit-egate" },
            { checkpoint: "transit", delay: "transit-walk" },
            { checkpoint: "hk-entry-immigration", lanes: "sb-hk-entry-echannel" },
          ],
        },
      ],
    };
    const s = resolveScenario(parseScenario({ ...loaded.scenario, policies: [...loaded.scenario.policies, third] }));
    const res = simulateReplication(s, { seed: 2, point: 0, replication: 0 });
    expect(Object.keys(res.policies)).toEqual(["baseline", "current", "seamless", "line-management", "egates-everywhere"]);
    const f = res.policies["egates-everywhere"]!.byClass["foreign"]!;
    const g = res.policies["current"]!.byClass["foreign"]!;
    expect(f.arrived).toBe(g.arrived);
    expect(f.clearance.sum / f.cleared).toBeLessThan(g.clearance.sum / g.cleared);
  });

  it("brings shuttle buses as batches", () => {
    const res = simulateReplication(weekday.resolved, { seed: 1, point: 0, replication: 0 }).policies["current"]!;
    // 10:00 bus: 15 passengers on top of ~9% of 2000 walk-ins in that hour.
    expect(res.checkpoints["sz-exit-immigration"]!.maxQueue).toBeGreaterThan(0);
  });
});
