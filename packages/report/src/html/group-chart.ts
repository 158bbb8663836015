/** Chart: clearance by traveller class and direction. */
import { type GroupReport, type PointReport, type PolicyReport } from "@hetao/experiment";
import { Plot, renderChart } from "../chart.js";
import { HtmlContext, PAIRED_TEST, WIDTH, ciText, figure, panel } from "../html-parts.js";
import { metricInfo } from "../format.js";
import { groupRows } from "../tables.js";
import { min, tableFrom } from "./axes.js";

function shareDomain(rows: readonly { mean: number | null; lower: number | null; upper: number | null }[]): { domain?: [number, number] } {
  const v = rows.flatMap((r) => [r.mean, r.lower, r.upper]).filter((x): x is number => x !== null);
  if (v.length === 0) return {};
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  if (hi - lo >= 0.01) return {};
  const top = Math.max(hi, Math.min(1, lo + 0.01));
  return { domain: [(top - 0.01) * 100, top * 100] };
}

export function groupCharts(ctx: HtmlContext, point: PointReport, prefix: string): string {
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
        height: 54 + groups.length * (ctx.policies.length * 18 + 16),
        marginLeft: 130,
        marginRight: 16,
        marginBottom: 44,
        ...ctx.scales(),
        fy: { label: null, domain: groups.map((g) => g.label), padding: 0.15, axis: "left" },
        y: { axis: null, domain: ctx.policies },
        x: { label: `${label} →`, labelAnchor: "right", labelOffset: 38, grid: true, percent, nice: true, ...(percent ? shareDomain(rows) : { zero: true }) },
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
      "Mean clearance time and the share cleared within 15 minutes for each traveller class and each direction (southbound = Shenzhen → Hong Kong), with 95% intervals over simulated days. " + PAIRED_TEST,
    after: tableFrom(t),
  });
}
