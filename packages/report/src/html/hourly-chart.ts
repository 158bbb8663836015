/** Chart: mean clearance time by hour of arrival, per policy, with interval bands. */
import { type Interval, type PointReport } from "@hetao/experiment";
import { Plot, renderChart } from "../chart.js";
import { HtmlContext, PAIRED_TEST, WIDTH, ciText, figure } from "../html-parts.js";
import { min, hh, activeHours, hourAxis } from "./axes.js";

export function hourlyChart(ctx: HtmlContext, point: PointReport, prefix: string): string {
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
        ? "The band is the 95% confidence interval over simulated days of each day's hourly mean. " + PAIRED_TEST
        : "This report has no per-hour intervals (older report format)."),
  });
}
