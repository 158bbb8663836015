/**
 * Replications until precise enough: the sequential rule of `hetao-sim run --precision`.
 *
 * After each round of n replications the report's intervals are checked against the targets: for each
 * target measure, every policy's interval (half-width relative to its mean) and every comparison's
 * paired difference (half-width relative to the baseline's mean: a difference near zero is known
 * precisely when its interval is narrow against the level it changes, not against itself). When every
 * check holds the run stops; otherwise the next round has
 *   n' = min(cap, max(n + ceil(n / 2), ceil(1.1 × n × (worst ratio)²)))
 * replications (a half-width shrinks as 1/√n), until the cap. Replications are indexed and seeded by
 * index, so the final report is the one `--replications n'` gives; only `experiment.precision` differs.
 * A sequential stop makes the interval's coverage slightly lower than nominal (the classic fixed-width
 * procedure of Chow and Robbins is asymptotically exact); the rounds are stated in the report.
 */
import { SUMMARY_METRICS, type SummaryMetric } from "@hetao/crossing-model";
import { z } from "zod";
import type { Interval, Report } from "./report-schema.js";

export const PrecisionTargetSchema = z.strictObject({
  measure: z.enum(SUMMARY_METRICS),
  /** Largest relative half-width of the 95% interval, e.g. 0.05. */
  relativeHalfWidth: z.number().gt(0).lt(1),
});
export type PrecisionTarget = z.infer<typeof PrecisionTargetSchema>;

/** What `experiment.precision` of a report records. */
export const PrecisionRecordSchema = z.strictObject({
  targets: z.array(PrecisionTargetSchema),
  /** Largest number of replications the run could use. */
  cap: z.number().int().min(2),
  /** Replications of each round, in order (the last is the report's). */
  rounds: z.array(z.number().int().min(2)),
  met: z.boolean(),
  /** The check furthest from its target in the last round. */
  worst: z.strictObject({ measure: z.string(), subject: z.string(), relativeHalfWidth: z.number().nullable(), target: z.number() }),
});
export type PrecisionRecord = z.infer<typeof PrecisionRecordSchema>;

export interface PrecisionCheck {
  measure: SummaryMetric;
  /** A policy id, or "treatment − baseline" for a comparison, with the design point when there are several. */
  subject: string;
  /** Half-width over |reference|; null when the reference is 0 or the interval undefined (never met). */
  relativeHalfWidth: number | null;
  target: number;
  met: boolean;
}

/** The default: 5% on the mean crossing time, per policy and per comparison. */
export const DEFAULT_PRECISION_MEASURE: SummaryMetric = "meanCrossing";

/**
 * Parses `--precision` values: "5%" or "0.05" (the mean crossing time), or "<measure>=5%", e.g.
 * "meanWait=10%". Throws with the accepted forms on a bad value.
 */
export function parsePrecision(text: string): PrecisionTarget {
  const m = /^\s*(?:([A-Za-z0-9]+)\s*=\s*)?([0-9]*\.?[0-9]+)\s*(%?)\s*$/.exec(text);
  const fail = (why: string): never => {
    throw new RangeError(`--precision ${JSON.stringify(text)}: ${why} (expected e.g. "5%", "0.05" or "meanWait=10%"; measures: ${SUMMARY_METRICS.join(", ")})`);
  };
  if (m === null) return fail("not a precision");
  const measure = m[1] ?? DEFAULT_PRECISION_MEASURE;
  if (!(SUMMARY_METRICS as readonly string[]).includes(measure)) return fail(`unknown measure "${measure}"`);
  const value = Number(m[2]) / (m[3] === "%" ? 100 : 1);
  if (!(value > 0 && value < 1)) return fail("the relative half-width must be above 0 and below 100%");
  return { measure: measure as SummaryMetric, relativeHalfWidth: value };
}

function ratio(halfWidth: number | null, reference: number | null): number | null {
  if (halfWidth === null || reference === null || reference === 0 || !Number.isFinite(halfWidth)) return null;
  return halfWidth / Math.abs(reference);
}

/** Every check of the targets on a report: each policy's interval and each comparison's difference, at every point. */
export function precisionChecks(report: Report, targets: readonly PrecisionTarget[]): PrecisionCheck[] {
  const out: PrecisionCheck[] = [];
  const several = report.points.length > 1;
  for (const point of report.points) {
    const at = several ? ` (point ${point.index})` : "";
    for (const t of targets) {
      for (const id of report.experiment.policies) {
        const iv: Interval | undefined = point.policies[id]?.summary[t.measure];
        if (iv === undefined) continue;
        const r = ratio(iv.halfWidth, iv.mean);
        out.push({ measure: t.measure, subject: `${id}${at}`, relativeHalfWidth: r, target: t.relativeHalfWidth, met: r !== null && r <= t.relativeHalfWidth });
      }
      for (const c of point.comparisons) {
        const d = (c.metrics as Record<string, { halfWidth: number | null; baselineMean: number | null } | undefined>)[t.measure];
        if (d === undefined) continue;
        const r = ratio(d.halfWidth, d.baselineMean);
        out.push({ measure: t.measure, subject: `${c.treatment} − ${c.baseline}${at}`, relativeHalfWidth: r, target: t.relativeHalfWidth, met: r !== null && r <= t.relativeHalfWidth });
      }
    }
  }
  return out;
}

/** The check furthest from its target (an undefined ratio counts as furthest). */
export function worstCheck(checks: readonly PrecisionCheck[]): PrecisionCheck | undefined {
  let worst: PrecisionCheck | undefined;
  let worstScore = -Infinity;
  for (const c of checks) {
    const score = c.relativeHalfWidth === null ? Infinity : c.relativeHalfWidth / c.target;
    if (score > worstScore) {
      worst = c;
      worstScore = score;
    }
  }
  return worst;
}

/** Replications of the next round (see the module comment); `n` when the cap is reached. */
export function nextReplications(n: number, checks: readonly PrecisionCheck[], cap: number): number {
  const w = worstCheck(checks);
  const score = w === undefined ? 0 : w.relativeHalfWidth === null ? Infinity : w.relativeHalfWidth / w.target;
  const byRate = Number.isFinite(score) ? Math.ceil(1.1 * n * score * score) : Infinity;
  return Math.min(cap, Math.max(n + Math.ceil(n / 2), byRate));
}

/**
 * Skewness of per-replication values strong enough that a Student-t interval at few replications
 * under-covers (heavy traffic: about 91.5% instead of 95% at 10 replications of an M/M/4 queue at ρ 0.9).
 * Returns the policies whose per-replication `measure` has |sample skewness| > 1 when n < 30.
 */
export function skewedUnderfewReplications(report: Report, measure: SummaryMetric = "meanWait"): { policy: string; skewness: number }[] {
  const out: { policy: string; skewness: number }[] = [];
  if (report.experiment.replications >= 30) return out;
  for (const id of report.experiment.policies) {
    const xs = report.replications.filter((r) => r.policy === id && r.point === (report.points[0]?.index ?? 0)).map((r) => (r as unknown as Record<string, number>)[measure]!);
    const g = skewness(xs);
    if (g !== null && Math.abs(g) > 1) out.push({ policy: id, skewness: g });
  }
  return out;
}

/** Adjusted Fisher–Pearson sample skewness; null for fewer than 3 values or no spread. */
export function skewness(xs: readonly number[]): number | null {
  const n = xs.length;
  if (n < 3) return null;
  let mean = 0;
  for (const x of xs) mean += x / n;
  let m2 = 0;
  let m3 = 0;
  for (const x of xs) {
    const d = x - mean;
    m2 += (d * d) / n;
    m3 += (d * d * d) / n;
  }
  if (m2 === 0) return null;
  return (Math.sqrt(n * (n - 1)) / (n - 2)) * (m3 / Math.pow(m2, 1.5));
}
