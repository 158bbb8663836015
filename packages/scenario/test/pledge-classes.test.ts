/**
 * Pledges are scenario data naming the classes they cover: renaming a class everywhere but in the
 * pledge is an error naming the pledge's class, never a pledge that quietly stops applying;
 * renaming it everywhere keeps the pledge applying.
 */
import { describe, expect, it } from "vitest";
import { loadScenarioFile, parseScenario, resolveScenario, setPath } from "../src/index.js";

const file = new URL("../../../seeds/scenarios/hetao-weekday.yaml", import.meta.url).pathname;
const { scenario } = await loadScenarioFile(file);
const pledges = scenario.pledges as { id: string; classes?: string[] }[];
const pledge = pledges.find((p) => (p.classes?.length ?? 0) > 0)!;
const covered = pledge.classes![0]!;

/** The scenario with the class id replaced wherever it appears (a key or a value). */
const renameEverywhere = () => JSON.parse(JSON.stringify(scenario).replaceAll(`"${covered}"`, '"renamed-class"')) as typeof scenario;

describe("a pledge's classes", () => {
  it("renaming a covered class everywhere but in the pledge is an error naming the class", () => {
    // Renamed everywhere but in the pledge.
    const renamed = setPath(renameEverywhere(), `pledges[${pledges.indexOf(pledge)}].classes`, pledge.classes);
    expect(() => parseScenario(renamed, "renamed.yaml")).toThrow(new RegExp(`pledges\\[${pledges.indexOf(pledge)}\\]\\.classes.*unknown traveller class "${covered}"`));
  });

  it("renaming it everywhere (definition, population, pledge) keeps the pledge applying to it", () => {
    const resolved = resolveScenario(parseScenario(renameEverywhere(), "renamed.yaml"));
    expect(resolved.pledges.find((p) => p.id === pledge.id)!.classes).toContain("renamed-class");
  });
});
