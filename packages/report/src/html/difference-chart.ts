/** Chart: paired differences with 95% intervals, per comparison. */
import { COMPARED_METRICS, type Difference, type PointReport } from "@hetao/experiment";
import { POLICY_COLOURS, POLICY_SYMBOLS, Plot, renderChart } from "../chart.js";
import { HtmlContext, WIDTH, escapeHtml, figure, panel, swatch } from "../html-parts.js";
import { describesCleared, formatDifference, metricInfo, noneCleared } from "../format.js";

/** Room for a y-axis label at Plot's 10 px sans-serif (up to 6.4 px a character, measured in Chromium, with its wide characters), plus the tick and its padding (9 px), within limits. */
export function labelMargin(labels: readonly string[]): number {
  const longest = labels.reduce((m, l) => Math.max(m, [...l].length), 0);
  return Math.min(520, Math.max(120, Math.ceil(longest * 6.6) + 24));
}

/**
 * One colour and one marker per comparison: the treatment's own when no earlier comparison has it,
 * otherwise the first palette entry no comparison uses yet (two comparisons never share a colour).
 */
export function comparisonColours(ctx: HtmlContext, point: PointReport): { key: string; colour: string; symbol: string; index: number }[] {
  const taken = new Set<string>();
  return point.comparisons.map((c) => {
    const own = ctx.colour(c.treatment);
    const colour = taken.has(own) ? (POLICY_COLOURS.find((x) => !taken.has(x)) ?? own) : own;
    taken.add(colour);
    const index = POLICY_COLOURS.indexOf(colour as (typeof POLICY_COLOURS)[number]);
    return { key: `${c.treatment} − ${c.baseline}`, colour, symbol: POLICY_SYMBOLS[(index < 0 ? 0 : index) % POLICY_SYMBOLS.length]!, index: index < 0 ? 0 : index };
  });
}

interface DiffRow {
  label: string;
  policy: string;
  mean: number;
  lower: number | null;
  upper: number | null;
  title: string;
}

export function differenceCharts(ctx: HtmlContext, point: PointReport, prefix: string): string {
  if (point.comparisons.length === 0) return "";
  const multi = point.comparisons.length > 1;
  // minExtent: the x axis spans at least ± this much (3 s, 0.1 pp, 1 traveller), so a zero difference still has a readable axis.
  const kinds: { kind: string; title: string; unit: string; minExtent: number; scale: (x: number) => number; metrics: string[] }[] = [
    { kind: "time", title: "Times", unit: "minutes", minExtent: 0.05, scale: (x) => x / 60, metrics: COMPARED_METRICS.filter((m) => metricInfo(m).kind === "time") },
    { kind: "share", title: "Shares cleared within 15 / 30 min", unit: "percentage points", minExtent: 0.1, scale: (x) => x * 100, metrics: COMPARED_METRICS.filter((m) => metricInfo(m).kind === "share") },
    { kind: "count", title: "Travellers cleared", unit: "travellers", minExtent: 1, scale: (x) => x, metrics: COMPARED_METRICS.filter((m) => metricInfo(m).kind === "count") },
  ];
  const svgs: string[] = [];
  const colours = comparisonColours(ctx, point);
  const scales = {
    color: { domain: colours.map((c) => c.key), range: colours.map((c) => c.colour) },
    symbol: { domain: colours.map((c) => c.key), range: colours.map((c) => c.symbol) },
  };
  for (const k of kinds) {
    const rows: DiffRow[] = [];
    for (const cmp of point.comparisons) {
      for (const m of k.metrics) {
        const d = (cmp.metrics as Record<string, Difference>)[m];
        if (d === undefined || d.mean === null) continue;
        // No point for a time or share difference when one side cleared nobody: it would plot a false 0.
        if (describesCleared(m) && (noneCleared(point.policies[cmp.treatment]) || noneCleared(point.policies[cmp.baseline]))) continue;
        rows.push({
          label: `${multi ? `${cmp.treatment} − ${cmp.baseline}: ` : ""}${metricInfo(m).label}`,
          policy: `${cmp.treatment} − ${cmp.baseline}`,
          mean: k.scale(d.mean),
          lower: d.lower === null ? null : k.scale(d.lower),
          upper: d.upper === null ? null : k.scale(d.upper),
          title: `${cmp.treatment} − ${cmp.baseline}, ${metricInfo(m).label}: ${formatDifference(m, d.mean)} (95% CI ${formatDifference(m, d.lower)} to ${formatDifference(m, d.upper)})`,
        });
      }
    }
    if (rows.length === 0) continue;
    const extent = Math.max(k.minExtent, ...rows.flatMap((r) => [Math.abs(r.mean), Math.abs(r.lower ?? 0), Math.abs(r.upper ?? 0)]));
    svgs.push(
      panel(k.title, renderChart({
        id: `${prefix}-diff-${k.kind}`,
        label: `Paired differences in ${k.unit} with 95% intervals`,
        options: {
          width: WIDTH,
          height: 60 + 30 * rows.length,
          marginLeft: labelMargin(rows.map((r) => r.label)),
          marginRight: 30,
          marginBottom: 44,
          ...scales,
          x: { label: `Difference, policy − baseline (${k.unit}) →`, labelAnchor: "right", labelOffset: 38, domain: [-extent * 1.1, extent * 1.1], grid: true, nice: true },
          y: { label: null, domain: rows.map((r) => r.label) },
          marks: [
            Plot.ruleX([0], { stroke: "#222" }),
            Plot.ruleY(rows.filter((r) => r.lower !== null), { y: "label", x1: "lower", x2: "upper", stroke: "policy", strokeWidth: 2.5 }),
            Plot.tickX(rows.filter((r) => r.lower !== null), { y: "label", x: "lower", stroke: "policy", strokeWidth: 2 }),
            Plot.tickX(rows.filter((r) => r.upper !== null), { y: "label", x: "upper", stroke: "policy", strokeWidth: 2 }),
            Plot.dot(rows, { y: "label", x: "mean", fill: "policy", symbol: "policy", r: 4.5, title: "title" }),
          ],
        },
      })),
    );
  }
  return figure({
    id: `${prefix}-fig-differences`,
    kind: "differences",
    title: "Paired differences with 95% intervals",
    legend: `<ul class="legend" aria-label="Comparisons">${colours.map((c) => `<li data-comparison-colour="${c.colour}">${swatch(c.colour, c.index)}<span><code>${escapeHtml(c.key)}</code></span></li>`).join("")}</ul>`,
    svgs,
    caption:
      "Each policy minus its baseline, day by day on the same travellers, averaged over simulated days; the bar is the 95% interval. " +
      "An interval that does not cross the zero line is a clear difference. Negative time differences and positive share differences are improvements.",
  });
}

/** At least a 1-percentage-point span for a share axis (all shares 100% would give a degenerate axis). */
