import { type PolicyDayResult, type ReplicationResult, compiledPolicy } from "@hetao/crossing-model";
import { type ResolvedScenario, SCENARIO_LIMITS, type Scenario, formatTimeOfDay, resolveScenario, rosterLimitsOf } from "@hetao/scenario";
import { mmcMeanWait, mmcWaitTailProbability, studentTQuantile } from "@hetao/stats";
import { z } from "zod";
import { type CapacityTarget, CapacityTargetSchema, capacityTargets } from "./capacity.js";
import { intervalOf } from "./interval.js";
import { PLAN_CONFIDENCE, type PlanRunner } from "./plan.js";
import { ExperimentError, createExperiment } from "./spec.js";

/**
 * Roster: officers per period (an hour by default) for each officer-staffed lane of a policy (the lanes of
 * an officer pool together: one count per period for the pool, officer-hours counted once), meeting
 * every target with one-sided 95% confidence over replications at as few officer-hours as the search finds.
 *
 * 1. A first simulation at the scenario's own staffing gives each lane's demand per period (mean of
 *    `hourlyJoined` over replications) and the lane's mean service (service plus overhead).
 * 2. Erlang C per period (stationary, independent periods): the fewest servers whose M/M/c queue meets
 *    every target that has a formula (pledges: P(queue > limit) <= 1 - target share, the limit less the
 *    mean service for time-at-control pledges; `meanWait <= x`: Wq <= x), at least the stability count.
 * 3. Correction by simulation on common random numbers (every candidate on the same seed and
 *    replications): while a target fails, raise the earliest failing period by one server at the lane
 *    of the failing control with the longest expected wait in that period (queue × mean service /
 *    servers); pledges are checked per period (travellers by the hour they reached the control,
 *    `hourlyCovered` / `hourlyWithin`), metric targets over the day (their failure raises the lane-period
 *    with the longest expected wait). Then trim: one server off one lane-period at a time, most slack
 *    (lowest utilisation) first, kept when every target still holds.
 * With `start: "scenario"` step 2 is the scenario's own counts (an existing roster checked and trimmed).
 * The result names the tightest period (least pledge margin where a lane could lose an officer).
 * The per-period bounds and the maximum change between consecutive periods hold throughout.
 * Greedy: the least officer-hours found, not a proven optimum.
 */

export const ROSTER_DEFAULTS = {
  /** Fewest servers in a rostered period. */
  minServers: 1,
  /** Most servers in a period: max(20, 2 × the lane's largest count in the scenario). */
  maxServers: null as number | null,
  /** Largest change between consecutive periods (null: unlimited). */
  maxChange: null as number | null,
  /** Period length in hours. */
  periodHours: 1,
  /** Simulation evaluations after which the search stops (with a note). */
  maxEvaluations: 400,
} as const;

const Num = z.number().nullable();

export const RosterPeriodSchema = z.strictObject({
  from: z.string(),
  to: z.string(),
  /** Mean travellers joining the lane in the period (first simulation, scenario staffing). */
  demand: z.number(),
  /** Servers in the scenario as written (the most within the period). */
  scenarioServers: z.number().int(),
  /** The per-period Erlang-C count (the search's start). */
  erlang: z.number().int(),
  /** The recommended servers. */
  servers: z.number().int(),
  /** The bounds the search kept to in the period (the command's, or the scenario's rosterLimits). */
  min: z.number().int(),
  max: z.number().int(),
  /** Mean utilisation of the lane in the period under the final roster. */
  utilisation: Num,
});
export type RosterPeriod = z.infer<typeof RosterPeriodSchema>;

export const RosterLaneSchema = z.strictObject({
  lane: z.string(),
  checkpoint: z.string(),
  kind: z.string().nullable(),
  definedIn: z.string(),
  /** An officer pool: its lanes (then `lane` is the pool's id and `checkpoint` its lanes' checkpoints joined by " + "). */
  pool: z.array(z.string()).optional(),
  /** Mean service plus overhead, seconds. */
  meanService: z.number(),
  periods: z.array(RosterPeriodSchema),
  /** Σ servers × period hours. */
  officerHours: z.number(),
  scenarioOfficerHours: z.number(),
});
export type RosterLane = z.infer<typeof RosterLaneSchema>;

export const RosterCheckSchema = z.strictObject({
  target: z.string(),
  /** "HH:MM" start of the period, or null for the whole day. */
  period: z.string().nullable(),
  n: z.number().int(),
  estimate: Num,
  /** One-sided 95% bound on the target's side. */
  bound: Num,
  /** bound beyond the target (positive: met with confidence). */
  margin: Num,
  pass: z.boolean(),
});
export type RosterCheck = z.infer<typeof RosterCheckSchema>;

export const RosterTightestSchema = z.strictObject({
  target: z.string(),
  /** "HH:MM" start of the period. */
  period: z.string(),
  margin: z.number(),
  lane: z.string(),
  /** The lane's rostered servers in the period. */
  servers: z.number().int(),
  /** The lane's mean utilisation in the period. */
  utilisation: Num,
});
export type RosterTightest = z.infer<typeof RosterTightestSchema>;

export const RosterCandidateSchema = z.strictObject({
  step: z.number().int().positive(),
  /** scenario: the scenario as written; erlang / start: the search's start (Erlang C, or the scenario's counts with `start: "scenario"`). */
  action: z.enum(["scenario", "erlang", "start", "raise", "trim"]),
  /** The lane-period changed (null for the first two). */
  lane: z.string().nullable(),
  period: z.string().nullable(),
  /** Servers there after the change. */
  servers: z.number().int().nullable(),
  officerHours: z.number(),
  pass: z.boolean(),
  /** Failing checks (target and period). */
  failed: z.array(z.strictObject({ target: z.string(), period: z.string().nullable() })),
  /** Trims: kept; raises: always true. */
  kept: z.boolean(),
});
export type RosterCandidate = z.infer<typeof RosterCandidateSchema>;

export const RosterPolicySchema = z.strictObject({
  policy: z.string(),
  feasible: z.boolean(),
  lanes: z.array(RosterLaneSchema),
  /** Rostered officer-hours (Σ over lanes). */
  officerHours: z.number(),
  /** The same lanes and periods as the scenario staffs them. */
  scenarioOfficerHours: z.number(),
  /** The Erlang-C start. */
  erlangOfficerHours: z.number(),
  /** summary.officerHours of the final roster over replications (every officer lane, reserves included). */
  simulatedOfficerHours: z.strictObject({ n: z.number().int(), mean: Num, lower: Num, upper: Num }),
  /**
   * The tightest period: the pledge-period with the least margin where a rostered lane at the pledge's
   * control is above its floor (so one officer fewer there is a roster the search could choose), and that
   * lane (the busiest such lane in the period). Null when no pledge-period qualifies.
   */
  tightest: RosterTightestSchema.nullable(),
  /** Each target: the day check and its tightest period (pledges). */
  margins: z.array(z.strictObject({ target: z.string(), day: RosterCheckSchema, tightest: RosterCheckSchema.nullable() })),
  /** The overlay edits (one per policy: `rosters.<policy>`, its lanes' rostered schedules). */
  set: z.array(z.strictObject({ path: z.string(), value: z.unknown() })),
  candidates: z.array(RosterCandidateSchema),
  notes: z.array(z.string()),
});
export type RosterPolicy = z.infer<typeof RosterPolicySchema>;

export const RosterComparisonSchema = z.strictObject({
  policy: z.string(),
  baseline: z.string(),
  /** baseline − policy rostered officer-hours. */
  saved: z.number(),
  /** Paired over replications: summary.officerHours(baseline roster) − summary.officerHours(policy roster), same seeds. */
  savedSimulated: z.strictObject({ n: z.number().int(), mean: Num, lower: Num, upper: Num }),
  note: z.string(),
});
export type RosterComparison = z.infer<typeof RosterComparisonSchema>;

export const RosterResultSchema = z.strictObject({
  scenario: z.string(),
  targets: z.array(CapacityTargetSchema),
  skippedTargets: z.array(z.strictObject({ target: z.string(), reason: z.string() })),
  confidence: z.number(),
  rule: z.string(),
  method: z.string(),
  replications: z.number().int(),
  seed: z.number().int(),
  commonRandomNumbers: z.literal(true),
  periodHours: z.number().int(),
  /** The search's start: the per-period Erlang-C counts, or the scenario's own. */
  start: z.enum(["erlang", "scenario"]),
  minServers: z.number().int(),
  maxServers: z.number().int().nullable(),
  maxChange: z.number().int().nullable(),
  policies: z.array(RosterPolicySchema),
  comparisons: z.array(RosterComparisonSchema),
});
export type RosterResult = z.infer<typeof RosterResultSchema>;

export interface RosterOptions {
  /** Default: the first policy of the scenario; several: each rostered against the same targets and compared with the first. */
  policies?: readonly string[];
  /** As for capacity: metric expressions and/or `pledge:<id>`. Default: every pledge of the scenario (100% pledges skipped). */
  targets?: readonly string[];
  /** Lanes to roster. Default: every officer-staffed lane of the policy. */
  lanes?: readonly string[];
  /** Default: the scenario's. */
  replications?: number;
  /** Default: the scenario's. */
  seed?: number;
  /** Default 1. */
  minServers?: number;
  /** Default max(20, 2 × the lane's largest count in the scenario). */
  maxServers?: number;
  /** Default unlimited. */
  maxChange?: number;
  /** Default 1 hour. */
  periodHours?: number;
  /** Default 400. */
  maxEvaluations?: number;
  /** The search's start: "erlang" (default) or "scenario" (its own counts, e.g. to check and trim an existing roster). */
  start?: "erlang" | "scenario";
  /** false: skip the simulation correction and return the start roster as it is (for comparison). Default true. */
  correct?: boolean;
  /** Progress. */
  onCandidate?: (policy: string, c: RosterCandidate) => void;
}

/** What one plan rosters: a lane, or an officer pool (one count for its lanes). */
interface LanePlan {
  /** The lane's id, or the pool's (the key of its roster entry). */
  id: string;
  /** The lane's checkpoint, or the pooled lanes' checkpoints. */
  checkpoints: string[];
  kind: string | null;
  /** The lanes whose results give the plan's demand and queues (the lane itself, or the pool's lanes). */
  laneIds: string[];
  /** Pooled lanes (null for a lane). */
  pool: string[] | null;
  definedIn: string;
  meanService: number;
  /** Start hour of each period. */
  starts: number[];
  scenarioServers: number[];
  demand: number[];
  /** Fewest and most servers per period (the command's bounds, or the scenario's rosterLimits). */
  mins: number[];
  maxs: number[];
}

function hhmm(hour: number): string {
  return formatTimeOfDay(hour * 3600);
}

/** One-sided 95% check of per-replication values against a target. */
function checkValues(values: readonly number[], target: CapacityTarget, period: string | null): RosterCheck {
  const iv = intervalOf(values);
  const lowerSide = target.op.startsWith(">");
  let bound: number | null = null;
  if (iv.mean !== null) {
    if (iv.n >= 2 && iv.sd !== null) {
      const h = (studentTQuantile(PLAN_CONFIDENCE, iv.n - 1) * iv.sd) / Math.sqrt(iv.n);
      bound = lowerSide ? iv.mean - h : iv.mean + h;
    }
  }
  const margin = bound === null ? null : lowerSide ? bound - target.value : target.value - bound;
  let pass: boolean;
  if (bound === null) pass = period !== null; // a period with fewer than 2 observed days is not checkable
  else if (target.op === ">=") pass = bound >= target.value;
  else if (target.op === ">") pass = bound > target.value;
  else if (target.op === "<=") pass = bound <= target.value;
  else pass = bound < target.value;
  return { target: target.text, period, n: iv.n, estimate: iv.mean, bound, margin, pass };
}

function metricValue(day: PolicyDayResult, metric: string): number | null {
  const group = /^(class|direction):([^.]+)\.(.+)$/.exec(metric);
  if (group !== null) {
    const groups = (group[1] === "class" ? day.byClass : day.byDirection) as Record<string, Record<string, unknown>>;
    const g = (groups as unknown as Record<string, PolicyDayResult["byClass"][string]>)[group[2]!];
    if (g === undefined) return null;
    if (group[3] === "shareWithin15") return g.arrived > 0 ? g.within15 / g.arrived : null;
    if (group[3] === "shareWithin30") return g.arrived > 0 ? g.within30 / g.arrived : null;
    return g.clearance.count > 0 ? g.clearance.sum / g.clearance.count : null;
  }
  const v = (day.summary as Record<string, unknown>)[metric];
  return typeof v === "number" ? v : null;
}

/** The servers of a resolved schedule at time t (seconds). */
function serversAt(schedule: readonly { from: number; to: number; servers: number }[], t: number): number {
  for (const w of schedule) if (t >= w.from && t < w.to) return w.servers;
  return 0;
}

/** Schedule windows of one lane's roster (consecutive equal counts merged). */
export function rosterSchedule(starts: readonly number[], servers: readonly number[], periodHours: number): { from: string; to: string; servers: number }[] {
  const out: { from: string; to: string; servers: number }[] = [];
  let prevEnd = -1;
  starts.forEach((h, k) => {
    const last = out[out.length - 1];
    if (last !== undefined && prevEnd === h && last.servers === servers[k]) last.to = hhmm(h + periodHours);
    else out.push({ from: hhmm(h), to: hhmm(h + periodHours), servers: servers[k]! });
    prevEnd = h + periodHours;
  });
  return out;
}

/**
 * Every check of one evaluation (a policy's days): metric targets over the day; pledges over the day and
 * per period of `periodHours` from the hour of `day.open` (travellers by the hour they reached the control).
 */
export function rosterChecks(resolved: ResolvedScenario, targets: readonly CapacityTarget[], days: readonly PolicyDayResult[], periodHours: number): RosterCheck[] {
  const firstHour = Math.floor(resolved.day.open / 3600);
  const endHour = Math.ceil(resolved.day.end / 3600);
  const out: RosterCheck[] = [];
  for (const t of targets) {
    if (t.kind === "metric") {
      const vals = days.map((d) => metricValue(d, t.metric!)).filter((v): v is number => v !== null);
      out.push(checkValues(vals, t, null));
      continue;
    }
    const dayVals = days.map((d) => d.pledges[t.pledge!]).filter((r) => r !== undefined && r.covered > 0).map((r) => r!.within / r!.covered);
    out.push(checkValues(dayVals, t, null));
    for (let h = firstHour; h < endHour; h += periodHours) {
      const vals: number[] = [];
      for (const d of days) {
        const r = d.pledges[t.pledge!];
        if (r === undefined) continue;
        let cov = 0;
        let wi = 0;
        for (let k = 0; k < periodHours && h + k < 24; k++) {
          cov += r.hourlyCovered[h + k] ?? 0;
          wi += r.hourlyWithin[h + k] ?? 0;
        }
        if (cov > 0) vals.push(wi / cov);
      }
      out.push(checkValues(vals, t, hhmm(h)));
    }
  }
  return out;
}

/** A rostered lane-period as the tightest-period rule sees it. */
export interface RosterSlot {
  lane: string;
  /** The lane's checkpoint, or an officer pool's lanes' checkpoints. */
  checkpoints: readonly string[];
  /** "HH:MM" start of the period. */
  period: string;
  servers: number;
  /** The fewest servers the roster allows there. */
  floor: number;
  utilisation: number | null;
}

/**
 * The tightest period (see RosterPolicySchema.tightest): among passing pledge-period checks with a
 * rostered lane above its floor at the pledge's control, the least margin; the busiest such lane.
 * Ties: the earlier period, then the first target, then the first lane.
 */
export function tightestPeriod(resolved: ResolvedScenario, targets: readonly CapacityTarget[], checks: readonly RosterCheck[], slots: readonly RosterSlot[]): RosterTightest | null {
  let best: RosterTightest | null = null;
  for (const t of targets) {
    if (t.kind !== "pledge") continue;
    const p = resolved.pledges.find((x) => x.id === t.pledge);
    const cps = resolved.controls.find((c) => c.id === p?.control)?.checkpoints ?? [];
    for (const c of checks) {
      if (c.target !== t.text || c.period === null || c.margin === null || !c.pass) continue;
      if (best !== null && !(c.margin < best.margin || (c.margin === best.margin && c.period < best.period))) continue;
      let lane: RosterSlot | null = null;
      for (const s of slots) {
        if (s.period !== c.period || s.servers <= s.floor || !s.checkpoints.some((cp) => cps.includes(cp))) continue;
        if (lane === null || (s.utilisation ?? -1) > (lane.utilisation ?? -1)) lane = s;
      }
      if (lane === null) continue;
      best = { target: c.target, period: c.period, margin: c.margin, lane: lane.lane, servers: lane.servers, utilisation: lane.utilisation };
    }
  }
  return best;
}

/** An M/M/c condition: P(queue > t) <= p, or mean queueing time <= w (seconds). */
type Formula = { kind: "tail"; t: number; p: number } | { kind: "mean"; w: number };

/** Erlang-C count for one lane-period: the fewest servers meeting every condition, at least the stability count. */
function erlangCount(lambda: number, meanService: number, targets: readonly Formula[], min: number, max: number): number {
  if (!(lambda > 0)) return min;
  const mu = 1 / meanService;
  let c = Math.max(min, Math.floor(lambda / mu) + 1);
  for (; c < max; c++) {
    const ok = targets.every((f) => (f.kind === "tail" ? mmcWaitTailProbability(lambda, mu, c, f.t) <= f.p : mmcMeanWait(lambda, mu, c) <= f.w));
    if (ok) break;
  }
  return Math.min(max, c);
}

/**
 * Rosters each selected policy (see the file comment). `run` simulates an experiment (any transport).
 * Throws ExperimentError for bad options, unknown policies, lanes or targets.
 */
export async function searchRoster(scenario: Scenario, options: RosterOptions, run: PlanRunner): Promise<RosterResult> {
  const { targets, skipped } = capacityTargets(scenario, options.targets);
  const minServers = options.minServers ?? ROSTER_DEFAULTS.minServers;
  const maxServersOpt = options.maxServers ?? null;
  const maxChange = options.maxChange ?? null;
  const periodHours = options.periodHours ?? ROSTER_DEFAULTS.periodHours;
  const maxEvaluations = options.maxEvaluations ?? ROSTER_DEFAULTS.maxEvaluations;
  const start = options.start ?? "erlang";
  if (start !== "erlang" && start !== "scenario") throw new ExperimentError(`--start must be erlang or scenario, got ${String(start)}`);
  if (!Number.isInteger(minServers) || minServers < 0) throw new ExperimentError(`--min-servers must be an integer >= 0, got ${minServers}`);
  if (maxServersOpt !== null && (!Number.isInteger(maxServersOpt) || maxServersOpt < Math.max(1, minServers))) {
    throw new ExperimentError(`--max-servers must be an integer >= max(1, --min-servers), got ${maxServersOpt}`);
  }
  if (maxChange !== null && (!Number.isInteger(maxChange) || maxChange < 1)) throw new ExperimentError(`--max-change must be an integer >= 1, got ${maxChange}`);
  if (!Number.isInteger(periodHours) || periodHours < 1 || periodHours > 24) throw new ExperimentError(`--period-hours must be an integer 1..24, got ${periodHours}`);
  const base = createExperiment(scenario, {
    ...(options.policies !== undefined ? { policies: options.policies } : { policies: [scenario.policies[0]!.id] }),
    ...(options.replications !== undefined ? { replications: options.replications } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  const resolved = resolveScenario(scenario);
  const firstHour = Math.floor(resolved.day.open / 3600);
  const endHour = Math.ceil(resolved.day.end / 3600);

  /** Every replication of one policy with the given overlay edits (one design point). */
  async function simulate(policy: string, set: readonly { path: string; value: unknown }[]): Promise<PolicyDayResult[]> {
    const spec = createExperiment(scenario, {
      policies: [policy],
      replications: base.replications,
      seed: base.seed,
      points: [{ index: 0, overrides: set.map((s) => ({ path: s.path, value: s.value })) }],
    });
    const results: ReplicationResult[] = await run(spec);
    return results.map((r) => r.policies[policy]!);
  }

  async function rosterPolicy(policy: string): Promise<{ result: RosterPolicy; days: PolicyDayResult[] }> {
    const rp = resolved.policies.find((p) => p.id === policy)!;
    const written = scenario.policies.find((p) => p.id === policy)!;
    const compiled = compiledPolicy(resolved, policy);
    // Pooled lanes are rostered as their pool: one count per period for all of them.
    const poolOfLane = new Map<string, string>();
    for (const pool of rp.officerPools) for (const l of pool.lanes) poolOfLane.set(l, pool.id);
    let ids: string[];
    if (options.lanes !== undefined && options.lanes.length > 0) {
      const known = [...rp.lanes.map((l) => l.id), ...rp.officerPools.map((p) => p.id)];
      for (const id of options.lanes) if (!known.includes(id)) throw new ExperimentError(`policy "${policy}" has no lane or officer pool "${id}" (lanes: ${known.join(", ")})`);
      ids = [...new Set(options.lanes.map((id) => poolOfLane.get(id) ?? id))];
    } else {
      ids = [];
      for (const l of rp.lanes) {
        if (l.staff !== "officer") continue;
        const id = poolOfLane.get(l.id) ?? l.id;
        if (!ids.includes(id)) ids.push(id);
      }
    }
    if (ids.length === 0) throw new ExperimentError(`policy "${policy}" has no officer-staffed lanes to roster`);
    const notes: string[] = [];
    for (const pool of rp.officerPools) {
      if (ids.includes(pool.id)) notes.push(`officer pool ${pool.id} (${pool.lanes.join(", ")}): rostered as one count of officers per period, officer-hours counted once`);
    }

    // 1. First simulation at the scenario's staffing: demand.
    const first = await simulate(policy, []);
    /** The policy (along extends) whose officerPools the policy takes. */
    const poolsDefinedIn = (): string => {
      let p = written;
      for (let guard = 0; guard <= scenario.policies.length; guard++) {
        if (p.officerPools !== undefined || p.extends === undefined) return p.id;
        p = scenario.policies.find((q) => q.id === p.extends)!;
      }
      return policy;
    };
    const plans: LanePlan[] = ids.map((id) => {
      const poolIndex = rp.officerPools.findIndex((p) => p.id === id);
      const pool = poolIndex >= 0 ? rp.officerPools[poolIndex]! : null;
      const laneIds = pool !== null ? pool.lanes : [id];
      const lanesOf = laneIds.map((l) => rp.lanes.find((x) => x.id === l)!);
      // The count as the scenario has it: the lane's schedule, or the pool's compiled officers.
      const countAt =
        pool !== null
          ? (t: number) => {
              const tl = compiled.officerPools[poolIndex]!.timeline;
              let n = 0;
              for (let k = 0; k < tl.times.length && tl.times[k]! <= t; k++) n = tl.servers[k]!;
              return n;
            }
          : (t: number) => serversAt(lanesOf[0]!.schedule, t);
      const starts: number[] = [];
      const scen: number[] = [];
      for (let h = firstHour; h + periodHours <= Math.max(endHour, firstHour + periodHours); h += periodHours) {
        let most = 0;
        for (let m = 0; m < periodHours * 60; m += 5) most = Math.max(most, countAt((h * 60 + m) * 60));
        if (most > 0) {
          starts.push(h);
          scen.push(most);
        }
      }
      const joined = (laneId: string, h: number) => {
        let sum = 0;
        for (const d of first) for (let k = 0; k < periodHours; k++) sum += d.lanes[laneId]?.hourlyJoined[h + k] ?? 0;
        return sum / first.length;
      };
      const demand = starts.map((h) => laneIds.reduce((a, l) => a + joined(l, h), 0));
      // A pool's mean service: its lanes' means weighted by their demand over the day (plain mean without any).
      const meanOf = (l: string) => compiled.lanes.find((x) => x.id === l)!.meanService;
      const weights = laneIds.map((l) => starts.reduce((a, h) => a + joined(l, h), 0));
      const totalWeight = weights.reduce((a, b) => a + b, 0);
      const meanService =
        laneIds.length === 1
          ? meanOf(laneIds[0]!)
          : totalWeight > 0 ? laneIds.reduce((a, l, j) => a + meanOf(l) * weights[j]!, 0) / totalWeight : laneIds.reduce((a, l) => a + meanOf(l), 0) / laneIds.length;
      const scenarioMax = Math.max(0, ...scen);
      // Never past the schema's bound on servers per lane (SCENARIO_LIMITS), nor a pool's `officers`.
      const cap = pool?.officers ?? SCENARIO_LIMITS.serversPerLane;
      const max = maxServersOpt ?? Math.min(SCENARIO_LIMITS.serversPerLane, Math.max(20, 2 * scenarioMax));
      // The scenario's rosterLimits replace the command's bounds in the periods they overlap (the
      // strictest window when several do); where they contradict the command's, the scenario's win.
      const limits = rosterLimitsOf(scenario, policy, id);
      const mins: number[] = [];
      const maxs: number[] = [];
      for (const h of starts) {
        const over = limits.filter((w) => w.from < (h + periodHours) * 3600 && w.to > h * 3600);
        const lo = over.reduce<number | null>((a, w) => (w.min === null ? a : Math.max(a ?? 0, w.min)), null);
        const hi = over.reduce<number | null>((a, w) => (w.max === null ? a : Math.min(a ?? Infinity, w.max)), null);
        let floor = lo ?? minServers;
        let ceiling = hi ?? max;
        if (hi !== null && floor > hi) floor = hi;
        if (lo !== null && ceiling < lo) ceiling = lo;
        ceiling = Math.min(ceiling, cap);
        if (pool !== null) {
          // Officers beyond the pooled lanes' desks would stand idle: the desks bound the pool.
          let desks = 0;
          for (let m = 0; m < periodHours * 60; m += 5) desks = Math.max(desks, lanesOf.reduce((a, l) => a + serversAt(l.schedule, (h * 60 + m) * 60), 0));
          ceiling = Math.min(ceiling, desks);
        }
        floor = Math.min(floor, ceiling);
        mins.push(floor);
        maxs.push(Math.max(floor, ceiling));
      }
      if (limits.length > 0) notes.push(`${pool !== null ? "officer pool" : "lane"} ${id}: per-period bounds from the scenario's rosterLimits`);
      return {
        id,
        checkpoints: [...new Set(lanesOf.map((l) => l.checkpoint))],
        kind: pool !== null ? "officer-pool" : (lanesOf[0]!.kind ?? null),
        laneIds,
        pool: pool !== null ? [...pool.lanes] : null,
        definedIn: pool !== null ? poolsDefinedIn() : lanesOf[0]!.definedIn,
        meanService,
        starts,
        scenarioServers: scen,
        demand,
        mins,
        maxs,
      };
    });

    // 2. Erlang C per period.
    const formulas = (plan: LanePlan) => {
      const fs: Formula[] = [];
      for (const t of targets) {
        if (t.kind === "pledge") {
          const p = resolved.pledges.find((x) => x.id === t.pledge)!;
          const control = resolved.controls.find((c) => c.id === p.control);
          if (control === undefined || !plan.checkpoints.some((cp) => control.checkpoints.includes(cp))) continue;
          const limit = p.measure === "queue" ? p.thresholdSeconds : p.thresholdSeconds - plan.meanService;
          fs.push({ kind: "tail", t: Math.max(0, limit), p: 1 - p.target });
        } else if (t.metric === "meanWait" && t.op.startsWith("<")) fs.push({ kind: "mean", w: t.value });
      }
      return fs;
    };
    const erlang = plans.map((plan) => {
      const fs = formulas(plan);
      return plan.demand.map((d, k) => erlangCount(d / (periodHours * 3600), plan.meanService, fs, plan.mins[k]!, plan.maxs[k]!));
    });
    // start "scenario": the scenario's counts within the bounds, so an existing roster is checked and trimmed.
    const roster = start === "scenario" ? plans.map((plan) => plan.scenarioServers.map((n, k) => Math.min(plan.maxs[k]!, Math.max(plan.mins[k]!, n)))) : erlang.map((r) => [...r]);
    const smooth = (li: number) => {
      if (maxChange === null) return;
      const r = roster[li]!;
      // Raise neighbours until the change limit holds (forward then backward passes).
      for (let pass = 0; pass < 2; pass++) {
        for (let k = 1; k < r.length; k++) if (r[k - 1]! < r[k]! - maxChange) r[k - 1] = r[k]! - maxChange;
        for (let k = r.length - 2; k >= 0; k--) if (r[k + 1]! < r[k]! - maxChange) r[k + 1] = r[k]! - maxChange;
      }
      // The per-period maximum wins over the change limit (a desk that does not exist cannot open).
      const maxs = plans[li]!.maxs;
      for (let k = 0; k < r.length; k++) if (r[k]! > maxs[k]!) r[k] = maxs[k]!;
    };
    plans.forEach((_, li) => smooth(li));

    // The candidate as a roster entry of the policy (the scenario's own entries for other lanes kept), so a
    // scenario that already carries rosters is rostered afresh rather than overridden by them.
    const setFor = (servers: number[][]) => {
      const entry: Record<string, { from: string; to: string; servers: number }[]> = { ...(scenario.rosters[policy] ?? {}) };
      plans.forEach((plan, li) => {
        entry[plan.id] = rosterSchedule(plan.starts, servers[li]!, periodHours);
      });
      return [{ path: `rosters.${policy}`, value: entry as unknown }];
    };
    const hoursOf = (servers: number[][]) => servers.reduce((a, r) => a + r.reduce((x, y) => x + y, 0) * periodHours, 0);

    const periodLabel = (h: number) => hhmm(h);
    const checksOf = (days: readonly PolicyDayResult[]) => rosterChecks(resolved, targets, days, periodHours);
    /** Expected wait of lane-period (queue × mean service / servers), mean over days. */
    const expectedWait = (days: readonly PolicyDayResult[], li: number, k: number, servers: number[][]) => {
      const plan = plans[li]!;
      let q = 0;
      for (const d of days) for (let j = 0; j < periodHours; j++) for (const l of plan.laneIds) q += d.lanes[l]?.hourlyQueue[plan.starts[k]! + j] ?? 0;
      q /= days.length * periodHours;
      return (q * plan.meanService) / Math.max(1, servers[li]![k]!);
    };
    const utilisation = (days: readonly PolicyDayResult[], li: number, k: number) => {
      const plan = plans[li]!;
      let u = 0;
      for (const d of days) {
        for (let j = 0; j < periodHours; j++) {
          const h = plan.starts[k]! + j;
          u += plan.pool !== null ? (d.officerPools[plan.id]?.hourlyUtilisation[h] ?? 0) : (d.lanes[plan.id]?.hourlyUtilisation[h] ?? 0);
        }
      }
      return u / (days.length * periodHours);
    };

    const candidates: RosterCandidate[] = [];
    const push = (c: Omit<RosterCandidate, "step">) => {
      const full = { step: candidates.length + 1, ...c };
      candidates.push(full);
      options.onCandidate?.(policy, full);
    };
    const failedOf = (checks: readonly RosterCheck[]) => checks.filter((c) => !c.pass).map((c) => ({ target: c.target, period: c.period }));
    const scenarioHours = plans.reduce((a, p) => a + p.scenarioServers.reduce((x, y) => x + y, 0) * periodHours, 0);
    push({ action: "scenario", lane: null, period: null, servers: null, officerHours: scenarioHours, pass: failedOf(checksOf(first)).length === 0, failed: failedOf(checksOf(first)), kept: false });

    let days = await simulate(policy, setFor(roster));
    let checks = checksOf(days);
    let evaluations = 2;
    push({ action: start === "scenario" ? "start" : "erlang", lane: null, period: null, servers: null, officerHours: hoursOf(roster), pass: failedOf(checks).length === 0, failed: failedOf(checks), kept: true });
    let feasible = failedOf(checks).length === 0;

    if (options.correct !== false) {
      // 3a. Raise the earliest failing period.
      while (!feasible && evaluations < maxEvaluations) {
        const failing = checks.filter((c) => !c.pass);
        const periodFails = failing.filter((c) => c.period !== null).sort((a, b) => a.period!.localeCompare(b.period!));
        let choice: { li: number; k: number } | null = null;
        const lanesFor = (t: string) => {
          const target = targets.find((x) => x.text === t)!;
          if (target.kind !== "pledge") return plans.map((_, li) => li);
          const p = resolved.pledges.find((x) => x.id === target.pledge)!;
          const cps = resolved.controls.find((c) => c.id === p.control)?.checkpoints ?? [];
          return plans.map((pl, li) => (pl.checkpoints.some((cp) => cps.includes(cp)) ? li : -1)).filter((li) => li >= 0);
        };
        const best = (pairs: { li: number; k: number }[]) => {
          let out: { li: number; k: number; w: number } | null = null;
          for (const { li, k } of pairs) {
            if (roster[li]![k]! >= plans[li]!.maxs[k]!) continue;
            const w = expectedWait(days, li, k, roster) + utilisation(days, li, k) * 1e-6;
            if (out === null || w > out.w) out = { li, k, w };
          }
          return out;
        };
        for (const f of periodFails) {
          const hour = Number(f.period!.slice(0, 2));
          const lanes = lanesFor(f.target);
          // The failing period, then the one before it (queues carry over).
          for (const hh of [hour, hour - periodHours]) {
            const pairs = lanes.map((li) => ({ li, k: plans[li]!.starts.indexOf(hh) })).filter((p) => p.k >= 0);
            const b = best(pairs);
            if (b !== null) {
              choice = b;
              break;
            }
          }
          if (choice !== null) break;
        }
        if (choice === null) {
          for (const f of failing.filter((c) => c.period === null)) {
            const pairs = lanesFor(f.target).flatMap((li) => plans[li]!.starts.map((_, k) => ({ li, k })));
            const b = best(pairs);
            if (b !== null) {
              choice = b;
              break;
            }
          }
        }
        if (choice === null) {
          notes.push(`no lane-period can be raised further (every candidate is at its maximum): the targets are not met`);
          break;
        }
        roster[choice.li]![choice.k]!++;
        smooth(choice.li);
        days = await simulate(policy, setFor(roster));
        checks = checksOf(days);
        evaluations++;
        feasible = failedOf(checks).length === 0;
        push({
          action: "raise",
          lane: plans[choice.li]!.id,
          period: periodLabel(plans[choice.li]!.starts[choice.k]!),
          servers: roster[choice.li]![choice.k]!,
          officerHours: hoursOf(roster),
          pass: feasible,
          failed: failedOf(checks),
          kept: true,
        });
      }
      // 3b. Trim one lane-period at a time, most slack first.
      if (feasible) {
        const blocked = new Set<string>();
        while (evaluations < maxEvaluations) {
          const options2: { li: number; k: number; u: number }[] = [];
          plans.forEach((plan, li) =>
            plan.starts.forEach((_, k) => {
              const r = roster[li]!;
              if (r[k]! <= plans[li]!.mins[k]! || blocked.has(`${li}:${k}:${r[k]}`)) return;
              if (maxChange !== null && ((k > 0 && r[k - 1]! - (r[k]! - 1) > maxChange) || (k + 1 < r.length && r[k + 1]! - (r[k]! - 1) > maxChange))) return;
              options2.push({ li, k, u: utilisation(days, li, k) * (r[k]! / (r[k]! - 1 || 1)) });
            }),
          );
          if (options2.length === 0) break;
          options2.sort((a, b) => a.u - b.u || a.li - b.li || a.k - b.k);
          const { li, k } = options2[0]!;
          const trial = roster.map((r) => [...r]);
          trial[li]![k]!--;
          const tDays = await simulate(policy, setFor(trial));
          const tChecks = checksOf(tDays);
          evaluations++;
          const ok = failedOf(tChecks).length === 0;
          push({
            action: "trim",
            lane: plans[li]!.id,
            period: periodLabel(plans[li]!.starts[k]!),
            servers: trial[li]![k]!,
            officerHours: hoursOf(trial),
            pass: ok,
            failed: failedOf(tChecks),
            kept: ok,
          });
          if (ok) {
            roster[li]![k]!--;
            days = tDays;
            checks = tChecks;
          } else blocked.add(`${li}:${k}:${roster[li]![k]}`);
        }
      }
      if (evaluations >= maxEvaluations) notes.push(`the search stopped at ${maxEvaluations} evaluations (--max-evaluations)`);
    } else notes.push(`simulation correction switched off: the ${start === "scenario" ? "scenario's" : "Erlang-C"} roster as it is`);

    const lanes: RosterLane[] = plans.map((plan, li) => ({
      lane: plan.id,
      checkpoint: plan.checkpoints.join(" + "),
      kind: plan.kind,
      definedIn: plan.definedIn,
      ...(plan.pool !== null ? { pool: plan.pool } : {}),
      meanService: Number(plan.meanService.toPrecision(6)),
      periods: plan.starts.map((h, k) => ({
        from: hhmm(h),
        to: hhmm(h + periodHours),
        demand: Number(plan.demand[k]!.toPrecision(6)),
        scenarioServers: plan.scenarioServers[k]!,
        erlang: erlang[li]![k]!,
        servers: roster[li]![k]!,
        min: plan.mins[k]!,
        max: plan.maxs[k]!,
        utilisation: Number(utilisation(days, li, k).toPrecision(4)),
      })),
      officerHours: roster[li]!.reduce((a, b) => a + b, 0) * periodHours,
      scenarioOfficerHours: plan.scenarioServers.reduce((a, b) => a + b, 0) * periodHours,
    }));
    const margins = targets.map((t) => {
      const mine = checks.filter((c) => c.target === t.text);
      const day = mine.find((c) => c.period === null)!;
      const periods = mine.filter((c) => c.period !== null && c.margin !== null);
      const tightest = periods.length === 0 ? null : periods.reduce((a, b) => (b.margin! < a.margin! ? b : a));
      return { target: t.text, day, tightest };
    });
    const slots: RosterSlot[] = lanes.flatMap((l, li) => l.periods.map((x) => ({ lane: l.lane, checkpoints: plans[li]!.checkpoints, period: x.from, servers: x.servers, floor: x.min, utilisation: x.utilisation })));
    const tightest = feasible ? tightestPeriod(resolved, targets, checks, slots) : null;
    const sim = intervalOf(days.map((d) => d.summary.officerHours));
    if (!feasible) notes.push("the roster does not meet every target with 95% confidence");
    return {
      result: {
        policy,
        feasible,
        lanes,
        officerHours: hoursOf(roster),
        scenarioOfficerHours: scenarioHours,
        erlangOfficerHours: hoursOf(erlang),
        simulatedOfficerHours: { n: sim.n, mean: sim.mean, lower: sim.lower, upper: sim.upper },
        tightest,
        margins,
        set: setFor(roster),
        candidates,
        notes,
      },
      days,
    };
  }

  const policies: RosterPolicy[] = [];
  const daysOf = new Map<string, PolicyDayResult[]>();
  for (const p of base.policies) {
    const { result, days } = await rosterPolicy(p);
    policies.push(result);
    daysOf.set(p, days);
  }
  const first = policies[0]!;
  const comparisons: RosterComparison[] = policies.slice(1).map((p) => {
    const a = daysOf.get(first.policy)!;
    const b = daysOf.get(p.policy)!;
    const diffs = a.map((d, i) => d.summary.officerHours - b[i]!.summary.officerHours);
    const iv = intervalOf(diffs);
    return {
      policy: p.policy,
      baseline: first.policy,
      saved: first.officerHours - p.officerHours,
      savedSimulated: { n: iv.n, mean: iv.mean, lower: iv.lower, upper: iv.upper },
      note:
        "saved = the baseline's rostered officer-hours minus this policy's (each roster found on the same seed); savedSimulated = the paired 95% interval over replications of " +
        "summary.officerHours (every officer lane, reserves included) under the two final rosters on the same travellers; it varies only through reserves and servers finishing service after a schedule drop",
    };
  });
  return {
    scenario: scenario.name,
    targets,
    skippedTargets: skipped,
    confidence: PLAN_CONFIDENCE,
    rule:
      "pass: the one-sided 95% Student-t bound over replications beyond the target; pledges per period (share of covered travellers within the limit by the hour they reached the control; periods with fewer than 2 observed days are not checked) and over the day; metric targets over the day",
    method:
      "Erlang C per period from the first simulation's demand (stationary, independent periods), then simulation on common random numbers: raise the earliest failing period (lane with the longest expected wait at the failing control), then trim one lane-period at a time (most slack first) while every target holds; greedy, not a proven optimum",
    replications: base.replications,
    seed: base.seed,
    commonRandomNumbers: true,
    periodHours,
    start,
    minServers,
    maxServers: maxServersOpt,
    maxChange,
    policies,
    comparisons,
  };
}
