/** Tables shared by the Markdown and HTML reports (plain-text cells), so both carry the same numbers. */
import type { GroupReport, Interval, PointReport, PolicyReport, Report } from "@hetao/experiment";
import { NA, NONE_CLEARED, NOT_APPLICABLE, formatDuration, formatMeanWithSpread, formatNumber, formatPercent, noneCleared } from "./format.js";
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
/** Checkpoints that served somebody under some policy, in first-seen order (a checkpoint nobody visited is not a real stop). */
export function visitedCheckpoints(report: Report, point: PointReport): string[] {
  const order: string[] = [];
  for (const id of report.experiment.policies) {
    for (const [c, cp] of Object.entries(point.policies[id]?.checkpoints ?? {})) if (cp.visits > 0 && !order.includes(c)) order.push(c);
  }
  return order;
}

export function checkpointRows(report: Report, point: PointReport): TextTable {
  const order = visitedCheckpoints(report, point);
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
        cp.visits === 0 ? NONE_CLEARED : formatDuration(cp.meanWait),
        cp.visits === 0 ? NONE_CLEARED : formatDuration(cp.p95Wait),
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

/** "≥ " before a figure when some traveller was still inside at the hard stop (a lower bound). */
export function atLeast(policy: PolicyReport | undefined): string {
  return policy?.lowerBound === true ? "≥ " : "";
}

/**
 * Time at each control (queue plus service, what service pledges govern), per control and policy, with the
 * paired difference of each comparison: the measure that separates the policies' controls from the
 * walks and the other side's checks.
 */
export function controlRows(report: Report, point: PointReport): TextTable {
  const order: string[] = [];
  for (const id of report.experiment.policies) for (const c of Object.keys(point.policies[id]?.controls ?? {})) if (!order.includes(c)) order.push(c);
  const rows: string[][] = [];
  for (const c of order) {
    for (const id of report.experiment.policies) {
      const policy = point.policies[id];
      const ctl = policy?.controls[c];
      if (ctl === undefined) continue;
      const lb = ctl.censored > 0 ? "≥ " : "";
      if (noneCleared(policy)) {
        rows.push([ctl.title ?? c, id, perDay(report, ctl.travellers), NONE_CLEARED, NONE_CLEARED, NONE_CLEARED, NONE_CLEARED]);
        continue;
      }
      rows.push([
        ctl.title ?? c,
        id,
        perDay(report, ctl.travellers),
        `${lb}${withBrackets(ctl.timePerTraveller, dur)}`,
        `${lb}${withBrackets(ctl.meanTime, dur)}`,
        `${lb}${formatDuration(ctl.time.p95)}`,
        `${lb}${withBrackets(ctl.meanQueue, dur)}`,
      ]);
    }
    for (const cmp of point.comparisons) {
      const d = cmp.controls[c];
      if (d === undefined) continue;
      const range = d.lower === null || d.upper === null ? "" : ` [${formatDuration(d.lower, true)}, ${formatDuration(d.upper, true)}]`;
      const none = noneCleared(point.policies[cmp.treatment]) || noneCleared(point.policies[cmp.baseline]);
      rows.push([ctlTitle(point, c), `${cmp.treatment} − ${cmp.baseline}`, "", none ? NOT_APPLICABLE : `${formatDuration(d.mean, true)}${range}${d.significant ? " *" : ""}`, "", "", ""]);
    }
  }
  return {
    header: ["control", "policy", "stopping/day", "per traveller [95% CI]", "per stop [95% CI]", "p95 per stop", "queue per stop [95% CI]"],
    rows,
    caption:
      "Time at a control is queue plus service at its checkpoints (the pledges are measured on it); the walk between the sides is not part of it. " +
      "Per traveller: the day's total time at the control over every counted traveller (0 for those who pass without stopping); per stop: over those who stopped there. " +
      "Difference rows: paired time per traveller, policy − baseline, per simulated day (* = the 95% interval excludes 0). ≥: someone was still inside at the hard stop, so the figure is a lower bound.",
  };
}

function ctlTitle(point: PointReport, c: string): string {
  for (const p of Object.values(point.policies)) {
    const t = p.controls[c]?.title;
    if (t !== undefined && t !== null) return t;
  }
  return c;
}

/** Staffing and emptying per policy: officer-hours, gate-hours, censored travellers, when the crossing emptied, reserves, capacity-bound hours. */
export function staffingRows(report: Report, point: PointReport): TextTable {
  const rows: string[][] = [];
  const hours = (ci: Interval) => withBrackets(ci, (x) => formatNumber(x, 1));
  for (const id of report.experiment.policies) {
    const p = point.policies[id];
    if (p === undefined) continue;
    const bound = Object.entries(p.checkpoints)
      .filter(([, cp]) => cp.capacityBoundHours.length > 0)
      .map(([c, cp]) => `${c} ${cp.capacityBoundHours.map(hh).join(", ")}`);
    const reserves = Object.entries(p.reserves).map(([r, x]) => `${r}: ${hours(x.officerHours)} h`);
    rows.push([
      id,
      hours(p.summary.officerHours),
      hours(p.summary.gateHours),
      reserves.length > 0 ? reserves.join("; ") : NA,
      formatNumber(p.summary.censored.mean, 1),
      noneCleared(p) ? NONE_CLEARED : formatMeanWithSpread("emptiedAt", p.summary.emptiedAt),
      bound.length > 0 ? bound.join("; ") : "none",
    ]);
  }
  return {
    header: ["policy", "officer-hours/day [95% CI]", "gate-hours/day", "reserve officer-hours", "censored/day", "crossing empty at: clock time, mean over days [95% CI]", "capacity-bound hours (queue grows through the hour)"],
    rows,
    caption:
      "Officer-hours are the open server-hours of officer-operated lanes (reserve officers included while open); gate-hours those of automated lanes. " +
      "Censored: travellers still inside at the hard stop (day.end), counted with their time so far. A capacity-bound hour is one in which the checkpoint's total queue grows from the start to the end of the hour on average (lower 95% bound > 0): demand exceeds what is open.",
  };
}

/** Each bus × policy: its dwell at the crossing, then the paired differences of the comparisons. */
export function shuttleRows(report: Report, point: PointReport): TextTable {
  const rows: string[][] = [];
  const first = point.policies[report.experiment.policies[0]!];
  (first?.shuttles ?? []).forEach((bus, k) => {
    const name = `${bus.time} ${bus.direction}`;
    for (const id of report.experiment.policies) {
      const s = point.policies[id]?.shuttles[k];
      if (s === undefined) continue;
      const lb = s.censoredDays > 0 ? "≥ " : "";
      rows.push([name, id, String(bus.passengers), noneCleared(point.policies[id]) ? NONE_CLEARED : `${lb}${dur(s.dwell.mean)} [${dur(s.dwell.lower)}, ${dur(s.dwell.upper)}]`]);
    }
    for (const cmp of point.comparisons) {
      const d = cmp.shuttles[k]?.dwell;
      if (d === undefined) continue;
      const none = noneCleared(point.policies[cmp.treatment]) || noneCleared(point.policies[cmp.baseline]);
      rows.push([name, `${cmp.treatment} − ${cmp.baseline}`, "", none ? NOT_APPLICABLE : `${formatDuration(d.mean, true)} [${formatDuration(d.lower, true)}, ${formatDuration(d.upper, true)}]${d.significant ? " *" : ""}`]);
    }
  });
  return {
    header: ["bus", "policy", "passengers", "dwell [95% CI]"],
    rows,
    caption:
      "A shuttle bus waits at the crossing for its last passenger: its dwell, from arriving to the last passenger leaving the last control, is every passenger's time at the crossing. Mean [95% CI] over simulated days; difference rows are paired per day (* = the interval excludes 0); ≥: a passenger was still inside at the hard stop on some day.",
  };
}

/** Plain words for the model's segments (whitelist standing × carrying declarable goods). */
export const SEGMENT_LABELS: Record<string, string> = {
  enrolled: "enrolled researchers, no goods",
  "enrolled-with-goods": "enrolled researchers carrying goods",
  "institution-only": "whitelisted institution, not enrolled, no goods",
  "institution-only-with-goods": "whitelisted institution, not enrolled, carrying goods",
  "not-whitelisted": "institution not whitelisted, no goods",
  "not-whitelisted-with-goods": "institution not whitelisted, carrying goods",
};

export function segmentLabel(key: string): string {
  return SEGMENT_LABELS[key] ?? key;
}

/**
 * Who gains: per segment, trips per day, each policy's mean crossing (door to door) with its interval,
 * and each comparison's paired difference (the same people under both policies).
 */
export function segmentRows(report: Report, point: PointReport): TextTable {
  const policies = report.experiment.policies;
  const keys = Object.keys(point.policies[policies[0]!]?.segments ?? {});
  const header = ["travellers", "trips a day", ...policies.map((id) => `${id}: mean crossing [95% CI]`), ...point.comparisons.map((c) => `${c.treatment} − ${c.baseline} [95% CI]`)];
  const rows = keys.map((k) => {
    const first = point.policies[policies[0]!]!.segments[k]!;
    const cells = [segmentLabel(k), formatNumber(first.arrivedPerDay, 1)];
    for (const id of policies) {
      const g = point.policies[id]?.segments[k];
      cells.push(g === undefined ? NA : noneCleared(point.policies[id]) ? NONE_CLEARED : `${g.censored > 0 ? "≥ " : ""}${dur(g.meanCrossing.mean)} [${dur(g.meanCrossing.lower)}, ${dur(g.meanCrossing.upper)}]`);
    }
    for (const c of point.comparisons) {
      const d = c.segments[k]?.crossing;
      const none = noneCleared(point.policies[c.treatment]) || noneCleared(point.policies[c.baseline]);
      cells.push(d === undefined ? NA : none ? NOT_APPLICABLE : `${formatDuration(d.mean, true)} [${formatDuration(d.lower, true)}, ${formatDuration(d.upper, true)}]${d.significant ? " *" : ""}`);
    }
    return cells;
  });
  return {
    header,
    rows: keys.length > 1 ? rows : [],
    caption:
      "Who gains: door-to-door crossing time per trip by whitelist standing (白名單: enrolled researchers; staff of whitelisted (備案) institutions who have not enrolled, whose goods the institution's customs measures cover; the rest) and by whether the trip carries declarable goods (instruments, reagents, biological samples). Mean [95% CI] over simulated days; differences are paired per day (* = the interval excludes 0); ≥: someone was still inside at the hard stop.",
  };
}
