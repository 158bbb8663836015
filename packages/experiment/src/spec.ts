import { createHash } from "node:crypto";
import { z } from "zod";
import { type EconomicsOptions, EconomicsOptionsSchema } from "./economics.js";
import { MAX_EXCERPT_CHARS, MAX_LISTED_ISSUES, SCENARIO_LIMITS, type Scenario, ScenarioSchema, canonicalJson, clip, listIssues, parseScenario, ScenarioError, setPath } from "@hetao/scenario";

/** Thrown by {@link createExperiment} and {@link parseExperimentSpec} for an invalid experiment. */
export class ExperimentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExperimentError";
  }
}

/** Replications per experiment: the scenario's limit, so `validate` refuses what `run` and the API refuse. */
export const MAX_REPLICATIONS = SCENARIO_LIMITS.replications;

export const OverrideSchema = z
  .strictObject({
    path: z.string().min(1).describe('Path into the scenario, e.g. "travellers.whitelist.coverage" (see setPath).'),
    value: z.unknown().describe("The value written at `path`."),
  })
  .describe("One change applied to the scenario at a design point.");
export type Override = z.infer<typeof OverrideSchema>;

export const DesignPointSchema = z
  .strictObject({
    index: z.number().int().min(0).describe("Design point index (>= 0, unique)."),
    overrides: z.array(OverrideSchema).default([]).describe("Changes applied to the scenario, in order."),
  })
  .describe("A design point: the scenario with some values overridden (sweeps).");
export type DesignPoint = z.infer<typeof DesignPointSchema>;

const ExperimentSpecShape = z.strictObject({
  scenario: ScenarioSchema,
  replications: z.number().int().min(2).max(MAX_REPLICATIONS),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  policies: z.array(z.string().min(1)).min(1).optional(),
  baseline: z.string().min(1).optional(),
  compare: z.array(z.tuple([z.string().min(1), z.string().min(1)])).optional(),
  points: z.array(DesignPointSchema).min(1).default([{ index: 0, overrides: [] }]),
  /** Reporting parameters of the economics line (working days, value of time); absent = defaults. */
  economics: EconomicsOptionsSchema.optional(),
});

function listed(names: readonly string[]): string {
  return names.length === 0 ? "none" : names.join(", ");
}

/** The scenario of a design point: overrides applied with setPath, then re-validated. Throws ScenarioError / PathError. */
export function applyOverrides(scenario: Scenario, overrides: readonly Override[], source = "<scenario>"): Scenario {
  if (overrides.length === 0) return scenario;
  let data: unknown = scenario;
  for (const o of overrides) data = setPath(data, o.path, o.value);
  return parseScenario(data, source);
}

/**
 * Default `baseline` and `compare` for a policy selection: the scenario's own choices restricted to the
 * selected policies; when they do not survive the restriction, the first selected policy and
 * [other, baseline] for every other selected policy.
 */
function defaultComparison(scenario: Scenario, policies: readonly string[], baseline: string | undefined): { baseline: string; compare: [string, string][] } {
  const selected = new Set(policies);
  const scenarioBaseline = scenario.experiment.baseline;
  const chosen = baseline ?? (scenarioBaseline !== undefined && selected.has(scenarioBaseline) ? scenarioBaseline : policies[0]!);
  const written = scenario.experiment.compare?.filter(([a, b]) => selected.has(a) && selected.has(b)).map(([a, b]) => [a, b] as [string, string]);
  const compare =
    written !== undefined && written.length > 0 && baseline === undefined
      ? written
      : policies.filter((p) => p !== chosen).map((p) => [p, chosen] as [string, string]);
  return { baseline: chosen, compare };
}

/**
 * An experiment: a scenario, the policies compared on common random numbers, the number of replications,
 * the master seed and the design points. Strict; `policies`, `baseline` and `compare` are filled from the
 * scenario when absent, so parsing an already-parsed spec returns an equal spec (and the same id).
 */
export const ExperimentSpecSchema = ExperimentSpecShape.transform((spec) => {
  const policies = spec.policies ?? spec.scenario.policies.map((p) => p.id);
  const { baseline, compare } =
    spec.compare !== undefined
      ? { baseline: spec.baseline ?? policies[0]!, compare: spec.compare.map(([a, b]) => [a, b] as [string, string]) }
      : defaultComparison(spec.scenario, policies, spec.baseline);
  return {
    scenario: spec.scenario,
    replications: spec.replications,
    seed: spec.seed,
    policies,
    baseline,
    compare,
    points: spec.points,
    // Only when given, so specs without it keep their experiment id.
    ...(spec.economics !== undefined ? { economics: spec.economics } : {}),
  };
}).superRefine((spec, ctx) => {
  const known = spec.scenario.policies.map((p) => p.id);
  const selected = new Set<string>();
  spec.policies.forEach((p, i) => {
    if (!known.includes(p)) {
      ctx.addIssue({ code: "custom", path: ["policies", i], message: `unknown policy "${p}" (the scenario has: ${listed(known)})` });
    } else if (selected.has(p)) {
      ctx.addIssue({ code: "custom", path: ["policies", i], message: `policy "${p}" is listed twice` });
    }
    selected.add(p);
  });
  if (!selected.has(spec.baseline)) {
    ctx.addIssue({ code: "custom", path: ["baseline"], message: `baseline "${spec.baseline}" is not one of the experiment's policies (${listed(spec.policies)})` });
  }
  spec.compare.forEach(([a, b], i) => {
    for (const [k, p] of [[0, a], [1, b]] as const) {
      if (!selected.has(p)) {
        ctx.addIssue({ code: "custom", path: ["compare", i, k], message: `policy "${p}" is not one of the experiment's policies (${listed(spec.policies)})` });
      }
    }
    if (a === b) ctx.addIssue({ code: "custom", path: ["compare", i], message: `compares policy "${a}" with itself` });
  });
  const indices = new Set<number>();
  spec.points.forEach((point, i) => {
    if (indices.has(point.index)) {
      ctx.addIssue({ code: "custom", path: ["points", i, "index"], message: `design point index ${point.index} is used twice` });
    }
    indices.add(point.index);
    if (point.overrides.length === 0) return;
    try {
      applyOverrides(spec.scenario, point.overrides, `point ${point.index}`);
    } catch (err) {
      const message =
        err instanceof ScenarioError
          ? `the overrides make the scenario invalid: ${listIssues(err.issues, "").lines.map((l) => l.replace(/^: /, "")).join("; ")}`
          : `cannot apply the overrides: ${err instanceof Error ? err.message : String(err)}`;
      ctx.addIssue({ code: "custom", path: ["points", i, "overrides"], message });
    }
  });
});

export type ExperimentSpec = z.output<typeof ExperimentSpecSchema>;
export type ExperimentSpecInput = z.input<typeof ExperimentSpecSchema>;

function formatZodPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? String(seg) : `.${String(seg)}`;
  }
  return out === "" ? "(spec)" : out;
}

/** Validates an experiment spec (e.g. a job payload). Throws ExperimentError listing every problem with its path. */
export function parseExperimentSpec(data: unknown): ExperimentSpec {
  const result = ExperimentSpecSchema.safeParse(data);
  if (result.success) return result.data;
  // As many lines as a scenario error lists (the payload may come from a request): the rest are counted.
  const issues = result.error.issues;
  const lines = issues.slice(0, MAX_LISTED_ISSUES).map((i) => `${clip(formatZodPath(i.path))}: ${clip(i.message, 2 * MAX_EXCERPT_CHARS)}`);
  if (issues.length > MAX_LISTED_ISSUES) lines.push(`… and ${issues.length - MAX_LISTED_ISSUES} more issues (${issues.length} in all)`);
  throw new ExperimentError(`invalid experiment:\n${lines.join("\n")}`);
}

export interface CreateExperimentOptions {
  /** Default: scenario.experiment.replications (itself default 30). */
  replications?: number;
  /** Default: scenario.experiment.seed (itself default 1). */
  seed?: number;
  /** Default: every policy of the scenario, in file order. */
  policies?: readonly string[];
  /** Default: the scenario's baseline if selected, else the first selected policy. */
  baseline?: string;
  /** Default: the scenario's pairs among the selected policies, else [other, baseline] for each other policy. */
  compare?: readonly (readonly [string, string])[];
  /** Default: one point, index 0, no overrides. */
  points?: readonly DesignPoint[];
  /** Economics line parameters (default: 250 working days a year, no value of time). */
  economics?: EconomicsOptions;
}

/**
 * Builds and validates an experiment on a parsed scenario, filling defaults from `scenario.experiment`.
 * Throws ExperimentError (e.g. for an unknown policy, naming the valid ones).
 */
export function createExperiment(scenario: Scenario, options: CreateExperimentOptions = {}): ExperimentSpec {
  const known = scenario.policies.map((p) => p.id);
  if (options.policies !== undefined) {
    if (options.policies.length === 0) throw new ExperimentError(`no policies selected (the scenario has: ${listed(known)})`);
    const unknown = options.policies.filter((p) => !known.includes(p));
    if (unknown.length > 0) {
      throw new ExperimentError(
        `unknown ${unknown.length === 1 ? "policy" : "policies"} ${unknown.map((p) => `"${p}"`).join(", ")}; the scenario "${scenario.name}" has: ${listed(known)}`,
      );
    }
  }
  const replications = options.replications ?? scenario.experiment.replications;
  if (!Number.isInteger(replications) || replications < 2 || replications > MAX_REPLICATIONS) {
    throw new ExperimentError(`replications must be an integer from 2 to ${MAX_REPLICATIONS}, got ${replications}`);
  }
  const seed = options.seed ?? scenario.experiment.seed;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new ExperimentError(`seed must be a non-negative safe integer, got ${seed}`);
  const input: Record<string, unknown> = { scenario, replications, seed };
  if (options.policies !== undefined) input.policies = [...options.policies];
  if (options.baseline !== undefined) input.baseline = options.baseline;
  if (options.compare !== undefined) input.compare = options.compare.map(([a, b]) => [a, b]);
  if (options.points !== undefined) input.points = options.points.map((p) => ({ index: p.index, overrides: p.overrides.map((o) => ({ ...o })) }));
  if (options.economics !== undefined) input.economics = { ...options.economics };
  return parseExperimentSpec(input);
}

/** `"exp-"` + the first 16 hex digits of sha256(canonicalJson(spec)): the same spec always gets the same id. */
export function experimentId(spec: ExperimentSpec): string {
  return `exp-${createHash("sha256").update(canonicalJson(spec)).digest("hex").slice(0, 16)}`;
}

export interface PlannedReplication {
  point: number;
  replication: number;
}

/** Design points sorted by index. */
export function sortedPoints(spec: ExperimentSpec): DesignPoint[] {
  return [...spec.points].sort((a, b) => a.index - b.index);
}

/** Every job of the experiment: point-major (ascending point index), replications ascending. */
export function planReplications(spec: ExperimentSpec): PlannedReplication[] {
  const plan: PlannedReplication[] = [];
  for (const { index } of sortedPoints(spec)) {
    for (let r = 0; r < spec.replications; r++) plan.push({ point: index, replication: r });
  }
  return plan;
}

/** Whether (point, replication) is one of planReplications(spec), without building the plan. */
export function isPlanned(spec: ExperimentSpec, point: number, replication: number): boolean {
  return Number.isInteger(replication) && replication >= 0 && replication < spec.replications && spec.points.some((p) => p.index === point);
}
