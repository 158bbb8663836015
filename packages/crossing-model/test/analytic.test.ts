/**
 * Analytic checks of the Hetao presets, and the decomposition of the policy levers.
 *
 * At very low demand nobody queues, so a traveller's expected crossing time is the sum, along its route,
 * of each step's probability times the expected service (plus walk-up overhead) of the lane option it
 * takes, plus the walks, plus the fallbacks' expected extra (a fallback lane's service, or a whole
 * fallback route). Draws are the person's: a draw name already conditioned on an earlier step (the
 * seamless reject u < 0.03 sends the traveller down a route whose gate reject is u < 0.02) is carried as
 * an upper bound, so nested probabilities are exact. The simulated mean must match this expectation
 * within its replication interval.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createDistribution } from "@hetao/sim-core";
import { loadScenarioFile, matches, parseScenario, resolveScenario, setPath, type ResolvedPolicy, type ResolvedQueueStep, type ResolvedScenario, type ResolvedStep, type TravellerAttributes } from "@hetao/scenario";
import { confidenceInterval } from "@hetao/stats";
import { comboAttributes, replicationPopulation, simulateReplication } from "../src/index.js";

const seeds = (name: string) => fileURLToPath(new URL(`../../../seeds/scenarios/${name}`, import.meta.url));

/** Expected time of a route for a traveller, with draws conditioned to [0, bound) where an earlier step has decided them. */
function expectedRoute(s: ResolvedScenario, policy: ResolvedPolicy, routeId: string, t: TravellerAttributes, bounds: Map<string, number>): number {
  const mean = (name: string) => createDistribution(s.distributions[name]!).mean;
  const route = policy.routes.find((r) => r.id === routeId)!;
  const p = (draw: string, probability: number) => Math.min(1, probability / (bounds.get(draw) ?? 1));
  let total = 0;
  for (const step of route.steps as ResolvedStep[]) {
    if (!matches(step.when, t)) continue;
    const taken = step.probability < 1 ? p(step.draw, step.probability) : 1;
    if (step.delay !== undefined) {
      total += taken * mean(step.delay);
      continue;
    }
    const laneOf = (id: string) => policy.lanes.find((l) => l.id === id)!;
    const serviceAt = (laneId: string, service?: string) => {
      const lane = laneOf(laneId);
      return mean(service ?? step.service ?? lane.service) + (lane.overhead ? mean(lane.overhead) : 0);
    };
    // `share` choice: each applicable option in order, taken with its share given the earlier were not.
    let left = 1;
    let time = 0;
    const chosen: { lane: string; probability: number }[] = [];
    for (const option of step.lanes) {
      if (!matches(option.when, t)) continue;
      const q = left * (option.share < 1 ? p(option.draw, option.share) : 1);
      time += q * serviceAt(option.lane, option.service);
      chosen.push({ lane: option.lane, probability: q });
      left -= q;
      if (left <= 0) break;
    }
    const f = step.fallback;
    if (f !== undefined) {
      const pf = p(f.draw, f.probability);
      if (f.lane !== undefined) {
        // Not applied to those just served at the fallback lane itself.
        const elsewhere = chosen.filter((c) => c.lane !== f.lane).reduce((a, c) => a + c.probability, 0);
        const lane = laneOf(f.lane);
        time += pf * elsewhere * (mean(f.service ?? lane.service) + (lane.overhead ? mean(lane.overhead) : 0));
      } else {
        throw new Error("a fallback route is taken care of by expectedCrossing");
      }
    }
    total += taken * time;
  }
  return total;
}

/** Expected crossing time of a traveller under a policy: a reroute replaces the rest of the route, so split the two cases. */
function expectedCrossing(s: ResolvedScenario, policy: ResolvedPolicy, t: TravellerAttributes): number {
  const route = policy.routes.find((r) => matches(r.when, t))!;
  const reroute = route.steps.find((st): st is ResolvedQueueStep => st.delay === undefined && st.fallback?.route !== undefined && matches(st.when, t));
  if (reroute === undefined) return expectedRoute(s, policy, route.id!, t, new Map());
  // Seamless routes: the reject (probability r) comes after the first step's service; with 1 − r the
  // route continues, with r the traveller follows the fallback route from its start, its reject draw now
  // known to be below r (so the conventional gate reject, u < 0.02, is nested: 2/3 of them).
  const f = reroute.fallback!;
  expect(route.steps.indexOf(reroute)).toBe(0);
  const accepted: ResolvedPolicy = {
    ...policy,
    routes: [{ ...route, id: "accepted", steps: route.steps.map((st, k) => (k === 0 ? { ...st, fallback: undefined } : st)) as ResolvedStep[] }],
  };
  const whenAccepted = expectedRoute(s, accepted, "accepted", t, new Map());
  const lane = policy.lanes.find((l) => l.id === (reroute.delay === undefined ? reroute.lanes[0]!.lane : ""))!;
  const firstService = createDistribution(s.distributions[reroute.service ?? lane.service]!).mean + (lane.overhead ? createDistribution(s.distributions[lane.overhead]!).mean : 0);
  const whenRejected = firstService + expectedRoute(s, policy, f.route!, t, new Map([[f.draw, f.probability]]));
  return (1 - f.probability) * whenAccepted + f.probability * whenRejected;
}

async function quiet(file: string): Promise<ResolvedScenario> {
  const { scenario } = await loadScenarioFile(seeds(file));
  // Very low demand and no bus batches: nobody ever waits for a busy server.
  let data: unknown = setPath(scenario, "demand.multiplier", 0.02);
  data = setPath(data, "demand.shuttles", []);
  return resolveScenario(parseScenario(data));
}

describe("at very low demand the Hetao preset's mean crossing equals its expected service, overhead and walk times", () => {
  for (const policyId of ["baseline", "current", "seamless", "line-management"]) {
    it(`${policyId}: simulated mean crossing within the replication interval of the route sums`, async () => {
      const s = await quiet("hetao-layout.yaml");
      const policy = s.policies.find((p) => p.id === policyId)!;
      const diffs: number[] = [];
      for (let r = 0; r < 160; r++) {
        const day = simulateReplication(s, { seed: 5, point: 0, replication: r, policies: [policyId] }).policies[policyId]!;
        expect(day.wait.sum).toBe(0);
        const pop = replicationPopulation(s, { seed: 5, point: 0, replication: r });
        let expected = 0;
        for (let k = 0; k < pop.size; k++) expected += expectedCrossing(s, policy, comboAttributes(s, pop.combo[k]!));
        // Per day: simulated mean minus the expectation for that day's travellers (their mix is then exact).
        diffs.push(day.summary.meanCrossing - expected / pop.size);
      }
      const ci = confidenceInterval(diffs, 0.99);
      expect(ci.lower, `${policyId}: ${ci.mean}`).toBeLessThanOrEqual(0);
      expect(ci.upper, `${policyId}: ${ci.mean}`).toBeGreaterThanOrEqual(0);
      // And the check has teeth: an error of a quarter of a minute in the expectation would show.
      expect(ci.upper - ci.lower).toBeLessThan(30);
    });
  }
});

describe("the levers decompose: baseline→current plus current→seamless is baseline→seamless", () => {
  it("per replication, exactly (common random numbers), on every summary measure", async () => {
    const { resolved } = await loadScenarioFile(seeds("hetao-weekday.yaml"));
    for (let r = 0; r < 4; r++) {
      const res = simulateReplication(resolved, { seed: 1, point: 0, replication: r });
      const [b, c, sm] = ["baseline", "current", "seamless"].map((id) => res.policies[id]!.summary as unknown as Record<string, number>);
      // The same travellers under each policy, so the three differences are of the same people.
      expect(res.policies["baseline"]!.arrived).toBe(res.policies["seamless"]!.arrived);
      for (const k of ["meanCrossing", "meanClearance", "meanWait", "officerHours"]) {
        expect(c![k]! - b![k]! + (sm![k]! - c![k]!), k).toBeCloseTo(sm![k]! - b![k]!, 9);
      }
    }
  });
});
