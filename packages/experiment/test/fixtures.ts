import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Scenario, loadScenarioText } from "@hetao/scenario";

/**
 * A small two-policy scenario: one station, two vs three counters, about 600 travellers a day.
 * The shared preset seeds/scenarios/two-counters.yaml (6 replications, seed 3), renamed tiny-two-policy.
 */
export const TINY_YAML = readFileSync(fileURLToPath(new URL("../../../seeds/scenarios/two-counters.yaml", import.meta.url)), "utf8").replace(
  /^name: .*$/m,
  "name: tiny-two-policy",
);

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
