import { describe, expect, it } from "vitest";
import {
  MAX_EXCERPT_CHARS,
  MAX_LISTED_ISSUES,
  ScenarioError,
  clip,
  excerpt,
  formatIssue,
  listIssues,
  formatScenarioError,
  loadScenarioFile,
  loadScenarioText,
  parseScenario,
  resolveScenario,
  setPath,
} from "../src/index.js";
import { expectIssueLine, expectScenarioError, minimal } from "./helpers.js";

const parseWith = (path: string, value: unknown) => () => parseScenario(setPath(minimal(), path, value), "mini.yaml");

describe("bad input is reported with path, value and expectation", () => {
  it("accepts the minimal scenario", () => {
    expect(() => parseScenario(minimal())).not.toThrow();
  });

  it("unknown key: names the key and lists the allowed keys", () => {
    const line = expectIssueLine(parseWith("policies[0].lanes[0].severs", 3), {
      path: "policies[0].lanes[0].severs",
      value: 3,
      expected: "one of the allowed keys: id, checkpoint, kind, title, servers, schedule, outages, onClose, staff, service, overhead",
      message: 'unknown key "severs" (did you mean "servers"?)',
    });
    expect(line.startsWith("mini.yaml: ")).toBe(true);
  });

  it("unknown key at the top level", () => {
    expectIssueLine(parseWith("replications", 10), {
      path: "replications",
      value: 10,
      expected: "one of the allowed keys: name, title, description, day, warmupMinutes, experiment, distributions, demand, travellers, policies, controls, pledges",
    });
  });

  it("wrong type", () => {
    expectIssueLine(parseWith("policies[0].lanes[0].servers", "two"), {
      path: "policies[0].lanes[0].servers",
      value: "two",
      expected: "an integer in [0, 1000]",
      message: "wrong type: a string",
    });
  });

  it("wrong type: fractional server count", () => {
    expectIssueLine(parseWith("policies[0].lanes[1].servers", 1.5), {
      path: "policies[0].lanes[1].servers",
      value: 1.5,
      expected: "an integer in [0, 1000]",
      message: "must be a whole number",
    });
  });

  it("missing required field", () => {
    const input = minimal() as { policies: { lanes: Record<string, unknown>[] }[] };
    delete input.policies[0]!.lanes[0]!.service;
    const { lines } = expectScenarioError(() => parseScenario(input, "mini.yaml"));
    expect(lines).toContain("mini.yaml: policies[0].lanes[0].service: required field is missing (expected a string)");
  });

  it("negative rate", () => {
    const input = setPath(setPath(minimal(), "demand.profile", [{ from: "08:00", to: "10:00", ratePerHour: -10 }]), "demand.tripsPerDay", 50);
    expectIssueLine(() => parseScenario(input), {
      path: "demand.profile[0].ratePerHour",
      value: -10,
      expected: "a number in [0, 1000000]",
      message: "must not be negative",
    });
  });

  it("zero mean", () => {
    expectIssueLine(parseWith("distributions.svc.mean", 0), {
      path: "distributions.svc.mean",
      value: 0,
      expected: "a number in (0, 86400]",
      message: "must be positive",
    });
  });

  it("negative mean", () => {
    expectIssueLine(parseWith("distributions.svc", { kind: "lognormal", mean: -3, sd: 1 }), {
      path: "distributions.svc.mean",
      value: -3,
      expected: "a number in (0, 86400]",
    });
  });

  it("lognormal minimum not below the mean", () => {
    expectIssueLine(parseWith("distributions.svc", { kind: "lognormal", mean: 10, sd: 1, min: 12 }), {
      path: "distributions.svc.min",
      value: 12,
      expected: "< mean (10)",
    });
  });

  it("unknown distribution kind lists the valid kinds", () => {
    expectIssueLine(parseWith("distributions.svc", { kind: "normal", mean: 10 }), {
      path: "distributions.svc.kind",
      value: "normal",
      expected: "kind one of: exponential, lognormal, gamma, erlang, triangular, uniform, deterministic, empirical",
      message: 'unknown kind "normal"',
    });
  });

  it("probability above 1", () => {
    expectIssueLine(parseWith("policies[0].routes[0].steps[0].fallback.probability", 1.2), {
      path: "policies[0].routes[0].steps[0].fallback.probability",
      value: 1.2,
      expected: "a number in [0, 1]",
      message: "must be at most 1",
    });
  });

  it("probability below 0", () => {
    expectIssueLine(parseWith("travellers.whitelist.coverage", -0.1), {
      path: "travellers.whitelist.coverage",
      value: -0.1,
      expected: "a number in [0, 1]",
    });
  });

  it("class shares not summing to 1", () => {
    expectIssueLine(parseWith("travellers.classes[1].share", 0.5), {
      path: "travellers.classes",
      value: 1.1,
      expected: "shares summing to 1 (±1e-6)",
      message: "class shares sum to 1.1, not 1",
    });
  });

  it("profile shares not summing to 1", () => {
    expectIssueLine(parseWith("demand.profile[1].share", 0.5), {
      path: "demand.profile",
      value: 0.75,
      expected: "shares summing to 1 (±1e-6)",
      message: "profile shares sum to 0.75, not 1",
    });
  });

  it("share profile without tripsPerDay", () => {
    const input = minimal() as { demand: Record<string, unknown> };
    delete input.demand.tripsPerDay;
    expectIssueLine(() => parseScenario(input), { path: "demand.tripsPerDay", expected: "a number > 0", message: "required when the profile uses `share`" });
  });

  it("profile mixing share and ratePerHour", () => {
    expectIssueLine(parseWith("demand.profile[1]", { from: "09:00", to: "10:00", ratePerHour: 30 }), {
      path: "demand.profile[1].ratePerHour",
      value: 30,
      expected: "`share` in every entry, like demand.profile[0]",
    });
  });

  it("route naming a missing lane", () => {
    expectIssueLine(parseWith("policies[0].routes[0].steps[0].lanes", "l9"), {
      path: "policies[0].routes[0].steps[0].lanes",
      value: "l9",
      expected: 'one of the lanes of policy "base": l1, l2',
      message: 'unknown lane "l9" in policy "base"',
    });
  });

  it("inherited route naming a lane the child removed", () => {
    const input = setPath(minimal(), "policies[id=fast].removeLanes", ["l2"]);
    expectIssueLine(() => parseScenario(input), {
      path: "policies[0].routes[0].steps[0].fallback.lane",
      value: "l2",
      expected: 'one of the lanes of policy "fast": l1, l3',
      message: 'unknown lane "l2" in policy "fast"',
    });
  });

  it("removing a lane that is not inherited", () => {
    expectIssueLine(parseWith("policies[1].removeLanes", ["l7"]), {
      path: "policies[1].removeLanes[0]",
      value: "l7",
      expected: 'one of the lanes inherited from "base": l1, l2',
    });
  });

  it("missing distribution", () => {
    expectIssueLine(parseWith("policies[0].lanes[1].service", "svcx"), {
      path: "policies[0].lanes[1].service",
      value: "svcx",
      expected: 'one of the distributions: svc, walk (did you mean "svc"?)',
      message: 'unknown distribution "svcx"',
    });
  });

  it("missing distribution for a delay", () => {
    expectIssueLine(parseWith("policies[0].routes[0].steps[1].delay", "stroll"), {
      path: "policies[0].routes[0].steps[1].delay",
      value: "stroll",
      expected: "one of the distributions: svc, walk",
    });
  });

  it("an hour outside the day (25:00)", () => {
    expectIssueLine(parseWith("day.close", "25:00"), {
      path: "day.close",
      value: "25:00",
      expected: '"HH:MM" from "00:00" to "24:00"',
      message: "time of day is outside the day",
    });
  });

  it("a badly written time", () => {
    expectIssueLine(parseWith("day.open", "8:00"), {
      path: "day.open",
      value: "8:00",
      expected: '"HH:MM" from "00:00" to "24:00"',
      message: "two digits",
    });
  });

  it("a profile interval outside open/close", () => {
    expectIssueLine(parseWith("demand.profile[0].from", "07:00"), {
      path: "demand.profile[0].from",
      value: "07:00",
      expected: "a time within day.open-day.close (08:00-10:00)",
      message: "interval starts before the day opens (08:00)",
    });
  });

  it("an interval that ends before it starts", () => {
    expectIssueLine(parseWith("demand.profile[1].to", "08:30"), {
      path: "demand.profile[1].to",
      value: "08:30",
      expected: "a time after 09:00",
    });
  });

  it("day closing before it opens", () => {
    expectIssueLine(parseWith("day.close", "07:00"), { path: "day.close", value: "07:00", expected: "a time after 08:00" });
  });

  it("southbound windows that leave a profile interval uncovered", () => {
    expectIssueLine(parseWith("demand.southboundShare", [{ from: "08:00", to: "09:30", share: 0.7 }]), {
      path: "demand.southboundShare",
      value: [{ from: "08:00", to: "09:30", share: 0.7 }],
      expected: "windows covering every profile interval",
      message: "no southbound share for 09:30-10:00",
    });
  });

  it("empty policies", () => {
    expectIssueLine(parseWith("policies", []), {
      path: "policies",
      value: [],
      expected: "at least 1 item",
      message: "list must not be empty",
    });
  });

  it("a policy without extends and without lanes", () => {
    expectIssueLine(parseWith("policies[0].lanes", []), { path: "policies[0].lanes", value: [], expected: "at least 1 lane" });
  });

  it("extends cycle", () => {
    expectIssueLine(parseWith("policies[0].extends", "fast"), {
      path: "policies[0].extends",
      value: "fast",
      expected: "a parent chain that ends in a policy without `extends`",
      message: "extends cycle: base → fast → base",
    });
  });

  it("extends an unknown policy", () => {
    expectIssueLine(parseWith("policies[1].extends", "bsae"), {
      path: "policies[1].extends",
      value: "bsae",
      expected: 'one of the policy ids: base, fast (did you mean "base"?)',
    });
  });

  it("uncovered traveller combination", () => {
    const line = expectIssueLine(parseWith("policies[0].routes[0].when", { class: "a" }), {
      path: "policies[0].routes",
      value: { class: "b", direction: "northbound", whitelisted: false, institutionWhitelisted: true, goods: "none", arrival: "walk-in", destination: "zone" },
      expected: "a route whose `when` matches every traveller combination (e.g. a last route without `when`)",
      message:
        'policy "base" has no route for traveller {class: b, direction: northbound, whitelisted: false, institutionWhitelisted: true, goods: none, arrival: walk-in, destination: zone}',
    });
    // Class b (not eligible, so never whitelisted in person): 2 directions × 2 institution states × 4 goods
    // × 2 arrival modes × 2 destinations = 64 combinations.
    expect(line).toContain("(and 63 more uncovered combinations)");
  });

  it("last lane option that does not always apply", () => {
    expectIssueLine(parseWith("policies[1].routes[0].steps[0].lanes[1].share", 0.9), {
      path: "policies[1].routes[0].steps[0].lanes[1]",
      value: { lane: "l1", share: 0.9 },
      expected: "a last option with no `when` and share 1",
    });
  });

  it("unknown class in a match", () => {
    expectIssueLine(parseWith("policies[1].routes[0].when", { class: ["a", "c"] }), {
      path: "policies[1].routes[0].when.class[1]",
      value: "c",
      expected: "one of the class ids: a, b",
    });
  });

  it("wrong enum value", () => {
    expectIssueLine(parseWith("policies[1].routes[0].when", { direction: "south" }), {
      path: "policies[1].routes[0].when.direction",
      value: "south",
      expected: 'one of "northbound", "southbound"',
    });
  });

  it("a lane with both servers and schedule", () => {
    expectIssueLine(parseWith("policies[0].lanes[0].schedule", [{ from: "08:00", to: "09:00", servers: 1 }]), {
      path: "policies[0].lanes[0].schedule",
      expected: "exactly one of `servers` / `schedule`",
    });
  });

  it("a step with both lanes and delay", () => {
    expectIssueLine(parseWith("policies[0].routes[0].steps[1].lanes", "l1"), {
      path: "policies[0].routes[0].steps[1].lanes",
      value: "l1",
      expected: "exactly one of `delay` / `lanes`",
    });
  });

  it("duplicate ids", () => {
    expectIssueLine(parseWith("policies[1].id", "base"), { path: "policies[1].id", value: "base", expected: "a unique id (policies[0] has it)" });
    expectIssueLine(parseWith("policies[0].lanes[1].id", "l1"), { path: "policies[0].lanes[1].id", value: "l1", expected: "a unique id within the policy (lanes[0] has it)" });
  });

  it("experiment naming an unknown policy", () => {
    expectIssueLine(parseWith("experiment", { baseline: "slow" }), { path: "experiment.baseline", value: "slow", expected: "one of the policy ids: base, fast" });
    expectIssueLine(parseWith("experiment", { compare: [["fast", "nope"]] }), { path: "experiment.compare[0][1]", value: "nope", expected: "one of the policy ids: base, fast" });
  });

  it("replications below 2", () => {
    expectIssueLine(parseWith("experiment", { replications: 1 }), { path: "experiment.replications", value: 1, expected: "an integer in [2, 100000]" });
  });

  it("a non-slug policy id", () => {
    expectIssueLine(parseWith("policies[0].id", "Base Policy"), { path: "policies[0].id", value: "Base Policy", expected: 'a slug of lowercase letters, digits and "-" (e.g. "seamless")' });
  });

  it("a document that is not a mapping", () => {
    const { lines } = expectScenarioError(() => parseScenario([1, 2], "x.json"));
    expect(lines).toEqual(["x.json: (document): wrong type: a list (got [1,2]; expected a mapping (object))"]);
  });

  it("a southbound share of the wrong type", () => {
    expectIssueLine(parseWith("demand.southboundShare", "half"), {
      path: "demand.southboundShare",
      value: "half",
      expected: "a number or a list (array)",
    });
  });

  it("an invalid element inside a union branch is reported at its own path", () => {
    expectIssueLine(parseWith("demand.southboundShare", [{ from: "08:00", to: "10:00", share: 2 }]), {
      path: "demand.southboundShare[0].share",
      value: 2,
      expected: "a number in [0, 1]",
    });
  });

  it("resolveScenario refuses an invalid scenario", () => {
    const parsed = parseScenario(minimal());
    const broken = { ...parsed, travellers: { ...parsed.travellers, classes: [{ id: "a", share: 0.2, whitelistEligible: true }] } };
    const { lines } = expectScenarioError(() => resolveScenario(broken));
    expect(lines.some((l) => l.includes("travellers.classes: class shares sum to 0.2, not 1"))).toBe(true);
  });
});

describe("formatting", () => {
  it("formats one issue as source:line:col: path: message (got value; expected ...)", () => {
    expect(formatIssue({ path: "day.close", message: "bad", value: "25:00", expected: "HH:MM", line: 3, column: 10 }, "a.yaml")).toBe(
      'a.yaml:3:10: day.close: bad (got "25:00"; expected HH:MM)',
    );
    expect(formatIssue({ path: "", message: "empty" }, "a.yaml")).toBe("a.yaml: (document): empty");
  });

  it("ScenarioError carries issues and the formatted message", () => {
    const err = new ScenarioError([{ path: "x", message: "m", expected: "e" }], "s.yaml");
    expect(err.message).toBe("s.yaml: x: m (expected e)");
    expect(formatScenarioError(err)).toBe(err.message);
    expect(formatScenarioError(new Error("plain"))).toBe("plain");
    expect(err.issues).toHaveLength(1);
  });

  it("cuts very long values", () => {
    const line = formatIssue({ path: "p", message: "m", value: "x".repeat(500) }, "s");
    expect(line.length).toBeLessThan(200);
    expect(line).toContain("…");
  });

  it("an excerpt is short and names the original size, without serialising the whole value", () => {
    expect(excerpt("x".repeat(500))).toMatch(/^"x+… \(500 chars\)$/);
    expect(excerpt("x".repeat(500)).length).toBeLessThanOrEqual(MAX_EXCERPT_CHARS);
    const shared = { big: "y".repeat(100_000) };
    const huge = Array.from({ length: 10_000 }, () => shared); // 1 GB as JSON: only the start is written
    const started = performance.now();
    expect(excerpt(huge)).toMatch(/^\[\{"big":"y+… \(a list of 10000 items\)$/);
    expect(performance.now() - started).toBeLessThan(200);
    expect(excerpt({ a: 1, b: [true, null] })).toBe('{"a":1,"b":[true,null]}');
    expect(clip("k".repeat(1_000)).length).toBeLessThanOrEqual(MAX_EXCERPT_CHARS);
  });

  it("lists at most 50 issues, then how many more; paths, keys and messages are cut too", () => {
    const issues = Array.from({ length: 3_000 }, (_, i) => ({ path: `k${i}`, message: `unknown key "${"k".repeat(10_000)}"`, value: "v".repeat(10_000) }));
    const text = formatScenarioError(new ScenarioError(issues, "s.yaml"));
    const lines = text.split("\n");
    expect(lines).toHaveLength(MAX_LISTED_ISSUES + 1);
    expect(lines.at(-1)).toBe("… and 2950 more issues (3000 in all)");
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(600);
    const listing = listIssues(issues, "s.yaml", { maxChars: 2_000 });
    expect(listing.shown.length).toBeLessThan(10);
    expect(listing.omitted).toBe(3_000 - listing.shown.length);
    expect(listing.shown[0]).toMatchObject({ path: "k0", valueTruncated: true });
  });
});

describe("YAML and JSON positions", () => {
  const yamlText = [
    "name: mini", // 1
    "day:", // 2
    '  open: "08:00"', // 3
    '  close: "10:00"', // 4
    "distributions:", // 5
    "  svc: { kind: exponential, mean: 30 }", // 6
    "demand:", // 7
    "  profile:", // 8
    '    - { from: "08:00", to: "10:00", ratePerHour: 50 }', // 9
    "  southboundShare: 0.5", // 10
    "travellers:", // 11
    "  classes:", // 12
    "    - { id: a, share: 1, whitelistEligible: false }", // 13
    "  whitelist: { coverage: 0 }", // 14
    "policies:", // 15
    "  - id: only", // 16
    "    lanes:", // 17
    "      - id: l1", // 18
    "        checkpoint: c1", // 19
    "        servers: 2", // 20
    "        service: svc", // 21
    "    routes:", // 22
    "      - steps: [{ checkpoint: c1, lanes: l1 }]", // 23
    "",
  ].join("\n");

  it("the base text is valid", () => {
    const loaded = loadScenarioText(yamlText, "t.yaml");
    // A constant count is open for the operating day, open (08:00) to the hard stop (24:00 by default).
    expect(loaded.resolved.policies[0]!.lanes[0]!.schedule).toEqual([{ from: 8 * 3600, to: 86400, servers: 2 }]);
  });

  it("reports a YAML syntax error with its line", () => {
    const bad = yamlText.replace('  close: "10:00"', '  close: ["10:00"');
    const { error, lines } = expectScenarioError(() => loadScenarioText(bad, "t.yaml"));
    expect(error.issues[0]!.line).toBeGreaterThanOrEqual(4);
    expect(lines[0]).toMatch(/^t\.yaml:\d+:\d+: \(document\): YAML syntax error: /);
    expect(lines[0]).toContain("expected valid YAML");
  });

  it("reports a duplicate key with the line of the second key", () => {
    const bad = yamlText.replace("        servers: 2\n", "        servers: 2\n        servers: 3\n");
    const { error } = expectScenarioError(() => loadScenarioText(bad, "t.yaml"));
    expect(error.issues[0]).toMatchObject({ line: 21, column: 9 });
    expect(error.issues[0]!.message).toContain("Map keys must be unique");
  });

  it("reports line and column of a field error", () => {
    const bad = yamlText.replace("servers: 2", "servers: -2");
    const { lines } = expectScenarioError(() => loadScenarioText(bad, "t.yaml"));
    expect(lines).toEqual(["t.yaml:20:18: policies[0].lanes[0].servers: must not be negative (got -2; expected an integer in [0, 1000])"]);
  });

  it("points at the key of an unknown key", () => {
    const bad = yamlText.replace("        service: svc", "        service: svc\n        sevrice: svc");
    const { error } = expectScenarioError(() => loadScenarioText(bad, "t.yaml"));
    expect(error.issues[0]).toMatchObject({ path: "policies[0].lanes[0].sevrice", line: 22, column: 9 });
  });

  it("points at a flow-mapping value and at the parent of a missing field", () => {
    const bad = yamlText.replace("mean: 30", "mean: -30").replace("        checkpoint: c1\n", "");
    const { error } = expectScenarioError(() => loadScenarioText(bad, "t.yaml"));
    const mean = error.issues.find((i) => i.path === "distributions.svc.mean");
    expect(mean).toMatchObject({ line: 6, column: 35, value: -30 });
    const checkpoint = error.issues.find((i) => i.path === "policies[0].lanes[0].checkpoint");
    expect(checkpoint).toMatchObject({ line: 18, column: 9 });
  });

  it("locates cross-field errors too", () => {
    const bad = yamlText.replace("lanes: l1 }", "lanes: l2 }");
    const { lines } = expectScenarioError(() => loadScenarioText(bad, "t.yaml"));
    expect(lines).toEqual([
      't.yaml:23:42: policies[0].routes[0].steps[0].lanes: unknown lane "l2" in policy "only" (got "l2"; expected one of the lanes of policy "only": l1 (did you mean "l1"?))',
    ]);
  });

  it("follows merge keys and aliases to the written value", () => {
    const text = yamlText
      .replace("  - id: only\n    lanes:\n      - id: l1\n", "  - id: only\n    lanes:\n      - &lane\n        id: l1\n")
      .replace("    routes:", "      - { <<: *lane, id: l2 }\n    routes:")
      .replace("servers: 2", "servers: two");
    const { error } = expectScenarioError(() => loadScenarioText(text, "t.yaml"));
    const lines = error.issues.map((i) => [i.path, i.line]);
    expect(lines).toEqual([
      ["policies[0].lanes[0].servers", 21],
      ["policies[0].lanes[1].servers", 21],
    ]);
  });

  it("reports JSON syntax errors with line and column", () => {
    const { error } = expectScenarioError(() => loadScenarioText('{\n  "name": "x",\n  "day": }\n', "s.json"));
    expect(error.issues[0]).toMatchObject({ line: 3, column: 10, path: "" });
    expect(error.issues[0]!.message).toBe('JSON syntax error: unexpected "}"');
    const trailing = expectScenarioError(() => loadScenarioText('{"name": "x",}', "s.json"));
    expect(trailing.lines).toEqual(['s.json:1:14: (document): JSON syntax error: expected a double-quoted property name, found "}" (expected valid JSON)']);
  });

  it("reports JSON field errors with line and column", () => {
    const json = JSON.stringify({ ...minimal(), warmupMinutes: -1 }, null, 2);
    const { error } = expectScenarioError(() => loadScenarioText(json, "s.json"));
    const expectedLine = json.split("\n").findIndex((l) => l.includes('"warmupMinutes"')) + 1;
    expect(error.issues[0]).toMatchObject({ path: "warmupMinutes", value: -1, line: expectedLine, column: 20 });
  });

  it("reports an unreadable file", async () => {
    await expect(loadScenarioFile("/nonexistent/scenario.yaml")).rejects.toThrow(/cannot read the file \(ENOENT\)/);
  });
});

describe("one pass: every problem of a file at once", () => {
  // Four mistakes of four stages: a wrong type and a bound (fields), an unknown lane (the schema's
  // cross-references, checked only once the fields parse) and a day that closes before it opens
  // (the semantic checks, which need a parsed scenario): class shares that do not sum to 1.
  const fourMistakes = () => {
    let s = setPath(minimal(), "demand.tripsPerDay", "lots");
    s = setPath(s, "policies[0].lanes[0].servers", -2);
    s = setPath(s, "policies[0].routes[0].steps[0].lanes", "l9");
    return setPath(s, "travellers.classes[0].share", 0.7);
  };

  it("gives four lines for four mistakes of different stages, each naming its field", () => {
    let error: ScenarioError | undefined;
    try {
      loadScenarioText(JSON.stringify(fourMistakes()), "four.json");
    } catch (err) {
      error = err as ScenarioError;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    const paths = error!.issues.map((i) => i.path);
    expect([...paths].sort()).toEqual(["demand.tripsPerDay", "policies[0].lanes[0].servers", "policies[0].routes[0].steps[0].lanes", "travellers.classes"].sort());
    expect(formatScenarioError(error!).split("\n").filter((l) => l.startsWith("four.json"))).toHaveLength(4);
  });

  it("never reports a later-stage problem at a field the schema stage already named", () => {
    const input = setPath(minimal(), "policies[0].routes[0].steps[0].lanes", 7);
    let error: ScenarioError | undefined;
    try {
      parseScenario(input, "mini.yaml");
    } catch (err) {
      error = err as ScenarioError;
    }
    expect(error!.issues.map((i) => i.path)).toEqual(["policies[0].routes[0].steps[0].lanes"]);
  });
});
