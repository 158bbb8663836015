import { describe, expect, it } from "vitest";
import { matches, parseScenario, resolveScenario, scenarioWarnings, setPath, travellerCombinations, type ResolvedQueueStep } from "../src/index.js";
import { minimal } from "./helpers.js";

const resolveInput = (input: unknown) => resolveScenario(parseScenario(input));

describe("resolveScenario", () => {
  const r = resolveInput(minimal());
  const base = r.policies[0]!;
  const fast = r.policies[1]!;

  it("converts times to seconds since midnight and fills day defaults", () => {
    expect(r.day).toEqual({ open: 8 * 3600, close: 10 * 3600, end: 86400 });
    expect(r.warmup).toBe(0);
  });

  it("fills experiment defaults: baseline = first policy, compare = [other, baseline]", () => {
    expect(r.experiment).toEqual({ replications: 30, seed: 1, baseline: "base", compare: [["fast", "base"]] });
    const withBaseline = resolveInput(setPath(minimal(), "experiment", { baseline: "fast", replications: 5, seed: 9 }));
    expect(withBaseline.experiment).toEqual({ replications: 5, seed: 9, baseline: "fast", compare: [["base", "fast"]] });
    const explicit = resolveInput(setPath(minimal(), "experiment", { compare: [["base", "fast"]] }));
    expect(explicit.experiment.compare).toEqual([["base", "fast"]]);
  });

  it("converts profile shares to hourly rates: share × tripsPerDay / interval hours", () => {
    expect(r.demand.profile).toEqual([
      { from: 8 * 3600, to: 9 * 3600, ratePerHour: 25 },
      { from: 9 * 3600, to: 10 * 3600, ratePerHour: 75 },
    ]);
    const halfHours = resolveInput(
      setPath(minimal(), "demand.profile", [
        { from: "08:00", to: "08:30", share: 0.5 },
        { from: "08:30", to: "10:00", share: 0.5 },
      ]),
    );
    expect(halfHours.demand.profile.map((p) => p.ratePerHour)).toEqual([100, 50 / 1.5]);
  });

  it("keeps the multiplier separate from the rates", () => {
    const tripled = resolveInput(setPath(minimal(), "demand.multiplier", 3));
    expect(tripled.demand.multiplier).toBe(3);
    expect(tripled.demand.profile.map((p) => p.ratePerHour)).toEqual([25, 75]);
    expect(r.demand.multiplier).toBe(1);
  });

  it("keeps written rates as they are", () => {
    const rates = resolveInput(setPath(setPath(minimal(), "demand.profile", [{ from: "08:00", to: "10:00", ratePerHour: 42 }]), "demand.tripsPerDay", 1));
    expect(rates.demand.profile).toEqual([{ from: 28800, to: 36000, ratePerHour: 42 }]);
  });

  it("turns a constant southbound share into one all-day window, and converts windows", () => {
    expect(r.demand.southboundShare).toEqual([{ from: 0, to: 86400, share: 0.5 }]);
    const windows = resolveInput(
      setPath(minimal(), "demand.southboundShare", [
        { from: "08:00", to: "09:00", share: 0.7 },
        { from: "09:00", to: "10:00", share: 0.2 },
      ]),
    );
    expect(windows.demand.southboundShare).toEqual([
      { from: 28800, to: 32400, share: 0.7 },
      { from: 32400, to: 36000, share: 0.2 },
    ]);
  });

  it("sorts shuttles and computes passengers = round(seats × load)", () => {
    const s = resolveInput(
      setPath(minimal(), "demand.shuttles", [
        { time: "09:30", direction: "northbound", seats: 30, load: 0.5 },
        { time: "08:15", direction: "southbound", seats: 45, load: 0.3 },
      ]),
    );
    expect(s.demand.shuttles).toEqual([
      { time: 8 * 3600 + 900, direction: "southbound", seats: 45, load: 0.3, passengers: 14 },
      { time: 9 * 3600 + 1800, direction: "northbound", seats: 30, load: 0.5, passengers: 15 },
    ]);
    expect(r.demand.shuttles).toEqual([]);
  });

  it("fills goods defaults with none = 1 − the rest", () => {
    expect(r.travellers.goods).toEqual({ none: 1, instruments: 0, reagents: 0, biological: 0 });
    const g = resolveInput(setPath(minimal(), "travellers.goods", { instruments: 0.05, biological: 0.02 }));
    expect(g.travellers.goods.none).toBeCloseTo(0.93, 12);
    expect(g.travellers.goods.reagents).toBe(0);
  });

  it("merges extended lanes by id: own lane replaces the inherited one in place, new lanes appended", () => {
    expect(base.lanes.map((l) => [l.id, l.schedule[0]!.servers, l.definedIn])).toEqual([
      ["l1", 2, "base"],
      ["l2", 1, "base"],
    ]);
    expect(fast.lanes.map((l) => [l.id, l.schedule[0]!.servers, l.definedIn])).toEqual([
      ["l1", 5, "fast"],
      ["l2", 1, "base"],
      ["l3", 1, "fast"],
    ]);
    expect(fast.extends).toBe("base");
  });

  it("tries own routes before the parent's", () => {
    expect(base.routes.map((x) => x.id)).toEqual(["all"]);
    expect(fast.routes.map((x) => [x.id, x.definedIn])).toEqual([
      ["wl", "fast"],
      ["all", "base"],
    ]);
    expect(fast.routes[0]!.when).toEqual({ whitelisted: true });
  });

  it("applies extends transitively and removeLanes", () => {
    const withSpare = setPath(minimal(), "policies[id=fast].lanes", [
      ...(minimal().policies[1]!.lanes ?? []),
      { id: "l5", checkpoint: "c2", servers: 1, service: "svc" },
    ]);
    const input = setPath(withSpare, "policies", [
      ...withSpare.policies,
      {
        id: "third",
        extends: "fast",
        removeLanes: ["l5"],
        lanes: [{ id: "l4", checkpoint: "c3", servers: 1, service: "svc" }],
        routes: [{ id: "first", when: { class: "b" }, steps: [{ checkpoint: "c3", lanes: "l4" }] }],
      },
    ]);
    const third = resolveInput(input).policies[2]!;
    expect(third.lanes.map((l) => `${l.id}@${l.definedIn}`)).toEqual(["l1@fast", "l2@base", "l3@fast", "l4@third"]);
    expect(third.routes.map((x) => `${x.id}@${x.definedIn}`)).toEqual(["first@third", "wl@fast", "all@base"]);
    expect(third.extends).toBe("fast");
  });

  it("removeRoutes drops inherited routes by id; an unknown id is an error naming the inherited ones", () => {
    const input = setPath(minimal(), "policies[id=fast].routes", [
      { id: "wl", when: { whitelisted: true }, steps: [{ checkpoint: "c2", lanes: "l3" }] },
      { id: "rest", steps: [{ checkpoint: "c1", lanes: "l1" }] },
    ]);
    // `rest` takes everyone, so the inherited `all` is unreachable: validate warns, removeRoutes drops it.
    expect(scenarioWarnings(resolveInput(input))).toEqual(["policies[id=fast].routes[id=all]: unreachable: route rest before it has no `when`, so it takes every traveller"]);
    const cleaned = resolveInput(setPath(input, "policies[id=fast].removeRoutes", ["all"]));
    expect(cleaned.policies[1]!.routes.map((x) => x.id)).toEqual(["wl", "rest"]);
    // Only the removed route used the inherited lane l2: now the lane is what validate warns about.
    expect(scenarioWarnings(cleaned)).toEqual(["policies[id=fast].lanes[id=l2]: unused: no route step, fallback or reserve of policy fast sends anyone to it"]);
    expect(() => resolveInput(setPath(input, "policies[id=fast].removeRoutes", ["nope"]))).toThrow('no inherited route "nope" to remove');
    expect(() => resolveInput(setPath(input, "policies[id=base].removeRoutes", ["all"]))).toThrow("`removeRoutes` needs `extends`");
  });

  it("counts a distribution named only by a step, a lane option or a fallback as used", () => {
    let input = setPath(minimal(), "distributions.slow", { kind: "exponential", mean: 90 });
    input = setPath(input, "distributions.slower", { kind: "exponential", mean: 120 });
    input = setPath(input, "distributions.slowest", { kind: "exponential", mean: 150 });
    const unused = (i: typeof input) => scenarioWarnings(resolveInput(i)).filter((w) => w.startsWith("distributions."));
    expect(unused(input)).toHaveLength(3);
    input = setPath(input, "policies[id=base].routes[0].steps[0].service", "slow");
    input = setPath(input, "policies[id=fast].routes[0].steps[0].lanes[0].service", "slower");
    input = setPath(input, "policies[id=base].routes[0].steps[0].fallback.service", "slowest");
    expect(unused(input)).toEqual([]);
  });

  it("refuses to remove a lane that an inherited route still uses (even an unreachable one)", () => {
    const input = setPath(minimal(), "policies[id=fast].routes", [
      { id: "wl", when: { whitelisted: true }, steps: [{ checkpoint: "c2", lanes: "l3" }] },
      { id: "rest", steps: [{ checkpoint: "c1", lanes: "l1" }] },
    ]);
    expect(resolveInput(input).policies[1]!.routes.map((x) => x.id)).toEqual(["wl", "rest", "all"]);
    expect(() => resolveInput(setPath(input, "policies[id=fast].removeLanes", ["l2"]))).toThrow(
      'policies[0].routes[0].steps[0].fallback.lane: unknown lane "l2" in policy "fast"',
    );
  });

  it("normalizes steps: lane choices, default draws, probability and priority", () => {
    const all = base.routes[0]!;
    const first = all.steps[0] as ResolvedQueueStep;
    expect(first).toEqual({
      checkpoint: "c1",
      probability: 1,
      draw: "c1:l1",
      priority: 0,
      lanes: [{ lane: "l1", share: 1, draw: "c1:l1:share" }],
      choose: "share",
      fallback: { probability: 0.1, lane: "l2", draw: "c1:l2:fallback" },
    });
    expect(all.steps[1]).toEqual({ checkpoint: "walk", probability: 1, draw: "walk:walk", priority: 0, delay: "walk" });
    const wl = fast.routes[0]!.steps[0] as ResolvedQueueStep;
    expect(wl.lanes).toEqual([
      { lane: "l3", share: 0.5, draw: "x" },
      { lane: "l1", share: 1, draw: "c2:l1:share" },
    ]);
    expect(wl.draw).toBe("c2:l3");
  });

  it("keeps written draws, probabilities, priorities and normalizes matches to lists", () => {
    const input = setPath(minimal(), "policies[id=base].routes[0].steps[0]", {
      checkpoint: "c1",
      when: { class: "a", goods: "biological" },
      probability: 0.25,
      draw: "shared",
      priority: 2,
      lanes: [{ lane: "l2", when: { direction: "southbound" } }, { lane: "l1" }],
    });
    const step = resolveInput(input).policies[0]!.routes[0]!.steps[0] as ResolvedQueueStep;
    expect(step.when).toEqual({ class: ["a"], goods: ["biological"] });
    expect(step.probability).toBe(0.25);
    expect(step.draw).toBe("shared");
    expect(step.priority).toBe(2);
    expect(step.lanes[0]).toEqual({ lane: "l2", when: { direction: "southbound" }, share: 1, draw: "c1:l2:share" });
    expect(step.fallback).toBeUndefined();
  });

  it("names unnamed routes after their policy and index", () => {
    const input = setPath(minimal(), "policies[id=base].routes[0]", { steps: [{ checkpoint: "c1", lanes: "l1" }] });
    expect(resolveInput(input).policies[1]!.routes.map((x) => x.id)).toEqual(["wl", "base.routes[0]"]);
  });

  it("converts schedules and outages", () => {
    const input = setPath(minimal(), "policies[id=base].lanes[id=l2]", {
      id: "l2",
      checkpoint: "c1",
      service: "svc",
      overhead: "walk",
      kind: "manual",
      schedule: [
        { from: "08:00", to: "09:00", servers: 1 },
        { from: "09:00", to: "24:00", servers: 3 },
      ],
      outages: [{ from: "08:30", to: "08:45" }],
    });
    const lane = resolveInput(input).policies[0]!.lanes[1]!;
    expect(lane).toEqual({
      id: "l2",
      checkpoint: "c1",
      kind: "manual",
      service: "svc",
      overhead: "walk",
      definedIn: "base",
      onClose: "divert",
      staff: "officer",
      schedule: [
        { from: 28800, to: 32400, servers: 1 },
        { from: 32400, to: 86400, servers: 3 },
      ],
      outages: [{ from: 30600, to: 31500 }],
    });
  });

  it("converts warm-up minutes to seconds", () => {
    expect(resolveInput(setPath(minimal(), "warmupMinutes", 15)).warmup).toBe(900);
  });

  it("refuses a warm-up that outlasts the arrivals", () => {
    expect(() => resolveInput(setPath(minimal(), "warmupMinutes", 120))).toThrow(/warmupMinutes: warm-up lasts until arrivals stop/);
  });

  it("every traveller combination finds a route in every resolved policy", () => {
    const scenario = parseScenario(minimal());
    const combos = travellerCombinations(scenario);
    // class a (eligible): 2 directions × 3 (whitelisted, institution whitelisted) states × 4 goods × 2 arrivals
    // × 2 destinations; class b: 2 × 2 (institution only) × 4 × 2 × 2.
    expect(combos).toHaveLength(96 + 64);
    for (const policy of r.policies) {
      for (const t of combos) expect(policy.routes.some((route) => matches(route.when, t))).toBe(true);
    }
    const wl = combos.filter((t) => matches(fast.routes[0]!.when, t));
    expect(wl.every((t) => t.class === "a" && t.whitelisted)).toBe(true);
    expect(wl).toHaveLength(32);
  });
});

describe("rosters", () => {
  const roster = [
    { from: "08:00", to: "09:00", servers: 1 },
    { from: "09:00", to: "10:00", servers: 3 },
  ];
  const lane = (r: ReturnType<typeof resolveInput>, policy: string, id: string) => r.policies.find((p) => p.id === policy)!.lanes.find((l) => l.id === id)!;

  it("replace a lane's staffing in the policy named and in the policies extending it, unless they give their own", () => {
    const r = resolveInput(setPath(minimal(), "rosters", { base: { l2: roster } }));
    const windows = [
      { from: 8 * 3600, to: 9 * 3600, servers: 1 },
      { from: 9 * 3600, to: 10 * 3600, servers: 3 },
    ];
    expect(lane(r, "base", "l2").schedule).toEqual(windows);
    // `fast` inherits l2 and has no roster of its own: it takes base's.
    expect(lane(r, "fast", "l2").schedule).toEqual(windows);
    // l1 has no roster entry: as written (base 2, fast's own lane 5).
    expect(lane(r, "base", "l1").schedule).toEqual([{ from: r.day.open, to: r.day.end, servers: 2 }]);
    expect(lane(r, "fast", "l1").schedule).toEqual([{ from: r.day.open, to: r.day.end, servers: 5 }]);
    const own = resolveInput(setPath(minimal(), "rosters", { base: { l2: roster }, fast: { l2: [{ from: "08:00", to: "10:00", servers: 4 }] } }));
    expect(lane(own, "base", "l2").schedule).toEqual(windows);
    expect(lane(own, "fast", "l2").schedule).toEqual([{ from: 8 * 3600, to: 10 * 3600, servers: 4 }]);
  });

  it("name an existing policy and one of its lanes, with windows in order", () => {
    expect(() => resolveInput(setPath(minimal(), "rosters", { bsae: { l2: roster } }))).toThrow(/rosters\.bsae: unknown policy "bsae"/);
    expect(() => resolveInput(setPath(minimal(), "rosters", { base: { l3: roster } }))).toThrow(/rosters\.base\.l3: unknown lane "l3" in policy "base"/);
    expect(() => resolveInput(setPath(minimal(), "rosters", { base: { l2: [...roster].reverse() } }))).toThrow(/rosters\.base\.l2/);
  });
});

describe("enrolment by month", () => {
  const withPopulation = (population: Record<string, unknown>) =>
    setPath(setPath(minimal(), "travellers", { classes: [{ id: "a", share: 0.6, whitelistEligible: true }, { id: "b", share: 0.4, whitelistEligible: false }] }), "travellers.population", {
      institutions: [{ id: "g", park: "shenzhen", count: 3, staff: 30, whitelisted: 1 }],
      ...population,
    });
  const path = [
    { month: "2024-10", enrolment: 0 },
    { month: "2025-02", enrolment: 0.4 },
    { month: "2025-08", enrolment: 0.9 },
  ];
  it("follows the path at the month: linear between months, flat outside", () => {
    const at = (month: string) => resolveInput(withPopulation({ enrolmentPath: path, month })).travellers.population!.enrolment;
    expect(at("2024-10")).toBe(0);
    expect(at("2024-12")).toBeCloseTo(0.2, 12);
    expect(at("2025-05")).toBeCloseTo(0.65, 12);
    expect(at("2026-01")).toBe(0.9);
    expect(at("2020-01")).toBe(0);
    expect(resolveInput(withPopulation({ enrolment: 0.3 })).travellers.population!.enrolment).toBe(0.3);
  });
  it("needs exactly one way to say it, months in order", () => {
    expect(() => resolveInput(withPopulation({ enrolment: 0.3, enrolmentPath: path, month: "2025-01" }))).toThrow(/not both/);
    expect(() => resolveInput(withPopulation({ enrolmentPath: path }))).toThrow(/travellers\.population\.month: the enrolment is missing/);
    expect(() => resolveInput(withPopulation({ enrolmentPath: [...path].reverse(), month: "2025-01" }))).toThrow(/months must increase/);
    expect(() => resolveInput(withPopulation({ enrolmentPath: path, month: "2025-13" }))).toThrow(/travellers\.population\.month: does not have the required format/);
  });
});
