import type { ResolvedScenario } from "@hetao/scenario";
import { compilePolicy, type CompiledPolicy } from "./compiled-policy.js";
import { CrossingDay } from "./crossing-day.js";
import { generatePopulation, type Population } from "./population.js";
import type { PolicyDayResult, ReplicationResult } from "./replication-result.js";
import type { TraceSink } from "./trace.js";

export interface ReplicationOptions {
  /** The experiment's seed. */
  seed: number;
  /** Design point index (sweeps); recorded in the result. */
  point: number;
  /** Replication index. */
  replication: number;
  /** Policies to simulate, in this order; default every policy of the scenario. */
  policies?: readonly string[];
  /**
   * Whether traveller draws depend on the design point. Default false: every
   * point of a sweep sees the same travellers (common random numbers across
   * the grid), so differences between points are paired too.
   */
  independentPoints?: boolean;
  /** Receives every traveller event of the named policy, for traces. */
  trace?: { policy: string; sink: TraceSink };
}

const compiled = new WeakMap<ResolvedScenario, Map<string, CompiledPolicy>>();

/** Compile (once per resolved scenario object) the named policy. */
export function compiledPolicy(scenario: ResolvedScenario, id: string): CompiledPolicy {
  let byId = compiled.get(scenario);
  if (!byId) {
    byId = new Map();
    compiled.set(scenario, byId);
  }
  let p = byId.get(id);
  if (!p) {
    const policy = scenario.policies.find((x) => x.id === id);
    if (!policy) {
      throw new Error(`unknown policy "${id}"; the scenario has: ${scenario.policies.map((x) => x.id).join(", ")}`);
    }
    p = compilePolicy(scenario, policy);
    byId.set(id, p);
  }
  return p;
}

/** Generate the replication's travellers (exposed for traces and tests). */
export function replicationPopulation(scenario: ResolvedScenario, o: ReplicationOptions): Population {
  return generatePopulation(scenario, {
    seed: o.seed,
    replication: o.replication,
    pointKey: o.independentPoints ? o.point : 0,
  });
}

/**
 * One replication: one operating day simulated under every policy on the
 * same population and the same per-traveller draws (common random numbers).
 * Pure: the result depends only on (scenario, options).
 */
export function simulateReplication(scenario: ResolvedScenario, o: ReplicationOptions): ReplicationResult {
  const ids = o.policies ?? scenario.policies.map((p) => p.id);
  const pop = replicationPopulation(scenario, o);
  const policies: Record<string, PolicyDayResult> = {};
  let events = 0;
  for (const id of ids) {
    const sink = o.trace && o.trace.policy === id ? o.trace.sink : null;
    const day = new CrossingDay(scenario, compiledPolicy(scenario, id), pop, sink);
    policies[id] = day.run();
    events += day.events;
  }
  return { point: o.point, replication: o.replication, travellers: pop.size, events, policies };
}
