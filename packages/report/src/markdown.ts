import { COMPARED_METRICS, type ComplianceRow, type PointReport, type PolicyReport, type Report } from "@hetao/experiment";
import {
  COMPLIANCE_RULE,
  ECONOMICS_FORMULA,
  complianceCells,
  economicsSentence,
  measureText,
  methodSentences,
  pledgeScopeText,
  pledges,
  canonicalReport,
  type RenderOptions,
  reproduceCommand,
  withBrackets,
} from "./narrative.js";
import { sweepView } from "./sweep-view.js";
import { institutionGroupTable, institutionTopTables } from "./institution-tables.js";
import { controlLines, headlineCards, pledgeLines, verdict, verdictDetail } from "./headline.js";
import { type TextTable, checkpointRows, controlRows, groupRows, hourlyRows, segmentRows, shuttleRows, staffingRows } from "./tables.js";
import {
  NA,
  describeOverrides,
  NONE_CLEARED,
  differenceOr,
  formatDifference,
  formatDuration,
  levelOr,
  noneCleared,
  formatNumber,
  formatPercent,
  formatPoints,
  formatRange,
  formatMeanWithSpread,
  formatValue,
  markdownTable,
  metricInfo,
  orderedSummary,
  policyName,
} from "./format.js";

const BUSIEST_LANES = 8;

/** The headline measures as one table: each policy's value [95% CI], then each paired difference. */
function atAGlance(report: Report, point: PointReport): string {
  const header = ["measure", ...report.experiment.policies, ...point.comparisons.map((c) => `${c.treatment} − ${c.baseline}`)];
  const cellOf = (value: string, interval: string) => (interval === "" ? value : `${value} (${interval})`);
  const rows: string[][] = [];
  const notes: string[] = [];
  const cards = headlineCards(report, point);
  // The HTML's order: crossing, queueing and officer-hours first, then each control, then throughput.
  const first = ["crossing", "queueing", "officer-hours"];
  const cardRows = (ids: (id: string) => boolean) => {
    for (const c of cards.filter((k) => ids(k.id))) {
      rows.push([c.title, ...c.policies.map((v) => cellOf(v.value, v.interval)), ...c.differences.map((d) => `${cellOf(d.value, d.interval)}${d.relative === "" ? "" : `, ${d.relative} relative`}`)]);
      if (c.note !== undefined) notes.push(c.note);
    }
  };
  cardRows((id) => first.includes(id));
  for (const c of controlLines(report, point)) {
    rows.push([`Time at ${c.title}, per traveller`, ...c.policies.map((v) => cellOf(v.value, v.interval)), ...c.differences.map((d) => cellOf(d.value, d.interval))]);
  }
  cardRows((id) => !first.includes(id));
  const pl = pledgeLines(report, point);
  if (pl.some((l) => l.total > 0)) rows.push(["Service pledges met (95% confidence)", ...pl.map((l) => `${l.met} of ${l.total}`), ...point.comparisons.map(() => "")]);
  return [markdownTable(header, rows, header.map((_, i) => (i === 0 ? "l" : "r"))), ...notes.map((n) => `\n${n}`)].join("\n");
}

/** The verdict in detail: every comparison in words, after the short verdict and the table. */
function verdictDetailSection(report: Report, point: PointReport, h: string): string[] {
  const detail = verdictDetail(report, point);
  return detail.length === 0 ? [] : [`${h} Every comparison in words`, "", ...detail.map((s) => `- ${s}`), ""];
}

function textTable(t: TextTable, align: ("l" | "r")[]): string {
  return markdownTable(t.header, t.rows, align);
}

function complianceTable(rows: readonly ComplianceRow[]): string {
  const body: string[][] = [];
  for (const { pledge, rows: list } of pledges(rows)) {
    for (const r of list) {
      const c = complianceCells(r);
      body.push([pledge.title, r.policy, measureText(r), c.share, c.target, c.status, c.margin, c.worstHour]);
    }
  }
  return markdownTable(["standard", "policy", "measured", "within the limit [95% CI]", "target", "verdict", "margin", "worst hour"], body, ["l", "l", "l", "r", "r", "l", "l", "l"]);
}

function complianceNotes(rows: readonly ComplianceRow[]): string {
  return pledges(rows)
    .map(({ pledge }) => `- **${pledge.title}** (${pledge.authority ?? "no authority given"}; ${pledgeScopeText(pledge)}). ${pledge.note}`)
    .join("\n");
}

/** The sweep as tables: each metric per design point and policy, and each compared pair's difference. */
function sweepTables(report: Report): string {
  const view = sweepView(report);
  if (view === undefined) return "";
  const value = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
  const params = view.parameters.map((p) => p.path);
  const metrics = ["meanClearance", "p95Clearance", "shareWithin15", "shareWithin30", "meanWait", "throughput"];
  const rows: string[][] = [];
  view.points.forEach((pt, i) => {
    for (const id of report.experiment.policies) {
      const series = view.series[id];
      if (series === undefined) continue;
      rows.push([...pt.values.map(value), id, ...metrics.map((m) => { const ci = series[m]?.[i]; return ci === undefined ? NA : withBrackets(ci, (x) => formatValue(m, x)); })]);
    }
  });
  const out = [markdownTable([...params, "policy", ...metrics.map((m) => `${metricInfo(m).label} [95% CI]`)], rows, [...params.map(() => "r" as const), "l", ...metrics.map(() => "r" as const)])];
  for (const d of view.differences) {
    const drows = view.points.map((pt, i) => [
      ...pt.values.map(value),
      ...["meanClearance", "p95Clearance", "shareWithin15", "shareWithin30"].map((m) => {
        const x = d.metrics[m]?.[i];
        return x === undefined ? NA : `${formatDifference(m, x.mean)} [${formatDifference(m, x.lower)}, ${formatDifference(m, x.upper)}]${x.significant ? " *" : ""}`;
      }),
    ]);
    out.push(
      "",
      `Paired difference ${d.treatment} − ${d.baseline} at each design point (* = the 95% interval excludes 0):`,
      "",
      markdownTable([...params, ...["meanClearance", "p95Clearance", "shareWithin15", "shareWithin30"].map((m) => `Δ ${metricInfo(m).label} [95% CI]`)], drows, [...params.map(() => "r" as const), "r", "r", "r", "r"]),
    );
  }
  return out.join("\n");
}

function methodParagraph(report: Report): string {
  return methodSentences(report).join(" ");
}

function summaryTable(policy: PolicyReport): string {
  const rows = orderedSummary(policy).map(([metric, ci]) => [
    metricInfo(metric).label,
    levelOr(policy, metric, () => formatMeanWithSpread(metric, ci)),
    levelOr(policy, metric, () => formatRange(formatValue(metric, ci.lower), formatValue(metric, ci.upper))),
  ]);
  return markdownTable(["metric", "mean ± half-width", "95% interval"], rows, ["l", "r", "r"]);
}

function poolLine(policy: PolicyReport, replications: number): string {
  const t = policy.totals;
  const c = policy.clearance;
  const perDay = (x: number) => formatNumber(x / Math.max(1, replications), 1);
  return (
    `Per day on average: ${perDay(t.arrived)} travellers counted, ${perDay(t.cleared)} cleared, ${perDay(t.inSystem)} still inside a control at the end, ` +
    `${perDay(t.fallbacks)} diverted to a fallback lane. ` +
    (noneCleared(policy)
      ? `No traveller was cleared on any simulated day, so there is no clearance or queueing time to report.`
      : `Clearance time over all replications: mean ${formatDuration(c.mean)}, ` +
        `p50 ${formatDuration(c.p50)}, p90 ${formatDuration(c.p90)}, p95 ${formatDuration(c.p95)}, p99 ${formatDuration(c.p99)}; ` +
        `time queueing: mean ${formatDuration(policy.wait.mean)}, p95 ${formatDuration(policy.wait.p95)}.`)
  );
}

function differencesTable(point: PointReport): string {
  const rows: string[][] = [];
  for (const cmp of point.comparisons) {
    const label = `${cmp.treatment} − ${cmp.baseline}`;
    for (const metric of COMPARED_METRICS) {
      const d = cmp.metrics[metric];
      const t = point.policies[cmp.treatment];
      const b = point.policies[cmp.baseline];
      const diff = (text: () => string) => differenceOr(t, b, metric, text);
      rows.push([
        label,
        metricInfo(metric).label,
        levelOr(b, metric, () => formatValue(metric, d.baselineMean)),
        levelOr(t, metric, () => formatValue(metric, d.treatmentMean)),
        diff(() => formatDifference(metric, d.mean)),
        diff(() => formatRange(formatDifference(metric, d.lower), formatDifference(metric, d.upper))),
        diff(() =>
          d.relativeChange === null
            ? NA
            : `${formatPercent(d.relativeChange, true)} (${formatRange(formatPercent(d.relativeLower, true), formatPercent(d.relativeUpper, true))})`,
        ),
        diff(() => (d.significant ? "yes" : "no")),
      ]);
    }
  }
  return markdownTable(
    ["comparison", "metric", "baseline", "policy", "difference", "95% CI", "relative change (95% CI)", "significant"],
    rows,
    ["l", "l", "r", "r", "r", "r", "r", "l"],
  );
}

function lanesTable(report: Report, point: PointReport): string {
  const rows: string[][] = [];
  for (const id of report.experiment.policies) {
    const policy = point.policies[id]!;
    const lanes = Object.entries(policy.lanes)
      .sort(([a, x], [b, y]) => (y.utilisation.mean ?? -1) - (x.utilisation.mean ?? -1) || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, BUSIEST_LANES);
    for (const [lane, l] of lanes) {
      const u = l.utilisation;
      rows.push([
        id,
        lane,
        l.checkpoint,
        u.halfWidth === null ? formatPercent(u.mean) : `${formatPercent(u.mean)} ± ${formatPoints(u.halfWidth, false)}`,
        String(l.maxQueue),
        formatNumber(l.served / Math.max(1, report.experiment.replications), 1),
      ]);
    }
  }
  return markdownTable(["policy", "lane", "checkpoint", "utilisation", "max queue", "served/day"], rows, ["l", "l", "l", "r", "r", "r"]);
}

const HOW_TO_READ = [
  "- **mean ± half-width**: the average over simulated days and the half-width of its 95% confidence interval (for shares, in percentage points, pp); more replications narrow it. A clock time (crossing empty at) is the mean over days with its 95% interval as clock times, e.g. `22:28 [21:57, 22:59]`.",
  "- **Differences** are *policy − baseline*, computed day by day on the same travellers (paired), then averaged. A difference is **significant** when its 95% interval excludes zero; a negative difference in clearance time is an improvement, a positive one in shares within 15/30 min is too.",
  "- **Relative change** is the policy's mean over the baseline's, minus one; its interval is a paired ratio interval (delta method on the log ratio), so it never passes −100%.",
  "- **Within 15 / 30 min** are the shares of counted travellers cleared within 15 or 30 minutes of joining the first queue (travellers still inside at the end count as not cleared). Compare them with the Hong Kong pledge (98% of residents within 15 min, 95% of visitors within 30 min) and the mainland 30-minute standard.",
  "- Quantiles pooled over all days (p50…p99) describe a typical traveller's experience; the p95 in the summary table is the mean of each day's own p95.",
  "- Times are minutes:seconds (hours:minutes:seconds from an hour). This is a model: its inputs are partly assumed (see the scenario file); read results as comparisons between policies rather than forecasts.",
].join("\n");

/**
 * The report as Markdown, with the same numbers as the HTML report: method and reproduction command,
 * sweep tables, per-policy summaries, paired differences, researcher-hours saved, service standards,
 * per class/direction, hourly and per-checkpoint tables, busiest lanes. Deterministic.
 */
export function renderMarkdown(input: Report, options: RenderOptions = {}): string {
  const report = canonicalReport(input);
  const out: string[] = [];
  const title = report.scenario.title ?? report.scenario.name;
  out.push(`# ${title}`, "");
  out.push(`Scenario \`${report.scenario.name}\`; policies compared: ${report.experiment.policies.map((p) => policyName(report, p)).join(", ")}.`, "");
  const several = report.points.length > 1 || report.points.some((p) => p.overrides.length > 0);
  if (several) {
    out.push("## Verdict", "", ...report.points.map((p) => `- ${p.overrides.length > 0 ? describeOverrides(p.overrides) : `design point ${p.index}`}: ${verdict(report, p)[0] ?? ""}`), "");
  } else if (report.points[0] !== undefined) {
    out.push("## Verdict", "", verdict(report, report.points[0]).join(" "), "", atAGlance(report, report.points[0]), "");
    out.push(...verdictDetailSection(report, report.points[0], "##"));
  }
  out.push("## Method", "", methodParagraph(report), "", "Reproduce (the scenario file must have the digest above):", "", "```sh", reproduceCommand(report, options), "```", "");
  const sweep = sweepTables(report);
  if (sweep !== "") out.push("## Sweep", "", sweep, "");
  const multi = report.points.length > 1 || report.points.some((p) => p.overrides.length > 0);
  for (const point of report.points) {
    const h = multi ? "###" : "##";
    if (multi) {
      out.push(`## Design point ${point.index}`, "", point.overrides.length > 0 ? `Overrides: ${describeOverrides(point.overrides)}.` : "The scenario as written.", "");
      out.push(verdict(report, point).join(" "), "", atAGlance(report, point), "");
      out.push(...verdictDetailSection(report, point, "###"));
    }
    for (const id of report.experiment.policies) {
      const policy = point.policies[id];
      if (policy === undefined) continue;
      out.push(`${h} Summary: ${policyName(report, id)}`, "", summaryTable(policy), "", poolLine(policy, report.experiment.replications), "");
    }
    if (point.comparisons.length > 0) {
      out.push(`${h} Paired differences`, "", differencesTable(point), "");
    }
    if (point.economics !== undefined && point.economics.length > 0) {
      out.push(`${h} Researcher-hours saved`, "", ...point.economics.map((e) => `${economicsSentence(e, (id) => `\`${id}\``)}`), "", `_${ECONOMICS_FORMULA}_`, "");
    }
    const controls = controlRows(report, point);
    if (controls.rows.length > 0) {
      out.push(`${h} Time at each control`, "", controls.caption ?? "", "", textTable(controls, ["l", "l", "r", "r", "r", "r", "r"]), "");
    }
    const staffing = staffingRows(report, point);
    out.push(`${h} Staffing, censoring and capacity`, "", staffing.caption ?? "", "", textTable(staffing, ["l", "r", "r", "l", "r", "r", "l"]), "");
    if (point.compliance !== undefined && point.compliance.length > 0) {
      out.push(`${h} Service standards`, "", complianceTable(point.compliance), "", COMPLIANCE_RULE, "", complianceNotes(point.compliance), "");
    }
    const segments = segmentRows(report, point);
    if (segments.rows.length > 0) {
      out.push(`${h} Who gains: by whitelist standing and goods`, "", segments.caption!, "", markdownTable(segments.header, segments.rows, segments.header.map((_, i) => (i === 0 ? "l" : "r"))), "");
    }
    const institutions = institutionGroupTable(point);
    if (institutions.rows.length > 0) {
      const align = (t: TextTable) => t.header.map((_, i) => (i === 0 ? "l" : "r") as "l" | "r");
      out.push(`${h} Which institutions gain most`, "", institutions.caption!, "", markdownTable(institutions.header, institutions.rows, align(institutions)), "");
      for (const { title, table } of institutionTopTables(point)) out.push(`**${title}**`, "", table.caption!, "", markdownTable(table.header, table.rows, ["l", "l", "l", "l", "r", "r", "r", "r"]), "");
    }
    const shuttles = shuttleRows(report, point);
    if (shuttles.rows.length > 0) {
      out.push(`${h} Shuttle buses`, "", shuttles.caption!, "", markdownTable(shuttles.header, shuttles.rows, ["l", "l", "r", "r"]), "");
    }
    const groups = groupRows(report, point);
    out.push(`${h} By traveller class and direction`, "", groups.caption ?? "", "", textTable(groups, ["l", "l", "r", "r", "r", "r", "r"]), "");
    const hourly = hourlyRows(report, point);
    out.push(`${h} Hour by hour`, "", hourly.caption ?? "", "", textTable(hourly, ["l", "l", "r", "r", "r", "r"]), "");
    const queues = checkpointRows(report, point);
    out.push(`${h} Queues by checkpoint`, "", queues.caption ?? "", "", textTable(queues, ["l", "l", "r", "r", "r", "r", "r"]), "");
    out.push(`${h} Busiest lanes`, "", lanesTable(report, point), "");
  }
  out.push("## How to read this", "", HOW_TO_READ, "");
  return out.join("\n");
}
