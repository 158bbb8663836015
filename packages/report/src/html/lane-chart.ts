/** Chart: lane utilisation per policy, whole day and busiest hour side by side, with a caption read from the figures. */
import type { PointReport } from "@hetao/experiment";
import { Plot, renderChart } from "../chart.js";
import { HtmlContext, WIDTH, ciText, figure, panel } from "../html-parts.js";
import { formatNumber, formatPercent } from "../format.js";
import { hh } from "./axes.js";

/** A lane is saturated at its busiest hour from this utilisation on. */
export const SATURATED = 0.9;
/** Below this peak-hour utilisation a lane has room to spare even at its busiest hour. */
export const SPARE = 0.7;

interface LaneRow {
  lane: string;
  checkpoint: string;
  policy: string;
  day: number;
  dayLower: number | null;
  dayUpper: number | null;
  peak: number;
  peakLower: number | null;
  peakUpper: number | null;
  peakHour: number;
  title: string;
}

function laneRows(ctx: HtmlContext, point: PointReport, id: string): LaneRow[] {
  const p = point.policies[id];
  if (p === undefined) return [];
  const reps = Math.max(1, ctx.report.experiment.replications);
  return Object.entries(p.lanes)
    .map(([lane, l]) => ({
      lane,
      checkpoint: l.checkpoint,
      policy: id,
      day: l.utilisation.mean ?? 0,
      dayLower: l.utilisation.lower,
      dayUpper: l.utilisation.upper,
      peak: l.peakUtilisation.mean ?? 0,
      peakLower: l.peakUtilisation.lower,
      peakUpper: l.peakUtilisation.upper,
      peakHour: l.peakHour,
      title:
        `${lane} (${l.checkpoint}): whole day ${ciText("shareWithin15", l.utilisation)} busy; busiest hour ${ciText("shareWithin15", l.peakUtilisation)}` +
        `${l.peakHour >= 0 && l.served > 0 ? ` (most often ${hh(l.peakHour)})` : ""}; ${formatNumber(l.served / reps, 1)} served a day; longest queue ${l.maxQueue}`,
    }))
    .sort((a, b) => b.peak - a.peak || b.day - a.day || (a.lane < b.lane ? -1 : a.lane > b.lane ? 1 : 0));
}

/** The caption's reading of the figures: saturated lanes at the peak, and queues that grow beside spare lanes. */
export function laneFindings(point: PointReport, policies: readonly string[]): string {
  const saturated: string[] = [];
  const spare: string[] = [];
  for (const id of policies) {
    const p = point.policies[id];
    if (p === undefined) continue;
    const lanes = Object.entries(p.lanes);
    for (const [lane, l] of lanes) {
      const peak = l.peakUtilisation.mean ?? 0;
      if (peak >= SATURATED) {
        saturated.push(`${lane} under ${id} (${formatPercent(peak)} at ${l.peakHour >= 0 ? hh(l.peakHour) : "its busiest hour"}, ${formatPercent(l.utilisation.mean)} over the day)`);
      }
    }
    for (const [cp, c] of Object.entries(p.checkpoints)) {
      if (c.capacityBoundHours.length === 0) continue;
      const at = lanes.filter(([, l]) => l.checkpoint === cp);
      if (at.length > 0 && at.every(([, l]) => (l.peakUtilisation.mean ?? 0) < SPARE)) spare.push(`${cp} under ${id}`);
    }
  }
  const out: string[] = [];
  if (saturated.length > 0) {
    const list = saturated.slice(0, 4).join("; ") + (saturated.length > 4 ? `; and ${saturated.length - 4} more` : "");
    out.push(
      `At their busiest hour ${saturated.length === 1 ? "one lane is" : `${saturated.length} lanes are`} at least ${formatPercent(SATURATED, false, 0)} busy: ${list}. ` +
        "A low whole-day bar beside a high peak is a lane short of capacity at the peak, not an idle one.",
    );
  } else {
    out.push(`No lane reaches ${formatPercent(SATURATED, false, 0)} utilisation even in its busiest hour.`);
  }
  if (spare.length > 0) {
    out.push(
      `The queue grows through some hour at ${spare.join(", ")} although none of its lanes is above ${formatPercent(SPARE, false, 0)} busy at its peak: travellers are not reaching the spare lanes (routing or lane rules), not a shortage of servers.`,
    );
  }
  return out.join(" ");
}

export function laneCharts(ctx: HtmlContext, point: PointReport, prefix: string): string {
  const svgs: string[] = [];
  let maxX = 0.05;
  for (const id of ctx.policies) {
    for (const l of Object.values(point.policies[id]?.lanes ?? {})) {
      maxX = Math.max(maxX, l.utilisation.upper ?? l.utilisation.mean ?? 0, l.peakUtilisation.upper ?? l.peakUtilisation.mean ?? 0);
    }
  }
  maxX = Math.min(1, maxX);
  for (const id of ctx.policies) {
    const lanes = laneRows(ctx, point, id);
    if (lanes.length === 0) continue;
    const p = point.policies[id]!;
    svgs.push(
      panel(
        `${id}${p.title ? ` — ${p.title}` : ""}`,
        renderChart({
          id: `${prefix}-lanes-${id}`,
          label: `Lane utilisation under policy ${id}: whole day (bar) and busiest hour (dot), busiest first, with 95% intervals`,
          options: {
            width: WIDTH,
            height: 60 + 18 * lanes.length,
            marginLeft: 230,
            marginRight: 130,
            marginTop: 40,
            ...ctx.scales(),
            x: { label: `Utilisation (%) under ${id} →`, labelAnchor: "right", percent: true, grid: true, domain: [0, maxX * 100], axis: "top" },
            y: { label: null, domain: lanes.map((l) => l.lane) },
            marks: [
              Plot.barX(lanes, { x: "day", y: "lane", fill: "policy", fillOpacity: 0.35, title: "title" }),
              Plot.ruleY(lanes.filter((l) => l.dayLower !== null), { y: "lane", x1: "dayLower", x2: "dayUpper", stroke: "#555", strokeWidth: 1 }),
              Plot.ruleY(lanes.filter((l) => l.peakLower !== null), { y: "lane", x1: "peakLower", x2: "peakUpper", stroke: "#222", strokeWidth: 1.5 }),
              Plot.dot(lanes, { x: "peak", y: "lane", fill: "policy", stroke: "#222", r: 3.5, title: "title" }),
              Plot.text(lanes, {
                x: maxX,
                y: "lane",
                text: (d: LaneRow) => `${formatPercent(d.day, false, 0)} day · ${formatPercent(d.peak, false, 0)} peak`,
                dx: 8,
                textAnchor: "start",
                fill: "#333",
                fontSize: 10,
              }),
              Plot.ruleX([0]),
            ],
          },
        }),
      ),
    );
  }
  return figure({
    id: `${prefix}-fig-lanes`,
    kind: "lane-utilisation",
    title: "Lane utilisation: whole day and busiest hour",
    legend: ctx.legend(),
    svgs,
    caption:
      "Busy server-time over open server-time, one row per lane (busiest hour first), averaged over simulated days: the pale bar is the whole day, the dot the lane's busiest hour, each with its 95% interval. All policies share one scale. " +
      laneFindings(point, ctx.policies),
  });
}
