/**
 * Warnings about a valid scenario: things that are allowed but almost certainly not meant. Each is
 * one line naming the field path: a route no traveller can reach (after a route without `when`, or with
 * the same `when` as an earlier route), a lane no route step, fallback or reserve uses, and a
 * distribution no lane, step, lane option, fallback or delay uses.
 */
import { canonicalJson } from "./canonical-json.js";
import type { ResolvedScenario } from "./resolve.js";

export function scenarioWarnings(scenario: ResolvedScenario): string[] {
  const out: string[] = [];
  const usedDistributions = new Set<string>();
  for (const policy of scenario.policies) {
    const usedLanes = new Set<string>();
    for (const r of policy.reserves) for (const l of r.lanes) usedLanes.add(l);
    const seenWhen = new Map<string, string>();
    let catchAll: string | undefined;
    for (const route of policy.routes) {
      if (catchAll !== undefined) {
        out.push(`policies[id=${policy.id}].routes[id=${route.id}]: unreachable: route ${catchAll} before it has no \`when\`, so it takes every traveller`);
      } else if (route.when !== undefined) {
        const key = canonicalJson(route.when);
        const earlier = seenWhen.get(key);
        if (earlier !== undefined) out.push(`policies[id=${policy.id}].routes[id=${route.id}]: unreachable: route ${earlier} before it has the same \`when\``);
        else seenWhen.set(key, route.id);
      } else {
        catchAll = route.id;
      }
      for (const step of route.steps) {
        if (step.delay !== undefined) usedDistributions.add(step.delay);
        // A step, a lane option or a fallback may name its own transaction time (it overrides the lane's).
        if (step.lanes !== undefined && step.service !== undefined) usedDistributions.add(step.service);
        for (const choice of step.lanes ?? []) {
          usedLanes.add(choice.lane);
          if (choice.service !== undefined) usedDistributions.add(choice.service);
        }
        if (step.fallback?.lane !== undefined) usedLanes.add(step.fallback.lane);
        if (step.fallback?.service !== undefined) usedDistributions.add(step.fallback.service);
      }
    }
    for (const lane of policy.lanes) {
      usedDistributions.add(lane.service);
      if (lane.overhead !== undefined) usedDistributions.add(lane.overhead);
      if (!usedLanes.has(lane.id)) {
        out.push(`policies[id=${policy.id}].lanes[id=${lane.id}]: unused: no route step, fallback or reserve of policy ${policy.id} sends anyone to it`);
      }
    }
  }
  for (const name of Object.keys(scenario.distributions)) {
    if (!usedDistributions.has(name)) out.push(`distributions.${name}: unused: no lane, step, lane option, fallback or delay of any policy refers to it`);
  }
  return out;
}
