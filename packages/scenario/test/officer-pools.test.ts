import { describe, expect, it } from "vitest";
import { type ScenarioInput, parseScenario, resolveScenario, setPath } from "../src/index.js";
import { expectIssueLine, minimal } from "./helpers.js";

/** The minimal scenario with l1 and l2 of `base` pooled (both officer lanes at checkpoint c1). */
function pooled(pool: Record<string, unknown> = {}): ScenarioInput {
  return setPath(minimal(), "policies[id=base].officerPools", [{ id: "c1-officers", lanes: ["l1", "l2"], ...pool }]) as ScenarioInput;
}
const parse = (input: ScenarioInput) => () => parseScenario(input, "mini.yaml");

describe("officer pools", () => {
  it("resolve with their lanes, cap and roster entry, inherited along extends", () => {
    const input = setPath(pooled({ officers: 4 }), "rosters", { base: { "c1-officers": [{ from: "08:00", to: "10:00", servers: 3 }] } });
    const resolved = resolveScenario(parseScenario(input));
    const base = resolved.policies.find((p) => p.id === "base")!;
    expect(base.officerPools).toEqual([{ id: "c1-officers", lanes: ["l1", "l2"], officers: 4, schedule: [{ from: 8 * 3600, to: 10 * 3600, servers: 3 }], definedIn: "base" }]);
    // `fast` gives none: it inherits base's pool (defined in base) and base's roster entry for it.
    expect(resolved.policies.find((p) => p.id === "fast")!.officerPools).toEqual(base.officerPools);
  });

  it("a pool naming a lane the policy does not have", () => {
    expectIssueLine(parse(setPath(pooled(), "policies[id=base].officerPools[0].lanes[1]", "l9") as ScenarioInput), {
      path: "policies[0].officerPools[0].lanes[1]",
      value: "l9",
      expected: 'one of the lanes of policy "base": l1, l2',
      message: 'unknown lane "l9" in policy "base"',
    });
  });

  it("a lane in two pools", () => {
    const input = setPath(pooled(), "policies[id=base].officerPools.-", { id: "again", lanes: ["l2", "l1"] }) as ScenarioInput;
    expectIssueLine(parse(input), {
      path: "policies[0].officerPools[1].lanes[0]",
      value: "l2",
      expected: "each lane in at most one officer pool",
      message: 'lane "l2" is already in officer pool "c1-officers"',
    });
  });

  it("an automated lane", () => {
    const input = setPath(pooled(), "policies[id=base].lanes[id=l2].staff", "automated") as ScenarioInput;
    expectIssueLine(parse(input), {
      path: "policies[0].officerPools[0].lanes[1]",
      value: "l2",
      expected: "an officer-staffed lane (`staff: officer`)",
      message: 'lane "l2" is automated',
    });
  });

  it("a lane also in a reserve", () => {
    const input = setPath(pooled(), "policies[id=base].reserves", [{ id: "r", officers: 1, lanes: ["l1"], openAtWaitMinutes: 10, closeAtWaitMinutes: 2 }]) as ScenarioInput;
    expectIssueLine(parse(input), {
      path: "policies[0].officerPools[0].lanes[0]",
      value: "l1",
      expected: "a lane in an officer pool or in a reserve, not both",
      message: 'lane "l1" is also a lane of reserve "r"',
    });
  });

  it("a pool id that is a lane id", () => {
    expectIssueLine(parse(setPath(pooled(), "policies[id=base].officerPools[0].id", "l1") as ScenarioInput), {
      path: "policies[0].officerPools[0].id",
      value: "l1",
      expected: "an id no lane of the policy uses (rosters name lanes and pools alike)",
    });
  });

  it("a pool of one lane", () => {
    expectIssueLine(parse(setPath(pooled(), "policies[id=base].officerPools[0].lanes", ["l1"]) as ScenarioInput), {
      path: "policies[0].officerPools[0].lanes",
      expected: "at least 2 items",
    });
  });

  it("a roster entry above the pool's officers", () => {
    const input = setPath(pooled({ officers: 2 }), "rosters", { base: { "c1-officers": [{ from: "08:00", to: "10:00", servers: 3 }] } }) as ScenarioInput;
    expectIssueLine(parse(input), {
      path: "rosters.base.c1-officers[0].servers",
      value: 3,
      expected: "an integer <= 2",
      message: 'officer pool "c1-officers" has at most 2 officers',
    });
  });

  it("rosters and roster limits may name a pool; an unknown name lists lanes and pools", () => {
    const ok = setPath(pooled(), "rosterLimits", { base: { "c1-officers": [{ from: "08:00", to: "10:00", max: 3 }] } }) as ScenarioInput;
    expect(() => parseScenario(ok)).not.toThrow();
    expectIssueLine(parse(setPath(pooled(), "rosters", { base: { nope: [{ from: "08:00", to: "10:00", servers: 1 }] } }) as ScenarioInput), {
      path: "rosters.base.nope",
      expected: 'one of the lanes or officer pools of policy "base": l1, l2, c1-officers',
      message: 'unknown lane or officer pool "nope" in policy "base"',
    });
  });
});
