import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { SCENARIO_LIMITS, ScenarioError, formatScenarioError, loadScenarioText, parseScenario, readScenarioData } from "../src/index.js";
import { minimal } from "./helpers.js";

function errorOf(fn: () => unknown): ScenarioError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return err as ScenarioError;
  }
  throw new Error("expected a ScenarioError");
}

/** A valid scenario with an extra policy list that aliases one anchor `copies` times (billion laughs, one level). */
function laughs(items: number, copies: number): string {
  const lines = [stringify(minimal()).trimEnd(), `lol: &lol [${Array(items).fill("lol").join(",")}]`, `laughs: [${Array(copies).fill("*lol").join(",")}]`];
  return `${lines.join("\n")}\n`;
}

describe("YAML node budget after alias expansion", () => {
  it("refuses a billion-laughs style file under the alias limit, naming the limit", () => {
    // 10,000 values × 1,000 aliases = 10⁷ values after expansion, from 45 KB of text and 1,000 aliases.
    const err = errorOf(() => loadScenarioText(laughs(10_000, 1_000), "laughs.yaml"));
    expect(err.issues).toHaveLength(1);
    expect(formatScenarioError(err)).toBe(
      `laughs.yaml: (document): scenario too large: more than ${SCENARIO_LIMITS.documentNodes} YAML nodes after alias expansion (expected at most ${SCENARIO_LIMITS.documentNodes} values (SCENARIO_LIMITS.documentNodes))`,
    );
    expect(() => readScenarioData(laughs(10_000, 1_000), "laughs.yaml")).toThrow(/more than 200000 YAML nodes/);
  });

  it("counts shared references in parsed data too (JSON.parse, setPath, API objects)", () => {
    const lol = Array(10_000).fill("lol");
    const data = { ...minimal(), laughs: Array(100).fill(lol) };
    expect(() => parseScenario(data, "api")).toThrow(/scenario too large: more than 200000 YAML nodes after alias expansion/);
  });

  it("lets an expansion under the budget through to the schema", () => {
    const err = errorOf(() => loadScenarioText(laughs(100, 100), "small.yaml"));
    expect(err.issues.map((i) => i.path)).toEqual(["lol", "laughs"]);
  });
});

describe("nesting limit", () => {
  const flow = (n: number) => `${stringify(minimal()).trimEnd()}\ndeep: ${"[".repeat(n)}${"]".repeat(n)}\n`;
  const block = (n: number) => {
    let s = `${stringify(minimal()).trimEnd()}\ndeep:\n`;
    for (let i = 0; i < n; i++) s += `${" ".repeat(i + 1)}a:\n`;
    return `${s}${" ".repeat(n + 1)}1\n`;
  };

  it.each([
    ["flow lists", flow, /deep(\[0\])+/],
    ["block mappings", block, /deep(\.a)+/],
  ])("1,000 levels of %s: a message naming the limit and where, not a stack overflow", (_label, text, where) => {
    const err = errorOf(() => loadScenarioText(text(1_000), "deep.yaml"));
    const message = formatScenarioError(err);
    expect(message).not.toMatch(/call stack/i);
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]!.message).toMatch(new RegExp(`^nested deeper than ${SCENARIO_LIMITS.nestingDepth} levels at ${where.source}`));
    expect(err.issues[0]!.line).toBeGreaterThan(0);
  });

  it("the limit holds for JSON and for 100,000 levels", () => {
    const json = `${JSON.stringify(minimal()).slice(0, -1)},"deep":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    expect(() => loadScenarioText(json, "deep.json")).toThrow(/nested deeper than 64 levels/);
    expect(() => loadScenarioText(flow(100_000), "deep.yaml")).toThrow(/nested deeper than 64 levels/);
  });

  it("aliases cannot nest deeper than the text does", () => {
    const data: unknown[] = [];
    let cur = data;
    for (let i = 0; i < 200; i++) {
      const next: unknown[] = [];
      cur.push(next);
      cur = next;
    }
    expect(() => parseScenario({ ...minimal(), deep: data })).toThrow(/nested deeper than 64 levels at deep\[0\]/);
  });

  it("accepts nesting up to the limit (then the schema speaks)", () => {
    const err = errorOf(() => loadScenarioText(flow(SCENARIO_LIMITS.nestingDepth - 1), "ok.yaml"));
    expect(err.issues.map((i) => i.message)).toEqual([expect.stringMatching(/^unknown key "deep"/)]);
  });
});
