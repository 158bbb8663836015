import { expect } from "vitest";
import { ScenarioError, type ScenarioInput, formatScenarioError } from "../src/index.js";

/** A small valid scenario: two policies, `fast` extends `base`. */
export function minimal(): ScenarioInput {
  return {
    name: "mini",
    day: { open: "08:00", close: "10:00" },
    distributions: {
      svc: { kind: "exponential", mean: 30 },
      walk: { kind: "deterministic", value: 60 },
    },
    demand: {
      tripsPerDay: 100,
      profile: [
        { from: "08:00", to: "09:00", share: 0.25 },
        { from: "09:00", to: "10:00", share: 0.75 },
      ],
      southboundShare: 0.5,
    },
    travellers: {
      classes: [
        { id: "a", share: 0.6, whitelistEligible: true },
        { id: "b", share: 0.4, whitelistEligible: false },
      ],
      whitelist: { coverage: 0.5 },
    },
    policies: [
      {
        id: "base",
        lanes: [
          { id: "l1", checkpoint: "c1", servers: 2, service: "svc" },
          { id: "l2", checkpoint: "c1", servers: 1, service: "svc" },
        ],
        routes: [
          {
            id: "all",
            steps: [
              { checkpoint: "c1", lanes: "l1", fallback: { probability: 0.1, lane: "l2" } },
              { checkpoint: "walk", delay: "walk" },
            ],
          },
        ],
      },
      {
        id: "fast",
        extends: "base",
        lanes: [
          { id: "l1", checkpoint: "c1", servers: 5, service: "svc" },
          { id: "l3", checkpoint: "c2", servers: 1, service: "svc" },
        ],
        routes: [
          {
            id: "wl",
            when: { whitelisted: true },
            steps: [{ checkpoint: "c2", lanes: [{ lane: "l3", share: 0.5, draw: "x" }, { lane: "l1" }] }],
          },
        ],
      },
    ],
  };
}

/** Runs `fn`, expects a ScenarioError, and returns it with its formatted text. */
export function expectScenarioError(fn: () => unknown): { error: ScenarioError; text: string; lines: string[] } {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, "expected a ScenarioError to be thrown").toBeInstanceOf(ScenarioError);
  const error = caught as ScenarioError;
  const text = formatScenarioError(error);
  return { error, text, lines: text.split("\n") };
}

/**
 * Asserts that one formatted line names the field path, the bad value (as JSON) and the expectation.
 * Returns that line.
 */
export function expectIssueLine(
  fn: () => unknown,
  want: { path: string; value?: unknown; expected: string; message?: string | RegExp },
): string {
  const { lines, text } = expectScenarioError(fn);
  const line = lines.find((l) => l.includes(`: ${want.path}: `));
  expect(line, `no line for path ${want.path} in:\n${text}`).toBeDefined();
  const l = line!;
  if ("value" in want) expect(l).toContain(`got ${JSON.stringify(want.value)}`);
  expect(l).toContain(`expected ${want.expected}`);
  if (want.message !== undefined) {
    if (typeof want.message === "string") expect(l).toContain(want.message);
    else expect(l).toMatch(want.message);
  }
  return l;
}
