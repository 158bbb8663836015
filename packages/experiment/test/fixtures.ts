import { type Scenario, loadScenarioText } from "@hetao/scenario";

/** A small two-policy scenario: one station, two vs three counters, about 600 travellers a day. */
export const TINY_YAML = `
name: tiny-two-policy
title: Two counters vs three counters
day: { open: "08:00", close: "10:00", end: "12:00" }
experiment: { replications: 6, seed: 3, baseline: two, compare: [[three, two]] }
distributions:
  counter: { kind: lognormal, mean: 20, sd: 10, min: 5 }
demand:
  tripsPerDay: 600
  profile:
    - { from: "08:00", to: "09:00", share: 0.6 }
    - { from: "09:00", to: "10:00", share: 0.4 }
  southboundShare: 0.5
travellers:
  classes:
    - { id: resident, share: 0.7, whitelistEligible: true }
    - { id: visitor, share: 0.3, whitelistEligible: false }
  whitelist: { coverage: 0.5 }
policies:
  - id: two
    title: Two counters
    lanes:
      - { id: counter, checkpoint: station, kind: manual, servers: 2, service: counter }
    routes:
      - steps:
          - { checkpoint: station, lanes: counter }
  - id: three
    title: Three counters
    extends: two
    lanes:
      - { id: counter, checkpoint: station, kind: manual, servers: 3, service: counter }
`;

export function tinyScenario(): { scenario: Scenario; digest: string } {
  const { scenario, digest } = loadScenarioText(TINY_YAML, "tiny.yaml");
  return { scenario, digest };
}

/** Deterministic Fisher–Yates shuffle (LCG), for order-independence tests. */
export function shuffled<T>(items: readonly T[], seed = 12345): T[] {
  const out = [...items];
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
