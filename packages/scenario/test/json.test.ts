import { describe, expect, it } from "vitest";
import { SCENARIO_SCHEMA_ID, canonicalJson, loadScenarioText, parseScenario, scenarioDigest, scenarioJsonSchema, setPath } from "../src/index.js";
import { minimal } from "./helpers.js";

describe("canonicalJson", () => {
  it("sorts keys recursively, keeps array order, no whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: "x" } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it("follows JSON for undefined, non-finite numbers and toJSON", () => {
    expect(canonicalJson({ a: undefined, b: [undefined, NaN, Infinity], c: new Date(0) })).toBe('{"b":[null,null,null],"c":"1970-01-01T00:00:00.000Z"}');
    expect(canonicalJson("é\n")).toBe(JSON.stringify("é\n"));
    expect(canonicalJson(-0)).toBe("0");
    expect(canonicalJson(undefined)).toBe("null");
  });

  it("refuses cycles but allows shared references", () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/circular/);
  });
});

describe("digest", () => {
  it("is the sha256 of the parsed scenario: independent of key order and of spelled-out defaults", () => {
    const a = parseScenario(minimal());
    const reverseKeys = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reverseKeys)
        : v !== null && typeof v === "object"
          ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverseKeys(x)]))
          : v;
    const reordered = reverseKeys(minimal());
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(minimal()));
    expect(scenarioDigest(parseScenario(reordered))).toBe(scenarioDigest(a));
    const withDefaults = setPath(setPath(minimal(), "demand.multiplier", 1), "warmupMinutes", 0);
    expect(scenarioDigest(parseScenario(withDefaults))).toBe(scenarioDigest(a));
    expect(scenarioDigest(a)).toMatch(/^[0-9a-f]{64}$/);
    const yamlA = loadScenarioText(JSON.stringify(minimal()), "a.json");
    const yamlB = loadScenarioText(JSON.stringify(minimal(), null, 4), "b.json");
    expect(yamlA.digest).toBe(yamlB.digest);
    expect(yamlA.digest).toBe(scenarioDigest(a));
  });

  it("changes when a value changes", () => {
    const a = scenarioDigest(parseScenario(minimal()));
    const b = scenarioDigest(parseScenario(setPath(minimal(), "travellers.whitelist.coverage", 0.6)));
    expect(a).not.toBe(b);
  });
});

describe("scenarioJsonSchema", () => {
  const schema = scenarioJsonSchema() as Record<string, any>;

  it("has $schema, $id, title and description", () => {
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.$id).toBe(SCENARIO_SCHEMA_ID);
    expect(schema.title).toBe("Hetao crossing scenario");
    expect(typeof schema.description).toBe("string");
    expect(schema.additionalProperties).toBe(false);
  });

  it("describes the top-level properties, with required ones and defaults optional", () => {
    expect(Object.keys(schema.properties)).toEqual([
      "name",
      "title",
      "description",
      "day",
      "warmupMinutes",
      "experiment",
      "distributions",
      "demand",
      "travellers",
      "policies",
      "controls",
      "pledges",
      "rosters",
      "rosterLimits",
    ]);
    expect(schema.required).toEqual(["name", "day", "distributions", "demand", "travellers", "policies"]);
    expect(schema.properties.warmupMinutes.default).toBe(0);
    expect(schema.properties.warmupMinutes.description).toMatch(/warm-up/);
  });

  it("describes nested fields for editors", () => {
    const policy = schema.properties.policies.items;
    expect(Object.keys(policy.properties)).toEqual(["id", "title", "description", "extends", "removeLanes", "removeRoutes", "lanes", "routes", "reserves", "officerPools"]);
    const lane = policy.properties.lanes.items;
    expect(lane.additionalProperties).toBe(false);
    expect(lane.properties.servers.type).toBe("integer");
    expect(lane.properties.servers.description).toMatch(/exactly one of `servers` \/ `schedule`/);
    const kinds = schema.properties.distributions.additionalProperties.oneOf.map((o: any) => o.properties.kind.const);
    expect(kinds).toEqual(["exponential", "lognormal", "gamma", "erlang", "triangular", "uniform", "deterministic", "empirical"]);
    expect(schema.properties.day.properties.open.pattern).toBe("^(?:(?:[01]\\d|2[0-3]):[0-5]\\d|24:00)$");
    const coverage = schema.properties.travellers.properties.whitelist.properties.coverage;
    expect(coverage).toMatchObject({ type: "number", minimum: 0, maximum: 1 });
  });
});
