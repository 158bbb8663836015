/** Chart: cumulative distribution of clearance time, whole and upper tail. */
import { type PointReport } from "@hetao/experiment";
import { Plot, renderChart } from "../chart.js";
import { HtmlContext, WIDTH, figure, panel } from "../html-parts.js";
import { min } from "./axes.js";

export function cdfCharts(ctx: HtmlContext, point: PointReport, prefix: string): string {
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
      // One label per line, each on its own row so the 15- and 30-minute labels never collide on a long axis.
      ...limits.map((d, i) => Plot.text([d], { x: (v: number) => v, text: (v: number) => `${v} min`, frameAnchor: "top", dy: 6 + 13 * i, dx: 4, textAnchor: "start", fill: "#333" })),
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
