/** Summary cards of a design point: one per policy and one per paired comparison. */
import { type Difference, type PointReport, type PolicyReport } from "@hetao/experiment";
import { HtmlContext, escapeHtml, swatch } from "../html-parts.js";
import { NA, NONE_CLEARED, NOT_APPLICABLE, describesCleared, formatDifference, formatPercent, formatValue, metricInfo, noneCleared } from "../format.js";
import { atLeast } from "../tables.js";
import { min } from "./axes.js";

const CARD_METRICS = ["meanCrossing", "p95Crossing", "meanClearance", "meanWait", "officerHours", "throughput"] as const;
const CARD_LABEL: Record<string, string> = {
  throughput: "Cleared per day (bound by demand)",
  meanCrossing: "Mean crossing time, door to door",
  p95Crossing: "95th percentile crossing time",
  officerHours: "Officer-hours per day",
  meanClearance: "Mean clearance time",
  p95Clearance: "95th percentile clearance time",
  shareWithin15: "Cleared within 15 min",
  shareWithin30: "Cleared within 30 min",
  meanWait: "Mean time queueing",
  peakHourThroughput: "Cleared in the busiest hour",
};

export function policyCard(ctx: HtmlContext, policy: PolicyReport): string {
  const rows = CARD_METRICS.map((m) => {
    const ci = policy.summary[m];
    if (noneCleared(policy) && describesCleared(m)) {
      return `<div class="stat"><dt>${escapeHtml(CARD_LABEL[m] ?? m)}</dt><dd><span class="value">${escapeHtml(NONE_CLEARED)}</span></dd></div>`;
    }
    const range = ci.lower === null || ci.upper === null ? NA : `${formatValue(m, ci.lower)} to ${formatValue(m, ci.upper)}`;
    const lb = metricInfo(m).kind === "time" ? atLeast(policy) : "";
    return `<div class="stat"><dt>${escapeHtml(CARD_LABEL[m] ?? m)}</dt><dd><span class="value">${escapeHtml(lb + formatValue(m, ci.mean))}</span><span class="ci">95% CI ${escapeHtml(range)}</span></dd></div>`;
  });
  return [
    `<article class="card" style="border-top-color:${ctx.colour(policy.id)}" data-policy="${escapeHtml(policy.id)}">`,
    `<h4>${swatch(ctx.colour(policy.id), ctx.policies.indexOf(policy.id))} <code>${escapeHtml(policy.id)}</code></h4>`,
    policy.title ? `<p class="subtitle">${escapeHtml(policy.title)}</p>` : "",
    `<dl>${rows.join("")}</dl>`,
    `</article>`,
  ].join("\n");
}

export function differenceCard(point: PointReport, k: number): string {
  const cmp = point.comparisons[k]!;
  const rows = CARD_METRICS.map((m) => {
    const d = cmp.metrics[m];
    if ((noneCleared(point.policies[cmp.treatment]) || noneCleared(point.policies[cmp.baseline])) && describesCleared(m)) {
      return `<div class="stat same"><dt>${escapeHtml(CARD_LABEL[m] ?? m)}</dt><dd><span class="value">${NOT_APPLICABLE}</span><span class="verdict">one side cleared no traveller</span></dd></div>`;
    }
    const range = d.lower === null || d.upper === null ? NA : `${formatDifference(m, d.lower)} to ${formatDifference(m, d.upper)}`;
    const rel =
      d.relativeChange === null
        ? ""
        : `<span class="rel">${escapeHtml(formatPercent(d.relativeChange, true))} relative (${escapeHtml(formatPercent(d.relativeLower, true))} to ${escapeHtml(formatPercent(d.relativeUpper, true))})</span>`;
    const better = isImprovement(m, d);
    const cls = !d.significant ? "same" : better ? "better" : "worse";
    const verdict = !d.significant ? "no clear difference" : better ? "better" : "worse";
    return `<div class="stat ${cls}"><dt>${escapeHtml(CARD_LABEL[m] ?? m)}</dt><dd><span class="value">${escapeHtml(formatDifference(m, d.mean))}</span><span class="ci">95% CI ${escapeHtml(range)}</span>${rel}<span class="verdict">${verdict}</span></dd></div>`;
  });
  return [
    `<article class="card diff" data-comparison="${escapeHtml(`${cmp.treatment}-${cmp.baseline}`)}">`,
    `<h4>Paired difference: <code>${escapeHtml(cmp.treatment)}</code> − <code>${escapeHtml(cmp.baseline)}</code></h4>`,
    `<p class="subtitle">Day by day on the same travellers; the interval excludes 0 when the difference is clear.</p>`,
    `<dl>${rows.join("")}</dl>`,
    `</article>`,
  ].join("\n");
}

/** A lower time or a higher share/throughput is better. */
export function isImprovement(metric: string, d: Difference): boolean {
  const kind = metricInfo(metric).kind;
  const m = d.mean ?? 0;
  return kind === "time" ? m < 0 : m > 0;
}
