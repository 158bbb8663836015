import { type ReplicationResult, simulateReplication } from "@hetao/crossing-model";
import { type ResolvedScenario, resolveScenario } from "@hetao/scenario";
import { type ExperimentSpec, applyOverrides } from "./spec.js";

/** Resolved scenario per design point, cached per spec object. */
const resolvedCache = new WeakMap<ExperimentSpec, Map<number, ResolvedScenario>>();

/** The resolved scenario of one design point (overrides applied with setPath, then resolveScenario); cached per spec object. */
export function resolvePoint(spec: ExperimentSpec, point: number): ResolvedScenario {
  let byPoint = resolvedCache.get(spec);
  if (byPoint === undefined) {
    byPoint = new Map();
    resolvedCache.set(spec, byPoint);
  }
  let resolved = byPoint.get(point);
  if (resolved === undefined) {
    const def = spec.points.find((p) => p.index === point);
    if (def === undefined) {
      throw new RangeError(`design point ${point} is not part of the experiment (points: ${spec.points.map((p) => p.index).join(", ")})`);
    }
    resolved = resolveScenario(applyOverrides(spec.scenario, def.overrides, `point ${point}`));
    byPoint.set(point, resolved);
  }
  return resolved;
}

/**
 * Simulates replication `replication` of design point `point`: one operating day under every policy of
 * the experiment on common random numbers. Pure: the result depends only on (spec, point, replication).
 * Traveller draws do not depend on the point (the model's default), so design points are paired too.
 */
export function runReplication(spec: ExperimentSpec, point: number, replication: number): ReplicationResult {
  if (!Number.isInteger(replication) || replication < 0 || replication >= spec.replications) {
    throw new RangeError(`replication ${replication} is outside 0..${spec.replications - 1}`);
  }
  const resolved = resolvePoint(spec, point);
  return simulateReplication(resolved, { seed: spec.seed, point, replication, policies: spec.policies });
}
