import type { ComparedMetric, Interval, Report } from "@hetao/experiment";

export type MetricKind = "time" | "share" | "count" | "rate" | "clock" | "hours";

export interface MetricInfo {
  label: string;
  kind: MetricKind;
  /** Unit shown after counts. */
  unit?: string;
}

/** How each DaySummary metric is labelled and formatted. */
export const METRIC_INFO: Record<string, MetricInfo> = {
  meanCrossing: { label: "Mean crossing time, door to door", kind: "time" },
  p50Crossing: { label: "Median crossing time (p50)", kind: "time" },
  p95Crossing: { label: "95th percentile crossing time (p95)", kind: "time" },
  meanClearance: { label: "Mean clearance time", kind: "time" },
  p50Clearance: { label: "Median clearance time (p50)", kind: "time" },
  p95Clearance: { label: "95th percentile clearance time (p95)", kind: "time" },
  meanWait: { label: "Mean time queueing", kind: "time" },
  throughput: { label: "Travellers cleared per day", kind: "count" },
  peakHourThroughput: { label: "Cleared in the busiest hour", kind: "count" },
  shareWithin15: { label: "Cleared within 15 min", kind: "share" },
  shareWithin30: { label: "Cleared within 30 min", kind: "share" },
  censored: { label: "Still inside at the hard stop (censored)", kind: "count" },
  emptiedAt: { label: "Crossing empty at", kind: "clock" },
  officerHours: { label: "Officer-hours", kind: "hours" },
  gateHours: { label: "Gate-hours (automated lanes)", kind: "hours" },
};

export const SHORT_LABEL: Record<string, string> = {
  meanCrossing: "mean crossing",
  p50Crossing: "p50 crossing",
  p95Crossing: "p95 crossing",
  meanClearance: "mean clearance",
  p50Clearance: "p50 clearance",
  p95Clearance: "p95 clearance",
  meanWait: "mean queueing",
  throughput: "cleared/day",
  peakHourThroughput: "peak-hour cleared",
  shareWithin15: "within 15 min",
  shareWithin30: "within 30 min",
  censored: "censored",
  emptiedAt: "empty at (clock) [95% CI]",
  officerHours: "officer-hours",
  gateHours: "gate-hours",
};

/** A summary's metrics in METRIC_INFO order, then any others sorted (independent of key order). */
export function orderedSummary<T>(policy: { summary: Record<string, T> }): [string, T][] {
  const known = Object.keys(METRIC_INFO).filter((m) => Object.hasOwn(policy.summary, m));
  const rest = Object.keys(policy.summary)
    .filter((m) => !Object.hasOwn(METRIC_INFO, m))
    .sort();
  return [...known, ...rest].map((m) => [m, policy.summary[m] as T]);
}

export function metricInfo(metric: string): MetricInfo {
  return METRIC_INFO[metric] ?? { label: metric, kind: "rate" };
}

export const NA = "–";

/**
 * What a time, share or clock figure says when nobody it describes was cleared: the statistics are
 * computed as 0 then, and "0:00" or "+0:00" would read as an instant crossing.
 */
export const NONE_CLEARED = "no traveller cleared";
/** A difference that does not exist because one side cleared nobody. */
export const NOT_APPLICABLE = "n/a";

/** Whether a metric describes cleared travellers (times, shares, the emptying clock) rather than counting them. */
export function describesCleared(metric: string): boolean {
  const kind = metricInfo(metric).kind;
  return kind === "time" || kind === "share" || kind === "clock";
}

/**
 * A policy that cleared nobody on any simulated day and had nobody still inside at the hard stop: no
 * counted traveller, so no time. (Travellers censored at the hard stop do have times, shown as "at least".)
 */
export function noneCleared(policy: { totals: { cleared: number; censored: number } } | undefined): boolean {
  return policy !== undefined && policy.totals.cleared === 0 && policy.totals.censored === 0;
}

/** `text()` for a policy's level of `metric`, or NONE_CLEARED when the metric describes cleared travellers and it cleared none. */
export function levelOr(policy: { totals: { cleared: number; censored: number } } | undefined, metric: string, text: () => string): string {
  return noneCleared(policy) && describesCleared(metric) ? NONE_CLEARED : text();
}

/** `text()` for a paired difference of `metric`, or NOT_APPLICABLE when either side cleared nobody. */
export function differenceOr(
  treatment: { totals: { cleared: number; censored: number } } | undefined,
  baseline: { totals: { cleared: number; censored: number } } | undefined,
  metric: string,
  text: () => string,
): string {
  return (noneCleared(treatment) || noneCleared(baseline)) && describesCleared(metric) ? NOT_APPLICABLE : text();
}
const MINUS = "-";

/** Seconds since midnight as a clock time "HH:MM" (past 24:00 the hours keep counting); "–" for null. */
export function formatClock(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return NA;
  const m = Math.round(seconds / 60);
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

/** Seconds as m:ss (h:mm:ss from an hour), rounded to the second; "–" for null. */
export function formatDuration(seconds: number | null | undefined, signed = false): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return NA;
  const negative = seconds < 0 && Math.round(Math.abs(seconds)) > 0;
  let s = Math.round(Math.abs(seconds));
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const body = h > 0 ? `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}` : `${m}:${String(s).padStart(2, "0")}`;
  return `${negative ? MINUS : signed ? "+" : ""}${body}`;
}

/** A fraction as a percentage with one decimal. */
export function formatPercent(x: number | null | undefined, signed = false, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return NA;
  const v = x * 100;
  const text = Math.abs(v).toFixed(digits);
  const zero = Number(text) === 0;
  return `${v < 0 && !zero ? MINUS : signed && !zero ? "+" : ""}${text}%`;
}

/** A difference of fractions in percentage points. */
export function formatPoints(x: number | null | undefined, signed = true): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return NA;
  const v = x * 100;
  const text = Math.abs(v).toFixed(1);
  const zero = Number(text) === 0;
  return `${v < 0 && !zero ? MINUS : signed && !zero ? "+" : ""}${text} pp`;
}

/** A count or rate with the given decimals. */
export function formatNumber(x: number | null | undefined, digits = 1, signed = false): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return NA;
  const text = Math.abs(x).toFixed(digits);
  const zero = Number(text) === 0;
  return `${x < 0 && !zero ? MINUS : signed && !zero ? "+" : ""}${text}`;
}

/** A value of a metric (a level, not a difference). */
export function formatValue(metric: string, x: number | null | undefined): string {
  switch (metricInfo(metric).kind) {
    case "time":
      return formatDuration(x);
    case "clock":
      return formatClock(x);
    case "share":
      return formatPercent(x);
    default:
      return formatNumber(x, 1);
  }
}

/** A half-width or other unsigned spread of a metric. */
export function formatSpread(metric: string, x: number | null | undefined): string {
  switch (metricInfo(metric).kind) {
    case "time":
    case "clock":
      return formatDuration(x);
    case "share":
      return formatPoints(x, false);
    default:
      return formatNumber(x, 1);
  }
}

/** A signed difference of a metric (time, percentage points or count). */
export function formatDifference(metric: ComparedMetric | string, x: number | null | undefined): string {
  switch (metricInfo(metric).kind) {
    case "time":
    case "clock":
      return formatDuration(x, true);
    case "share":
      return formatPoints(x, true);
    default:
      return formatNumber(x, 1, true);
  }
}

/**
 * A level with its uncertainty: "mean ± half-width", except for a clock time, whose interval is given
 * as the clock times it spans ("22:28 [21:57, 22:59]"): "22:28 ± 31:05" would read as a clock ± a duration.
 */
export function formatMeanWithSpread(metric: string, ci: Interval): string {
  if (ci.halfWidth === null) return formatValue(metric, ci.mean);
  if (metricInfo(metric).kind === "clock") {
    return ci.lower === null || ci.upper === null ? formatClock(ci.mean) : `${formatClock(ci.mean)} [${formatClock(ci.lower)}, ${formatClock(ci.upper)}]`;
  }
  return `${formatValue(metric, ci.mean)} ± ${formatSpread(metric, ci.halfWidth)}`;
}

export function formatRange(lower: string, upper: string): string {
  return lower === NA && upper === NA ? NA : `${lower} to ${upper}`;
}

/** The policy's display name: its title (id) or the id. */
export function policyName(report: Report, id: string, withId = true): string {
  const title = report.points[0]?.policies[id]?.title;
  return title ? (withId ? `${title} (\`${id}\`)` : title) : withId ? `\`${id}\`` : id;
}

/** Escapes a string for a Markdown table cell. */
export function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** A Markdown table (the header row, then the rows). */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], align?: readonly ("l" | "r")[]): string {
  const sep = header.map((_, i) => ((align?.[i] ?? "l") === "r" ? "---:" : "---"));
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [line(header), `|${sep.map((s) => ` ${s} `).join("|")}|`, ...rows.map(line)].join("\n");
}

/** A plain-text table with aligned columns (first column left, others right unless told). */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], align?: readonly ("l" | "r")[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => all.reduce((w, r) => Math.max(w, (r[i] ?? "").length), 0));
  const a = (i: number) => align?.[i] ?? (i === 0 ? "l" : "r");
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => (a(i) === "l" ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(header), rule, ...rows.map(line)].join("\n");
}

/** "path = value" for a design point's overrides. */
export function describeOverrides(overrides: readonly { path: string; value: unknown }[]): string {
  return overrides.map((o) => `${o.path} = ${JSON.stringify(o.value)}`).join(", ");
}
