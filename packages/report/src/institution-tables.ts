/**
 * Which institutions gain most: the report's per-institution paired differences as plain-text tables,
 * shared by the Markdown and HTML reports. Groups (park × whitelist filing × field) first, every
 * comparison a column; then, per comparison, the institutions that save the most researcher-hours a day.
 */
import type { Comparison, Difference, InstitutionGain, InstitutionGroupGain, PointReport } from "@hetao/experiment";
import { NA, formatDuration, formatNumber } from "./format.js";
import type { TextTable } from "./tables.js";

/** Rows of each comparison's top table. */
export const TOP_INSTITUTIONS = 10;

type WithInstitutions = Comparison & { institutions: NonNullable<Comparison["institutions"]> };

function compared(point: PointReport): WithInstitutions[] {
  return point.comparisons.filter((c): c is WithInstitutions => c.institutions !== null);
}

const park = (p: "shenzhen" | "hongkong") => (p === "shenzhen" ? "Shenzhen park" : "Hong Kong park");
const filed = (w: boolean) => (w ? "whitelisted (備案)" : "not whitelisted");
const field = (l: boolean) => (l ? "life science" : "other fields");

function perTrip(d: Difference): string {
  if (d.mean === null) return NA;
  const ci = d.lower === null || d.upper === null ? "" : ` [${formatDuration(d.lower, true)}, ${formatDuration(d.upper, true)}]`;
  return `${formatDuration(d.mean, true)}${ci}${d.significant ? " *" : ""}`;
}

function hours(d: Difference): string {
  if (d.mean === null) return NA;
  const ci = d.lower === null || d.upper === null ? "" : ` [${formatNumber(d.lower, 2, true)}, ${formatNumber(d.upper, 2, true)}]`;
  return `${formatNumber(d.mean, 2, true)} h${ci}`;
}

const atLeast = (censored: number) => (censored > 0 ? "≥ " : "");

/** By group of institutions (population group × filing × field), each comparison's saving per trip and per day. */
export function institutionGroupTable(point: PointReport): TextTable {
  const cmps = compared(point);
  if (cmps.length === 0) return { header: [], rows: [] };
  const groups: InstitutionGroupGain[] = cmps[0]!.institutions.groups;
  const header = ["institutions", "count (with trips)", "trips a day", ...cmps.map((c) => `${c.treatment} − ${c.baseline}: per trip [95% CI]; per day`)];
  const rows = groups.map((g) => [
    `${park(g.park)}, ${filed(g.whitelisted)}, ${field(g.lifeScience)}`,
    `${g.institutions} (${g.withTrips})`,
    formatNumber(g.tripsPerDay, 1),
    ...cmps.map((c) => {
      const x = c.institutions.groups.find((y) => y.id === g.id);
      return x === undefined ? NA : `${atLeast(x.censored)}${perTrip(x.crossing)}; ${hours(x.hoursPerDay)}`;
    }),
  ]);
  return {
    header,
    rows,
    caption:
      "Which institutions gain: door-to-door crossing time of their staff's trips, treatment − baseline (negative = time saved), by park, whitelist filing (備案, the institution's) and field. " +
      "Per trip: paired per simulated day over the days with trips; per day: the day's total researcher-hours. Mean [95% CI] over days (* = the per-trip interval excludes 0); ≥: a trip was still inside at the hard stop. " +
      "Shuttle passengers are anonymous and not counted here.",
  };
}

/** Per comparison, the institutions saving the most researcher-hours a day (ties by id), with their saving per trip. */
export function institutionTopTables(point: PointReport, top = TOP_INSTITUTIONS): { title: string; table: TextTable }[] {
  return compared(point).map((c) => {
    const { rows, withoutTrips } = c.institutions;
    const ranked: InstitutionGain[] = [...rows].sort((a, b) => (a.hoursPerDay.mean ?? 0) - (b.hoursPerDay.mean ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const shown = ranked.slice(0, top);
    const none =
      withoutTrips.length === 0
        ? "Every institution had trips."
        : `${withoutTrips.length} institution${withoutTrips.length === 1 ? "" : "s"} had no trip on any simulated day and ${withoutTrips.length === 1 ? "has" : "have"} no row: ${withoutTrips.length <= 12 ? withoutTrips.join(", ") : `${withoutTrips.slice(0, 12).join(", ")}, …`}.`;
    return {
      title: `${c.treatment} − ${c.baseline}`,
      table: {
        header: ["institution", "park", "whitelist", "field", "staff (enrolled)", "trips a day", "per trip [95% CI]", "researcher-hours a day [95% CI]"],
        rows: shown.map((x) => [
          x.id,
          park(x.park),
          filed(x.whitelisted),
          field(x.lifeScience),
          `${x.staff} (${x.enrolled})`,
          formatNumber(x.tripsPerDay, 1),
          `${atLeast(x.censored)}${perTrip(x.crossing)}`,
          hours(x.hoursPerDay),
        ]),
        caption:
          `The ${shown.length} of ${rows.length} institutions with trips that save the most researcher-hours a day under ${c.treatment} against ${c.baseline} (negative = time saved; every institution is in report.json and institutions.csv). ` +
          `Ids name the park's population group and the size rank (01 = largest). ${none}`,
      },
    };
  });
}
