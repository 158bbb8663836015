/**
 * Each behaviour of the model pinned by a test that fails when the behaviour is switched off:
 * closed lanes divert, lane-choice rules, conditional shares, walk-up overhead, fallback routes,
 * traits shared across policies, reserve staffing, censoring at the hard stop, capacity-bound hours.
 * Tolerances come from replication intervals (Student t), not hand-tuned constants.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadScenarioText, parseScenario, resolveScenario, setPath, type ResolvedScenario } from "@hetao/scenario";
import { LogHistogram, confidenceInterval, pairedDifference } from "@hetao/stats";
import { TraceEvent, simulateReplication, type PolicyDayResult, type TraceSink } from "../src/index.js";

// The layout (every lane at full staffing): the claims below compare policies on the same staffing.
const weekdayPath = fileURLToPath(new URL("../../../seeds/scenarios/hetao-layout.yaml", import.meta.url));
const weekday = loadScenarioText(readFileSync(weekdayPath, "utf8"), weekdayPath);

function hetao(...changes: [string, unknown][]): ResolvedScenario {
  let data: unknown = weekday.scenario;
  for (const [p, v] of changes) data = setPath(data, p, v);
  return resolveScenario(parseScenario(data));
}

function days(s: ResolvedScenario, policy: string, n: number, seed = 1): PolicyDayResult[] {
  return Array.from({ length: n }, (_, r) => simulateReplication(s, { seed, point: 0, replication: r, policies: [policy] }).policies[policy]!);
}

function both(s: ResolvedScenario, n: number, seed = 1): { current: PolicyDayResult[]; seamless: PolicyDayResult[] } {
  const current: PolicyDayResult[] = [];
  const seamless: PolicyDayResult[] = [];
  for (let r = 0; r < n; r++) {
    const res = simulateReplication(s, { seed, point: 0, replication: r });
    current.push(res.policies["current"]!);
    seamless.push(res.policies["seamless"]!);
  }
  return { current, seamless };
}

/** A one-checkpoint scenario with the given lanes and step, constant Poisson arrivals. */
function station(o: {
  lanes: Record<string, unknown>[];
  step: Record<string, unknown>;
  ratePerHour: number;
  distributions: Record<string, unknown>;
  open?: string;
  close?: string;
  end?: string;
  warmupMinutes?: number;
  reserves?: Record<string, unknown>[];
  profile?: Record<string, unknown>[];
}): ResolvedScenario {
  return resolveScenario(
    parseScenario({
      name: "station",
      day: { open: o.open ?? "00:00", close: o.close ?? "22:00", end: o.end ?? "24:00" },
      warmupMinutes: o.warmupMinutes ?? 120,
      distributions: o.distributions,
      demand: { profile: o.profile ?? [{ from: o.open ?? "00:00", to: o.close ?? "22:00", ratePerHour: o.ratePerHour }], southboundShare: 1 },
      travellers: { classes: [{ id: "customer", share: 1, whitelistEligible: false }], whitelist: { coverage: 0 } },
      policies: [{ id: "p", lanes: o.lanes, routes: [{ steps: [{ checkpoint: "station", ...o.step }] }], ...(o.reserves ? { reserves: o.reserves } : {}) }],
    }),
  );
}

const meanWait = (d: PolicyDayResult) => d.wait.sum / d.wait.count;

describe("closed lanes divert (onClose)", () => {
  const closed: [string, unknown][] = [
    ["policies[id=seamless].lanes[id=sb-walkthrough].outages", [{ from: "08:30", to: "09:30" }]],
    ["policies[id=seamless].lanes[id=nb-walkthrough].outages", [{ from: "08:30", to: "09:30" }]],
  ];

  it("with the walk-through closed 08:30-09:30, whitelisted travellers take the conventional controls and seamless stays at or below current", () => {
    const s = hetao(...closed);
    const { current, seamless } = both(s, 8);
    for (const d of [...current, ...seamless]) expect(d.arrived).toBe(d.cleared + d.inSystem);
    // Diverted travellers exist and went through the conventional e-gates during the outage hour.
    const diverted = seamless.map((d) => d.diverted);
    expect(Math.min(...diverted)).toBeGreaterThan(20);
    for (const d of seamless) expect(d.lanes["sb-walkthrough"]!.hourlyUtilisation[8]! + d.lanes["sb-walkthrough"]!.hourlyUtilisation[9]!).toBeLessThan(2);
    // Paired: seamless minus current waiting and crossing time, upper 95% bound at or below 0.
    const wait = pairedDifference(seamless.map(meanWait), current.map(meanWait), 0.95);
    expect(wait.upper).toBeLessThanOrEqual(0);
    const crossing = pairedDifference(seamless.map((d) => d.summary.meanCrossing), current.map((d) => d.summary.meanCrossing), 0.95);
    expect(crossing.upper).toBeLessThan(0);
  });

  it("divert empties a closing lane's line into the step's other options; wait holds it until reopening", () => {
    // Two counters a and b, one server each, shortest-queue choice; a closes 10:00-11:00 with people waiting.
    const make = (onClose: string) =>
      station({
        distributions: { svc: { kind: "exponential", mean: 60 } },
        lanes: [
          { id: "a", checkpoint: "station", servers: 1, service: "svc", onClose, outages: [{ from: "10:00", to: "11:00" }] },
          { id: "b", checkpoint: "station", servers: 1, service: "svc" },
        ],
        step: { lanes: [{ lane: "a" }, { lane: "b" }], choose: "shortest-queue" },
        ratePerHour: 90,
        open: "08:00",
        close: "12:00",
        end: "24:00",
        warmupMinutes: 0,
      });
    const divert = days(make("divert"), "p", 10);
    const wait = days(make("wait"), "p", 10);
    for (const d of [...divert, ...wait]) expect(d.arrived).toBe(d.cleared + d.inSystem);
    expect(divert.reduce((n, d) => n + d.lanes["a"]!.diverted, 0)).toBeGreaterThan(5);
    expect(wait.reduce((n, d) => n + d.lanes["a"]!.diverted, 0)).toBe(0);
    // With `wait` the line at a holds through the outage (nobody new joins it); with `divert` it is empty.
    const heldAt10 = (ds: PolicyDayResult[]) => ds.reduce((x, d) => x + d.lanes["a"]!.hourlyQueue[10]!, 0);
    expect(heldAt10(wait)).toBeGreaterThan(0.5);
    expect(heldAt10(divert)).toBe(0);
    for (const d of [...divert, ...wait]) expect(d.lanes["a"]!.hourlyUtilisation[10]).toBe(0);
  });

  it("does not close (and divert) lanes at the hard stop: whoever still waits there is censored in line", () => {
    // Overloaded (120/h at one 60/h counter, and one at 30/h) up to the hard stop, where both lanes'
    // constant counts end: a line is left at the stop. A closing there would send it to the other
    // lane (counted as diverted) at the instant it is censored.
    const lanes = [
      { id: "a", checkpoint: "station", servers: 1, service: "svc" },
      { id: "b", checkpoint: "station", servers: 1, service: "slow" },
    ];
    const s = station({
      distributions: { svc: { kind: "exponential", mean: 60 }, slow: { kind: "exponential", mean: 120 } },
      lanes,
      step: { lanes: [{ lane: "a" }, { lane: "b" }], choose: "shortest-queue" },
      ratePerHour: 120,
      open: "08:00",
      close: "12:00",
      end: "12:00",
      warmupMinutes: 0,
    });
    for (const d of days(s, "p", 4)) {
      expect(d.summary.censored).toBeGreaterThan(10);
      expect(d.diverted).toBe(0);
      expect(d.lanes["a"]!.diverted + d.lanes["b"]!.diverted).toBe(0);
      expect(d.arrived).toBe(d.cleared + d.inSystem);
    }
  });
});

describe("lane choice among alternatives", () => {
  const lanes = [
    { id: "a", checkpoint: "station", servers: 1, service: "svc" },
    { id: "b", checkpoint: "station", servers: 1, service: "svc" },
  ];
  const distributions = { svc: { kind: "exponential", mean: 60 } };
  // λ = 96/h over both lanes, μ = 60/h per lane: ρ = 0.8 per lane under a 50/50 split.
  const split = station({ distributions, lanes, step: { lanes: [{ lane: "a", share: 0.5 }, { lane: "b" }] }, ratePerHour: 96 });
  const jsq = station({ distributions, lanes, step: { lanes: [{ lane: "a" }, { lane: "b" }], choose: "shortest-queue" }, ratePerHour: 96 });
  const lew = station({ distributions, lanes, step: { lanes: [{ lane: "a" }, { lane: "b" }], choose: "least-expected-wait" }, ratePerHour: 96 });
  const R = 20;
  const splitDays = days(split, "p", R, 5);

  it("a 50/50 split is two independent M/M/1 queues: the mean wait matches Erlang C within the replication interval", () => {
    const rho = 0.8;
    const wq = (rho / (1 / 60 - rho / 60)) * 1; // ρ / (μ − λ) = 240 s
    const ci = confidenceInterval(splitDays.map(meanWait), 0.99);
    expect(ci.lower).toBeLessThanOrEqual(wq);
    expect(ci.upper).toBeGreaterThanOrEqual(wq);
    // The shares are what they say: half the travellers at each lane.
    const served = splitDays.reduce((n, d) => n + d.lanes["a"]!.served, 0) / splitDays.reduce((n, d) => n + d.lanes["a"]!.served + d.lanes["b"]!.served, 0);
    expect(Math.abs(served - 0.5)).toBeLessThan(0.02);
  });

  it("shortest-queue and least-expected-wait give a lower mean wait than the split (paired on the same travellers)", () => {
    for (const s of [jsq, lew]) {
      const d = pairedDifference(days(s, "p", R, 5).map(meanWait), splitDays.map(meanWait), 0.95);
      expect(d.upper).toBeLessThan(0);
      expect(d.mean).toBeLessThan(-100);
    }
  });

  it("shares are conditional: 0.5, 0.5, then the rest split 50 / 25 / 25", () => {
    const three = station({
      distributions,
      lanes: [...lanes, { id: "c", checkpoint: "station", servers: 1, service: "svc" }],
      step: { lanes: [{ lane: "a", share: 0.5 }, { lane: "b", share: 0.5 }, { lane: "c" }] },
      ratePerHour: 60,
    });
    const d = days(three, "p", 4);
    const total = (l: string) => d.reduce((n, x) => n + x.lanes[l]!.served, 0);
    const all = total("a") + total("b") + total("c");
    expect(total("a") / all).toBeCloseTo(0.5, 1);
    expect(total("b") / all).toBeCloseTo(0.25, 1);
    expect(total("c") / all).toBeCloseTo(0.25, 1);
  });
});

describe("walk-up overhead", () => {
  it("adds to every service: time at the control is service plus overhead at low load", () => {
    const make = (overhead: boolean) =>
      station({
        distributions: { svc: { kind: "deterministic", value: 10 }, walk: { kind: "deterministic", value: 5 } },
        lanes: [{ id: "a", checkpoint: "station", servers: 50, service: "svc", ...(overhead ? { overhead: "walk" } : {}) }],
        step: { lanes: "a" },
        ratePerHour: 60,
      });
    const time = (d: PolicyDayResult) => d.checkpoints["station"]!.time.sum / d.checkpoints["station"]!.time.count;
    expect(time(days(make(true), "p", 1)[0]!)).toBeCloseTo(15, 9);
    expect(time(days(make(false), "p", 1)[0]!)).toBeCloseTo(10, 9);
  });
});

describe("a step's own service time (one desk, several kinds of check)", () => {
  it("a step with `service` takes that time at the lane; its fallback lane keeps the lane's own", () => {
    const make = (override: boolean) =>
      station({
        distributions: { desk: { kind: "deterministic", value: 10 }, check: { kind: "deterministic", value: 40 }, back: { kind: "deterministic", value: 7 } },
        lanes: [
          { id: "a", checkpoint: "station", servers: 50, service: "desk" },
          { id: "b", checkpoint: "station", servers: 50, service: "back" },
        ],
        step: { lanes: "a", ...(override ? { service: "check" } : {}), fallback: { probability: 1, lane: "b" } },
        ratePerHour: 60,
      });
    const time = (d: PolicyDayResult) => d.checkpoints["station"]!.time.sum / d.checkpoints["station"]!.time.count;
    // Time at the checkpoint per traveller: the step's service (40 s, else the lane's 10 s) plus the fallback lane's 7 s.
    expect(time(days(make(true), "p", 1)[0]!)).toBeCloseTo(47, 9);
    expect(time(days(make(false), "p", 1)[0]!)).toBeCloseTo(17, 9);
  });

  it("an option's `service` and a fallback's `service` take precedence over the step's and the lane's", () => {
    const make = (o: { option?: boolean; fallback?: boolean }) =>
      station({
        distributions: {
          desk: { kind: "deterministic", value: 10 },
          check: { kind: "deterministic", value: 40 },
          visitor: { kind: "deterministic", value: 75 },
          back: { kind: "deterministic", value: 7 },
          again: { kind: "deterministic", value: 3 },
        },
        lanes: [
          { id: "a", checkpoint: "station", servers: 50, service: "desk" },
          { id: "b", checkpoint: "station", servers: 50, service: "back" },
        ],
        step: {
          lanes: [{ lane: "a", ...(o.option ? { service: "visitor" } : {}) }],
          service: "check",
          fallback: { probability: 1, lane: "b", ...(o.fallback ? { service: "again" } : {}) },
        },
        ratePerHour: 60,
      });
    const time = (d: PolicyDayResult) => d.checkpoints["station"]!.time.sum / d.checkpoints["station"]!.time.count;
    expect(time(days(make({ option: true, fallback: true }), "p", 1)[0]!)).toBeCloseTo(78, 9);
    expect(time(days(make({ option: true }), "p", 1)[0]!)).toBeCloseTo(82, 9);
    expect(time(days(make({}), "p", 1)[0]!)).toBeCloseTo(47, 9);
  });
});

describe("fallback routes and traits of the person", () => {
  /** The travellers of one policy that fell back, from its trace. */
  function fellBack(s: ResolvedScenario, policy: string, replication: number): Set<number> {
    const out = new Set<number>();
    const sink: TraceSink = {
      event(_time, event, t) {
        if (event === TraceEvent.Fallback) out.add(t);
      },
    };
    simulateReplication(s, { seed: 2, point: 0, replication, policies: [policy], trace: { policy, sink } });
    return out;
  }

  it("a rejected seamless traveller goes back through the conventional controls it would have used", () => {
    const s = hetao();
    const res = simulateReplication(s, { seed: 4, point: 0, replication: 0 });
    const sea = res.policies["seamless"]!;
    // The seamless lanes have no fallback counter; rejects are served at the conventional controls.
    expect(Object.keys(sea.lanes).some((l) => l.endsWith("-fallback"))).toBe(false);
    expect(sea.fallbacks).toBeGreaterThan(10);
    const rerouted = new Set<number>();
    const sink: TraceSink = {
      event(_time, event, t, lane) {
        if (event === TraceEvent.Reroute) rerouted.add(t);
        if (event === TraceEvent.Join && rerouted.has(t)) expect(s.policies.find((p) => p.id === "seamless")!.lanes[lane]!.id).not.toMatch(/walkthrough|predeclared|bio-approved|audit/);
      },
    };
    simulateReplication(s, { seed: 4, point: 0, replication: 0, policies: ["seamless"], trace: { policy: "seamless", sink } });
    expect(rerouted.size).toBeGreaterThan(10);
  });

  it("a 2% reject is nested inside a 3% reject: the draw is the person's, shared across policies", () => {
    const s = hetao(["policies[id=seamless].routes[id=southbound-seamless].steps[0].fallback.probability", 0.02]);
    const t = hetao(["policies[id=seamless].routes[id=southbound-seamless].steps[0].fallback.probability", 0.03]);
    const walkthroughRejects = (sc: ResolvedScenario) => {
      // Travellers rejected at the walk-through (their fallback event is the first one they have).
      const out = new Set<number>();
      const sink: TraceSink = {
        event(_time, event, tr, lane) {
          if (event === TraceEvent.Fallback && lane === -1) out.add(tr);
        },
      };
      simulateReplication(sc, { seed: 2, point: 0, replication: 0, policies: ["seamless"], trace: { policy: "seamless", sink } });
      return out;
    };
    const two = walkthroughRejects(s);
    const three = walkthroughRejects(t);
    expect(two.size).toBeGreaterThan(3);
    expect(three.size).toBeGreaterThan(two.size);
    for (const x of two) expect(three.has(x)).toBe(true);
    // The same person fails the e-gate under current: the trait carries across policies.
    const currentRejects = fellBack(s, "current", 0);
    let shared = 0;
    for (const x of two) if (currentRejects.has(x)) shared++;
    expect(shared).toBeGreaterThan(0);
  });
});

describe("reserve staffing (dynamic staffing)", () => {
  // Two counters for a morning peak above their capacity (180/h vs 120/h); four reserve officers open
  // at an expected wait of 5 minutes and close below 1 minute, each open at least 10 minutes.
  const make = (withReserve: boolean) =>
    station({
      distributions: { svc: { kind: "exponential", mean: 60 } },
      lanes: [{ id: "desk", checkpoint: "station", servers: 2, service: "svc" }],
      step: { lanes: "desk" },
      ratePerHour: 0,
      open: "07:00",
      close: "12:00",
      warmupMinutes: 0,
      profile: [
        { from: "07:00", to: "08:00", ratePerHour: 60 },
        { from: "08:00", to: "10:00", ratePerHour: 180 },
        { from: "10:00", to: "12:00", ratePerHour: 60 },
      ],
      ...(withReserve ? { reserves: [{ id: "flex", officers: 4, lanes: ["desk"], openAtWaitMinutes: 5, closeAtWaitMinutes: 1, minOpenMinutes: 10 }] } : {}),
    });
  const R = 10;
  /** The operating day: open 07:00 to the hard stop at 24:00 (a constant count is open for it). */
  const OPEN_HOURS = 17;
  const withR = days(make(true), "p", R);
  const without = days(make(false), "p", R);

  it("opens servers when the expected wait passes the threshold: waits rarely exceed threshold + one service time", () => {
    for (const d of withR) {
      const reserve = d.reserves["flex"]!;
      expect(reserve.openings).toBeGreaterThan(0);
      expect(reserve.maxOpen).toBeGreaterThan(0);
      // Time-weighted servers open at the lane (open for the operating day): the rostered 2 plus the reserve's hours.
      expect(reserve.meanOpenServers).toBeCloseTo(2 + reserve.officerHours / OPEN_HOURS, 9);
      expect(reserve.served).toBe(d.lanes["desk"]!.served);
    }
    // Share of travellers waiting longer than 5 min + one mean service (6 min), pooled over days.
    const over = withR.reduce((n, d) => n + (d.wait.count - countAtMost(d, 360)), 0) / withR.reduce((n, d) => n + d.wait.count, 0);
    expect(over).toBeLessThan(0.05);
    const overWithout = without.reduce((n, d) => n + (d.wait.count - countAtMost(d, 360)), 0) / without.reduce((n, d) => n + d.wait.count, 0);
    expect(overWithout).toBeGreaterThan(0.3);
    // Reported: the share over the open threshold, as an observation per day.
    for (const d of withR) expect(d.reserves["flex"]!.overThreshold).toBeLessThanOrEqual(d.reserves["flex"]!.served);
  });

  it("counts the reserve in officer-hours while open", () => {
    for (const d of withR) {
      const rostered = 2 * OPEN_HOURS; // a constant `servers: 2` lane is staffed for the operating day
      expect(d.lanes["desk"]!.staffedHours).toBeCloseTo(rostered + d.reserves["flex"]!.officerHours, 9);
      expect(d.summary.officerHours).toBeCloseTo(d.lanes["desk"]!.staffedHours, 9);
      expect(d.reserves["flex"]!.officerHours).toBeGreaterThan(0.5);
    }
    for (const d of without) expect(d.summary.officerHours).toBeCloseTo(2 * OPEN_HOURS, 9);
  });
});

/** Travellers whose total queueing was at most `seconds` (histogram resolution, 1%). */
function countAtMost(d: PolicyDayResult, seconds: number): number {
  return LogHistogram.fromJSON(d.wait).countAtMost(seconds);
}


describe("nobody dropped: censoring at the hard stop", () => {
  const heavy = (end: string) => hetao(["demand.multiplier", 8], ["day.end", end]);

  it("counts everyone inside at the hard stop with the time so far, flags the figures as lower bounds, and the crossing-empty time", () => {
    const early = both(heavy("22:30"), 3);
    const late = both(heavy("24:00"), 3);
    for (const p of ["current", "seamless"] as const) {
      for (let r = 0; r < 3; r++) {
        const e = early[p][r]!;
        const l = late[p][r]!;
        // Everyone counted is in every time statistic: cleared or censored.
        expect(e.crossing.count).toBe(e.arrived);
        expect(e.clearance.count).toBe(e.arrived);
        expect(e.summary.censored).toBe(e.inSystem);
        expect(e.arrived).toBe(e.cleared + e.inSystem);
        // The censored times are lower bounds: an earlier stop can only shorten them, never drop anyone.
        expect(e.summary.meanCrossing).toBeLessThanOrEqual(l.summary.meanCrossing + 1e-9);
        expect(e.arrived).toBe(l.arrived);
        if (e.summary.censored > 0) expect(e.summary.emptiedAt).toBe(22.5 * 3600);
      }
    }
    expect(early.current.some((d) => d.summary.censored > 0)).toBe(true);
  });

  it("a worse policy cannot look better by stopping early: at 22:30 the policy with more censored travellers still has the longer mean", () => {
    // Dropping the censored would lower the mean of the congested policy most; counting them keeps the order.
    const early = both(heavy("22:30"), 3);
    for (let r = 0; r < 3; r++) {
      const c = early.current[r]!;
      const s = early.seamless[r]!;
      if (c.summary.censored > s.summary.censored) expect(c.summary.meanCrossing).toBeGreaterThan(s.summary.meanCrossing);
    }
  });
});

describe("capacity signals", () => {
  it("flags hours where a checkpoint's queue grows through the hour only when demand exceeds capacity", () => {
    const growth = (d: PolicyDayResult) =>
      Object.values(d.checkpoints).some((cp) => cp.queueAtHour.some((q, h) => h < 24 && (cp.queueAtHour[h + 1] ?? 0) - q > 50));
    const heavy = days(hetao(["demand.multiplier", 8]), "current", 1)[0]!;
    const light = days(hetao(), "current", 1)[0]!;
    expect(growth(heavy)).toBe(true);
    expect(growth(light)).toBe(false);
    // The checkpoint's queue figures are of its total queue (all lanes): the maximum bounds every hour's.
    for (const cp of Object.values(heavy.checkpoints)) for (const m of cp.hourlyMaxQueue) expect(m).toBeLessThanOrEqual(cp.maxQueue);
  });
});

describe("the shuttle bus as a group", () => {
  /** One counter station, no walk-ins but a 10:00 bus of `seats` at full load. */
  function bus(servers: number, seats: number): ResolvedScenario {
    return resolveScenario(
      parseScenario({
        name: "bus",
        day: { open: "08:00", close: "12:00", end: "24:00" },
        distributions: { svc: { kind: "deterministic", value: 10 } },
        demand: { profile: [{ from: "08:00", to: "12:00", ratePerHour: 0 }], southboundShare: 1, shuttles: [{ time: "10:00", direction: "southbound", seats, load: 1 }] },
        travellers: { classes: [{ id: "c", share: 1, whitelistEligible: false }], whitelist: { coverage: 0 } },
        policies: [{ id: "p", lanes: [{ id: "a", checkpoint: "station", servers, service: "svc" }], routes: [{ steps: [{ checkpoint: "station", lanes: "a" }] }] }],
      }),
    );
  }

  it("waits for its last passenger: the dwell is the last one's finish, not the mean passenger's", () => {
    // Five passengers, one counter of 10 s: the last leaves after 50 s; with five counters after 10 s.
    const one = days(bus(1, 5), "p", 1)[0]!;
    expect(one.shuttles).toEqual([{ time: 36000, direction: "southbound", passengers: 5, dwell: 50, censored: 0 }]);
    expect(one.summary.meanCrossing).toBeCloseTo(30, 9); // (10 + 20 + 30 + 40 + 50) / 5: passengers differ, the bus waits for all
    expect(days(bus(5, 5), "p", 1)[0]!.shuttles[0]!.dwell).toBe(10);
  });
});
