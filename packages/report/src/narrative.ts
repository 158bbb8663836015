/**
 * Sentences and cells shared by the Markdown and HTML reports, so both carry the same numbers in the
 * same words. Plain text (no markup): each renderer escapes and decorates it.
 */
import {
  COMPLIANCE_STATUS_TEXT,
  type ComplianceRow,
  type ComplianceStatus,
  type EconomicsReport,
  type Interval,
  type Report,
  reportJson,
} from "@hetao/experiment";
import { NA, formatDuration, formatNumber, formatPercent } from "./format.js";

export { COMPLIANCE_STATUS_TEXT };

/**
 * The report as its canonical JSON reads back (keys sorted): renderers start from this, so a report
 * built in memory and one parsed from report.json render to the same bytes.
 */
export function canonicalReport(report: Report): Report {
  return JSON.parse(reportJson(report)) as Report;
}

/** A number with thousands separators (comma) and fixed decimals; "–" for null. Locale-independent. */
export function formatGrouped(x: number | null | undefined, digits = 0): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return NA;
  const text = Math.abs(x).toFixed(digits);
  const [int = "0", frac] = text.split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const zero = Number(text) === 0;
  return `${x < 0 && !zero ? "-" : ""}${grouped}${frac !== undefined ? `.${frac}` : ""}`;
}

/** "a to b" for an interval with the given formatter; "–" when it has no bounds. */
export function intervalRange(ci: Interval, format: (x: number | null) => string): string {
  return ci.lower === null || ci.upper === null ? NA : `${format(ci.lower)} to ${format(ci.upper)}`;
}

/** "mean [a, b]": the compact form used in table cells (the header says "95% CI"). */
export function withBrackets(ci: Interval, format: (x: number | null) => string): string {
  return ci.lower === null || ci.upper === null ? format(ci.mean) : `${format(ci.mean)} [${format(ci.lower)}, ${format(ci.upper)}]`;
}

/** "mean (95% CI a to b)". */
export function withInterval(ci: Interval, format: (x: number | null) => string): string {
  const range = intervalRange(ci, format);
  return range === NA ? format(ci.mean) : `${format(ci.mean)} (95% CI ${range})`;
}

export function statusText(status: ComplianceStatus): string {
  return COMPLIANCE_STATUS_TEXT[status];
}

/** A 100% target means "nobody over the limit": judged by the count over, not by a share margin. */
export function isNobodyOver(row: Pick<ComplianceRow, "target">): boolean {
  return row.target >= 1;
}

/** "1.3 over the limit a day [0.4, 2.2]": the count over per day with its interval (a count: bounds at 0 or above). */
export function overPerDayText(row: ComplianceRow): string {
  const o = row.overPerDay;
  const f = (x: number | null) => formatNumber(x === null ? null : Math.max(0, x), 2);
  const range = o.lower === null || o.upper === null ? "" : ` [${f(o.lower)}, ${f(o.upper)}]`;
  return `${f(o.mean)} over the limit a day${range}`;
}

/**
 * "1.3 pp above the target" / "1.3 pp short of the target" / "exactly on the target"; for a 100%
 * target, the days on which somebody was over and the count over per day.
 */
export function marginText(row: ComplianceRow): string {
  if (row.margin === null) return NA;
  if (isNobodyOver(row)) {
    const days = row.daysWithAnyOver;
    const n = row.share.n;
    if ((row.overPerDay.mean ?? 0) === 0) return `nobody over on any of ${n} days`;
    return days === undefined ? "somebody over on some days" : `somebody over on ${days} of ${n} days`;
  }
  const pp = (Math.abs(row.margin) * 100).toFixed(2);
  if (Number(pp) === 0) return row.margin < 0 ? "just short of the target" : "on the target";
  return row.margin < 0 ? `${pp} pp short of the target` : `${pp} pp above the target`;
}

/** The threshold as "15 min" or "5 min". */
export function thresholdText(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} min` : formatDuration(seconds);
}

export function measureText(row: Pick<ComplianceRow, "measure" | "thresholdSeconds" | "control">): string {
  return `${row.measure === "queue" ? "queueing" : "queue plus service"} at ${row.control} within ${thresholdText(row.thresholdSeconds)}`;
}

/** Who and where a pledge is measured on, in words. */
export function pledgeScopeText(row: Pick<ComplianceRow, "classes" | "directions" | "checkpoints" | "covered" | "censored">): string {
  const censored = row.censored > 0 ? `; ${formatGrouped(row.censored, 0)} of them still inside at the hard stop, counted as over` : "";
  return `checkpoints ${row.checkpoints.join(", ")}; travellers ${row.classes.join(", ")} (${row.directions.join(", ")}); ${formatGrouped(row.covered, 0)} measured over all days${censored}`;
}

/** The cells of a compliance row: share (CI), target, status, margin. */
export function complianceCells(row: ComplianceRow): { share: string; target: string; status: string; margin: string; worstHour: string } {
  const pct = (x: number | null) => formatPercent(x, false, 2);
  const w = row.worstHour;
  return {
    share: row.status === "not-applicable" ? NA : isNobodyOver(row) ? overPerDayText(row) : withBrackets(row.share, pct),
    target: isNobodyOver(row) ? "nobody over" : formatPercent(row.target, false, 0),
    status: statusText(row.status),
    margin: row.status === "not-applicable" ? NA : marginText(row),
    // Where and when the standard is closest to failing: the hour (by arrival at the control) with the lowest pooled share.
    worstHour: w === null ? NA : `${w.from}–${String(Number(w.from.slice(0, 2)) + 1).padStart(2, "0")}:00: ${pct(w.share)}${w.share < row.target ? " (below the target)" : ""}`,
  };
}

/** The compliance rows of a point grouped by pledge, in report order. */
export function pledges(rows: readonly ComplianceRow[]): { pledge: ComplianceRow; rows: ComplianceRow[] }[] {
  const out: { pledge: ComplianceRow; rows: ComplianceRow[] }[] = [];
  for (const r of rows) {
    const last = out.find((g) => g.pledge.pledge === r.pledge);
    if (last === undefined) out.push({ pledge: r, rows: [r] });
    else last.rows.push(r);
  }
  return out;
}

export const COMPLIANCE_RULE =
  "A pledge is met when the lower bound of the 95% interval of the share is at or above the target; " +
  "met on average, not with 95% confidence, when only the mean is; not met when the mean is below the target. " +
  "A 100% target means nobody over the limit: it is met only when nobody was over on any simulated day, and the report gives, instead of a share, the count over the limit per day with its interval and the days on which somebody was over. " +
  "Each pledge is measured on the control it governs (the scenario's `pledges` name the control and the travellers): the share is, per simulated day, " +
  "covered travellers whose time at that control (queue plus service, or queue alone) was within the limit, divided by the covered travellers who reached it. " +
  "Travellers still inside at the hard stop count as over the limit. The walk between the two sides and the other side's controls are not part of any pledge.";

function money(x: number | null, currency: string | null, digits = 0): string {
  const v = formatGrouped(x, digits);
  return currency === null ? v : `${currency} ${v}`;
}

/** The economics line as plain sentences. */
export function economicsSentence(e: EconomicsReport, name: (id: string) => string): string {
  if (e.travellersPerDay === 0) {
    return `No traveller was counted on any simulated day, so ${name(e.treatment)} against ${name(e.baseline)} has no researcher-hours to save or lose.`;
  }
  const perDay = e.hoursSavedPerDay;
  const perYear = e.hoursSavedPerYear;
  const saves = (perDay.mean ?? 0) >= 0 ? "saves" : "costs";
  const abs = (ci: Interval): Interval =>
    (ci.mean ?? 0) >= 0
      ? ci
      : { ...ci, mean: ci.mean === null ? null : -ci.mean, lower: ci.upper === null ? null : -ci.upper, upper: ci.lower === null ? null : -ci.lower };
  const g1 = (x: number | null) => formatGrouped(x, 1);
  const g0 = (x: number | null) => formatGrouped(x, 0);
  const parts = [
    `${name(e.treatment)} ${saves} ${withInterval(abs(perDay), g1)} researcher-hours a day compared with ${name(e.baseline)}` +
      ` (${formatGrouped(e.travellersPerDay, 0)} travellers a day), ` +
      `or ${withInterval(abs(perYear), g0)} researcher-hours a year over ${formatNumber(e.workingDaysPerYear, 0)} working days.`,
  ];
  if (e.valueOfTimePerHour !== null && e.valueSavedPerYear !== null) {
    const v = abs(e.valueSavedPerYear);
    const m0 = (x: number | null) => money(x, e.currency, 0);
    parts.push(`At ${money(e.valueOfTimePerHour, e.currency, 2)} per researcher-hour that is worth ${withInterval(v, m0)} a year.`);
  }
  if (e.clearedDifferencePerDay !== null && Math.abs(e.clearedDifferencePerDay) >= 0.05) {
    parts.push(
      `Note: ${name(e.treatment)} clears ${formatNumber(Math.abs(e.clearedDifferencePerDay), 1)} ${e.clearedDifferencePerDay > 0 ? "more" : "fewer"} travellers a day before the hard stop; those still inside count with their time so far, so the saving is a lower bound.`,
    );
  }
  return parts.join(" ");
}

export const ECONOMICS_FORMULA =
  "Researcher-hours saved per day = (sum of door-to-door crossing times under the baseline − sum under the policy) / 3600, per simulated day on the same travellers, " +
  "averaged over replications with a paired 95% Student-t interval (equivalently, the difference in mean crossing time × counted travellers per day / 3600). " +
  "Per year = per day × working days per year; value = hours × value of time (`node services/cli/dist/main.js run FILE --working-days N --value-of-time X:CUR`).";

/** Quotes a shell word when needed (single quotes). */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

function valueText(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** How the README and docs/ call the CLI after the setup commands (`hetao-sim` itself is not on the PATH). */
export const CLI_COMMAND = "node services/cli/dist/main.js";

/** What a renderer knows beyond the report: the scenario file as the user gave it (the CLI knows; the fleet's HTTP API does not). */
export interface RenderOptions {
  scenarioPath?: string;
}

/**
 * The command that reproduces the run, in the README's form: the scenario file as the user gave it when
 * known, else named after the scenario (its digest identifies it).
 */
export function reproduceCommand(report: Report, options: RenderOptions = {}): string {
  const e = report.experiment;
  const words = ["run", options.scenarioPath ?? `${report.scenario.name}.yaml`, "--replications", String(e.replications), "--seed", String(e.seed), "--policies", e.policies.join(",")];
  const parameters = report.sweep?.parameters ?? sweepParametersOf(report);
  for (const p of parameters ?? []) words.push("--vary", `${p.path}=${p.values.map(valueText).join(",")}`);
  const econ = report.points[0]?.economics?.[0];
  if (econ !== undefined) {
    if (econ.workingDaysPerYear !== 250) words.push("--working-days", String(econ.workingDaysPerYear));
    if (econ.valueOfTimePerHour !== null) words.push("--value-of-time", `${econ.valueOfTimePerHour}${econ.currency !== null ? `:${econ.currency}` : ""}`);
  }
  return `${CLI_COMMAND} ${words.map(shellWord).join(" ")}`;
}

/** Varied paths and values recovered from the design points (every point overriding the same paths), else undefined. */
export function sweepParametersOf(report: Report): { path: string; values: unknown[] }[] | undefined {
  const points = report.points;
  const first = points[0];
  if (first === undefined || first.overrides.length === 0) return undefined;
  const paths = first.overrides.map((o) => o.path);
  if (points.some((p) => p.overrides.length !== paths.length || p.overrides.some((o, k) => o.path !== paths[k]))) return undefined;
  return paths.map((path, k) => {
    const seen = new Set<string>();
    const values: unknown[] = [];
    for (const p of points) {
      const v = p.overrides[k]!.value;
      const key = JSON.stringify(v);
      if (!seen.has(key)) {
        seen.add(key);
        values.push(v);
      }
    }
    return { path, values };
  });
}

/** The method paragraph (plain text; code spans in backticks). */
/** How `run --precision` chose the replications (the sequential rule), or "" for a fixed count. */
export function sequentialSentence(report: Report): string {
  const p = report.experiment.precision;
  if (p === undefined) return "";
  const targets = p.targets.map((t) => `${t.measure} within ±${formatPercent(t.relativeHalfWidth, false, 1)}`).join(", ");
  const worst = p.worst.relativeHalfWidth === null ? "undefined" : `±${formatPercent(p.worst.relativeHalfWidth, false, 1)}`;
  return (
    `The number of replications was chosen sequentially (run --precision): rounds of ${p.rounds.join(", ")} replications until every policy's interval and every paired difference (relative to the baseline's mean) had a half-width of ${targets}, or ${p.cap} replications; ` +
    `${p.met ? "met" : "not met at the cap"}, the widest being ${p.worst.measure} of ${p.worst.subject} at ${worst}. A sequential stop covers slightly less than the nominal level.`
  );
}

export function methodSentences(report: Report): string[] {
  const e = report.experiment;
  const warmup =
    e.warmupMinutes > 0
      ? `The first ${formatNumber(e.warmupMinutes, 0)} minutes after opening are a warm-up: travellers arriving then are simulated but not counted.`
      : "There is no warm-up: every traveller of the day is counted.";
  const precision =
    e.histogramRelativeAccuracy !== null
      ? `Quantiles (p50, p90, p95, p99) come from histograms merged over all replications, accurate to within ${formatPercent(e.histogramRelativeAccuracy, false, 1)} of the value.`
      : "";
  return [
    `Each of the ${e.replications} replications simulates one operating day (master seed ${e.seed}) under every policy,`,
    `on the same travellers and the same random draws (common random numbers), so differences between policies are paired and their shared noise cancels.`,
    warmup,
    "Arrivals stop at close; the day then runs until the crossing is empty or the hard stop (`day.end`). Anyone still inside at the hard stop is censored: counted in every time statistic with the time elapsed so far, so figures marked \"at least\" are lower bounds.",
    "Three times are reported per traveller: the crossing (door to door, from leaving the origin park to reaching the destination park, walks included), clearance (first control joined to last control left) and the time at each control (queue plus service there), on which the service pledges are measured.",
    `Intervals are ${formatPercent(e.confidenceLevel, false, 0)} Student-t confidence intervals over replications (one value per simulated day).`,
    sequentialSentence(report),
    precision,
    `Scenario digest \`${report.scenario.digest.slice(0, 16)}\` (sha256 of the canonical scenario), experiment \`${e.id}\`, ${report.tool.name} ${report.tool.version}.`,
  ].filter((s) => s !== "");
}
