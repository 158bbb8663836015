import { SUMMARY_METRICS } from "@hetao/crossing-model";
import { canonicalJson } from "@hetao/scenario";
import {
  COMPARED_METRICS,
  type Difference,
  type Interval,
  type PointReport,
  type SweepReport,
} from "./report-schema.js";
import { type DesignPoint, ExperimentError, type ExperimentSpec } from "./spec.js";

/** One swept parameter: a scenario path (see setPath) and the values it takes, in order. */
export interface VariedParameter {
  path: string;
  values: unknown[];
}

/** At most this many parameters per sweep (a full grid of one or two dimensions). */
export const MAX_SWEEP_PARAMETERS = 2;
/** At most this many design points per sweep. */
export const MAX_SWEEP_POINTS = 1000;
/** At most this many values produced by one `start:stop:step` range. */
const MAX_RANGE_VALUES = 1000;

/** Rounds away binary noise (0.1 + 0.2) so range values print as written: 12 significant digits. */
function tidy(x: number): number {
  const y = Number(x.toPrecision(12));
  return Object.is(y, -0) ? 0 : y;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A value as typed on the command line: a number, true/false, null, JSON in [] or {}, else the string itself. */
export function parseSweepValue(text: string): unknown {
  const t = text.trim();
  if (NUMBER.test(t)) return Number(t);
  if (t === "true") return true;
  if (t === "false") return false;
  if (t === "null") return null;
  if (t.startsWith("[") || t.startsWith("{") || t.startsWith('"')) {
    try {
      return JSON.parse(t) as unknown;
    } catch {
      return t;
    }
  }
  return t;
}

/**
 * `start:stop:step`, inclusive of `stop` (within a 1e-9 step tolerance), e.g. `0:1:0.25` →
 * 0, 0.25, 0.5, 0.75, 1. Returns undefined when `text` is not three numbers separated by colons
 * (so "07:30" stays a string); throws ExperimentError for an empty or endless range.
 */
export function parseRange(text: string): number[] | undefined {
  const parts = text.split(":").map((s) => s.trim());
  // Two numbers that are not a time of day ("1:3", not "07:30"): a range without its step.
  if (parts.length === 2 && parts.every((p) => NUMBER.test(p)) && !/^\d\d:\d\d$/.test(text.trim())) {
    throw new ExperimentError(`range "${text}" needs a step: start:stop:step, e.g. "${parts[0]}:${parts[1]}:1"`);
  }
  if (parts.length !== 3 || !parts.every((p) => NUMBER.test(p))) return undefined;
  const [start, stop, step] = parts.map(Number) as [number, number, number];
  if (step === 0 || (stop - start) / step < 0) {
    throw new ExperimentError(`range "${text}": step ${step} does not lead from ${start} to ${stop}`);
  }
  const count = Math.floor((stop - start) / step + 1e-9) + 1;
  if (count > MAX_RANGE_VALUES) throw new ExperimentError(`range "${text}" has ${count} values (at most ${MAX_RANGE_VALUES})`);
  return Array.from({ length: count }, (_, i) => tidy(start + i * step));
}

/** Index of the last "=" outside brackets and quotes: the path may contain `[id=x]` selectors. */
function splitAt(text: string): number {
  let depth = 0;
  let quoted = false;
  let at = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === "\\") i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === "[") depth++;
    else if (ch === "]") depth--;
    else if (ch === "=" && depth === 0) at = i;
  }
  return at;
}

/**
 * Parses one `--vary` argument: `path=v1,v2,…` where each item is a value or a `start:stop:step`
 * range, e.g. `travellers.whitelist.coverage=0:1:0.25` or
 * `policies[id=seamless].lanes[id=sb-walkthrough].servers=1,2,3,4`. Throws ExperimentError.
 */
export function parseVary(text: string): VariedParameter {
  const at = splitAt(text);
  if (at <= 0 || at === text.length - 1) {
    throw new ExperimentError(`--vary "${text}": expected path=v1,v2,… or path=start:stop:step`);
  }
  const path = text.slice(0, at).trim();
  const values: unknown[] = [];
  for (const item of text.slice(at + 1).split(",")) {
    if (item.trim() === "") throw new ExperimentError(`--vary "${text}": empty value in the list`);
    const range = parseRange(item);
    if (range !== undefined) values.push(...range);
    else values.push(parseSweepValue(item));
  }
  const seen = new Set<string>();
  for (const v of values) {
    const key = canonicalJson(v);
    if (seen.has(key)) throw new ExperimentError(`--vary "${text}": value ${key} appears twice`);
    seen.add(key);
  }
  return { path, values };
}

/**
 * The design points of a full grid over one or two parameters: point indices 0, 1, … with the first
 * parameter varying slowest (row-major), each point overriding every parameter. No parameters → the
 * single unmodified point. Traveller draws do not depend on the point, so the grid is on common
 * random numbers: differences between points are paired like differences between policies.
 */
export function gridPoints(vary: readonly VariedParameter[]): DesignPoint[] {
  if (vary.length > MAX_SWEEP_PARAMETERS) {
    throw new ExperimentError(`a sweep varies at most ${MAX_SWEEP_PARAMETERS} parameters, got ${vary.length} (${vary.map((v) => v.path).join(", ")})`);
  }
  const paths = new Set<string>();
  for (const v of vary) {
    if (paths.has(v.path)) throw new ExperimentError(`parameter ${v.path} is varied twice`);
    paths.add(v.path);
    if (v.values.length === 0) throw new ExperimentError(`parameter ${v.path} has no values`);
  }
  const total = vary.reduce((n, v) => n * v.values.length, 1);
  if (total > MAX_SWEEP_POINTS) throw new ExperimentError(`the sweep has ${total} design points (at most ${MAX_SWEEP_POINTS})`);
  let combos: unknown[][] = [[]];
  for (const v of vary) combos = combos.flatMap((c) => v.values.map((x) => [...c, x]));
  return combos.map((values, index) => ({
    index,
    overrides: values.map((value, k) => ({ path: vary[k]!.path, value })),
  }));
}

/**
 * The swept parameters of an experiment, recovered from its design points: every point overrides the
 * same paths in the same order. Undefined when no point has overrides or the paths differ between
 * points (not a grid). Values in order of first appearance over the points sorted by index.
 */
export function sweepParameters(points: readonly Pick<DesignPoint, "index" | "overrides">[]): VariedParameter[] | undefined {
  const sorted = [...points].sort((a, b) => a.index - b.index);
  const first = sorted[0];
  if (first === undefined || first.overrides.length === 0) return undefined;
  const paths = first.overrides.map((o) => o.path);
  for (const p of sorted) {
    if (p.overrides.length !== paths.length || p.overrides.some((o, k) => o.path !== paths[k])) return undefined;
  }
  return paths.map((path, k) => {
    const seen = new Set<string>();
    const values: unknown[] = [];
    for (const p of sorted) {
      const v = p.overrides[k]!.value;
      const key = canonicalJson(v);
      if (!seen.has(key)) {
        seen.add(key);
        values.push(v);
      }
    }
    return { path, values };
  });
}

/**
 * The report's `sweep` section: the varied parameters, each point's coordinates, and per policy and
 * metric the interval at every point, per comparison and metric the paired difference at every point
 * (arrays aligned with `points`). Undefined when the experiment is not a sweep (see sweepParameters).
 */
export function sweepReport(spec: ExperimentSpec, points: readonly PointReport[]): SweepReport | undefined {
  const parameters = sweepParameters(points);
  if (parameters === undefined) return undefined;
  const series: Record<string, Record<string, Interval[]>> = {};
  for (const policy of spec.policies) {
    const byMetric: Record<string, Interval[]> = {};
    for (const m of SUMMARY_METRICS) byMetric[m] = points.map((p) => p.policies[policy]!.summary[m]);
    series[policy] = byMetric;
  }
  const differences = spec.compare.map(([treatment, baseline], k) => {
    const metrics: Record<string, Difference[]> = {};
    for (const m of COMPARED_METRICS) metrics[m] = points.map((p) => p.comparisons[k]!.metrics[m]);
    return { treatment, baseline, metrics };
  });
  return {
    parameters: parameters.map((p) => ({ path: p.path, values: p.values })),
    points: points.map((p) => ({ index: p.index, values: p.overrides.map((o) => o.value) })),
    series,
    differences,
  };
}
