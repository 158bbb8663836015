import { type ReplicationResult, SUMMARY_METRICS } from "@hetao/crossing-model";
import { type ResolvedLane, type ResolvedOfficerPool, type ResolvedPolicy, SCENARIO_LIMITS, type Scenario, resolveScenario } from "@hetao/scenario";
import { studentTQuantile } from "@hetao/stats";
import { type ReportMeta, buildReport } from "./build-report.js";
import type { Interval, Report } from "./report-schema.js";
import { type DesignPoint, ExperimentError, type ExperimentSpec, createExperiment } from "./spec.js";

/**
 * Capacity planning: the fewest servers for a policy's adjustable lanes such that a target on a report
 * metric holds with 95% confidence (a one-sided Student-t bound over replications), searched on common
 * random numbers (every candidate sees the same travellers and the same service draws).
 */

export type TargetOp = ">=" | ">" | "<=" | "<";

/** Metrics of a whole policy (DaySummary) and, per class or direction, of a group. */
export const PLAN_GROUP_METRICS = ["shareWithin15", "shareWithin30", "meanClearance"] as const;
export type PlanGroupMetric = (typeof PLAN_GROUP_METRICS)[number];

export interface PlanTarget {
  /** As written, e.g. `class:hk-resident.shareWithin15 >= 0.98`. */
  text: string;
  /** e.g. `meanWait`, `class:hk-resident.shareWithin15`, `direction:southbound.meanClearance`. */
  metric: string;
  op: TargetOp;
  /** In the metric's unit: seconds for times, a fraction for shares (a `%` suffix divides by 100). */
  value: number;
}

/** One-sided confidence level of the pass rule. */
export const PLAN_CONFIDENCE = 0.95;

const TARGET = /^\s*([A-Za-z0-9_:.\-]+)\s*(>=|<=|>|<|≥|≤)\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(%|s|sec|min|m)?\s*$/;

/** Parses `"<metric> <op> <value>"`; `98%` = 0.98, `5min` = 300 (seconds), `30s` = 30. Throws ExperimentError. */
export function parseTarget(text: string): PlanTarget {
  const m = TARGET.exec(text);
  if (m === null) {
    throw new ExperimentError(
      `--target "${text}": expected "<metric> <op> <value>", e.g. "meanWait <= 60" or "class:hk-resident.shareWithin15 >= 0.98" (op: >=, >, <=, <)`,
    );
  }
  const metric = m[1]!;
  const op = (m[2] === "≥" ? ">=" : m[2] === "≤" ? "<=" : m[2]) as TargetOp;
  let value = Number(m[3]);
  const unit = m[4];
  if (unit === "%") value /= 100;
  else if (unit === "min" || unit === "m") value *= 60;
  checkMetricName(metric);
  return { text: `${metric} ${op} ${m[3]}${unit ?? ""}`, metric, op, value };
}

function checkMetricName(metric: string): void {
  const group = /^(class|direction):([^.]+)\.(.+)$/.exec(metric);
  if (group !== null) {
    if (!(PLAN_GROUP_METRICS as readonly string[]).includes(group[3]!)) {
      throw new ExperimentError(`metric "${metric}": per-${group[1]} metrics are ${PLAN_GROUP_METRICS.join(", ")}`);
    }
    return;
  }
  if (!(SUMMARY_METRICS as readonly string[]).includes(metric)) {
    throw new ExperimentError(
      `unknown metric "${metric}"; use one of ${SUMMARY_METRICS.join(", ")}, or class:<id>.<m> / direction:<northbound|southbound>.<m> with <m> in ${PLAN_GROUP_METRICS.join(", ")}`,
    );
  }
}

/** The interval of a plan metric at one design point of a report, for one policy. Throws ExperimentError for an unknown class/direction. */
export function metricInterval(report: Report, point: number, policy: string, metric: string): Interval {
  const p = report.points.find((x) => x.index === point);
  if (p === undefined) throw new RangeError(`the report has no design point ${point}`);
  const pr = p.policies[policy];
  if (pr === undefined) throw new RangeError(`the report has no policy "${policy}"`);
  const group = /^(class|direction):([^.]+)\.(.+)$/.exec(metric);
  if (group !== null) {
    const groups = group[1] === "class" ? pr.byClass : pr.byDirection;
    const g = groups[group[2]!];
    if (g === undefined) {
      throw new ExperimentError(`metric "${metric}": no ${group[1]} "${group[2]}" (the report has: ${Object.keys(groups).join(", ")})`);
    }
    return g[group[3] as PlanGroupMetric];
  }
  const s = pr.summary[metric as keyof typeof pr.summary];
  if (s === undefined) throw new ExperimentError(`unknown metric "${metric}"`);
  return s;
}

export interface TargetCheck {
  /** Mean over replications. */
  estimate: number | null;
  /** The two-sided 95% interval (as in the report). */
  lower: number | null;
  upper: number | null;
  /** One-sided 95% bound on the side of the target: the lower bound for >= / >, the upper bound for <= / <. */
  bound: number | null;
  /** How far the bound is beyond the target (positive: met with 95% confidence), in the metric's unit. */
  margin: number | null;
  pass: boolean;
}

/** Applies the pass rule: the one-sided 95% Student-t bound beyond the target. */
export function checkTarget(interval: Interval, target: PlanTarget): TargetCheck {
  const { n, mean, sd } = interval;
  const lowerSide = target.op === ">=" || target.op === ">";
  let bound: number | null = null;
  if (mean !== null && n >= 2 && sd !== null) {
    const h = (studentTQuantile(PLAN_CONFIDENCE, n - 1) * sd) / Math.sqrt(n);
    bound = lowerSide ? mean - h : mean + h;
  }
  const margin = bound === null ? null : lowerSide ? bound - target.value : target.value - bound;
  let pass = false;
  if (bound !== null) {
    if (target.op === ">=") pass = bound >= target.value;
    else if (target.op === ">") pass = bound > target.value;
    else if (target.op === "<=") pass = bound <= target.value;
    else pass = bound < target.value;
  }
  return { estimate: mean, lower: interval.lower, upper: interval.upper, bound, margin, pass };
}

export interface AdjustableLane {
  /** A lane id, or an officer pool id (`kind: officer-pool`). */
  id: string;
  /** The lane's checkpoint; of a pool, its lanes' checkpoints joined by " + ". */
  checkpoint: string;
  /** The lane's kind; `officer-pool` for a pool. */
  kind: string | null;
  /** The policy whose file entry defines the lane or pool (a parent when inherited); its count is overridden. */
  definedIn: string;
  /** The override path, `policies[id=<definedIn>].lanes[id=<id>].servers`, or of a pool `….officerPools[id=<id>].officers`. */
  path: string;
  /** Servers in the scenario as written; of a pool, its officers (at most the desks of its lanes). */
  servers: number;
  /** Of a pool: its lanes, and the most officers that can serve at once (their desks together); more would stand idle. */
  pool?: string[];
  cap?: number;
}

/**
 * The lanes a plan adjusts. Explicit `lanes`, or by default every lane of the policy whose `kind` is
 * `walk-through`; a policy with a single lane defaults to that lane. Each must have a constant
 * `servers` count (not a `schedule`). An officer pool (officers shared between lanes) is planned as one
 * count, its officers, named by the pool's id or any of its lanes; its lanes keep their desks (a lane
 * of a pool is never planned on its own: its servers are desks, not officers). Throws ExperimentError
 * naming the valid choices.
 */
export function adjustableLanes(scenario: Scenario, policy: string, lanes?: readonly string[]): AdjustableLane[] {
  const resolved = resolveScenario(scenario);
  const rp = resolved.policies.find((p) => p.id === policy);
  if (rp === undefined) {
    throw new ExperimentError(`unknown policy "${policy}"; the scenario "${scenario.name}" has: ${resolved.policies.map((p) => p.id).join(", ")}`);
  }
  let ids: string[];
  const poolOf = (laneId: string) => rp.officerPools.find((p) => p.lanes.includes(laneId));
  if (lanes !== undefined && lanes.length > 0) {
    ids = [...lanes];
    const seen = new Set<string>();
    for (const id of ids) {
      if (!rp.lanes.some((l) => l.id === id) && !rp.officerPools.some((p) => p.id === id)) {
        const pools = rp.officerPools.length > 0 ? `; officer pools: ${rp.officerPools.map((p) => p.id).join(", ")}` : "";
        throw new ExperimentError(`policy "${policy}" has no lane "${id}" (lanes: ${rp.lanes.map((l) => l.id).join(", ")}${pools})`);
      }
      if (seen.has(id)) throw new ExperimentError(`lane "${id}" is listed twice`);
      seen.add(id);
    }
  } else {
    ids = rp.lanes.filter((l) => l.kind === "walk-through").map((l) => l.id);
    if (ids.length === 0 && rp.lanes.length === 1) ids = [rp.lanes[0]!.id];
    if (ids.length === 0) {
      throw new ExperimentError(
        `policy "${policy}" has no walk-through lanes: name the lanes to plan with --lanes (lanes: ${rp.lanes.map((l) => l.id).join(", ")})`,
      );
    }
  }
  // A lane of an officer pool names its pool (as in \`hetao-sim roster\`): its servers are desks, and the
  // officers who staff them are one count for the pool.
  ids = [...new Set(ids.map((id) => poolOf(id)?.id ?? id))];
  return ids.map((id) => {
    const pool = rp.officerPools.find((p) => p.id === id);
    if (pool !== undefined) return adjustablePool(scenario, rp, pool);
    const lane = rp.lanes.find((l) => l.id === id)!;
    for (let p = scenario.policies.find((q) => q.id === policy); p !== undefined; p = scenario.policies.find((q) => q.id === p!.extends)) {
      if (scenario.rosters[p.id]?.[id] !== undefined) {
        throw new ExperimentError(
          `lane "${id}" is rostered (rosters.${p.id}.${id}), so a constant count would not apply: plan its officers per hour with \`hetao-sim roster\`, or plan on a scenario without rosters (e.g. hetao-layout.yaml)`,
        );
      }
      if (p.extends === undefined) break;
    }
    const servers = writtenServers(scenario, lane);
    if (servers === undefined) {
      throw new ExperimentError(`lane "${id}" (defined in policy "${lane.definedIn}") has a schedule, not a constant servers count: it cannot be planned`);
    }
    return {
      id,
      checkpoint: lane.checkpoint,
      kind: lane.kind ?? null,
      definedIn: lane.definedIn,
      path: `policies[id=${lane.definedIn}].lanes[id=${id}].servers`,
      servers,
    };
  });
}

/** The lane's constant `servers` count as written in the policy entry that defines it; undefined for a schedule. */
function writtenServers(scenario: Scenario, lane: ResolvedLane): number | undefined {
  return scenario.policies.find((p) => p.id === lane.definedIn)?.lanes?.find((l) => l.id === lane.id)?.servers;
}

/** An officer pool as one adjustable count: its `officers`, with its lanes' desks as written. */
function adjustablePool(scenario: Scenario, rp: ResolvedPolicy, pool: ResolvedOfficerPool): AdjustableLane {
  if (pool.schedule !== null) {
    throw new ExperimentError(
      `officer pool "${pool.id}" is rostered, so a constant count would not apply: plan its officers per hour with \`hetao-sim roster\``,
    );
  }
  let desks = 0;
  for (const laneId of pool.lanes) {
    const servers = writtenServers(scenario, rp.lanes.find((l) => l.id === laneId)!);
    if (servers === undefined) {
      throw new ExperimentError(`lane "${laneId}" of officer pool "${pool.id}" has a schedule, not a constant servers count: the pool cannot be planned as one count`);
    }
    desks += servers;
  }
  return {
    id: pool.id,
    checkpoint: [...new Set(pool.lanes.map((l) => rp.lanes.find((x) => x.id === l)!.checkpoint))].join(" + "),
    kind: "officer-pool",
    definedIn: pool.definedIn,
    path: `policies[id=${pool.definedIn}].officerPools[id=${pool.id}].officers`,
    // The pool's count: its lanes' servers together, at most `officers`.
    servers: pool.officers === null ? desks : Math.min(pool.officers, desks),
    pool: [...pool.lanes],
    cap: desks,
  };
}

/** Runs every replication of an experiment (any transport); results sorted by (point, replication). */
export type PlanRunner = (spec: ExperimentSpec) => Promise<ReplicationResult[]>;

export interface PlanOptions {
  policy: string;
  target: PlanTarget | string;
  /** Default: the policy's walk-through lanes (see adjustableLanes). */
  lanes?: readonly string[];
  /** Fewest servers per lane considered (default 1). */
  min?: number;
  /** Most servers per lane considered (default max(20, 2 × the largest current count)). */
  max?: number;
  /** Default: the scenario's. */
  replications?: number;
  /** Default: the scenario's. */
  seed?: number;
  /** Called after each evaluated candidate (progress). */
  onCandidate?: (c: PlanCandidate) => void;
}

export interface PlanCandidate {
  /** 1, 2, … in evaluation order. */
  step: number;
  /** `uniform`: every lane at the same count (bracket and bisect); `trim`: one lane one server fewer. */
  phase: "uniform" | "trim";
  servers: Record<string, number>;
  totalServers: number;
  check: TargetCheck;
  /** The 95% half-width of the estimate (two-sided, as in the report). */
  halfWidth: number | null;
}

export interface PlanResult {
  scenario: string;
  policy: string;
  target: PlanTarget;
  confidence: number;
  rule: string;
  replications: number;
  seed: number;
  commonRandomNumbers: true;
  min: number;
  max: number;
  lanes: AdjustableLane[];
  /** Every evaluated candidate in order (the search path). */
  candidates: PlanCandidate[];
  /** The fewest servers found, or null when even `max` on every lane misses the target. */
  recommended: PlanCandidate | null;
  /** Report of the recommended configuration (policy simulated alone, one design point), or of `max` when infeasible. */
  report: Report;
}

function key(servers: readonly number[]): string {
  return servers.join(",");
}

/**
 * Finds the fewest servers for the adjustable lanes such that the target holds with 95% confidence.
 *
 * 1. Uniform phase: every lane gets the same count k. Start at the largest current count; if it fails,
 *    double k until it passes (or `max` fails: infeasible); then bisect between the largest failing and
 *    the smallest passing k. Ends with k* passing and k* − 1 failing (or k* = min).
 * 2. Trim phase (several lanes): from (k*, …, k*), try every lane one server fewer; among the candidates
 *    that still pass take the one with the largest margin; repeat until no single decrement passes.
 *
 * All candidates run with the same seed and replications: traveller draws do not depend on the design
 * point, so candidates are compared on common random numbers and the pass/fail sequence is (almost
 * always) monotone in the servers. Each batch of candidates is one experiment with one design point per
 * candidate, simulating the planned policy only.
 */
export async function planCapacity(scenario: Scenario, options: PlanOptions, run: PlanRunner, meta: ReportMeta): Promise<PlanResult> {
  const target = typeof options.target === "string" ? parseTarget(options.target) : options.target;
  checkMetricName(target.metric);
  const lanes = adjustableLanes(scenario, options.policy, options.lanes);
  const current = Math.max(...lanes.map((l) => l.servers));
  const min = options.min ?? 1;
  // Never past the schema's bound on servers per lane (SCENARIO_LIMITS).
  const max = options.max ?? Math.min(SCENARIO_LIMITS.serversPerLane, Math.max(20, 2 * current));
  if (!Number.isInteger(min) || min < 0) throw new ExperimentError(`--min must be an integer >= 0, got ${min}`);
  if (!Number.isInteger(max) || max < Math.max(1, min)) throw new ExperimentError(`--max must be an integer >= ${Math.max(1, min)}, got ${max}`);
  // Validates replications/seed/policy once.
  const base = createExperiment(scenario, {
    policies: [options.policy],
    ...(options.replications !== undefined ? { replications: options.replications } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });

  const evaluated = new Map<string, { candidate: PlanCandidate; results: ReplicationResult[] }>();
  const candidates: PlanCandidate[] = [];
  const overridesOf = (servers: readonly number[]) => lanes.map((l, i) => ({ path: l.path, value: servers[i]! }));

  async function evaluate(configs: readonly (readonly number[])[], phase: PlanCandidate["phase"]): Promise<PlanCandidate[]> {
    const todo = configs.filter((c, i) => !evaluated.has(key(c)) && configs.findIndex((d) => key(d) === key(c)) === i);
    if (todo.length > 0) {
      const points: DesignPoint[] = todo.map((c, index) => ({ index, overrides: overridesOf(c) }));
      const spec = createExperiment(scenario, { policies: [options.policy], replications: base.replications, seed: base.seed, points });
      const results = await run(spec);
      const report = buildReport(spec, results, meta);
      todo.forEach((servers, index) => {
        const interval = metricInterval(report, index, options.policy, target.metric);
        const candidate: PlanCandidate = {
          step: candidates.length + 1,
          phase,
          servers: Object.fromEntries(lanes.map((l, i) => [l.id, servers[i]!])),
          totalServers: servers.reduce((a, b) => a + b, 0),
          check: checkTarget(interval, target),
          halfWidth: interval.halfWidth,
        };
        candidates.push(candidate);
        evaluated.set(key(servers), { candidate, results: results.filter((r) => r.point === index) });
        options.onCandidate?.(candidate);
      });
    }
    return configs.map((c) => evaluated.get(key(c))!.candidate);
  }
  // A pool above its desks would only add idle officers: it stays at its cap.
  const uniform = (k: number) => lanes.map((l) => (l.cap !== undefined && k > l.cap ? l.cap : k));
  const passes = async (k: number) => (await evaluate([uniform(k)], "uniform"))[0]!.check.pass;

  // 1. Uniform phase: bracket, then bisect.
  let hi = Math.min(max, Math.max(min, current, 1));
  let lo = min - 1; // largest count known (or assumed, below min) to fail
  let feasible = true;
  if (!(await passes(hi))) {
    lo = hi;
    feasible = false;
    while (hi < max) {
      hi = Math.min(max, Math.max(hi + 1, hi * 2));
      if (await passes(hi)) {
        feasible = true;
        break;
      }
      lo = hi;
    }
  }
  let best: number[] | null = null;
  if (feasible) {
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await passes(mid)) hi = mid;
      else lo = mid;
    }
    best = uniform(hi);
    // 2. Trim phase: greedy single-lane decrements while the target still holds.
    if (lanes.length > 1) {
      for (;;) {
        const options_ = lanes.map((_, i) => best!.map((s, j) => (j === i ? s - 1 : s))).filter((c) => c.every((s) => s >= min));
        if (options_.length === 0) break;
        const checked = await evaluate(options_, "trim");
        let pick = -1;
        checked.forEach((c, i) => {
          if (c.check.pass && (pick < 0 || c.check.margin! > checked[pick]!.check.margin!)) pick = i;
        });
        if (pick < 0) break;
        best = options_[pick]!;
      }
    }
  }

  const chosen = best ?? uniform(max);
  const { candidate, results } = evaluated.get(key(chosen))!;
  const spec = createExperiment(scenario, {
    policies: [options.policy],
    replications: base.replications,
    seed: base.seed,
    points: [{ index: 0, overrides: overridesOf(chosen) }],
  });
  const report = buildReport(
    spec,
    results.map((r) => ({ ...r, point: 0 })),
    meta,
  );
  return {
    scenario: scenario.name,
    policy: options.policy,
    target,
    confidence: PLAN_CONFIDENCE,
    rule:
      target.op === ">=" || target.op === ">"
        ? `one-sided 95% lower bound (mean - t(0.95, n-1) sd / sqrt n) ${target.op} ${target.value}`
        : `one-sided 95% upper bound (mean + t(0.95, n-1) sd / sqrt n) ${target.op} ${target.value}`,
    replications: base.replications,
    seed: base.seed,
    commonRandomNumbers: true,
    min,
    max,
    lanes,
    candidates,
    recommended: best === null ? null : candidate,
    report,
  };
}
