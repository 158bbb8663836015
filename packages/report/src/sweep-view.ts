/** The sweep of a report as series per policy and metric: the report's `sweep` section, or the same derived from its design points. */
import { COMPARED_METRICS, type Difference, type Interval, type Report } from "@hetao/experiment";
import { sweepParametersOf } from "./narrative.js";

/** The sweep as the charts need it (the shape of the report's `sweep` section). */
export interface SweepView {
  parameters: { path: string; values: unknown[] }[];
  points: { index: number; values: unknown[] }[];
  series: Record<string, Record<string, Interval[]>>;
  differences: { treatment: string; baseline: string; metrics: Record<string, Difference[]> }[];
}

/** The report's sweep section, or one derived from its design points; undefined when it is not a sweep. */
export function sweepView(report: Report): SweepView | undefined {
  if (report.sweep !== undefined) return report.sweep as SweepView;
  const parameters = sweepParametersOf(report);
  if (parameters === undefined || report.points.length < 2) return undefined;
  const series: SweepView["series"] = {};
  for (const policy of report.experiment.policies) {
    const byMetric: Record<string, Interval[]> = {};
    const first = report.points[0]!.policies[policy];
    for (const m of Object.keys(first?.summary ?? {})) {
      byMetric[m] = report.points.map((p) => (p.policies[policy]?.summary as Record<string, Interval> | undefined)?.[m] ?? EMPTY);
    }
    series[policy] = byMetric;
  }
  const differences = (report.points[0]?.comparisons ?? []).map((c, k) => {
    const metrics: Record<string, Difference[]> = {};
    for (const m of COMPARED_METRICS) metrics[m] = report.points.map((p) => p.comparisons[k]!.metrics[m]);
    return { treatment: c.treatment, baseline: c.baseline, metrics };
  });
  return {
    parameters,
    points: report.points.map((p) => ({ index: p.index, values: p.overrides.map((o) => o.value) })),
    series,
    differences,
  };
}

const EMPTY: Interval = { n: 0, mean: null, sd: null, halfWidth: null, lower: null, upper: null };
