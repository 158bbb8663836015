import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SCENARIO_LIMITS, ScenarioError, loadScenarioFile, parseScenario, scenarioLimitsTable, setPath } from "../src/index.js";

import { minimal } from "./helpers.js";

function issuesOf(data: unknown): { path: string; message: string; value?: unknown; expected?: string }[] {
  try {
    parseScenario(data, "t.yaml");
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as ScenarioError).issues;
  }
  throw new Error("expected a ScenarioError");
}

const at = (path: string, value: unknown) => issuesOf(setPath(minimal(), path, value));

describe("SCENARIO_LIMITS: sizes that allocate are bounded by the schema", () => {
  it("tripsPerDay 1e9 is refused with the field path, the value and the limit", () => {
    expect(at("demand.tripsPerDay", 1e9)).toEqual([
      { path: "demand.tripsPerDay", message: `must be at most ${SCENARIO_LIMITS.tripsPerDay}`, value: 1e9, expected: `a number in (0, ${SCENARIO_LIMITS.tripsPerDay}]` },
    ]);
  });

  it("shuttle seats 1e9 are refused the same way", () => {
    const data = setPath(minimal(), "demand.shuttles", [{ time: "08:30", direction: "southbound", seats: 1e9, load: 1 }]);
    expect(issuesOf(data)).toEqual([
      { path: "demand.shuttles[0].seats", message: `must be at most ${SCENARIO_LIMITS.shuttleSeats}`, value: 1e9, expected: `an integer in (0, ${SCENARIO_LIMITS.shuttleSeats}]` },
    ]);
  });

  it.each([
    ["experiment", { replications: 1e9 }, SCENARIO_LIMITS.replications],
    ["policies[0].lanes[0].servers", 1e9, SCENARIO_LIMITS.serversPerLane],
    ["demand.multiplier", 1e6, SCENARIO_LIMITS.demandMultiplier],
    ["distributions.svc.mean", 1e9, SCENARIO_LIMITS.durationSeconds],
    ["warmupMinutes", 1e9, SCENARIO_LIMITS.minutes],
  ])("%s = %j is refused naming the limit %d", (path, value, limit) => {
    const issues = at(path, value);
    const [field, bad] = typeof value === "object" ? [`${path}.replications`, value.replications] : [path, value];
    expect(issues.map((i) => [i.path, i.message, i.value])).toEqual([[field, `must be at most ${limit}`, bad]]);
  });

  it("the day's expected trips (rates × hours × multiplier, plus shuttle passengers) are bounded too", () => {
    const data = setPath(setPath(minimal(), "demand.tripsPerDay", 900_000), "demand.multiplier", 2);
    const [issue, ...rest] = issuesOf(data);
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ path: "demand.multiplier", value: 1_800_000, expected: `at most ${SCENARIO_LIMITS.tripsPerDay} trips a day` });
    expect(issue!.message).toMatch(/exceed the limit of 1000000 \(SCENARIO_LIMITS\.tripsPerDay\)/);
  });

  it("a lognormal or gamma whose sd dwarfs its mean is refused (absurd rare draws)", () => {
    expect(at("distributions.svc", { kind: "lognormal", mean: 30, sd: 1e4 })).toEqual([expect.objectContaining({ path: "distributions.svc.sd", message: expect.stringMatching(/sd is more than 10 times the mean/) })]);
    expect(at("distributions.svc", { kind: "gamma", mean: 30, sd: 301 })).toEqual([expect.objectContaining({ path: "distributions.svc.sd" })]);
    expect(() => parseScenario(setPath(minimal(), "distributions.svc", { kind: "lognormal", mean: 30, sd: 300 }))).not.toThrow();
  });

  it("every shipped preset is within the limits", async () => {
    for (const name of ["hetao-layout", "hetao-weekday", "hetao-bridge-2026", "hetao-incident", "mmc-textbook", "two-counters"]) {
      await expect(loadScenarioFile(new URL(`../../../seeds/scenarios/${name}.yaml`, import.meta.url).pathname)).resolves.toBeDefined();
    }
  });

  it("docs/scenarios.md shows the limits exactly as SCENARIO_LIMITS has them", () => {
    const doc = readFileSync(new URL("../../../docs/scenarios.md", import.meta.url), "utf8");
    const section = /<!-- limits:start -->\n([\s\S]*?)\n<!-- limits:end -->/.exec(doc)?.[1];
    expect(section, "docs/scenarios.md needs the table between <!-- limits:start --> and <!-- limits:end -->").toBeDefined();
    expect(section).toBe(scenarioLimitsTable());
  });
});
