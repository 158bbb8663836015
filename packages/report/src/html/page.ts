/**
 * The self-contained HTML report: one file, no script, no external request (works offline and as an
 * e-mail attachment). Charts are static inline SVG rendered at report time with Observable Plot on a
 * server-side DOM (see chart.ts). Deterministic: the same report gives the same bytes.
 */
import { type PointReport, type Report } from "@hetao/experiment";
import { HtmlContext, escapeHtml, prose, table } from "../html-parts.js";
import { NA, describeOverrides, formatNumber, formatPercent } from "../format.js";
import { type RenderOptions, methodSentences, canonicalReport, reproduceCommand } from "../narrative.js";
import { renderSweepSection } from "../sweep-section.js";
import { atLeast, checkpointRows, controlRows, groupRows, hourlyRows, segmentRows, shuttleRows, staffingRows } from "../tables.js";
import { min, tableFrom } from "./axes.js";
import { policyCard, differenceCard } from "./cards.js";
import { hourlyChart } from "./hourly-chart.js";
import { cdfCharts } from "./cdf-chart.js";
import { queueChart } from "./queue-chart.js";
import { laneCharts } from "./lane-chart.js";
import { differenceCharts } from "./difference-chart.js";
import { groupCharts } from "./group-chart.js";
import { complianceSection, economicsSection } from "./sections.js";
import { institutionGroupTable, institutionTopTables } from "../institution-tables.js";
import { CSS, HEADLINE_CSS } from "./css.js";
import { cjkFontFace } from "../cjk-font.js";
import { firstScreen } from "./first-screen.js";
import { verdict } from "../headline.js";


/** For several design points: the verdict's first sentence at each, before the sweep charts. */
function overview(ctx: HtmlContext): string {
  const items = ctx.report.points.map((p) => {
    const where = p.overrides.length > 0 ? describeOverrides(p.overrides) : `design point ${p.index}`;
    const first = verdict(ctx.report, p)[0] ?? "";
    return `<li data-point="${p.index}"><a href="#point-${p.index}">${escapeHtml(where)}</a>: ${prose(first)}</li>`;
  });
  return `<section id="overview" class="headline"><p class="verdict-text" data-verdict>At each design point, from the numbers (details, cards and intervals under each point below):</p><ul class="overview">${items.join("")}</ul></section>`;
}

/**
 * Per-point charts are drawn for at most this many design points, and only when there is no sweep
 * section (a single-point report): with several points the sweep charts cover them and each point's
 * detail is collapsed, which keeps a 5-point sweep report small.
 */
export const MAX_CHARTED_POINTS = 6;


function pointSection(ctx: HtmlContext, point: PointReport, multi: boolean, charted: boolean): string {
  const prefix = `p${point.index}`;
  const h = multi ? "h3" : "h2";
  const out: string[] = [];
  out.push(`<section class="point" id="point-${point.index}" data-point="${point.index}">`);
  if (multi) {
    // Several design points: each point's detail is collapsed under its heading (the sweep charts and the overview come first).
    out.push(`<details class="point-detail"><summary><h2>Design point ${point.index}${point.overrides.length > 0 ? `: ${escapeHtml(describeOverrides(point.overrides))}` : ""}</h2></summary>`);
    out.push(firstScreen(ctx, point, prefix));
  }
  if (!multi) {
    out.push(`<section id="${prefix}-summary"><${h}>Summary measures per policy</${h}><details><summary>Every summary measure with its interval, per policy and per comparison</summary><div class="cards">`);
    for (const id of ctx.policies) {
      const p = point.policies[id];
      if (p !== undefined) out.push(policyCard(ctx, p));
    }
    point.comparisons.forEach((_, k) => out.push(differenceCard(point, k)));
    out.push(`</div></details></section>`);
  }
  out.push(economicsSection(point, prefix, h));
  const controls = controlRows(ctx.report, point);
  if (!multi && controls.rows.length > 0) out.push(`<section id="${prefix}-controls"><${h}>Time at each control</${h}>${tableFrom(controls)}</section>`);
  out.push(`<section id="${prefix}-staffing"><${h}>Staffing, censoring and capacity</${h}>${tableFrom(staffingRows(ctx.report, point))}</section>`);
  out.push(complianceSection(point, prefix, h));
  if (!multi) {
    const segments = segmentRows(ctx.report, point);
    if (segments.rows.length > 0) out.push(`<section id="${prefix}-segments"><${h}>Who gains: by whitelist standing and goods</${h}>${tableFrom(segments)}</section>`);
    const institutions = institutionGroupTable(point);
    if (institutions.rows.length > 0) {
      const tops = institutionTopTables(point).map(({ title, table: t }) => `<details><summary>Top institutions: ${escapeHtml(title)}</summary>${table(t.header, t.rows, 4, t.caption)}</details>`);
      out.push(`<section id="${prefix}-institutions"><${h}>Which institutions gain most</${h}>${table(institutions.header, institutions.rows, 1, institutions.caption)}${tops.join("")}</section>`);
    }
    const shuttles = shuttleRows(ctx.report, point);
    if (shuttles.rows.length > 0) out.push(`<section id="${prefix}-shuttles"><${h}>Shuttle buses</${h}>${tableFrom(shuttles)}</section>`);
  }
  if (charted) {
    out.push(`<section id="${prefix}-charts" class="charts"><${h}>Charts</${h}>`);
    out.push(hourlyChart(ctx, point, prefix));
    out.push(cdfCharts(ctx, point, prefix));
    out.push(differenceCharts(ctx, point, prefix));
    out.push(groupCharts(ctx, point, prefix));
    out.push(queueChart(ctx, point, prefix));
    out.push(laneCharts(ctx, point, prefix));
    out.push(`</section>`);
  }
  if (multi) {
    // A sweep's page stays small: the sweep charts cover the points; the per-point tables below the pledges are in report.md and the CSV exports.
    out.push(`<p class="note">With several design points the charts are the sweep's, above. This point's summary measures, time at each control, shuttle buses and hour-by-hour table are in report.md, and every value in report.json and the CSV exports.</p>`);
  } else {
    const hourly = hourlyRows(ctx.report, point);
    out.push(`<section id="${prefix}-hourly-table"><${h}>Hour by hour</${h}>${table(hourly.header, hourly.rows, 2, hourly.caption)}</section>`);
  }
  if (multi) out.push(`</details>`);
  out.push(`</section>`);
  return out.join("\n");
}

function methodSection(report: Report, options: RenderOptions): string {
  const e = report.experiment;
  const items: [string, string][] = [
    ["Replications", `${e.replications} simulated operating days per design point and policy`],
    ["Master seed", String(e.seed)],
    ["Common random numbers", "yes: every policy (and every design point) sees the same travellers and the same random draws; differences are paired"],
    ["Warm-up", e.warmupMinutes > 0 ? `${formatNumber(e.warmupMinutes, 0)} minutes (arrivals then are not counted)` : "none (terminating simulation of an operating day)"],
    ["Confidence level", `${formatPercent(e.confidenceLevel, false, 0)}, Student-t over replications`],
    ["Histogram precision", e.histogramRelativeAccuracy === null ? NA : `quantiles within ${formatPercent(e.histogramRelativeAccuracy, false, 1)} of the value`],
    ["Design points", String(report.points.length)],
    ["Policies", e.policies.join(", ")],
    ["Baseline", e.baseline],
    ["Scenario", report.scenario.name],
    ["Scenario digest (sha256)", report.scenario.digest],
    ["Experiment id", e.id],
    ["Software", `${report.tool.name} ${report.tool.version}`],
  ];
  return [
    `<section id="method"><h2>Method</h2>`,
    `<p>${prose(methodSentences(report).join(" "))}</p>`,
    `<dl class="facts">${items.map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd></div>`).join("")}</dl>`,
    `<p>To reproduce (the scenario file must have the digest above; the presets are in <code>seeds/scenarios/</code>):</p>`,
    `<pre class="command"><code>${escapeHtml(reproduceCommand(report, options))}</code></pre>`,
    `</section>`,
  ].join("\n");
}

const HOW_TO_READ = [
  "**Mean and 95% CI**: the average over simulated days and its 95% confidence interval; more replications narrow it. Bands on the charts are these intervals.",
  "**Paired differences** are policy − baseline, computed day by day on the same travellers, then averaged. A difference is clear when its interval excludes zero. Lower times and higher shares are better.",
  "**Relative change** is the policy's mean over the baseline's, minus one; its interval is a paired ratio interval (delta method on the log ratio), so it never passes −100%.",
  "**Within 15 / 30 min**: share of counted travellers cleared within 15 or 30 minutes of joining the first queue; travellers still inside at the end of the day count as not cleared.",
  "**Service standards**: met when even the lower end of the interval reaches the target; met on average when only the mean does; the margin is mean − target in percentage points (pp).",
  "This is a model: several inputs are assumed (see the scenario file). Read results as comparisons between policies rather than forecasts.",
];

/**
 * The report as one self-contained HTML page: summary cards, researcher-hours saved, service
 * standards, charts (static inline SVG), sweep charts when the design points form a sweep, tables and
 * the method with the command that reproduces the run. No script, no external resource, deterministic.
 */
export function renderHtml(input: Report, options: RenderOptions = {}): string {
  const report = canonicalReport(input);
  const ctx = new HtmlContext(report);
  const e = report.experiment;
  const title = report.scenario.title ?? report.scenario.name;
  const multi = report.points.length > 1 || report.points.some((p) => p.overrides.length > 0);
  if (report.points.length === 0) throw new RangeError("renderHtml: the report has no design point");
  const sweep = renderSweepSection(report);
  const points = report.points.map((p, i) => pointSection(ctx, p, multi, sweep === "" && i < MAX_CHARTED_POINTS));
  const toc: string[] = [];
  if (sweep !== "") toc.push(`<li><a href="#sweep">Sweep: metrics against the varied parameter</a></li>`);
  report.points.forEach((p, i) => {
    const label = multi ? `Design point ${p.index}${p.overrides.length > 0 ? `: ${describeOverrides(p.overrides)}` : ""}` : "Summary";
    toc.push(`<li><a href="#point-${p.index}">${escapeHtml(label)}</a></li>`);
    // A single point's sections, read off what was rendered: a section shown (segments, institutions,
    // shuttles only when the scenario has them) is listed, one not shown is not.
    if (!multi) {
      for (const [, id, heading] of points[i]!.matchAll(/<section id="(p\d+-(?!summary)[a-z-]+)"[^>]*><h2>([^<]*)<\/h2>/g)) toc.push(`<li><a href="#${id}">${heading}</a></li>`);
    }
  });
  toc.push(`<li><a href="#method">Method and reproduction</a></li>`, `<li><a href="#reading">How to read this report</a></li>`);

  const body = [
    `<header>`,
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="lede">Scenario <code>${escapeHtml(report.scenario.name)}</code> · ${e.replications} replications · seed ${e.seed} · common random numbers · baseline <code>${escapeHtml(e.baseline)}</code> · experiment <code>${escapeHtml(e.id)}</code></p>`,
    ctx.legend(),
    `</header>`,
    multi ? overview(ctx) : firstScreen(ctx, report.points[0]!, `p${report.points[0]!.index}`),
    `<nav aria-label="Contents"><ol>${toc.join("")}</ol></nav>`,
    sweep,
    ...points,
    methodSection(report, options),
    `<section id="reading"><h2>How to read this report</h2><ul>${HOW_TO_READ.map((t) => `<li>${prose(t).replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")}</li>`).join("")}</ul></section>`,
    `<footer>${escapeHtml(report.tool.name)} ${escapeHtml(report.tool.version)} · scenario digest <code>${escapeHtml(report.scenario.digest.slice(0, 16))}</code> · experiment <code>${escapeHtml(e.id)}</code>. Self-contained: no scripts, no external resources.</footer>`,
  ].join("\n");

  return [
    "<!doctype html>",
    `<html lang="en">`,
    `<head>`,
    `<meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<meta name="generator" content="${escapeHtml(`${report.tool.name} ${report.tool.version}`)}">`,
    `<title>${escapeHtml(title)} — ${escapeHtml(report.tool.name)} report</title>`,
    `<style>${cjkFontFace(`${title}\n${body}`)}${CSS}${HEADLINE_CSS}</style>`,
    `</head>`,
    `<body>`,
    `<main>`,
    body,
    `</main>`,
    `</body>`,
    `</html>`,
    "",
  ].join("\n");
}
