/**
 * What the first screen says: a plain-language verdict generated from the numbers, and the headline
 * measures (time at each control, crossing, queueing, throughput, officer-hours, pledges), each with its
 * interval and the paired difference. Plain text; the HTML and Markdown renderers decorate it.
 */
import type { Comparison, ComplianceRow, Difference, Interval, PointReport, Report } from "@hetao/experiment";
import { NA, NONE_CLEARED, NOT_APPLICABLE, describesCleared, formatDifference, formatDuration, formatNumber, formatPercent, formatValue, noneCleared } from "./format.js";
import { formatGrouped } from "./narrative.js";
import { segmentLabel } from "./tables.js";

/** "−56.3% (−58.0% to −54.6%)" from a difference's ratio interval; "" when it has none. */
export function relativeText(d: Difference): string {
  if (d.relativeChange === null) return "";
  const range = d.relativeLower === null || d.relativeUpper === null ? "" : ` (${formatPercent(d.relativeLower, true)} to ${formatPercent(d.relativeUpper, true)})`;
  return `${formatPercent(d.relativeChange, true)}${range}`;
}

/** "−7:31 (95% CI −8:04 to −6:58)" for a difference of a metric (kind by metric name). */
export function differenceText(metric: string, d: Difference): string {
  const range = d.lower === null || d.upper === null ? "" : ` (95% CI ${formatDifference(metric, d.lower)} to ${formatDifference(metric, d.upper)})`;
  return `${formatDifference(metric, d.mean)}${range}`;
}

export function intervalText(metric: string, ci: Interval): string {
  const range = ci.lower === null || ci.upper === null ? "" : ` [${formatValue(metric, ci.lower)}, ${formatValue(metric, ci.upper)}]`;
  return `${formatValue(metric, ci.mean)}${range}`;
}

/** better / worse / no clear difference: lower times and higher counts and shares are better; officer-hours are a cost. */
export function judgement(metric: string, d: Difference): "better" | "worse" | "same" {
  if (!d.significant || d.mean === null) return "same";
  const lowerIsBetter = !["throughput", "peakHourThroughput", "shareWithin15", "shareWithin30"].includes(metric);
  return (d.mean < 0) === lowerIsBetter ? "better" : "worse";
}

/** A row of a headline card: one policy's value. */
export interface PolicyValue {
  policy: string;
  value: string;
  interval: string;
}

/** A row of a headline card: one comparison's paired difference. */
export interface DifferenceValue {
  treatment: string;
  baseline: string;
  value: string;
  interval: string;
  relative: string;
  judgement: "better" | "worse" | "same";
}

export interface HeadlineCard {
  id: string;
  title: string;
  policies: PolicyValue[];
  differences: DifferenceValue[];
  note?: string;
}

function policyValue(policy: string, metric: string, ci: Interval, lowerBound: boolean, nobody = false): PolicyValue {
  if (nobody && describesCleared(metric)) return { policy, value: NONE_CLEARED, interval: "" };
  const range = ci.lower === null || ci.upper === null ? NA : `${formatValue(metric, ci.lower)} to ${formatValue(metric, ci.upper)}`;
  return { policy, value: `${lowerBound ? "≥ " : ""}${formatValue(metric, ci.mean)}`, interval: `95% CI ${range}` };
}

function differenceValue(cmp: Comparison, metric: string, d: Difference, judgeAs: string = metric, nobody = false): DifferenceValue {
  if (nobody && describesCleared(metric)) {
    return { treatment: cmp.treatment, baseline: cmp.baseline, value: NOT_APPLICABLE, interval: "one side cleared no traveller", relative: "", judgement: "same" };
  }
  const range = d.lower === null || d.upper === null ? NA : `${formatDifference(metric, d.lower)} to ${formatDifference(metric, d.upper)}`;
  return {
    treatment: cmp.treatment,
    baseline: cmp.baseline,
    value: formatDifference(metric, d.mean),
    interval: `95% CI ${range}`,
    relative: relativeText(d),
    judgement: judgement(judgeAs, d),
  };
}

/** True when every policy clears (about) everyone who arrives: the day's throughput is set by demand. */
export function demandBound(point: PointReport, policies: readonly string[]): boolean {
  return policies.every((id) => {
    const p = point.policies[id];
    return p !== undefined && p.totals.arrived > 0 && p.totals.cleared >= 0.999 * p.totals.arrived;
  });
}

function metricCard(point: PointReport, policies: readonly string[], id: string, title: string, metric: "meanCrossing" | "meanWait" | "officerHours" | "peakHourThroughput" | "throughput", note?: string): HeadlineCard {
  const card: HeadlineCard = {
    id,
    title,
    policies: policies.flatMap((p) => {
      const r = point.policies[p];
      return r === undefined ? [] : [policyValue(p, metric, r.summary[metric], r.lowerBound && metric !== "officerHours" && metric !== "throughput" && metric !== "peakHourThroughput", noneCleared(r))];
    }),
    differences: point.comparisons.map((c) => differenceValue(c, metric, c.metrics[metric], metric, eitherNone(point, c))),
  };
  if (note !== undefined) card.note = note;
  return card;
}

/** One side of the comparison cleared nobody: its time differences do not exist. */
function eitherNone(point: PointReport, cmp: Comparison): boolean {
  return noneCleared(point.policies[cmp.treatment]) || noneCleared(point.policies[cmp.baseline]);
}

/** The headline cards of a design point, in reading order. */
export function headlineCards(report: Report, point: PointReport): HeadlineCard[] {
  const policies = report.experiment.policies;
  const cards: HeadlineCard[] = [
    metricCard(point, policies, "crossing", "Crossing time, door to door (mean)", "meanCrossing"),
    metricCard(point, policies, "queueing", "Time queueing (mean)", "meanWait"),
  ];
  const bound = demandBound(point, policies);
  const boundHours = (id: string) => Object.values(point.policies[id]?.checkpoints ?? {}).reduce((n, c) => n + c.capacityBoundHours.length, 0);
  cards.push(
    metricCard(
      point,
      policies,
      "throughput",
      "Throughput: cleared in the busiest hour",
      "peakHourThroughput",
      (policies.every((p) => (point.policies[p]?.totals.arrived ?? 0) === 0)
        ? `No traveller arrived on any simulated day, so no traveller was cleared under any policy. `
        : bound
        ? `Throughput per day is bound by demand: every policy clears everyone who arrives (${policies.map((p) => `${p} ${formatGrouped((point.policies[p]?.summary.throughput.mean ?? 0), 0)}`).join(", ")} a day), so capacity shows in the busiest hour and in \`node services/cli/dist/main.js capacity\`. `
        : `Not everyone who arrives is cleared before the hard stop (${policies.map((p) => `${p} ${formatGrouped(point.policies[p]?.summary.throughput.mean ?? 0, 0)} of ${formatGrouped((point.policies[p]?.totals.arrived ?? 0) / Math.max(1, report.experiment.replications), 0)} a day`).join(", ")}): capacity binds. `) +
        `Checkpoint-hours in which the queue grows through the hour (demand above what is open): ${policies.map((p) => `${p} ${boundHours(p)}`).join(", ")}.`,
    ),
    metricCard(point, policies, "officer-hours", "Officer-hours per day", "officerHours"),
  );
  return cards;
}

export interface ControlLine {
  control: string;
  title: string;
  policies: PolicyValue[];
  differences: DifferenceValue[];
}

/** Time at each named control per counted traveller (0 for those who pass it without stopping), with the paired difference. */
export function controlLines(report: Report, point: PointReport): ControlLine[] {
  const ids: string[] = [];
  for (const p of report.experiment.policies) for (const c of Object.keys(point.policies[p]?.controls ?? {})) if (!ids.includes(c)) ids.push(c);
  return ids.map((c) => {
    let title = c;
    for (const p of report.experiment.policies) title = point.policies[p]?.controls[c]?.title ?? title;
    return {
      control: c,
      title,
      policies: report.experiment.policies.flatMap((p) => {
        const x = point.policies[p]?.controls[c];
        return x === undefined ? [] : [policyValue(p, "meanWait", x.timePerTraveller, (point.policies[p]?.lowerBound ?? false) && x.censored > 0, noneCleared(point.policies[p]))];
      }),
      differences: point.comparisons.flatMap((cmp) => {
        const d = cmp.controls[c];
        return d === undefined ? [] : [differenceValue(cmp, "meanWait", d, "meanWait", eitherNone(point, cmp))];
      }),
    };
  });
}

export interface PledgeLine {
  policy: string;
  met: number;
  total: number;
  failing: ComplianceRow[];
}

/** Per policy: pledges met (with 95% confidence) of those that apply, and the ones that are not met. */
export function pledgeLines(report: Report, point: PointReport): PledgeLine[] {
  const rows = point.compliance ?? [];
  return report.experiment.policies.map((policy) => {
    const mine = rows.filter((r) => r.policy === policy && r.status !== "not-applicable");
    return { policy, met: mine.filter((r) => r.status === "met").length, total: mine.length, failing: mine.filter((r) => r.status === "not-met") };
  });
}

function quoted(id: string, code: (id: string) => string): string {
  return code(id);
}

function pledgeFailureText(row: ComplianceRow): string {
  if (row.target >= 1) return `${row.title} (somebody over on ${row.daysWithAnyOver ?? "some"} of ${row.share.n} days)`;
  return `${row.title} (${formatPercent(row.share.mean, false, 1)} against ${formatPercent(row.target, false, 0)})`;
}

/** The comparison the verdict is about: the winner against the experiment's baseline when compared, else its largest clear comparison. */
function verdictComparison(report: Report, point: PointReport, winner: string): Comparison | undefined {
  const usable = point.comparisons.filter((c) => (c.treatment === winner || c.baseline === winner) && !eitherNone(point, c));
  const base = report.experiment.baseline;
  const withBase = usable.find((c) => c.treatment === base || c.baseline === base);
  if (withBase !== undefined && winner !== base) return withBase;
  // The winner is the baseline (or not compared with it): against its closest rival, the one that loses by least.
  const ranked = [...usable].sort((x, y) => Math.abs(x.metrics.meanCrossing.mean ?? Infinity) - Math.abs(y.metrics.meanCrossing.mean ?? Infinity));
  return ranked[0];
}

/** "the paired difference −1:43 (95% CI −2:10 to −1:16)" for the winner − rival orientation. */
function oriented(d: Difference, winnerIsTreatment: boolean): Difference {
  if (winnerIsTreatment) return d;
  const neg = (x: number | null) => (x === null ? null : -x);
  return { ...d, mean: neg(d.mean), lower: neg(d.upper), upper: neg(d.lower) };
}

/** Where the pledges fail, in one sentence: each failing pledge (at most three named) with the policies it fails under, its lowest share and worst hour. */
function pledgeSentence(report: Report, point: PointReport, name: (id: string) => string): string | undefined {
  const lines = pledgeLines(report, point).filter((l) => l.total > 0);
  if (lines.length === 0) return undefined;
  const failing = lines.flatMap((l) => l.failing);
  if (failing.length === 0) return `Every service pledge that applies is met, on average or better, under every policy.`;
  const byPledge: ComplianceRow[][] = [];
  for (const r of failing) {
    const group = byPledge.find((g) => g[0]!.pledge === r.pledge);
    if (group === undefined) byPledge.push([r]);
    else group.push(r);
  }
  const list = (ids: string[]) => (ids.length <= 1 ? ids.join("") : `${ids.slice(0, -1).join(", ")} and ${ids[ids.length - 1]}`);
  const parts = byPledge.slice(0, 3).map((rows) => {
    const worst = [...rows].sort((x, y) => (x.share.mean ?? 0) - (y.share.mean ?? 0))[0]!;
    const w = worst.worstHour;
    const hour = w === null ? "" : `, worst ${w.from}–${String(Number(w.from.slice(0, 2)) + 1).padStart(2, "0")}:00`;
    const how =
      worst.target >= 1
        ? `somebody over on ${worst.daysWithAnyOver ?? "some"} of ${worst.share.n} days`
        : `${rows.length > 1 ? "down to " : ""}${formatPercent(worst.share.mean, false, 1)} against ${formatPercent(worst.target, false, 0)}`;
    return `“${worst.title}” under ${list(rows.map((r) => name(r.policy)))} (${how}${hour})`;
  });
  const more = byPledge.length > 3 ? `; and ${byPledge.length - 3} more` : "";
  const ok = lines.filter((l) => l.failing.length === 0).map((l) => name(l.policy));
  const rest = ok.length === 0 ? "" : `; ${list(ok)} ${ok.length === 1 ? "meets" : "meet"} every pledge at least on average`;
  return `Pledges fail: ${parts.join("; ")}${more}${rest}.`;
}

/**
 * The verdict: two or three sentences from the numbers: which policy gives the shortest crossing, by how
 * much against the baseline (or its closest rival) and on which control, at what officer-hours
 * difference, and where the pledges fail. The rest is in `verdictDetail`. `code` wraps a policy id
 * (backticks in Markdown).
 */
export function verdict(report: Report, point: PointReport, code: (id: string) => string = (id) => `\`${id}\``): string[] {
  const name = (id: string) => quoted(id, code);
  const policies = report.experiment.policies;
  const pledge = pledgeSentence(report, point, name);
  const cleared = policies.filter((id) => point.policies[id] !== undefined && !noneCleared(point.policies[id]));
  const winner = [...cleared].sort((a, b) => (point.policies[a]!.summary.meanCrossing.mean ?? Infinity) - (point.policies[b]!.summary.meanCrossing.mean ?? Infinity))[0];
  const cmp = winner === undefined ? undefined : verdictComparison(report, point, winner);
  if (winner === undefined || cmp === undefined) {
    // One policy, or nobody cleared on one side of every comparison: the detail's first sentence says it.
    const detail = verdictDetail(report, point, code);
    return [...detail.slice(0, 1), ...(pledge === undefined ? [] : [pledge])];
  }
  const rival = cmp.treatment === winner ? cmp.baseline : cmp.treatment;
  const w = point.policies[winner]!;
  const r = point.policies[rival]!;
  const winnerIsTreatment = cmp.treatment === winner;
  const d = oriented(cmp.metrics.meanCrossing, winnerIsTreatment);
  const least = (p: typeof w) => (p.lowerBound ? "at least " : "");
  const times = `${least(w)}${formatDuration(w.summary.meanCrossing.mean)} door to door against ${least(r)}${formatDuration(r.summary.meanCrossing.mean)} under ${name(rival)}`;
  const others = cleared.length > 2 ? ` of the ${cleared.length} policies` : "";
  let first: string;
  if (d.mean === 0 && d.halfWidth === 0) {
    first = `${name(winner)} and ${name(rival)} give the same crossing time on every simulated day (${formatDuration(w.summary.meanCrossing.mean)} door to door)`;
  } else if (!d.significant || d.mean === null) {
    first = `No policy is clearly faster: ${name(winner)} has the shortest mean crossing${others}, ${times}, but the paired difference ${differenceText("meanCrossing", d)} does not exclude 0`;
  } else {
    const rivalMean = r.summary.meanCrossing.mean;
    const share = rivalMean === null || rivalMean === 0 ? "" : ` (${formatPercent(Math.abs(d.mean) / rivalMean, false, 0)})`;
    first =
      `${name(winner)} gives the shortest crossing${others}: ${times}, ${formatDuration(Math.abs(d.mean), false)}${share} less ` +
      `(95% CI of the paired difference ${formatDifference("meanCrossing", d.lower)} to ${formatDifference("meanCrossing", d.upper)})`;
  }
  // On which control: the largest clear paired change per traveller, in the winner's favour or not.
  const controls = Object.entries(cmp.controls).filter(([, x]) => x.significant && x.mean !== null);
  controls.sort((x, y) => Math.abs(y[1].mean!) - Math.abs(x[1].mean!) || (x[0] < y[0] ? -1 : 1));
  if (controls.length > 0) {
    const [cid, x0] = controls[0]!;
    const x = oriented(x0, winnerIsTreatment);
    const title = w.controls[cid]?.title ?? r.controls[cid]?.title ?? cid;
    first += `; the largest change is at ${title} (${formatDuration(Math.abs(x.mean!), false)} per traveller ${x.mean! < 0 ? "less" : "more"})`;
  } else if (d.significant) {
    first += `; no single control shows a clear change`;
  }
  const oh = oriented(cmp.metrics.officerHours, winnerIsTreatment);
  const whoOh = `${name(winner)} is staffed with ${formatNumber(w.summary.officerHours.mean, 0)} officer-hours a day`;
  const second =
    oh.mean === null || Math.abs(oh.mean) < 0.05
      ? `Both are staffed with the same ${formatNumber(w.summary.officerHours.mean, 0)} officer-hours a day.`
      : `${whoOh} against ${formatNumber(r.summary.officerHours.mean, 0)} under ${name(rival)}: ${formatNumber(Math.abs(oh.mean), 0)} officer-hours ${oh.mean < 0 ? "fewer" : "more"}.`;
  return [`${first}.`, second, ...(pledge === undefined ? [] : [pledge])];
}

/**
 * The verdict in detail, every comparison in turn: which of the two is faster on crossing time and by
 * how much, where the change is (the control with the largest paired change) and at what officer-hours,
 * who gains most, and where pledges fail. Shown below the short verdict (collapsed in HTML).
 */
export function verdictDetail(report: Report, point: PointReport, code: (id: string) => string = (id) => `\`${id}\``): string[] {
  const policies = report.experiment.policies;
  const out: string[] = [];
  const name = (id: string) => quoted(id, code);
  if (point.comparisons.length === 0) {
    const id = policies[0]!;
    const p = point.policies[id]!;
    if (noneCleared(p)) {
      out.push(`No traveller was cleared under ${name(id)} on any simulated day (${p.totals.arrived === 0 ? "nobody arrived" : `${formatNumber(p.totals.arrived / Math.max(1, report.experiment.replications), 0)} arrived a day`}), so there is no crossing or queueing time to report.`);
    } else out.push(
      `Under ${name(id)} the mean crossing takes ${differenceFree("meanCrossing", p.summary.meanCrossing)}, of which ${differenceFree("meanWait", p.summary.meanWait)} is queueing, ` +
        `at ${formatNumber(p.summary.officerHours.mean, 0)} officer-hours a day.`,
    );
  }
  for (const cmp of point.comparisons) {
    const d = cmp.metrics.meanCrossing;
    const w = cmp.metrics.meanWait;
    const t = point.policies[cmp.treatment]!;
    const b = point.policies[cmp.baseline]!;
    if (noneCleared(t) || noneCleared(b)) {
      const none = [cmp.treatment, cmp.baseline].filter((id) => noneCleared(point.policies[id]));
      const arrived = (id: string) => formatNumber((point.policies[id]?.totals.arrived ?? 0) / Math.max(1, report.experiment.replications), 0);
      out.push(
        `No traveller was cleared under ${none.map(name).join(" or ")} on any simulated day (${none.every((id) => (point.policies[id]?.totals.arrived ?? 0) === 0) ? "nobody arrived" : none.map((id) => `${name(id)}: ${arrived(id)} arrived a day`).join(", ")}), ` +
          `so the crossing times of ${name(cmp.treatment)} and ${name(cmp.baseline)} cannot be compared.`,
      );
    } else if (d.mean === 0 && d.halfWidth === 0) {
      out.push(`${name(cmp.treatment)} and ${name(cmp.baseline)} give the same crossing time on every simulated day (mean ${formatDuration(b.summary.meanCrossing.mean)}).`);
    } else if (!d.significant || d.mean === null) {
      out.push(
        `${name(cmp.treatment)} and ${name(cmp.baseline)} give no clear difference in crossing time (${differenceText("meanCrossing", d)}; mean ${formatDuration(t.summary.meanCrossing.mean)} against ${formatDuration(b.summary.meanCrossing.mean)}).`,
      );
    } else {
      const [winner, loser] = d.mean < 0 ? [cmp.treatment, cmp.baseline] : [cmp.baseline, cmp.treatment];
      const wp = point.policies[winner]!;
      const lp = point.policies[loser]!;
      const loserMean = lp.summary.meanCrossing.mean;
      const share = loserMean === null || loserMean === 0 ? "" : ` or ${formatPercent(Math.abs(d.mean) / loserMean, false, 0)}`;
      const least = (lower: boolean) => (lower ? "at least " : "");
      out.push(
        `${name(winner)} is faster than ${name(loser)}: the mean crossing takes ${least(wp.lowerBound)}${formatDuration(wp.summary.meanCrossing.mean)} against ${least(lp.lowerBound)}${formatDuration(loserMean)} ` +
          `(${formatDuration(Math.abs(d.mean), false)}${share} less; 95% CI of the paired difference ${formatDifference("meanCrossing", d.lower)} to ${formatDifference("meanCrossing", d.upper)}), ` +
          `and the mean time queueing is ${formatDuration(wp.summary.meanWait.mean)} against ${least(lp.lowerBound)}${formatDuration(lp.summary.meanWait.mean)}${w.significant ? "" : " (not a clear difference)"}.`,
      );
    }
    // Where: the control with the largest clear paired change per traveller; and the officer-hours.
    const controls = Object.entries(cmp.controls).filter(([, x]) => x.significant && x.mean !== null);
    controls.sort((x, y) => Math.abs(y[1].mean!) - Math.abs(x[1].mean!) || (x[0] < y[0] ? -1 : 1));
    const oh = cmp.metrics.officerHours;
    const ohText =
      oh.mean === null || Math.abs(oh.mean) < 0.05
        ? `at the same ${formatNumber(b.summary.officerHours.mean, 0)} officer-hours a day`
        : `at ${formatNumber(t.summary.officerHours.mean, 0)} officer-hours a day under ${name(cmp.treatment)} against ${formatNumber(b.summary.officerHours.mean, 0)} (${formatNumber(oh.mean, 0, true)})`;
    if (noneCleared(t) || noneCleared(b)) {
      out.push(`Staffing is ${ohText.replace(/^at /, "")}.`);
    } else if (controls.length > 0) {
      const [cid, x] = controls[0]!;
      const title = t.controls[cid]?.title ?? b.controls[cid]?.title ?? cid;
      out.push(
        `The largest change is at ${title}: ${formatDuration(Math.abs(x.mean!), false)} per traveller ${x.mean! < 0 ? "less" : "more"} under ${name(cmp.treatment)} ` +
          `(95% CI ${formatDifference("meanWait", x.lower)} to ${formatDifference("meanWait", x.upper)}), ${ohText}.`,
      );
    } else {
      out.push(`No control shows a clear change in time per traveller, ${ohText}.`);
    }
    // Who gains most: the segment (whitelist standing × goods) with the largest clear saving per crossing.
    const segments = Object.entries(cmp.segments);
    const gains = segments.filter(([, x]) => x.crossing.significant && x.crossing.mean !== null && x.crossing.mean < 0);
    gains.sort((x, y) => x[1].crossing.mean! - y[1].crossing.mean! || (x[0] < y[0] ? -1 : 1));
    if (segments.length > 1 && gains.length > 0) {
      const [k, x] = gains[0]!;
      const perDay = b.segments[k]?.arrivedPerDay ?? 0;
      out.push(
        `Who gains most under ${name(cmp.treatment)}: ${segmentLabel(k)} (${formatNumber(perDay, 0)} trips a day), ${formatDuration(-x.crossing.mean!, false)} less per crossing ` +
          `(95% CI ${formatDifference("meanCrossing", x.crossing.lower)} to ${formatDifference("meanCrossing", x.crossing.upper)}).`,
      );
    }
  }
  const pledges = pledgeLines(report, point).filter((l) => l.total > 0);
  if (pledges.length > 0) {
    const failing = pledges.filter((l) => l.failing.length > 0);
    if (failing.length === 0) {
      out.push(`Every service pledge that applies is met on average or better under every policy.`);
    } else {
      out.push(
        failing.map((l) => `Under ${name(l.policy)} ${l.failing.length === 1 ? "a pledge fails" : `${l.failing.length} pledges fail`}: ${l.failing.map(pledgeFailureText).join("; ")}.`).join(" ") +
          pledges.filter((l) => l.failing.length === 0).map((l) => ` ${name(l.policy)} meets ${l.met === l.total ? "every one" : `${l.met} of ${l.total} with 95% confidence and the rest on average`}.`).join(""),
      );
    }
  }
  return out;
}

function differenceFree(metric: string, ci: Interval): string {
  return `${formatValue(metric, ci.mean)}${ci.lower === null || ci.upper === null ? "" : ` (95% CI ${formatValue(metric, ci.lower)} to ${formatValue(metric, ci.upper)})`}`;
}
