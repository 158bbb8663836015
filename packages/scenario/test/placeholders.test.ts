/**
 * A file with field errors is checked in one pass: the cross-field checks run on a copy whose bad
 * fields hold placeholders (load.ts). Two ways that went wrong, pinned on small edits of the
 * two-counters preset, each with the full list of lines `validate` prints:
 *
 * - a field the repair could not give a placeholder (a union such as `demand.southboundShare`, a
 *   distribution's `kind`) dropped every later-stage problem of the file;
 * - a check that read a placeholder reported what the placeholder made up (a missing `day.close`
 *   became "00:00": "interval ends after arrivals stop (00:00)").
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ScenarioError, formatScenarioError, loadScenarioText } from "../src/index.js";

const PRESET = readFileSync(new URL("../../../seeds/scenarios/two-counters.yaml", import.meta.url), "utf8");
const SOURCE = "two-counters.yaml";

/** The preset with each `from` replaced by its `to` (each must occur). */
function edited(...edits: [from: string, to: string][]): string {
  let text = PRESET;
  for (const [from, to] of edits) {
    expect(text, `the preset no longer contains ${JSON.stringify(from)}`).toContain(from);
    text = text.replace(from, to);
  }
  return text;
}

/** The lines `validate` prints for the text, without the `file:line:column: ` prefix. */
function problems(text: string): string[] {
  let error: unknown;
  try {
    loadScenarioText(text, SOURCE);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ScenarioError);
  const lines = formatScenarioError(error).split("\n");
  for (const line of lines) expect(line).toMatch(/^two-counters\.yaml:\d+:\d+: /);
  return lines.map((line) => line.replace(/^two-counters\.yaml:\d+:\d+: /, ""));
}

const COUNTR: [string, string] = ["servers: 2, service: counter", "servers: 2, service: countr"];
const COUNTR_LINE = 'policies[0].lanes[0].service: unknown distribution "countr" (got "countr"; expected one of the distributions: counter (did you mean "counter"?))';
const SOUTHBOUND_MISSING = "demand.southboundShare: required field is missing (expected a number or a list (array))";

describe("a field without an easy placeholder hides no other problem", () => {
  it("a misspelled demand.southboundShare: its two lines and the unknown distribution", () => {
    expect(problems(edited(["southboundShare:", "southboundShar:"], COUNTR))).toEqual([
      SOUTHBOUND_MISSING,
      'demand.southboundShar: unknown key "southboundShar" (did you mean "southboundShare"?) (got 0.5; expected one of the allowed keys: tripsPerDay, multiplier, profile, southboundShare, shuttles)',
      COUNTR_LINE,
    ]);
  });

  it("a missing demand.southboundShare", () => {
    expect(problems(edited(["  southboundShare: 0.5   # assumed: test/teaching example\n", ""], COUNTR))).toEqual([SOUTHBOUND_MISSING, COUNTR_LINE]);
  });

  it("a demand.southboundShare of the wrong type", () => {
    expect(problems(edited(["southboundShare: 0.5", "southboundShare: half"], COUNTR))).toEqual([
      'demand.southboundShare: wrong type: a string (got "half"; expected a number or a list (array))',
      COUNTR_LINE,
    ]);
  });

  it("a misspelled distribution kind", () => {
    expect(problems(edited(["kind: lognormal", "kind: lognormall"], COUNTR))).toEqual([
      'distributions.counter.kind: unknown kind "lognormall" (got "lognormall"; expected kind one of: exponential, lognormal, gamma, erlang, triangular, uniform, deterministic, empirical (did you mean "lognormal"?))',
      COUNTR_LINE,
    ]);
  });
});

describe("no check reports what a placeholder made up", () => {
  const NO_CLOSE: [string, string] = ['day: { open: "08:00", close: "10:00", end: "12:00" }', 'day: { open: "08:00", end: "12:00" }'];

  it("a missing day.close gives its own line only (no interval ending after arrivals stop at 00:00)", () => {
    expect(problems(edited(NO_CLOSE))).toEqual(["day.close: required field is missing (expected a string)"]);
  });

  it("a day.close outside the day gives its own line only", () => {
    expect(problems(edited(['close: "10:00"', 'close: "25:00"']))).toEqual(['day.close: time of day is outside the day (got "25:00"; expected "HH:MM" from "00:00" to "24:00")']);
  });

  it("problems that do not depend on the missing field are still all reported", () => {
    expect(problems(edited(NO_CLOSE, COUNTR, ["{ id: visitor, share: 0.3", "{ id: resident, share: 0.3"]))).toEqual([
      "day.close: required field is missing (expected a string)",
      'travellers.classes[1].id: duplicate class id "resident" (got "resident"; expected a unique id (travellers.classes[0] has it))',
      COUNTR_LINE,
    ]);
  });

  it("a missing distribution mean: no 'minimum must be below the mean (1)'", () => {
    expect(problems(edited(["mean: 20, ", ""]))).toEqual(["distributions.counter.mean: required field is missing (expected a number in (0, 86400])"]);
  });

  it("a missing policy id: no unknown policy in the baseline, the comparison or extends", () => {
    expect(problems(edited(["  - id: two\n    title: Two counters", "  - title: Two counters"]))).toEqual(["policies[0].id: required field is missing (expected a string)"]);
  });

  it("a missing lane id: no unknown lane in the route that names it", () => {
    expect(problems(edited(["{ id: counter, checkpoint: station, kind: manual, servers: 2", "{ checkpoint: station, kind: manual, servers: 2"]))).toEqual([
      "policies[0].lanes[0].id: required field is missing (expected a string)",
    ]);
  });

  it("a misspelled optional key: what it was meant to give is not reported missing", () => {
    expect(problems(edited(["ratePerHour: 300 }]", "share: 1 }]\n  tripsPerDy: 600"]))).toEqual([
      'demand.tripsPerDy: unknown key "tripsPerDy" (did you mean "tripsPerDay"?) (got 600; expected one of the allowed keys: tripsPerDay, multiplier, profile, southboundShare, shuttles)',
    ]);
  });
});
