import { describe, expect, it } from "vitest";
import { PathError, getPath, loadScenarioData, parsePath, parseScenario, readScenarioData, setPath } from "../src/index.js";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { minimal } from "./helpers.js";

const weekdayPath = fileURLToPath(new URL("../../../seeds/scenarios/hetao-layout.yaml", import.meta.url));

describe("setPath / getPath", () => {
  it("parses keys, indices, selectors and quoted keys", () => {
    expect(parsePath('policies[id=seamless].lanes[0].servers')).toEqual([
      { key: "policies" },
      { field: "id", equals: "seamless" },
      { key: "lanes" },
      { index: 0 },
      { key: "servers" },
    ]);
    expect(parsePath('distributions["a.b"].mean')).toEqual([{ key: "distributions" }, { key: "a.b" }, { key: "mean" }]);
    expect(parsePath("demand.profile.3.share")).toEqual([{ key: "demand" }, { key: "profile" }, { index: 3 }, { key: "share" }]);
    expect(() => parsePath("a..b")).toThrow(PathError);
    expect(() => parsePath("a[x")).toThrow(/missing "]"/);
    expect(() => parsePath("")).toThrow(/empty path/);
  });

  it("sets a nested value and returns a deep copy", () => {
    const input = minimal();
    const out = setPath(input, "travellers.whitelist.coverage", 0.9);
    expect(getPath(out, "travellers.whitelist.coverage")).toBe(0.9);
    expect(getPath(input, "travellers.whitelist.coverage")).toBe(0.5);
    expect(out.policies).not.toBe(input.policies);
    expect(out.policies[0]).toEqual(input.policies[0]);
  });

  it("supports [id=...] selectors and numeric indices", () => {
    const out = setPath(minimal(), "policies[id=fast].lanes[id=l3].servers", 4);
    expect(getPath(out, "policies[1].lanes[1].servers")).toBe(4);
    const out2 = setPath(out, "demand.profile[1].share", 0.5);
    expect(getPath(out2, "demand.profile.1.share")).toBe(0.5);
  });

  it("can set a key left to its default", () => {
    const out = setPath(minimal(), "demand.multiplier", 3);
    expect(parseScenario(out).demand.multiplier).toBe(3);
  });

  it("throws a clear error for paths that do not exist", () => {
    expect(() => setPath(minimal(), "travellers.whitelst.coverage", 1)).toThrow('travellers has no key "whitelst" (keys: classes, whitelist)');
    expect(() => setPath(minimal(), "policies[id=seamless].lanes[0].servers", 1)).toThrow(
      'no item of policies has id = "seamless" (available: base, fast)',
    );
    expect(() => setPath(minimal(), "policies[5].id", "x")).toThrow("policies has 2 item(s), no index 5");
    expect(() => setPath(minimal(), "name.first", "x")).toThrow("name is not a mapping");
    expect(() => setPath(minimal(), "day[0]", "x")).toThrow("day is not a list");
    expect(() => getPath(minimal(), "demand.multiplier")).toThrow('no key "multiplier"');
  });

  it("edits the weekday preset's seamless walk-through lanes", () => {
    const data = readScenarioData(readFileSync(weekdayPath, "utf8"), weekdayPath);
    const edited = setPath(data, "policies[id=seamless].lanes[id=sb-walkthrough].servers", 2);
    const loaded = loadScenarioData(edited, "sweep");
    const seamless = loaded.resolved.policies.find((p) => p.id === "seamless")!;
    // The weekday's operating day: open 07:00 to the hard stop at 23:00.
    expect(seamless.lanes.find((l) => l.id === "sb-walkthrough")!.schedule).toEqual([{ from: 7 * 3600, to: 23 * 3600, servers: 2 }]);
    expect(getPath(data, "policies[id=seamless].lanes[id=sb-walkthrough].servers")).toBe(3);
  });
});

describe("appending with `-`", () => {
  it("sets one past the end of a list, and only as the last step", () => {
    const d = { policies: [{ id: "a" }, { id: "b" }] };
    expect(setPath(d, "policies.-", { id: "c" })).toEqual({ policies: [{ id: "a" }, { id: "b" }, { id: "c" }] });
    expect(d.policies).toHaveLength(2);
    expect(() => getPath(d, "policies.-")).toThrow(/nothing to read at its end/);
    expect(() => setPath(d, "policies.-.id", "x")).toThrow(/no key "-"|not a mapping/);
  });
});

describe("every item with `[*]`", () => {
  it("sets a field of every item of a list, and cannot be read", () => {
    const d = { groups: [{ id: "a", share: 0.1 }, { id: "b", share: 0.2 }], other: 1 };
    expect(setPath(d, "groups[*].share", 0.5)).toEqual({ groups: [{ id: "a", share: 0.5 }, { id: "b", share: 0.5 }], other: 1 });
    expect(() => getPath(d, "groups[*].share")).toThrow(/can only be set/);
    expect(() => setPath(d, "other[*].x", 1)).toThrow(/not a list, cannot take \[\*\]/);
    expect(() => setPath({ groups: [] }, "groups[*].share", 1)).toThrow(/empty list/);
  });
});
