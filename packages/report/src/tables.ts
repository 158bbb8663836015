/** Tables shared by the Markdown and HTML reports (plain-text cells), so both carry the same numbers. */
import type { GroupReport, Interval, PointReport, PolicyReport, Report } from "@hetao/experiment";
import { NA, formatDuration, formatNumber, formatPercent } from "./format.js";
import { withBrackets } from "./narrative.js";

export interface TextTable {
  header: string[];
  rows: string[][];
  caption?: string;
}

const pct = (x: number | null) => formatPercent(x);
const dur = (x: number | null) => formatDuration(x);

function perDay(report: Report, total: number): string {
  return formatNumber(total / Math.max(1, report.experiment.replications), 1);
}

function hh(h: number): string {
  return `${String(h % 24).padStart(2, "0")}:00`;
}

/** Per traveller class, then per direction, each policy: travellers a day, shares within 15/30 min and mean clearance with intervals, p95. */
export function groupRows(report: Report, point: PointReport): TextTable {
  const rows: string[][] = [];
  const labels: { label: string; pick: (p: PolicyReport) => GroupReport | undefined }[] = [];
  const seen = new Set<string>();
  for (const id of report.experiment.policies) {
    for (const c of Object.keys(point.policies[id]?.byClass ?? {})) {
      if (seen.has(`c:${c}`)) continue;
      seen.add(`c:${c}`);
      labels.push({ label: `class ${c}`, pick: (p) => p.byClass[c] });
    }
  }
  for (const id of report.experiment.policies) {
    for (const d of Object.keys(point.policies[id]?.byDirection ?? {})) {
      if (seen.has(`d:${d}`)) continue;
      seen.add(`d:${d}`);
      labels.push({ label: d, pick: (p) => p.byDirection[d] });
    }
  }
  for (const { label, pick } of labels) {
    for (const id of report.experiment.policies) {
      const policy = point.policies[id];
      const g = policy === undefined ? undefined : pick(policy);
      if (g === undefined) continue;
      rows.push([
        label,
        id,
        perDay(report, g.arrived),
        withBrackets(g.shareWithin15, pct),
        withBrackets(g.shareWithin30, pct),
        withBrackets(g.meanClearance, dur),
        formatDuration(g.p95Clearance),
      ]);
    }
  }
  return {
    header: ["group", "policy", "travellers/day", "within 15 min [95% CI]", "within 30 min [95% CI]", "mean clearance [95% CI]", "p95 clearance"],
    rows,
    caption: "Per traveller class and per direction (southbound = Shenzhen → Hong Kong); p95 from the histogram pooled over days.",
  };
}

/** Hours with arrivals or clearances under any policy. */
function activeHours(report: Report, point: PointReport): number[] {
  const hours = new Set<number>();
  for (const id of report.experiment.policies) {
    const p = point.policies[id];
    if (p === undefined) continue;
    p.hourly.arrivals.forEach((a, h) => (a ?? 0) > 0 && hours.add(h));
    p.hourly.throughput.forEach((a, h) => (a ?? 0) > 0 && hours.add(h));
  }
  return [...hours].sort((a, b) => a - b);
}

/** Hour × policy: arrivals and clearances an hour, mean clearance of that hour's arrivals with its interval, p95. */
export function hourlyRows(report: Report, point: PointReport): TextTable {
  const rows: string[][] = [];
  for (const h of activeHours(report, point)) {
    for (const id of report.experiment.policies) {
      const p = point.policies[id];
      if (p === undefined) continue;
      const ci: Interval | undefined = p.hourly.meanClearanceInterval?.[h];
      const mean = ci !== undefined ? withBrackets(ci, dur) : formatDuration(p.hourly.meanClearance[h]);
      rows.push([
        `${hh(h)}–${hh(h + 1)}`,
        id,
        formatNumber(p.hourly.arrivals[h], 1),
        formatNumber(p.hourly.throughput[h], 1),
        ci !== undefined && ci.n === 0 ? NA : mean,
        formatDuration(p.hourly.p95Clearance[h]),
      ]);
    }
  }
  return {
    header: ["hour", "policy", "arrivals", "cleared", "mean clearance of arrivals [95% CI]", "p95 clearance"],
    rows,
    caption:
      "Arrivals by hour of arrival and clearances by hour of completion (means over days); clearance times by hour of arrival (interval over days of each day's hourly mean; p95 pooled).",
  };
}

/** Checkpoint × policy: visits a day, mean and p95 wait, the busiest hour's mean queue, the longest queue. */
export function checkpointRows(report: Report, point: PointReport): TextTable {
  const order: string[] = [];
  for (const id of report.experiment.policies) for (const c of Object.keys(point.policies[id]?.checkpoints ?? {})) if (!order.includes(c)) order.push(c);
  const rows: string[][] = [];
  for (const c of order) {
    for (const id of report.experiment.policies) {
      const cp = point.policies[id]?.checkpoints[c];
      if (cp === undefined) continue;
      let peak = -1;
      let peakHour = -1;
      cp.hourlyMeanQueue.forEach((q, h) => {
        if ((q ?? 0) > peak) {
          peak = q ?? 0;
          peakHour = h;
        }
      });
      rows.push([
        c,
        id,
        perDay(report, cp.visits),
        formatDuration(cp.meanWait),
        formatDuration(cp.p95Wait),
        peak > 0 ? `${formatNumber(peak, 2)} (${hh(peakHour)})` : "0",
        String(cp.maxQueue),
      ]);
    }
  }
  return {
    header: ["checkpoint", "policy", "visits/day", "mean wait", "p95 wait", "busiest hour: mean queue", "longest queue"],
    rows,
    caption: "Queue length is the time-average number waiting (all lanes of the checkpoint), averaged over days; the longest queue is the largest seen on any day.",
  };
}
