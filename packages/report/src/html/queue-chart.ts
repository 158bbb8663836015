/** Chart: queue length over the day, one panel per checkpoint. */
import { type PointReport } from "@hetao/experiment";
import { Plot, renderChart } from "../chart.js";
import { HtmlContext, WIDTH, figure, table } from "../html-parts.js";
import { checkpointRows, visitedCheckpoints } from "../tables.js";
import { activeHours, hourAxis, tableFrom } from "./axes.js";

export function queueChart(ctx: HtmlContext, point: PointReport, prefix: string): string {
  const range = activeHours(point, ctx.policies);
  const order = visitedCheckpoints(ctx.report, point);
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
      // Headroom above the highest queue so each panel's title (top left) never sits on a line.
      y: { label: "↑ Mean number queueing", grid: true, nice: true, domain: [0, Math.max(1, ...rows.map((r) => r.queue)) * 1.3] },
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
