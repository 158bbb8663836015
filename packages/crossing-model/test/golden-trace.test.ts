import { describe, expect, it } from "vitest";
import { parseScenario, resolveScenario } from "@hetao/scenario";
import { simulateReplication, TRACE_EVENT_NAMES, type TraceSink } from "../src/index.js";

/**
 * Three shuttle passengers arrive together at 10:00 (36000 s); no walk-ins.
 * Lane A: 2 servers, 10 s. A 60 s walk. Lane B: 1 server, 20 s. Everything
 * deterministic, so the whole event order can be derived by hand:
 * arrivals chain at the same instant; departures at 36010 run in scheduling
 * order; a freed server takes the next in line before the departing
 * traveller moves on.
 */
const scenario = resolveScenario(
  parseScenario({
    name: "golden",
    day: { open: "09:00", close: "11:00", end: "12:00" },
    distributions: {
      a: { kind: "deterministic", value: 10 },
      walk: { kind: "deterministic", value: 60 },
      b: { kind: "deterministic", value: 20 },
    },
    demand: {
      profile: [{ from: "09:00", to: "11:00", ratePerHour: 0 }],
      southboundShare: 1,
      shuttles: [{ time: "10:00", direction: "southbound", seats: 3, load: 1 }],
    },
    travellers: { classes: [{ id: "staff", share: 1, whitelistEligible: false }], whitelist: { coverage: 0 } },
    policies: [
      {
        id: "p",
        lanes: [
          { id: "lane-a", checkpoint: "exit", servers: 2, service: "a" },
          { id: "lane-b", checkpoint: "entry", servers: 1, service: "b" },
        ],
        routes: [
          {
            steps: [
              { checkpoint: "exit", lanes: "lane-a" },
              { checkpoint: "bridge", delay: "walk" },
              { checkpoint: "entry", lanes: "lane-b" },
            ],
          },
        ],
      },
    ],
  }),
);

describe("golden trace", () => {
  it("produces the hand-derived event order exactly", () => {
    const lines: string[] = [];
    const lanes = ["lane-a", "lane-b"];
    const sink: TraceSink = {
      event(time, ev, t, lane) {
        lines.push(`${time} ${TRACE_EVENT_NAMES[ev]} ${t}${lane >= 0 ? ` ${lanes[lane]}` : ""}`);
      },
    };
    const res = simulateReplication(scenario, { seed: 1, point: 0, replication: 0, trace: { policy: "p", sink } });
    expect(lines).toEqual([
      "36000 arrive 0",
      "36000 join 0 lane-a",
      "36000 start 0 lane-a",
      "36000 arrive 1",
      "36000 join 1 lane-a",
      "36000 start 1 lane-a",
      "36000 arrive 2",
      "36000 join 2 lane-a",
      "36010 depart 0 lane-a",
      "36010 start 2 lane-a",
      "36010 walk 0",
      "36010 depart 1 lane-a",
      "36010 walk 1",
      "36020 depart 2 lane-a",
      "36020 walk 2",
      "36070 join 0 lane-b",
      "36070 start 0 lane-b",
      "36070 join 1 lane-b",
      "36080 join 2 lane-b",
      "36090 depart 0 lane-b",
      "36090 start 1 lane-b",
      "36090 clear 0",
      "36110 depart 1 lane-b",
      "36110 start 2 lane-b",
      "36110 clear 1",
      "36130 depart 2 lane-b",
      "36130 clear 2",
    ]);
    const p = res.policies["p"]!;
    expect(p.arrived).toBe(3);
    expect(p.cleared).toBe(3);
    // Clearance 90, 110 and 130 s; traveller 1 waited 20 s at B, traveller 2 10 s at A and 30 s at B.
    expect(p.clearance.sum).toBe(330);
    expect(p.wait.sum).toBe(20 + 40);
    expect(p.lanes["lane-b"]!.maxQueue).toBe(2);
  });
});
