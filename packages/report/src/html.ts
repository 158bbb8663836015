/**
 * The self-contained HTML report: one file, no script, no external request (works offline and as an
 * e-mail attachment). Charts are static inline SVG rendered at report time with Observable Plot on a
 * server-side DOM (see chart.ts). Deterministic: the same report gives the same bytes.
 */
import {
  COMPARED_METRICS,
  type ComplianceRow,
  type Difference,
  type GroupReport,
  type Interval,
  type PointReport,
  type PolicyReport,
  type Report,
} from "@hetao/experiment";
import { Plot, renderChart } from "./chart.js";
import { HtmlContext, WIDTH, ciText, escapeHtml, figure, panel, prose, swatch, table } from "./html-parts.js";
import {
  NA,
  describeOverrides,
  formatDifference,
  formatNumber,
  formatPercent,
  formatValue,
  metricInfo,
} from "./format.js";
import {
  COMPLIANCE_RULE,
  ECONOMICS_FORMULA,
  complianceCells,
  economicsSentence,
  measureText,
  pledgeScopeText,
  methodSentences,
  pledges,
  canonicalReport,
  reproduceCommand,
} from "./narrative.js";
import { renderSweepSection } from "./sweep-section.js";
import { atLeast, checkpointRows, controlRows, groupRows, hourlyRows, staffingRows } from "./tables.js";

/** Design points beyond this many get cards and tables but no per-point charts (the sweep charts cover them). */
export const MAX_CHARTED_POINTS = 6;

const min = (s: number | null | undefined): number | null => (s === null || s === undefined ? null : s / 60);
const hh = (h: number): string => `${String(Math.floor(h) % 24).padStart(2, "0")}:${String(Math.round((h % 1) * 60)).padStart(2, "0")}`;


// ---------------------------------------------------------------------------------------------
// Summary cards
// ---------------------------------------------------------------------------------------------

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

function policyCard(ctx: HtmlContext, policy: PolicyReport): string {
  const rows = CARD_METRICS.map((m) => {
    const ci = policy.summary[m];
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

function differenceCard(point: PointReport, k: number): string {
  const cmp = point.comparisons[k]!;
  const rows = CARD_METRICS.map((m) => {
    const d = cmp.metrics[m];
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
function isImprovement(metric: string, d: Difference): boolean {
  const kind = metricInfo(metric).kind;
  const m = d.mean ?? 0;
  return kind === "time" ? m < 0 : m > 0;
}

// ---------------------------------------------------------------------------------------------
// Charts of one design point
// ---------------------------------------------------------------------------------------------

/** Hours [first, last+1) with arrivals or queues under any policy. */
function activeHours(point: PointReport, policies: readonly string[]): [number, number] {
  let lo = 24;
  let hi = 0;
  for (const id of policies) {
    const p = point.policies[id];
    if (p === undefined) continue;
    const mark = (h: number) => {
      if (h < lo) lo = h;
      if (h + 1 > hi) hi = h + 1;
    };
    p.hourly.arrivals.forEach((a, h) => (a ?? 0) > 0 && mark(h));
    p.hourly.throughput.forEach((a, h) => (a ?? 0) > 0 && mark(h));
    for (const cp of Object.values(p.checkpoints)) cp.hourlyMeanQueue.forEach((q, h) => (q ?? 0) > 0 && mark(h));
  }
  return lo >= hi ? [0, 24] : [lo, hi];
}

function hourAxis(range: [number, number]): Plot.ScaleOptions {
  const ticks: number[] = [];
  const step = range[1] - range[0] > 12 ? 2 : 1;
  for (let h = Math.ceil(range[0] / step) * step; h <= range[1]; h += step) ticks.push(h);
  return { domain: range, ticks, tickFormat: (h: number) => hh(h) };
}

function hourlyChart(ctx: HtmlContext, point: PointReport, prefix: string): string {
  const range = activeHours(point, ctx.policies);
  const rows: { policy: string; hour: number; mean: number | null; lower: number | null; upper: number | null; title: string }[] = [];
  for (const id of ctx.policies) {
    const p = point.policies[id];
    if (p === undefined) continue;
    const intervals = p.hourly.meanClearanceInterval;
    const hours = intervals ?? p.hourly.meanClearance.map((m): Interval => ({ n: 0, mean: m, sd: null, halfWidth: null, lower: null, upper: null }));
    hours.forEach((ci, h) => {
      if (ci.mean === null) return;
      rows.push({
        policy: id,
        hour: h + 0.5,
        mean: min(ci.mean),
        lower: min(ci.lower),
        upper: min(ci.upper),
        title: `${id}, arrivals ${hh(h)}–${hh(h + 1)}: mean clearance ${ciText("meanClearance", ci)} (${ci.n} days)`,
      });
    });
  }
  const svg = renderChart({
    id: `${prefix}-hourly`,
    label: "Mean clearance time by hour of arrival, per policy, with 95% interval bands",
    options: {
      width: WIDTH,
      height: 340,
      marginLeft: 56,
      marginBottom: 40,
      ...ctx.scales(),
      x: { ...hourAxis(range), label: "Hour of arrival →", labelAnchor: "right" },
      y: { label: "↑ Mean clearance time (minutes)", grid: true, zero: true, nice: true },
      marks: [
        Plot.areaY(rows, { x: "hour", y1: "lower", y2: "upper", fill: "policy", z: "policy", fillOpacity: 0.2 }),
        Plot.lineY(rows, { x: "hour", y: "mean", stroke: "policy", z: "policy", strokeWidth: 2 }),
        Plot.dot(rows, { x: "hour", y: "mean", stroke: "policy", symbol: "policy", fill: "white", r: 3.5, strokeWidth: 1.5, title: "title" }),
        Plot.ruleY([0]),
      ],
    },
  });
  const withBands = point.policies[ctx.policies[0]!]?.hourly.meanClearanceInterval !== undefined;
  return figure({
    id: `${prefix}-fig-hourly`,
    kind: "hourly-clearance",
    title: "Clearance time by hour of arrival",
    legend: ctx.legend(),
    svgs: [svg],
    caption:
      "Mean time from joining the first queue to leaving the last control, for travellers arriving in each hour. " +
      (withBands
        ? "The band is the 95% confidence interval over simulated days of each day's hourly mean; a band that does not overlap another policy's line is a clear difference for that hour."
        : "This report has no per-hour intervals (older report format)."),
  });
}

function cdfCharts(ctx: HtmlContext, point: PointReport, prefix: string): string {
  const rows: { policy: string; minutes: number; share: number }[] = [];
  for (const id of ctx.policies) {
    for (const c of point.policies[id]?.clearanceCdf ?? []) rows.push({ policy: id, minutes: c.seconds / 60, share: c.share });
  }
  if (rows.length === 0) return "";
  const maxMinutes = rows.reduce((m, r) => Math.max(m, r.minutes), 0);
  const limits = [15, 30].filter((m) => m <= maxMinutes);
  const common = (zoom: boolean): Plot.PlotOptions => ({
    width: WIDTH / 2 - 10,
    height: 320,
    marginLeft: 56,
    marginRight: 20,
    marginBottom: 40,
    ...ctx.scales(),
    x: { label: "Clearance time (minutes) →", labelAnchor: "right", domain: [0, maxMinutes], grid: true },
    y: zoom
      ? { label: "↑ Cleared within (%)", percent: true, domain: [90, 100], grid: true, ticks: [90, 92, 94, 95, 96, 98, 99, 100] }
      : { label: "↑ Cleared within (%)", percent: true, domain: [0, 100], grid: true },
    marks: [
      Plot.ruleX(limits, { stroke: "#555", strokeDasharray: "4,3" }),
      Plot.text(limits, { x: (d: number) => d, text: (d: number) => `${d} min`, frameAnchor: "top", dy: 6, dx: 4, textAnchor: "start", fill: "#333" }),
      ...(zoom
        ? [
            Plot.ruleY([0.95, 0.98], { stroke: "#888", strokeDasharray: "2,3" }),
            Plot.text([0.95, 0.98], { y: (d: number) => d, text: (d: number) => `${Math.round(d * 100)}%`, frameAnchor: "right", dx: -4, dy: -6, textAnchor: "end", fill: "#333" }),
          ]
        : []),
      Plot.lineY(rows, { x: "minutes", y: "share", stroke: "policy", z: "policy", strokeWidth: 2, curve: "step-after", clip: zoom }),
      ...(zoom ? [] : [Plot.ruleY([0])]),
    ],
  });
  const full = renderChart({ id: `${prefix}-cdf`, label: "Cumulative distribution of clearance time per policy", options: common(false) });
  const tail = renderChart({ id: `${prefix}-cdf-tail`, label: "Upper tail (90 to 100%) of the clearance-time distribution per policy", options: common(true) });
  return figure({
    id: `${prefix}-fig-cdf`,
    kind: "clearance-cdf",
    title: "Clearance-time distribution (cumulative)",
    legend: ctx.legend(),
    svgs: [panel("Whole distribution", full), panel("Upper tail: 90 to 100% cleared", tail)],
    caption:
      "Share of counted travellers cleared within a given time, pooled over all simulated days (at histogram resolution). " +
      "Left: the whole distribution; right: the top 10%, where the 15- and 30-minute standards bite (dotted lines at 95% and 98%). " +
      "A curve further left or higher is faster; travellers still inside at the end of the day keep a curve below 100%.",
  });
}

function queueChart(ctx: HtmlContext, point: PointReport, prefix: string): string {
  const range = activeHours(point, ctx.policies);
  const order: string[] = [];
  for (const id of ctx.policies) for (const c of Object.keys(point.policies[id]?.checkpoints ?? {})) if (!order.includes(c)) order.push(c);
  const peak = (c: string) =>
    ctx.policies.reduce((m, id) => Math.max(m, ...(point.policies[id]?.checkpoints[c]?.hourlyMeanQueue ?? []).map((q) => q ?? 0)), 0);
  const shown = order.filter((c) => peak(c) > 0);
  const omitted = order.filter((c) => !shown.includes(c));
  if (shown.length === 0) {
    return figure({
      id: `${prefix}-fig-queues`,
      kind: "queue-by-checkpoint",
      title: "Queue length over the day, per checkpoint",
      svgs: [],
      caption: "Nobody queued at any checkpoint under any policy.",
    });
  }
  const cols = Math.min(3, shown.length);
  const rows: { checkpoint: string; policy: string; hour: number; queue: number; col: number; row: number }[] = [];
  shown.forEach((c, i) => {
    for (const id of ctx.policies) {
      const series = point.policies[id]?.checkpoints[c]?.hourlyMeanQueue;
      if (series === undefined) continue;
      series.forEach((q, h) => {
        if (h >= range[0] && h < range[1]) rows.push({ checkpoint: c, policy: id, hour: h + 0.5, queue: q ?? 0, col: i % cols, row: Math.floor(i / cols) });
      });
    }
  });
  const labels = shown.map((c, i) => ({ checkpoint: c, col: i % cols, row: Math.floor(i / cols) }));
  const axis = hourAxis(range);
  const nRows = Math.ceil(shown.length / cols);
  const svg = renderChart({
    id: `${prefix}-queues`,
    label: "Mean number of travellers queueing at each checkpoint by hour of day, per policy",
    options: {
      width: WIDTH,
      height: 70 + nRows * 150,
      marginLeft: 56,
      marginTop: 26,
      marginBottom: 40,
      ...ctx.scales(),
      fx: { axis: null, padding: 0.12 },
      fy: { axis: null, padding: 0.22 },
      x: { ...axis, ticks: ((axis.ticks as number[] | undefined) ?? []).filter((h) => h % 4 === 0 || cols === 1), label: "Hour of day →", labelAnchor: "right" },
      y: { label: "↑ Mean number queueing", grid: true, zero: true, nice: true },
      marks: [
        Plot.frame({ stroke: "#ccc" }),
        Plot.lineY(rows, { x: "hour", y: "queue", stroke: "policy", z: "policy", fx: "col", fy: "row", strokeWidth: 2, curve: "step" }),
        Plot.text(labels, { fx: "col", fy: "row", text: "checkpoint", frameAnchor: "top-left", dx: 5, dy: 5, fontWeight: "bold", fill: "#222" }),
      ],
    },
  });
  const table = checkpointRows(ctx.report, point);
  return figure({
    id: `${prefix}-fig-queues`,
    kind: "queue-by-checkpoint",
    title: "Queue length over the day, per checkpoint",
    legend: ctx.legend(),
    svgs: [svg],
    caption:
      "Time-average number of travellers waiting at each checkpoint (all its lanes) in each hour of the day, averaged over simulated days; panels share one scale." +
      (omitted.length > 0 ? ` Checkpoints where nobody ever queued are left out: ${omitted.join(", ")}.` : ""),
    after: `<details><summary>Queue figures per checkpoint</summary>${tableFrom(table)}</details>`,
  });
}

function laneCharts(ctx: HtmlContext, point: PointReport, prefix: string): string {
  const svgs: string[] = [];
  let maxX = 0.05;
  for (const id of ctx.policies) for (const l of Object.values(point.policies[id]?.lanes ?? {})) maxX = Math.max(maxX, l.utilisation.upper ?? l.utilisation.mean ?? 0);
  for (const id of ctx.policies) {
    const p = point.policies[id];
    if (p === undefined) continue;
    const lanes = Object.entries(p.lanes)
      .map(([lane, l]) => ({
        lane,
        policy: id,
        mean: l.utilisation.mean ?? 0,
        lower: l.utilisation.lower,
        upper: l.utilisation.upper,
        title: `${lane} (${l.checkpoint}): ${ciText("shareWithin15", l.utilisation)} busy; ${formatNumber(l.served / Math.max(1, ctx.report.experiment.replications), 1)} served a day; longest queue ${l.maxQueue}`,
      }))
      .sort((a, b) => b.mean - a.mean || (a.lane < b.lane ? -1 : a.lane > b.lane ? 1 : 0));
    if (lanes.length === 0) continue;
    svgs.push(
      panel(`${id}${p.title ? ` — ${p.title}` : ""}`, renderChart({
        id: `${prefix}-lanes-${id}`,
        label: `Lane utilisation under policy ${id}, busiest first, with 95% intervals`,
        options: {
          width: WIDTH,
          height: 56 + 17 * lanes.length,
          marginLeft: 230,
          marginRight: 60,
          marginTop: 40,
          ...ctx.scales(),
          x: { label: `Utilisation (%) under ${id} →`, labelAnchor: "right", percent: true, grid: true, domain: [0, maxX * 108], axis: "top" },
          y: { label: null, domain: lanes.map((l) => l.lane) },
          marks: [
            Plot.barX(lanes, { x: "mean", y: "lane", fill: "policy", fillOpacity: 0.75, title: "title" }),
            Plot.ruleY(lanes.filter((l) => l.lower !== null), { y: "lane", x1: "lower", x2: "upper", stroke: "#222", strokeWidth: 1.5 }),
            Plot.text(lanes, { x: (d: { upper: number | null; mean: number }) => d.upper ?? d.mean, y: "lane", text: (d: { mean: number }) => formatPercent(d.mean), dx: 6, textAnchor: "start", fill: "#333" }),
            Plot.ruleX([0]),
          ],
        },
      })),
    );
  }
  return figure({
    id: `${prefix}-fig-lanes`,
    kind: "lane-utilisation",
    title: "Lane utilisation",
    legend: ctx.legend(),
    svgs,
    caption:
      "Busy server-time over open server-time for the whole day, one bar per lane (busiest first), averaged over simulated days; the black line is the 95% interval. All policies share one scale. " +
      "Low utilisation with long queues points to a routing bottleneck rather than too few servers.",
  });
}

interface DiffRow {
  label: string;
  policy: string;
  mean: number;
  lower: number | null;
  upper: number | null;
  title: string;
}

function differenceCharts(ctx: HtmlContext, point: PointReport, prefix: string): string {
  if (point.comparisons.length === 0) return "";
  const multi = point.comparisons.length > 1;
  // minExtent: the x axis spans at least ± this much (3 s, 0.1 pp, 1 traveller), so a zero difference still has a readable axis.
  const kinds: { kind: string; title: string; unit: string; minExtent: number; scale: (x: number) => number; metrics: string[] }[] = [
    { kind: "time", title: "Times", unit: "minutes", minExtent: 0.05, scale: (x) => x / 60, metrics: COMPARED_METRICS.filter((m) => metricInfo(m).kind === "time") },
    { kind: "share", title: "Shares cleared within 15 / 30 min", unit: "percentage points", minExtent: 0.1, scale: (x) => x * 100, metrics: COMPARED_METRICS.filter((m) => metricInfo(m).kind === "share") },
    { kind: "count", title: "Travellers cleared", unit: "travellers", minExtent: 1, scale: (x) => x, metrics: COMPARED_METRICS.filter((m) => metricInfo(m).kind === "count") },
  ];
  const svgs: string[] = [];
  for (const k of kinds) {
    const rows: DiffRow[] = [];
    for (const cmp of point.comparisons) {
      for (const m of k.metrics) {
        const d = (cmp.metrics as Record<string, Difference>)[m];
        if (d === undefined || d.mean === null) continue;
        rows.push({
          label: `${multi ? `${cmp.treatment} − ${cmp.baseline}: ` : ""}${metricInfo(m).label}`,
          policy: cmp.treatment,
          mean: k.scale(d.mean),
          lower: d.lower === null ? null : k.scale(d.lower),
          upper: d.upper === null ? null : k.scale(d.upper),
          title: `${cmp.treatment} − ${cmp.baseline}, ${metricInfo(m).label}: ${formatDifference(m, d.mean)} (95% CI ${formatDifference(m, d.lower)} to ${formatDifference(m, d.upper)})`,
        });
      }
    }
    if (rows.length === 0) continue;
    const extent = Math.max(k.minExtent, ...rows.flatMap((r) => [Math.abs(r.mean), Math.abs(r.lower ?? 0), Math.abs(r.upper ?? 0)]));
    svgs.push(
      panel(k.title, renderChart({
        id: `${prefix}-diff-${k.kind}`,
        label: `Paired differences in ${k.unit} with 95% intervals`,
        options: {
          width: WIDTH,
          height: 50 + 30 * rows.length,
          marginLeft: 300,
          marginRight: 30,
          ...ctx.scales(),
          x: { label: `Difference, policy − baseline (${k.unit}) →`, labelAnchor: "right", domain: [-extent * 1.1, extent * 1.1], grid: true, nice: true },
          y: { label: null, domain: rows.map((r) => r.label) },
          marks: [
            Plot.ruleX([0], { stroke: "#222" }),
            Plot.ruleY(rows.filter((r) => r.lower !== null), { y: "label", x1: "lower", x2: "upper", stroke: "policy", strokeWidth: 2.5 }),
            Plot.tickX(rows.filter((r) => r.lower !== null), { y: "label", x: "lower", stroke: "policy", strokeWidth: 2 }),
            Plot.tickX(rows.filter((r) => r.upper !== null), { y: "label", x: "upper", stroke: "policy", strokeWidth: 2 }),
            Plot.dot(rows, { y: "label", x: "mean", fill: "policy", symbol: "policy", r: 4.5, title: "title" }),
          ],
        },
      })),
    );
  }
  return figure({
    id: `${prefix}-fig-differences`,
    kind: "differences",
    title: "Paired differences with 95% intervals",
    legend: ctx.legend(point.comparisons.map((c) => c.treatment).filter((p, i, a) => a.indexOf(p) === i)),
    svgs,
    caption:
      "Each policy minus its baseline, day by day on the same travellers, averaged over simulated days; the bar is the 95% interval. " +
      "An interval that does not cross the zero line is a clear difference. Negative time differences and positive share differences are improvements.",
  });
}

/** At least a 1-percentage-point span for a share axis (all shares 100% would give a degenerate axis). */
function shareDomain(rows: readonly { mean: number | null; lower: number | null; upper: number | null }[]): { domain?: [number, number] } {
  const v = rows.flatMap((r) => [r.mean, r.lower, r.upper]).filter((x): x is number => x !== null);
  if (v.length === 0) return {};
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  if (hi - lo >= 0.01) return {};
  const top = Math.max(hi, Math.min(1, lo + 0.01));
  return { domain: [(top - 0.01) * 100, top * 100] };
}

function groupCharts(ctx: HtmlContext, point: PointReport, prefix: string): string {
  type Row = { group: string; policy: string; mean: number | null; lower: number | null; upper: number | null; title: string };
  const groups: { label: string; pick: (p: PolicyReport) => GroupReport | undefined }[] = [];
  const first = point.policies[ctx.policies[0]!];
  if (first === undefined) return "";
  const seen = new Set<string>();
  for (const id of ctx.policies) {
    const p = point.policies[id]!;
    for (const c of Object.keys(p.byClass)) {
      if (!seen.has(`c:${c}`)) {
        seen.add(`c:${c}`);
        groups.push({ label: c, pick: (q) => q.byClass[c] });
      }
    }
  }
  for (const id of ctx.policies) {
    for (const d of Object.keys(point.policies[id]!.byDirection)) {
      if (!seen.has(`d:${d}`)) {
        seen.add(`d:${d}`);
        groups.push({ label: d, pick: (q) => q.byDirection[d] });
      }
    }
  }
  const build = (metric: "meanClearance" | "shareWithin15", scale: (x: number) => number): Row[] => {
    const rows: Row[] = [];
    for (const g of groups) {
      for (const id of ctx.policies) {
        const gr = g.pick(point.policies[id]!);
        if (gr === undefined) continue;
        const ci = gr[metric];
        if (ci.mean === null) continue;
        rows.push({
          group: g.label,
          policy: id,
          mean: scale(ci.mean),
          lower: ci.lower === null ? null : scale(ci.lower),
          upper: ci.upper === null ? null : scale(ci.upper),
          title: `${g.label}, ${id}: ${metricInfo(metric).label} ${ciText(metric, ci)}`,
        });
      }
    }
    return rows;
  };
  const chart = (metric: "meanClearance" | "shareWithin15", rows: Row[], label: string, percent: boolean): string =>
    renderChart({
      id: `${prefix}-groups-${metric}`,
      label: `${label} per traveller class and direction, per policy, with 95% intervals`,
      options: {
        width: WIDTH / 2 - 10,
        height: 40 + groups.length * (ctx.policies.length * 18 + 16),
        marginLeft: 130,
        marginRight: 16,
        ...ctx.scales(),
        fy: { label: null, domain: groups.map((g) => g.label), padding: 0.15, axis: "left" },
        y: { axis: null, domain: ctx.policies },
        x: { label: `${label} →`, labelAnchor: "right", grid: true, percent, nice: true, ...(percent ? shareDomain(rows) : { zero: true }) },
        marks: [
          Plot.frame({ stroke: "#e3e3e3" }),
          Plot.ruleY(rows.filter((r) => r.lower !== null), { fy: "group", y: "policy", x1: "lower", x2: "upper", stroke: "policy", strokeWidth: 2 }),
          Plot.dot(rows, { fy: "group", y: "policy", x: "mean", fill: "policy", symbol: "policy", r: 4, title: "title" }),
        ],
      },
    });
  const svgs = [
    panel("Mean clearance time", chart("meanClearance", build("meanClearance", (x) => x / 60), "Mean clearance time (minutes)", false)),
    panel("Cleared within 15 minutes", chart("shareWithin15", build("shareWithin15", (x) => x), "Cleared within 15 min (%)", true)),
  ];
  const t = groupRows(ctx.report, point);
  return figure({
    id: `${prefix}-fig-groups`,
    kind: "groups",
    title: "By traveller class and direction",
    legend: ctx.legend(),
    svgs,
    caption:
      "Mean clearance time and the share cleared within 15 minutes for each traveller class and each direction (southbound = Shenzhen → Hong Kong), with 95% intervals over simulated days.",
    after: tableFrom(t),
  });
}

function tableFrom(t: { header: string[]; rows: string[][]; caption?: string }): string {
  return table(t.header, t.rows, 2, t.caption);
}

// ---------------------------------------------------------------------------------------------
// Compliance and economics
// ---------------------------------------------------------------------------------------------

function complianceTable(rows: readonly ComplianceRow[]): string {
  const body: string[] = [];
  for (const { pledge, rows: list } of pledges(rows)) {
    const classes = pledge.classes.length > 0 ? pledge.classes.join(", ") : "none in this scenario";
    body.push(
      `<tr class="pledge"><th colspan="6" scope="rowgroup">${escapeHtml(pledge.title)}<span class="authority">${escapeHtml(pledge.authority ?? "")}; measured: ${escapeHtml(measureText(pledge))}; ${escapeHtml(pledgeScopeText(pledge))}. ${escapeHtml(pledge.note)}</span></th></tr>`,
    );
    for (const r of list) {
      const c = complianceCells(r);
      body.push(
        `<tr data-pledge="${escapeHtml(r.pledge)}" data-policy="${escapeHtml(r.policy)}" data-status="${r.status}"><th scope="row"><code>${escapeHtml(r.policy)}</code></th>` +
          `<td class="num">${escapeHtml(c.share)}</td><td class="num">${escapeHtml(c.target)}</td>` +
          `<td><span class="status ${r.status}">${escapeHtml(c.status)}</span></td><td>${escapeHtml(c.margin)}</td><td>${escapeHtml(c.worstHour)}</td></tr>`,
      );
    }
  }
  return `<div class="table-wrap"><table class="compliance"><thead><tr><th scope="col">policy</th><th scope="col" class="num">share within the limit [95% CI]</th><th scope="col" class="num">target</th><th scope="col">verdict</th><th scope="col">margin</th><th scope="col" title="the hour (by arrival at the control) with the lowest share within the limit, pooled over days">worst hour</th></tr></thead><tbody>\n${body.join("\n")}\n</tbody></table></div>`;
}

function complianceSection(point: PointReport, prefix: string, h: string): string {
  const rows = point.compliance;
  if (rows === undefined) return "";
  return [
    `<section id="${prefix}-compliance" class="compliance-section"><${h}>Service standards</${h}>`,
    complianceTable(rows),
    `<p class="note">${prose(COMPLIANCE_RULE)}</p>`,
    `</section>`,
  ].join("\n");
}

function economicsSection(point: PointReport, prefix: string, h: string): string {
  const list = point.economics;
  if (list === undefined || list.length === 0) return "";
  return [
    `<section id="${prefix}-economics" class="economics"><${h}>Researcher-hours saved</${h}>`,
    ...list.map((e) => `<p class="economics-line" data-treatment="${escapeHtml(e.treatment)}">${prose(economicsSentence(e, (id) => `\`${id}\``))}</p>`),
    `<p class="note">${prose(ECONOMICS_FORMULA)}</p>`,
    `</section>`,
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Page
// ---------------------------------------------------------------------------------------------

function pointSection(ctx: HtmlContext, point: PointReport, multi: boolean, charted: boolean): string {
  const prefix = `p${point.index}`;
  const h = multi ? "h3" : "h2";
  const out: string[] = [];
  out.push(`<section class="point" id="point-${point.index}" data-point="${point.index}">`);
  if (multi) {
    out.push(`<h2>Design point ${point.index}${point.overrides.length > 0 ? `: ${escapeHtml(describeOverrides(point.overrides))}` : ""}</h2>`);
  }
  out.push(`<section id="${prefix}-summary"><${h}>Summary</${h}><div class="cards">`);
  for (const id of ctx.policies) {
    const p = point.policies[id];
    if (p !== undefined) out.push(policyCard(ctx, p));
  }
  point.comparisons.forEach((_, k) => out.push(differenceCard(point, k)));
  out.push(`</div></section>`);
  out.push(economicsSection(point, prefix, h));
  const controls = controlRows(ctx.report, point);
  if (controls.rows.length > 0) out.push(`<section id="${prefix}-controls"><${h}>Time at each control</${h}>${tableFrom(controls)}</section>`);
  out.push(`<section id="${prefix}-staffing"><${h}>Staffing, censoring and capacity</${h}>${tableFrom(staffingRows(ctx.report, point))}</section>`);
  out.push(complianceSection(point, prefix, h));
  if (charted) {
    out.push(`<section id="${prefix}-charts" class="charts"><${h}>Charts</${h}>`);
    out.push(hourlyChart(ctx, point, prefix));
    out.push(cdfCharts(ctx, point, prefix));
    out.push(differenceCharts(ctx, point, prefix));
    out.push(groupCharts(ctx, point, prefix));
    out.push(queueChart(ctx, point, prefix));
    out.push(laneCharts(ctx, point, prefix));
    out.push(`</section>`);
  } else {
    out.push(`<p class="note">Per-point charts are drawn for the first ${MAX_CHARTED_POINTS} design points; this point's values are in the sweep charts above, the tables here and report.md / report.json.</p>`);
  }
  const hourly = hourlyRows(ctx.report, point);
  out.push(`<section id="${prefix}-hourly-table"><${h}>Hour by hour</${h}>${table(hourly.header, hourly.rows, 2, hourly.caption)}</section>`);
  out.push(`</section>`);
  return out.join("\n");
}

function methodSection(report: Report): string {
  const e = report.experiment;
  const items: [string, string][] = [
    ["Replications", `${e.replications} simulated operating days per design point and policy`],
    ["Master seed", String(e.seed)],
    ["Common random numbers", "yes: every policy (and every design point) sees the same travellers and the same random draws; differences are paired"],
    ["Warm-up", e.warmupMinutes > 0 ? `${formatNumber(e.warmupMinutes, 0)} minutes (arrivals then are not counted)` : "none (terminating simulation of an operating day)"],
    ["Confidence level", `${formatPercent(e.confidenceLevel, false, 0)}, Student-t over replications`],
    ["Histogram precision", e.histogramRelativeAccuracy === null ? NA : `quantiles within ${formatPercent(e.histogramRelativeAccuracy, false, 1)} of the value`],
    ["Design points", String(report.points.length)],
    ["Policies", e.policies.join(", ")],
    ["Baseline", e.baseline],
    ["Scenario", report.scenario.name],
    ["Scenario digest (sha256)", report.scenario.digest],
    ["Experiment id", e.id],
    ["Software", `${report.tool.name} ${report.tool.version}`],
  ];
  return [
    `<section id="method"><h2>Method</h2>`,
    `<p>${prose(methodSentences(report).join(" "))}</p>`,
    `<dl class="facts">${items.map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd></div>`).join("")}</dl>`,
    `<p>To reproduce (the scenario file must have the digest above; the presets are in <code>seeds/scenarios/</code>):</p>`,
    `<pre class="command"><code>${escapeHtml(reproduceCommand(report))}</code></pre>`,
    `</section>`,
  ].join("\n");
}

const HOW_TO_READ = [
  "**Mean and 95% CI**: the average over simulated days and its 95% confidence interval; more replications narrow it. Bands on the charts are these intervals.",
  "**Paired differences** are policy − baseline, computed day by day on the same travellers, then averaged. A difference is clear when its interval excludes zero. Lower times and higher shares are better.",
  "**Relative change** is the difference divided by the baseline mean (the baseline's own uncertainty is ignored).",
  "**Within 15 / 30 min**: share of counted travellers cleared within 15 or 30 minutes of joining the first queue; travellers still inside at the end of the day count as not cleared.",
  "**Service standards**: met when even the lower end of the interval reaches the target; met on average when only the mean does; the margin is mean − target in percentage points (pp).",
  "This is a model: several inputs are assumed (see the scenario file). Read results as comparisons between policies rather than forecasts.",
];

const CSS = `
:root{--ink:#1b1b1b;--muted:#555;--line:#d9d9d9;--bg:#fff;--soft:#f5f6f8;--ok:#1a7f37;--warn:#9a6700;--bad:#c62828}
*{box-sizing:border-box}
html{background:var(--bg);color:var(--ink)}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC","PingFang SC",sans-serif}
main{max-width:940px;margin:0 auto;padding:24px 20px 60px}
h1{font-size:1.7em;line-height:1.25;margin:0 0 .3em}
h2{font-size:1.35em;margin:1.8em 0 .6em;padding-bottom:.2em;border-bottom:2px solid var(--line)}
h3{font-size:1.15em;margin:1.5em 0 .5em}
h4{font-size:1em;margin:0 0 .4em}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;background:var(--soft);padding:0 .25em;border-radius:3px}
pre.command{background:var(--soft);padding:10px 12px;border-radius:6px;white-space:pre-wrap;word-break:break-all}
pre.command code{background:none;padding:0}
.lede{color:var(--muted);margin:.2em 0}
nav ol{columns:2;margin:.5em 0;padding-left:1.4em}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(270px,1fr));gap:12px}
.card{border:1px solid var(--line);border-top:5px solid #888;border-radius:8px;padding:12px 14px;background:#fff}
.card.diff{border-top-color:#444;background:var(--soft)}
.card h4 .swatch{vertical-align:-3px}
.card .subtitle{margin:0 0 .5em;color:var(--muted);font-size:.9em}
.card dl{margin:0}
.stat{display:grid;grid-template-columns:1fr auto;gap:0 8px;padding:5px 0;border-top:1px solid var(--line)}
.stat dt{color:var(--muted);font-size:.88em}
.stat dd{margin:0;text-align:right}
.stat .value{font-weight:650;font-size:1.1em;font-variant-numeric:tabular-nums}
.stat .ci,.stat .rel{display:block;font-size:.8em;color:var(--muted);font-variant-numeric:tabular-nums}
.stat .verdict{display:block;font-size:.78em;font-weight:600}
.stat.better .verdict{color:var(--ok)}.stat.worse .verdict{color:var(--bad)}.stat.same .verdict{color:var(--muted)}
figure.chart{margin:1.4em 0 2em;padding:0;break-inside:avoid;page-break-inside:avoid}
figure.chart .svgs{display:flex;flex-wrap:wrap;gap:10px 20px;justify-content:space-between}
figure.chart svg[role=img]{max-width:100%;height:auto}
.panel{max-width:100%}
.panel-title{margin:.3em 0 .1em;font-size:.9em;font-weight:600}
figcaption{color:var(--muted);font-size:.9em;margin-top:.4em}
ul.legend{list-style:none;display:flex;flex-wrap:wrap;gap:4px 18px;padding:0;margin:.2em 0 .5em;font-size:.9em}
ul.legend li{display:flex;align-items:center;gap:6px}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.6em 0 1em;font-size:.88em;font-variant-numeric:tabular-nums}
caption{text-align:left;color:var(--muted);font-size:.95em;padding-bottom:4px}
th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
thead th{border-bottom:2px solid #999;font-weight:600}
td.num,th.num{text-align:right}
td.num{white-space:nowrap}
tbody th{font-weight:normal}
tr.pledge th{background:var(--soft);font-weight:600;padding-top:8px}
tr.pledge .authority{display:block;font-weight:normal;color:var(--muted);font-size:.92em}
.status{font-weight:700;padding:1px 6px;border-radius:4px;white-space:nowrap}
.status.met{color:#fff;background:var(--ok)}
.status.met-on-average{color:#000;background:#f2cc60}
.status.not-met{color:#fff;background:var(--bad)}
.status.not-applicable{color:var(--muted);background:var(--soft)}
.economics-line{font-size:1.05em;background:var(--soft);border-left:4px solid var(--ok);padding:8px 12px}
.note{color:var(--muted);font-size:.88em}
details summary{cursor:pointer;color:var(--muted);font-size:.9em}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;font-size:.92em}
dl.facts div{display:contents}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0;overflow-wrap:anywhere}
footer{margin-top:3em;color:var(--muted);font-size:.85em;border-top:1px solid var(--line);padding-top:.6em}
@page{size:A4;margin:14mm}
@media print{
  body{font-size:10pt}
  main{max-width:none;padding:0}
  nav{display:none}
  h2{break-after:avoid}
  .card,figure.chart,table,tr{break-inside:avoid}
  details{display:block}
  details>*{display:block}
  a{color:inherit;text-decoration:none}
}
`;

/**
 * The report as one self-contained HTML page: summary cards, researcher-hours saved, service
 * standards, charts (static inline SVG), sweep charts when the design points form a sweep, tables and
 * the method with the command that reproduces the run. No script, no external resource, deterministic.
 */
export function renderHtml(input: Report): string {
  const report = canonicalReport(input);
  const ctx = new HtmlContext(report);
  const e = report.experiment;
  const title = report.scenario.title ?? report.scenario.name;
  const multi = report.points.length > 1 || report.points.some((p) => p.overrides.length > 0);
  const sweep = renderSweepSection(report);
  const toc: string[] = [];
  if (sweep !== "") toc.push(`<li><a href="#sweep">Sweep: metrics against the varied parameter</a></li>`);
  for (const p of report.points) {
    const label = multi ? `Design point ${p.index}${p.overrides.length > 0 ? `: ${describeOverrides(p.overrides)}` : ""}` : "Summary";
    toc.push(`<li><a href="#point-${p.index}">${escapeHtml(label)}</a></li>`);
    if (!multi) {
      toc.push(`<li><a href="#p${p.index}-economics">Researcher-hours saved</a></li>`);
      toc.push(`<li><a href="#p${p.index}-compliance">Service standards</a></li>`);
      toc.push(`<li><a href="#p${p.index}-charts">Charts</a></li>`);
      toc.push(`<li><a href="#p${p.index}-hourly-table">Hour by hour</a></li>`);
    }
  }
  toc.push(`<li><a href="#method">Method and reproduction</a></li>`, `<li><a href="#reading">How to read this report</a></li>`);

  const body = [
    `<header>`,
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="lede">Scenario <code>${escapeHtml(report.scenario.name)}</code> · ${e.replications} replications · seed ${e.seed} · common random numbers · baseline <code>${escapeHtml(e.baseline)}</code> · experiment <code>${escapeHtml(e.id)}</code></p>`,
    ctx.legend(),
    `</header>`,
    `<nav aria-label="Contents"><ol>${toc.join("")}</ol></nav>`,
    sweep,
    ...report.points.map((p, i) => pointSection(ctx, p, multi, i < MAX_CHARTED_POINTS)),
    methodSection(report),
    `<section id="reading"><h2>How to read this report</h2><ul>${HOW_TO_READ.map((t) => `<li>${prose(t).replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")}</li>`).join("")}</ul></section>`,
    `<footer>${escapeHtml(report.tool.name)} ${escapeHtml(report.tool.version)} · scenario digest <code>${escapeHtml(report.scenario.digest.slice(0, 16))}</code> · experiment <code>${escapeHtml(e.id)}</code>. Self-contained: no scripts, no external resources.</footer>`,
  ].join("\n");

  return [
    "<!doctype html>",
    `<html lang="en">`,
    `<head>`,
    `<meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<meta name="generator" content="${escapeHtml(`${report.tool.name} ${report.tool.version}`)}">`,
    `<title>${escapeHtml(title)} — ${escapeHtml(report.tool.name)} report</title>`,
    `<style>${CSS}</style>`,
    `</head>`,
    `<body>`,
    `<main>`,
    body,
    `</main>`,
    `</body>`,
    `</html>`,
    "",
  ].join("\n");
}

