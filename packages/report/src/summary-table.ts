import type { Difference, Interval, Report } from "@hetao/experiment";
import { NA, SHORT_LABEL, describeOverrides, differenceOr, formatDifference, formatMeanWithSpread, levelOr, noneCleared, orderedSummary, textTable } from "./format.js";

/**
 * A plain-text summary for the terminal: per design point, one row per summary metric with every
 * policy's mean ± half-width and each compared pair's paired difference with its 95% interval
 * ("*" marks a significant difference). Deterministic.
 */
export function renderSummaryTable(report: Report): string {
  const blocks: string[] = [];
  const e = report.experiment;
  blocks.push(
    `${report.scenario.name}: ${e.replications} replications, seed ${e.seed}, common random numbers; means ± 95% half-width (a clock time: mean [95% CI] as clock times)` +
      (e.compare.length > 0 ? "; differences are policy - baseline, * = 95% interval excludes 0" : ""),
  );
  const multi = report.points.length > 1 || report.points.some((p) => p.overrides.length > 0);
  for (const point of report.points) {
    const header = ["metric", ...e.policies, ...point.comparisons.map((c) => `${c.treatment} - ${c.baseline}`)];
    const first = point.policies[e.policies[0]!];
    const metrics = first === undefined ? [] : orderedSummary(first).map(([m]) => m);
    const rows = metrics.map((metric) => {
      const row = [SHORT_LABEL[metric] ?? metric];
      for (const id of e.policies) {
        const summary = point.policies[id]?.summary as Record<string, Interval> | undefined;
        const ci = summary?.[metric];
        if (ci === undefined) row.push(NA);
        else row.push(levelOr(point.policies[id], metric, () => formatMeanWithSpread(metric, ci)));
      }
      for (const c of point.comparisons) {
        const d = (c.metrics as Record<string, Difference>)[metric];
        if (d === undefined) row.push("");
        else {
          const range = d.lower === null ? "" : ` [${formatDifference(metric, d.lower)}, ${formatDifference(metric, d.upper)}]`;
          row.push(differenceOr(point.policies[c.treatment], point.policies[c.baseline], metric, () => `${formatDifference(metric, d.mean)}${range}${d.significant ? " *" : "  "}`));
        }
      }
      return row;
    });
    // Said in words too: a column of "no traveller cleared" is easy to miss in a wide table.
    const none = e.policies.filter((id) => noneCleared(point.policies[id]));
    const note = none.length > 0 ? `\nNo traveller was cleared under ${none.join(", ")} on any simulated day: no time or share to report${point.comparisons.length > 0 ? ", and their differences are n/a" : ""}.` : "";
    const title = multi ? `\nDesign point ${point.index}${point.overrides.length > 0 ? `: ${describeOverrides(point.overrides)}` : ""}\n` : "";
    blocks.push(`${title}${textTable(header, rows)}${note}`);
  }
  return `${blocks.join("\n")}\n`;
}
