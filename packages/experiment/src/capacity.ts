import type { ReplicationResult } from "@hetao/crossing-model";
import type { Scenario } from "@hetao/scenario";
import { studentTQuantile } from "@hetao/stats";
import { z } from "zod";
import { type ReportMeta, buildReport } from "./build-report.js";
import { PLAN_CONFIDENCE, type PlanRunner, type PlanTarget, type TargetOp, checkTarget, metricInterval, parseTarget } from "./plan.js";
import type { Interval, Report } from "./report-schema.js";
import { type DesignPoint, ExperimentError, createExperiment } from "./spec.js";

/**
 * Capacity: for each policy, the largest demand multiplier (`demand.multiplier`, which scales every
 * walk-in arrival rate) at which the policy still meets a target, with an interval, searched on common
 * random numbers (the walk-in arrivals are an exact inversion of one unit-rate stream per replication,
 * scaled by the multiplier, and every traveller keeps its own draws, so neighbouring multipliers see the
 * same people, only denser).
 *
 * Three crossings are searched at once, each the first multiplier (going up) at which a rule stops holding:
 *
 * - `lower`: the target passes with one-sided 95% confidence (checkTarget: the one-sided Student-t bound
 *   on the target's side is beyond the target);
 * - `estimate`: the mean over replications meets the target;
 * - `upper`: the target is not rejected: the one-sided 95% bound on the *other* side is still on the good
 *   side of the target (the mean could still meet it).
 *
 * Inverting the two one-sided tests gives the interval [lower, upper] for the multiplier at which the true
 * mean crosses the target: below `lower` the target holds with 95% confidence, above `upper` it fails with
 * 95% confidence. Each end is a one-sided 95% bound, so the interval is a two-sided 90% interval (it
 * treats the search path as one curve, which common random numbers make nearly true).
 */

/** The scenario path the search overrides. */
export const CAPACITY_PATH = "demand.multiplier";
export const CAPACITY_DEFAULTS = { minMultiplier: 1 / 64, maxMultiplier: 64, tolerance: 0.02 } as const;
/** Rounds of evaluation after which the search stops even if a bracket is still wider than the tolerance. */
const MAX_ROUNDS = 60;

const Num = z.number().nullable();
const Multiplier = z.number().positive();
const Limit = z.enum(["above-max", "below-min"]).nullable();

export const CapacityTargetSchema = z.strictObject({
  /** As given (normalised), e.g. `meanWait <= 60` or `pledge:frontex-abc-5min`. */
  text: z.string(),
  kind: z.enum(["metric", "pledge"]),
  /** The report metric (metric targets). */
  metric: z.string().nullable(),
  /** The service pledge id (pledge targets): its share of travellers within the threshold, `>=` its target share. */
  pledge: z.string().nullable(),
  op: z.enum([">=", ">", "<=", "<"]),
  value: z.number(),
  title: z.string().nullable(),
});
export type CapacityTarget = z.infer<typeof CapacityTargetSchema>;

export const CapacityTargetCheckSchema = z.strictObject({
  target: z.string(),
  /** Replications with a value. */
  n: z.number().int().nonnegative(),
  /** Mean over replications. */
  estimate: Num,
  /** One-sided 95% bound on the target's side (pass rule). */
  bound: Num,
  /** One-sided 95% bound on the other side (not-rejected rule). */
  otherBound: Num,
  /** `bound` beyond the target: met with 95% confidence. */
  pass: z.boolean(),
  /** The mean meets the target. */
  meanMeets: z.boolean(),
  /** `otherBound` on the good side of the target: the mean could still meet it. */
  notRejected: z.boolean(),
});
export type CapacityTargetCheck = z.infer<typeof CapacityTargetCheckSchema>;

export const CapacityCandidateSchema = z.strictObject({
  /** 1, 2, … in evaluation order. */
  step: z.number().int().positive(),
  /** The evaluation batch (one experiment) it ran in. */
  round: z.number().int().positive(),
  multiplier: Multiplier,
  /** Of the policy's binding target (its first target when none binds); every target is in `checks`. */
  target: z.string(),
  estimate: Num,
  bound: Num,
  /** Every target passes / meets on average / is not rejected. */
  pass: z.boolean(),
  meanMeets: z.boolean(),
  notRejected: z.boolean(),
  checks: z.array(CapacityTargetCheckSchema),
});
export type CapacityCandidate = z.infer<typeof CapacityCandidateSchema>;

/** The evaluated multipliers either side of a crossing: the last where the rule holds, the first where it does not. */
const Bracket = z.tuple([Num, Num]);

export const CapacityPolicySchema = z.strictObject({
  policy: z.string(),
  /** Multiplier at which the mean crosses the target (log-linear interpolation inside its bracket). */
  estimate: Num,
  /** Largest multiplier at which the target passes with one-sided 95% confidence (interpolated likewise). */
  lower: Num,
  /** Largest multiplier at which the target is not rejected at one-sided 95% (interpolated likewise). */
  upper: Num,
  /** above-max: the rule still holds at --max-multiplier (the value is that maximum, a lower bound); below-min: it fails even at --min-multiplier (value null). */
  limits: z.strictObject({ estimate: Limit, lower: Limit, upper: Limit }),
  brackets: z.strictObject({ estimate: Bracket, lower: Bracket, upper: Bracket }),
  /** The target whose mean crosses first (the smallest crossing over the targets); null when none crosses below the maximum. */
  bindingTarget: z.string().nullable(),
  /** The search path in evaluation order. */
  candidates: z.array(CapacityCandidateSchema),
  notes: z.array(z.string()),
});
export type CapacityPolicy = z.infer<typeof CapacityPolicySchema>;

export const CapacityComparisonSchema = z.strictObject({
  treatment: z.string(),
  baseline: z.string(),
  /** estimate(treatment) / estimate(baseline). */
  ratio: Num,
  /** lower(treatment) / upper(baseline) and upper(treatment) / lower(baseline): approximate (see `note`). */
  lower: Num,
  upper: Num,
  approximate: z.literal(true),
  note: z.string(),
});
export type CapacityComparison = z.infer<typeof CapacityComparisonSchema>;

export const CapacityResultSchema = z.strictObject({
  scenario: z.string(),
  path: z.literal(CAPACITY_PATH),
  targets: z.array(CapacityTargetSchema),
  /** Targets not searched, with the reason (e.g. a pledge with a 100% target). */
  skippedTargets: z.array(z.strictObject({ target: z.string(), reason: z.string() })),
  confidence: z.number(),
  rule: z.string(),
  interval: z.string(),
  replications: z.number().int(),
  seed: z.number().int(),
  commonRandomNumbers: z.literal(true),
  /** The scenario's own multiplier, where the search starts (clamped to [min, max]). */
  startMultiplier: Multiplier,
  minMultiplier: Multiplier,
  maxMultiplier: Multiplier,
  /** Relative width at which a bracket stops being bisected (hi / lo <= 1 + tolerance). */
  tolerance: z.number().positive(),
  policies: z.array(CapacityPolicySchema),
  comparisons: z.array(CapacityComparisonSchema),
});
export type CapacityResult = z.infer<typeof CapacityResultSchema>;

export interface CapacityOptions {
  /** Metric expressions (see parseTarget) and/or `pledge:<id>`. Default: every pledge of the scenario (`pledges:`). */
  targets?: readonly string[];
  /** Default: every policy of the scenario. */
  policies?: readonly string[];
  /** Default: the scenario's. */
  replications?: number;
  /** Default: the scenario's. */
  seed?: number;
  /** Default 1/64. */
  minMultiplier?: number;
  /** Default 64. */
  maxMultiplier?: number;
  /** Default 0.02 (2%). */
  tolerance?: number;
  /** Called after each evaluated candidate (progress). */
  onCandidate?: (policy: string, candidate: CapacityCandidate) => void;
}

type Rule = "pass" | "meanMeets" | "notRejected";
const RULES: readonly Rule[] = ["pass", "meanMeets", "notRejected"];
const QUANTITY: Record<Rule, "lower" | "estimate" | "upper"> = { pass: "lower", meanMeets: "estimate", notRejected: "upper" };

function meets(x: number, op: TargetOp, value: number): boolean {
  if (op === ">=") return x >= value;
  if (op === ">") return x > value;
  if (op === "<=") return x <= value;
  return x < value;
}

/** How far x is on the good side of the target (negative: on the bad side). */
function goodSide(x: number | null, target: CapacityTarget): number | null {
  if (x === null) return null;
  return target.op.startsWith(">") ? x - target.value : target.value - x;
}

function classIdsOf(scenario: Scenario): string[] {
  return scenario.travellers.classes.map((c) => c.id);
}

/**
 * Parses the targets against a scenario: metric expressions with parseTarget, `pledge:<id>` from the
 * scenario's `pledges:` (the report's compliance rows). No targets: every pledge of the scenario. Pledges
 * with a 100% target are skipped with the reason (a share's one-sided lower confidence bound reaches 1 only
 * when every simulated day is perfect). Throws ExperimentError for an unknown metric, class, direction or
 * pledge, or when no target remains.
 */
export function capacityTargets(scenario: Scenario, texts: readonly string[] | undefined): { targets: CapacityTarget[]; skipped: { target: string; reason: string }[] } {
  const classes = classIdsOf(scenario);
  const targets: CapacityTarget[] = [];
  const skipped: { target: string; reason: string }[] = [];
  const addPledge = (id: string) => {
    const p = scenario.pledges.find((x) => x.id === id);
    if (p === undefined) {
      const known = scenario.pledges.map((x) => x.id);
      throw new ExperimentError(
        `--target pledge:${id}: unknown pledge; ${known.length === 0 ? `the scenario "${scenario.name}" has no pledges` : `the scenario's pledges are ${known.join(", ")}`}`,
      );
    }
    const text = `pledge:${id}`;
    if (p.target >= 1) {
      skipped.push({
        target: text,
        reason: `its target is ${Number((p.target * 100).toPrecision(6))}%: a share's one-sided 95% lower bound reaches it only when every simulated day is perfect, so it cannot be met with confidence`,
      });
      return;
    }
    if (targets.some((t) => t.text === text)) throw new ExperimentError(`--target ${text} is given twice`);
    targets.push({ text, kind: "pledge", metric: null, pledge: id, op: ">=", value: p.target, title: p.title });
  };
  if (texts === undefined || texts.length === 0) {
    for (const p of scenario.pledges) addPledge(p.id);
    if (targets.length === 0) {
      const why = skipped.length === 0 ? "it has no pledges" : skipped.map((x) => `${x.target}: ${x.reason}`).join("; ");
      throw new ExperimentError(`no --target given and no pledge of "${scenario.name}" can be searched (${why}); give --target "<metric> <op> <value>"`);
    }
    return { targets, skipped };
  }
  for (const raw of texts) {
    const text = raw.trim();
    const pledge = /^pledge:(.*)$/.exec(text);
    if (pledge !== null) {
      addPledge(pledge[1]!.trim());
      continue;
    }
    const t: PlanTarget = parseTarget(text);
    const group = /^(class|direction):([^.]+)\./.exec(t.metric);
    if (group !== null) {
      const known = group[1] === "class" ? classes : ["northbound", "southbound"];
      if (!known.includes(group[2]!)) throw new ExperimentError(`metric "${t.metric}": no ${group[1]} "${group[2]}" (the scenario has: ${known.join(", ")})`);
    }
    if (targets.some((x) => x.text === t.text)) throw new ExperimentError(`--target "${t.text}" is given twice`);
    targets.push({ text: t.text, kind: "metric", metric: t.metric, pledge: null, op: t.op, value: t.value, title: null });
  }
  if (targets.length === 0) {
    throw new ExperimentError(`no target can be searched: ${skipped.map((s) => `${s.target}: ${s.reason}`).join("; ")}`);
  }
  return { targets, skipped };
}

/** The interval a target is checked on, at one design point of a report, for one policy. */
function targetInterval(report: Report, point: number, policy: string, target: CapacityTarget): Interval {
  if (target.kind === "metric") return metricInterval(report, point, policy, target.metric!);
  const p = report.points.find((x) => x.index === point);
  const row = p?.compliance?.find((r) => r.pledge === target.pledge && r.policy === policy);
  if (row === undefined) throw new ExperimentError(`the report has no compliance row for pledge "${target.pledge}" and policy "${policy}"`);
  return row.share;
}

/** The three rules for one target on one interval. */
export function checkCapacityTarget(interval: Interval, target: CapacityTarget): CapacityTargetCheck {
  const asPlan: PlanTarget = { text: target.text, metric: target.metric ?? target.text, op: target.op, value: target.value };
  const c = checkTarget(interval, asPlan);
  const { mean, n, sd } = interval;
  let otherBound: number | null = null;
  if (mean !== null && n >= 2 && sd !== null) {
    const h = (studentTQuantile(PLAN_CONFIDENCE, n - 1) * sd) / Math.sqrt(n);
    otherBound = target.op.startsWith(">") ? mean + h : mean - h;
  }
  const meanMeets = mean !== null && meets(mean, target.op, target.value);
  const notRejected = otherBound !== null ? meets(otherBound, target.op, target.value) : meanMeets;
  return { target: target.text, n, estimate: mean, bound: c.bound, otherBound, pass: c.pass, meanMeets, notRejected };
}

/** Six significant digits: readable multipliers in specs and reports, far finer than any tolerance allowed. */
function tidy(x: number): number {
  return Number(x.toPrecision(6));
}

interface Evaluated {
  candidate: CapacityCandidate;
  checks: CapacityTargetCheck[];
}

interface Bracket {
  lo: Evaluated | null;
  hi: Evaluated | null;
}

/** The first crossing of a rule over the evaluated multipliers (ascending): the first that fails and the one before it. */
function bracketOf(sorted: readonly Evaluated[], rule: Rule): Bracket {
  const i = sorted.findIndex((e) => !e.candidate[rule]);
  if (i < 0) return { lo: sorted[sorted.length - 1] ?? null, hi: null };
  return { lo: i === 0 ? null : sorted[i - 1]!, hi: sorted[i]! };
}

function ruleMargin(check: CapacityTargetCheck, target: CapacityTarget, rule: Rule): number | null {
  return goodSide(rule === "pass" ? check.bound : rule === "meanMeets" ? check.estimate : check.otherBound, target);
}

/**
 * Where a rule's crossing lies inside its bracket: for every target that holds at lo and fails at hi,
 * linear interpolation of its margin in log(multiplier); the smallest over those targets, and which.
 */
function interpolate(b: Required<{ lo: Evaluated; hi: Evaluated }>, rule: Rule, targets: readonly CapacityTarget[]): { value: number; target: string } {
  const { lo, hi } = b;
  let best: { value: number; target: string } | null = null;
  targets.forEach((t, k) => {
    const cl = lo.checks[k]!;
    const ch = hi.checks[k]!;
    if (!cl[rule] || ch[rule]) return;
    const gl = ruleMargin(cl, t, rule);
    const gh = ruleMargin(ch, t, rule);
    let f = 0.5;
    if (gl !== null && gh !== null && gl - gh > 0) f = Math.min(1, Math.max(0, gl / (gl - gh)));
    const value = tidy(lo.candidate.multiplier * (hi.candidate.multiplier / lo.candidate.multiplier) ** f);
    if (best === null || value < best.value) best = { value, target: t.text };
  });
  // Unreachable (every target holds at lo, one fails at hi); the bracket's midpoint as a fallback.
  return best ?? { value: tidy(Math.sqrt(lo.candidate.multiplier * hi.candidate.multiplier)), target: targets[0]!.text };
}

function fmt(m: number): string {
  return `×${Number(m.toPrecision(3))}`;
}

/**
 * Searches each policy's capacity: the largest demand multiplier meeting every target, with the
 * inverted-test interval (see the file comment).
 *
 * Search, per policy (all candidates on the scenario's seed and replications, so on common random numbers):
 * 1. Bracket: start at the scenario's multiplier; double until the target is rejected (the not-rejected
 *    rule fails) or `maxMultiplier` still holds; halve until it passes with confidence or `minMultiplier`
 *    still fails. Doubling and halving run in the same batch when both are needed.
 * 2. Bisect in log space: every round takes the geometric midpoint of each of the three brackets
 *    (lower, estimate, upper) still wider than 1 + tolerance, deduplicated, as one experiment whose
 *    design points are those multipliers; it stops when all three are narrow enough.
 * The crossings are then interpolated inside their final brackets.
 */
export async function searchCapacity(scenario: Scenario, options: CapacityOptions, run: PlanRunner, meta: ReportMeta): Promise<CapacityResult> {
  const { targets, skipped } = capacityTargets(scenario, options.targets);
  const minMultiplier = options.minMultiplier ?? CAPACITY_DEFAULTS.minMultiplier;
  const maxMultiplier = options.maxMultiplier ?? CAPACITY_DEFAULTS.maxMultiplier;
  const tolerance = options.tolerance ?? CAPACITY_DEFAULTS.tolerance;
  if (!(Number.isFinite(minMultiplier) && minMultiplier > 0)) throw new ExperimentError(`--min-multiplier must be a number > 0, got ${minMultiplier}`);
  if (!(Number.isFinite(maxMultiplier) && maxMultiplier > minMultiplier)) {
    throw new ExperimentError(`--max-multiplier must be a number above --min-multiplier (${minMultiplier}), got ${maxMultiplier}`);
  }
  if (!(Number.isFinite(tolerance) && tolerance >= 0.001 && tolerance <= 1)) throw new ExperimentError(`--tolerance must be from 0.001 to 1 (0.1% to 100%), got ${tolerance}`);
  // Validates policies, replications and seed once; its compare list is the comparisons'.
  const base = createExperiment(scenario, {
    ...(options.policies !== undefined ? { policies: options.policies } : {}),
    ...(options.replications !== undefined ? { replications: options.replications } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  const startMultiplier = tidy(Math.min(maxMultiplier, Math.max(minMultiplier, scenario.demand.multiplier)));

  async function searchPolicy(policy: string): Promise<CapacityPolicy> {
    const evaluated = new Map<number, Evaluated>();
    const candidates: CapacityCandidate[] = [];
    let round = 0;
    const sorted = () => [...evaluated.values()].sort((a, b) => a.candidate.multiplier - b.candidate.multiplier);

    async function evaluate(multipliers: readonly number[]): Promise<void> {
      const todo = [...new Set(multipliers.map(tidy))].filter((m) => !evaluated.has(m)).sort((a, b) => a - b);
      if (todo.length === 0) return;
      round++;
      const points: DesignPoint[] = todo.map((m, index) => ({ index, overrides: [{ path: CAPACITY_PATH, value: m }] }));
      const spec = createExperiment(scenario, { policies: [policy], replications: base.replications, seed: base.seed, points });
      const results: ReplicationResult[] = await run(spec);
      const report = buildReport(spec, results, meta);
      todo.forEach((multiplier, index) => {
        const checks = targets.map((t) => checkCapacityTarget(targetInterval(report, index, policy, t), t));
        const first = checks[0]!;
        const candidate: CapacityCandidate = {
          step: candidates.length + 1,
          round,
          multiplier,
          target: first.target,
          estimate: first.estimate,
          bound: first.bound,
          pass: checks.every((c) => c.pass),
          meanMeets: checks.every((c) => c.meanMeets),
          notRejected: checks.every((c) => c.notRejected),
          checks,
        };
        candidates.push(candidate);
        evaluated.set(multiplier, { candidate, checks });
        options.onCandidate?.(policy, candidate);
      });
    }

    // 1. Bracket.
    await evaluate([startMultiplier]);
    for (let i = 0; i < MAX_ROUNDS; i++) {
      const s = sorted();
      const next: number[] = [];
      const top = bracketOf(s, "notRejected");
      if (top.hi === null && top.lo!.candidate.multiplier < maxMultiplier) next.push(Math.min(maxMultiplier, top.lo!.candidate.multiplier * 2));
      const bottom = bracketOf(s, "pass");
      if (bottom.lo === null && bottom.hi!.candidate.multiplier > minMultiplier) next.push(Math.max(minMultiplier, bottom.hi!.candidate.multiplier / 2));
      if (next.length === 0) break;
      await evaluate(next);
    }
    // 2. Bisect the three brackets at once.
    let converged = false;
    for (let i = 0; i < MAX_ROUNDS && !converged; i++) {
      const s = sorted();
      const mids: number[] = [];
      for (const rule of RULES) {
        const { lo, hi } = bracketOf(s, rule);
        if (lo === null || hi === null) continue;
        const a = lo.candidate.multiplier;
        const b = hi.candidate.multiplier;
        if (b / a <= 1 + tolerance) continue;
        const mid = tidy(Math.sqrt(a * b));
        if (mid > a && mid < b) mids.push(mid);
      }
      if (mids.length === 0) converged = true;
      else await evaluate(mids);
    }

    // 3. The crossings.
    const s = sorted();
    const notes: string[] = [];
    const out: Pick<CapacityPolicy, "estimate" | "lower" | "upper" | "limits" | "brackets"> = {
      estimate: null,
      lower: null,
      upper: null,
      limits: { estimate: null, lower: null, upper: null },
      brackets: { estimate: [null, null], lower: [null, null], upper: [null, null] },
    };
    let bindingTarget: string | null = null;
    const ruleText: Record<Rule, string> = {
      pass: "met with 95% confidence",
      meanMeets: "met on average",
      notRejected: "still possible (not rejected at 95%)",
    };
    for (const rule of RULES) {
      const q = QUANTITY[rule];
      const b = bracketOf(s, rule);
      out.brackets[q] = [b.lo?.candidate.multiplier ?? null, b.hi?.candidate.multiplier ?? null];
      if (b.lo !== null && b.hi !== null) {
        const { value, target } = interpolate({ lo: b.lo, hi: b.hi }, rule, targets);
        out[q] = value;
        if (rule === "meanMeets") bindingTarget = target;
      } else if (b.lo !== null) {
        out[q] = b.lo.candidate.multiplier;
        out.limits[q] = "above-max";
        notes.push(`${q}: the target is ${ruleText[rule]} even at ${fmt(b.lo.candidate.multiplier)} (--max-multiplier): the crossing is above it`);
      } else {
        out.limits[q] = "below-min";
        notes.push(`${q}: the target is not ${ruleText[rule]} even at ${fmt(b.hi!.candidate.multiplier)} (--min-multiplier): the crossing is below it`);
        if (rule === "meanMeets") bindingTarget = b.hi!.checks.find((c) => !c.meanMeets)?.target ?? null;
      }
      if (b.hi !== null) {
        const later = s.find((e) => e.candidate.multiplier > b.hi!.candidate.multiplier && e.candidate[rule]);
        if (later !== undefined) {
          notes.push(
            `${q}: not monotone in demand: ${ruleText[rule]} at ${fmt(later.candidate.multiplier)} but not at ${fmt(b.hi.candidate.multiplier)}; the first crossing is reported`,
          );
        }
      }
    }
    // Interpolation keeps lower <= estimate <= upper; guard it against rounding.
    if (out.estimate !== null) {
      if (out.lower !== null) out.lower = Math.min(out.lower, out.estimate);
      if (out.upper !== null) out.upper = Math.max(out.upper, out.estimate);
    }
    const shown = bindingTarget ?? targets[0]!.text;
    const k = targets.findIndex((t) => t.text === shown);
    for (const c of candidates) {
      c.target = shown;
      c.estimate = c.checks[k]!.estimate;
      c.bound = c.checks[k]!.bound;
    }
    if (!converged) notes.push(`the search stopped after ${round} rounds with a bracket wider than the tolerance`);
    return { policy, ...out, bindingTarget, candidates, notes };
  }

  const policies: CapacityPolicy[] = [];
  for (const p of base.policies) policies.push(await searchPolicy(p));

  const byId = new Map(policies.map((p) => [p.policy, p]));
  const div = (a: number | null, b: number | null, censored: boolean) => (a === null || b === null || censored ? null : tidy(a / b));
  const comparisons: CapacityComparison[] = base.compare.map(([treatment, baseline]) => {
    const t = byId.get(treatment)!;
    const b = byId.get(baseline)!;
    return {
      treatment,
      baseline,
      ratio: div(t.estimate, b.estimate, t.limits.estimate !== null || b.limits.estimate !== null),
      lower: div(t.lower, b.upper, t.limits.lower !== null || b.limits.upper !== null),
      upper: div(t.upper, b.lower, t.limits.upper !== null || b.limits.lower !== null),
      approximate: true,
      note:
        "Ratio of the capacity estimates; the range divides the ends of the two intervals (lower by upper, upper by lower), " +
        "an approximate, conservative range (not a paired interval of the ratio); null where an end is beyond the search limits.",
    };
  });

  return {
    scenario: scenario.name,
    path: CAPACITY_PATH,
    targets,
    skippedTargets: skipped,
    confidence: PLAN_CONFIDENCE,
    rule: "pass: the one-sided 95% Student-t bound on the target's side (mean ± t(0.95, n-1) sd / sqrt n over replications) is beyond the target; pledges: the share's lower bound >= the pledge's target share",
    interval:
      "lower = largest multiplier at which every target passes with one-sided 95% confidence; estimate = where the mean crosses the target; " +
      "upper = largest multiplier at which no target is rejected (the one-sided 95% bound on the other side is still on the good side); " +
      "each end is a one-sided 95% bound, so [lower, upper] is a two-sided 90% interval; crossings are interpolated in log(multiplier) between the evaluated candidates either side",
    replications: base.replications,
    seed: base.seed,
    commonRandomNumbers: true,
    startMultiplier,
    minMultiplier,
    maxMultiplier,
    tolerance,
    policies,
    comparisons,
  };
}
