/**
 * The sweep section of the HTML report: each metric against the varied parameter, one line per policy
 * with its 95% interval band, the paired differences against the parameter, and the service-standard
 * shares against the parameter. Reads the report's `sweep` section when present, else derives the same
 * series from `points` (every point overriding the same paths), so any multi-point report charts.
 */
import type { Report } from "@hetao/experiment";
import { Plot, renderChart } from "./chart.js";
import { metricInfo } from "./format.js";
import { HtmlContext, PAIRED_TEST, WIDTH, escapeHtml, figure, panel, table } from "./html-parts.js";
import { complianceCells, withInterval } from "./narrative.js";
import { type SweepView, sweepView } from "./sweep-view.js";

export { sweepView, type SweepView } from "./sweep-view.js";
import { formatDifference, formatValue } from "./format.js";

const SWEEP_METRICS = ["meanClearance", "p95Clearance", "shareWithin15", "shareWithin30", "meanWait", "throughput"] as const;
const SWEEP_DIFFERENCES = ["meanClearance", "p95Clearance", "shareWithin15", "shareWithin30"] as const;

function valueText(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

interface Axis {
  /** x position of point i. */
  x: (i: number) => number;
  options: Plot.ScaleOptions;
  /** Facet (second parameter) label of point i, or null for one panel. */
  facet: (i: number) => string | null;
  facets: string[] | null;
}

function axisOf(view: SweepView): Axis {
  const [p1, p2] = view.parameters;
  const v1 = view.points.map((p) => p.values[0]);
  const numeric = v1.every((v) => typeof v === "number" && Number.isFinite(v));
  const label = `${p1?.path ?? "design point"} →`;
  const facetLabel = (i: number) => (p2 === undefined ? null : `${p2.path} = ${valueText(view.points[i]!.values[1])}`);
  const facets = p2 === undefined ? null : p2.values.map((v) => `${p2.path} = ${valueText(v)}`);
  if (numeric) {
    // Ticks at the design points (every k-th when there are many), labelled as written.
    const values = [...new Set(v1 as number[])].sort((a, b) => a - b);
    const step = Math.ceil(values.length / (p2 === undefined ? 7 : 5));
    const ticks = values.filter((_, k) => k % step === 0 || k === values.length - 1);
    return { x: (i) => v1[i] as number, options: { label, labelAnchor: "right", grid: true, ticks, tickFormat: (v: number) => String(v) }, facet: facetLabel, facets };
  }
  const order = p1?.values.map(valueText) ?? view.points.map((p) => String(p.index));
  return {
    x: (i) => order.indexOf(p1 === undefined ? String(view.points[i]!.index) : valueText(v1[i])),
    options: { label, labelAnchor: "right", grid: true, ticks: order.map((_, k) => k), tickFormat: (k: number) => order[k] ?? "" },
    facet: facetLabel,
    facets,
  };
}

interface Row {
  policy: string;
  x: number;
  facet: string | null;
  mean: number | null;
  lower: number | null;
  upper: number | null;
  title: string;
}

function scaleOf(metric: string): { scale: (x: number) => number; unit: string; percent: boolean } {
  switch (metricInfo(metric).kind) {
    case "time":
      return { scale: (x) => x / 60, unit: "minutes", percent: false };
    case "share":
      return { scale: (x) => x, unit: "%", percent: true };
    default:
      return { scale: (x) => x, unit: "", percent: false };
  }
}

/**
 * An explicit y domain when every value (and rule) is (nearly) the same, e.g. a share that is 100% at
 * every point: Plot would otherwise draw a degenerate axis. Shares get a span of 1 percentage point.
 */
function flatDomain(rows: readonly Row[], rules: readonly number[], percent: boolean): { domain?: [number, number] } {
  const values = [...rules, ...rows.flatMap((r) => [r.mean, r.lower, r.upper]).filter((v): v is number => v !== null)];
  if (values.length === 0) return {};
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = percent ? 0.01 : Math.max(1e-9, Math.abs(hi) * 0.02);
  if (hi - lo >= span) return {};
  const top = percent ? Math.min(Math.max(hi, lo + span), Math.max(hi, 1)) : hi + span / 2;
  const bottom = percent ? top - span : lo - span / 2;
  return { domain: percent ? [bottom * 100, top * 100] : [bottom, top] };
}

function lineChart(ctx: HtmlContext, id: string, label: string, yLabel: string, rows: Row[], axis: Axis, percent: boolean, rules: number[] = [], zeroRule = false): string {
  const facetted = axis.facets !== null;
  const width = facetted ? WIDTH : WIDTH / 2 - 10;
  const sc = (r: Row) => r;
  return renderChart({
    id,
    label,
    options: {
      width,
      height: facetted ? 300 : 280,
      marginTop: facetted ? 44 : 20,
      marginLeft: 56,
      marginRight: 32, // room for the last x tick label (e.g. "2026-06") centred on the right edge
      marginBottom: 42,
      ...ctx.scales(),
      ...(facetted ? { fx: { label: null, domain: axis.facets ?? [] } } : {}),
      x: axis.options,
      y: { label: yLabel, grid: true, percent, nice: true, ...(percent ? {} : { zero: !zeroRule }), ...flatDomain(rows, rules, percent) },
      marks: [
        ...(zeroRule ? [Plot.ruleY([0], { stroke: "#222" })] : []),
        ...(rules.length > 0 ? [Plot.ruleY(rules, { stroke: "#777", strokeDasharray: "4,3" })] : []),
        Plot.areaY(rows.map(sc), { x: "x", y1: "lower", y2: "upper", fill: "policy", z: "policy", fillOpacity: 0.2, ...(facetted ? { fx: "facet" } : {}) }),
        Plot.lineY(rows, { x: "x", y: "mean", stroke: "policy", z: "policy", strokeWidth: 2, ...(facetted ? { fx: "facet" } : {}) }),
        Plot.dot(rows, { x: "x", y: "mean", stroke: "policy", symbol: "policy", fill: "white", r: 3.5, strokeWidth: 1.5, title: "title", ...(facetted ? { fx: "facet" } : {}) }),
      ],
    },
  });
}

/**
 * The HTML sweep section (metric-vs-parameter charts with interval bands), or "" when the report is not
 * a sweep. Works from the report's `sweep` section or, without one, from its design points.
 */
export function renderSweepSection(report: Report): string {
  const view = sweepView(report);
  if (view === undefined) return "";
  const ctx = new HtmlContext(report);
  const axis = axisOf(view);
  const paramText = view.parameters.map((p) => `${p.path} (${p.values.map(valueText).join(", ")})`).join(" × ");

  const metricSvgs: string[] = [];
  for (const m of SWEEP_METRICS) {
    const { scale, unit, percent } = scaleOf(m);
    const rows: Row[] = [];
    for (const policy of ctx.policies) {
      const list = view.series[policy]?.[m];
      if (list === undefined) continue;
      list.forEach((ci, i) => {
        if (ci.mean === null) return;
        rows.push({
          policy,
          x: axis.x(i),
          facet: axis.facet(i),
          mean: scale(ci.mean),
          lower: ci.lower === null ? null : scale(ci.lower),
          upper: ci.upper === null ? null : scale(ci.upper),
          title: `${policy} at ${view.points[i]!.values.map(valueText).join(", ")}: ${metricInfo(m).label} ${withInterval(ci, (x) => formatValue(m, x))}`,
        });
      });
    }
    if (rows.length === 0) continue;
    const info = metricInfo(m);
    metricSvgs.push(panel(info.label, lineChart(ctx, `sweep-${m}`, `${info.label} against ${paramText}, per policy, with 95% bands`, `↑ ${info.label}${unit && unit !== "%" ? ` (${unit})` : percent ? " (%)" : ""}`, rows, axis, percent)));
  }

  const diffSvgs: string[] = [];
  for (const d of view.differences) {
    for (const m of SWEEP_DIFFERENCES) {
      const list = d.metrics[m];
      if (list === undefined) continue;
      const { scale, unit, percent } = scaleOf(m);
      const rows: Row[] = list
        .map((x, i) => ({
          policy: d.treatment,
          x: axis.x(i),
          facet: axis.facet(i),
          mean: x.mean === null ? null : scale(x.mean),
          lower: x.lower === null ? null : scale(x.lower),
          upper: x.upper === null ? null : scale(x.upper),
          title: `${d.treatment} − ${d.baseline} at ${view.points[i]!.values.map(valueText).join(", ")}: ${formatDifference(m, x.mean)} (95% CI ${formatDifference(m, x.lower)} to ${formatDifference(m, x.upper)})`,
        }))
        .filter((r) => r.mean !== null);
      if (rows.length === 0) continue;
      const info = metricInfo(m);
      diffSvgs.push(panel(`${d.treatment} − ${d.baseline}: ${info.label}`,
        lineChart(
          ctx,
          `sweep-diff-${d.treatment}-${d.baseline}-${m}`,
          `Paired difference ${d.treatment} − ${d.baseline} in ${info.label} against ${paramText}, with 95% band`,
          `↑ Δ ${info.label}${percent ? " (pp)" : unit ? ` (${unit})` : ""}`,
          percent ? rows.map((r) => ({ ...r, mean: r.mean === null ? null : r.mean * 100, lower: r.lower === null ? null : r.lower * 100, upper: r.upper === null ? null : r.upper * 100 })) : rows,
          axis,
          false,
          [],
          true,
        )),
      );
    }
  }

  // Service standards against the parameter (pledges that apply to this scenario).
  const pledgeSvgs: string[] = [];
  const pledgeIds: string[] = [];
  for (const p of report.points) for (const r of p.compliance ?? []) if (r.status !== "not-applicable" && !pledgeIds.includes(r.pledge)) pledgeIds.push(r.pledge);
  const pointPos = (index: number) => view.points.findIndex((p) => p.index === index);
  const complianceRows: string[][] = [];
  for (const pledge of pledgeIds) {
    const rows: Row[] = [];
    let title = pledge;
    let target = 0;
    for (const p of report.points) {
      const i = pointPos(p.index);
      if (i < 0) continue;
      for (const r of p.compliance ?? []) {
        if (r.pledge !== pledge || r.share.mean === null) continue;
        title = r.title;
        target = r.target;
        rows.push({ policy: r.policy, x: axis.x(i), facet: axis.facet(i), mean: r.share.mean, lower: r.share.lower, upper: r.share.upper, title: `${r.policy}: ${complianceCells(r).share}, ${complianceCells(r).status}` });
        complianceRows.push([view.points[i]!.values.map(valueText).join(", "), r.policy, title, complianceCells(r).share, complianceCells(r).status, complianceCells(r).margin]);
      }
    }
    if (rows.length === 0) continue;
    pledgeSvgs.push(panel(title, lineChart(ctx, `sweep-pledge-${pledge}`, `${title}: share against ${paramText}, per policy, with 95% bands and the target`, `↑ Within the limit (%); dashed: target ${Math.round(target * 100)}%`, rows, axis, true, [target])));
  }

  const figures = [
    figure({
      id: "sweep-fig-metrics",
      kind: "sweep-metrics",
      title: `Metrics against ${view.parameters.map((p) => p.path).join(" and ")}`,
      legend: ctx.legend(),
      svgs: metricSvgs,
      caption: `Each metric at every design point (${paramText}), one line per policy; bands are 95% confidence intervals over simulated days. Design points share common random numbers, so neighbouring points differ by the parameter, not by luck. ${PAIRED_TEST}`,
    }),
  ];
  if (diffSvgs.length > 0) {
    figures.push(
      figure({
        id: "sweep-fig-differences",
        kind: "sweep-differences",
        title: "Paired differences against the parameter",
        legend: ctx.legend(view.differences.map((d) => d.treatment).filter((p, i, a) => a.indexOf(p) === i)),
        svgs: diffSvgs,
        caption: "Policy − baseline at each design point, with its 95% band; where the band lies wholly below (times) or above (shares) zero, the policy is clearly better there.",
      }),
    );
  }
  if (pledgeSvgs.length > 0) {
    figures.push(
      figure({
        id: "sweep-fig-pledges",
        kind: "sweep-pledges",
        title: "Service standards against the parameter",
        legend: ctx.legend(),
        svgs: pledgeSvgs,
        caption: "Share of the pledge's travellers within its limit at each design point, with 95% bands; the dashed line is the target. A pledge is met with 95% confidence where the whole band is above the line.",
        after: `<details><summary>Service standards at every design point</summary>${table(["parameter value", "policy", "standard", "within the limit [95% CI]", "verdict", "margin"], complianceRows, 3)}</details>`,
      }),
    );
  }
  return [`<section id="sweep" class="sweep"><h2>Sweep: ${escapeHtml(view.parameters.map((p) => p.path).join(" × "))}</h2>`, ...figures, `</section>`].join("\n");
}
