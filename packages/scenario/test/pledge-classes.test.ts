/**
 * Pledges are scenario data naming the classes they cover: renaming a class where it is defined but
 * not in the pledge is an error naming the pledge's class, never a pledge that quietly stops applying;
 * renaming it everywhere keeps the pledge applying.
 */
import { describe, expect, it } from "vitest";
import { loadScenarioFile, parseScenario, resolveScenario, setPath } from "../src/index.js";

const file = new URL("../../../seeds/scenarios/hetao-weekday.yaml", import.meta.url).pathname;
const { scenario } = await loadScenarioFile(file);
const pledges = scenario.pledges as { id: string; classes?: string[] }[];
const pledge = pledges.find((p) => (p.classes?.length ?? 0) > 0)!;
const covered = pledge.classes![0]!;

describe("a pledge's classes", () => {
  it("renaming a covered class only where it is defined is an error naming the class", () => {
    const renamed = setPath(scenario, `travellers.classes[id=${covered}].id`, "renamed-class");
    expect(() => parseScenario(renamed, "renamed.yaml")).toThrow(new RegExp(`unknown traveller class "${covered}"`));
  });

  it("renaming it everywhere (definition, population, pledge) keeps the pledge applying to it", () => {
    const renamed = JSON.parse(JSON.stringify(scenario).replaceAll(`"${covered}"`, '"renamed-class"')) as typeof scenario;
    const resolved = resolveScenario(parseScenario(renamed, "renamed.yaml"));
    expect(resolved.pledges.find((p) => p.id === pledge.id)!.classes).toContain("renamed-class");
  });
});
