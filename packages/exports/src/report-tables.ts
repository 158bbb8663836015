import { REPLICATION_COLUMNS, type Report, type ReplicationColumn } from "@hetao/experiment";
import type { Cell, ColumnDef, ColumnType, Table } from "./table.js";

/** Dictionary of the per-replication value columns (see docs/exports.md). */
export const REPLICATION_COLUMN_DEFS: Record<ReplicationColumn, Omit<ColumnDef, "name">> = {
  meanCrossing: { type: "double", unit: "s", description: "mean door-to-door crossing time (leaving the origin park → reaching the destination park, walks included) of every counted traveller; censored travellers count with the time so far (then a lower bound)" },
  p50Crossing: { type: "double", unit: "s", description: "median crossing time that day (from the day's histogram, 1% relative error)" },
  p95Crossing: { type: "double", unit: "s", description: "95th percentile of crossing time that day (histogram, 1% relative error)" },
  meanClearance: { type: "double", unit: "s", description: "mean clearance time (first control joined → last control left) of every counted traveller; censored ones with the time so far" },
  p50Clearance: { type: "double", unit: "s", description: "median clearance time that day (from the day's histogram, 1% relative error)" },
  p95Clearance: { type: "double", unit: "s", description: "95th percentile of clearance time that day (histogram, 1% relative error)" },
  meanWait: { type: "double", unit: "s", description: "mean total time spent queueing (all checkpoints) per counted traveller" },
  throughput: { type: "int", unit: "travellers/day", description: "travellers cleared that day (counted travellers only, after the warm-up)" },
  peakHourThroughput: { type: "int", unit: "travellers/h", description: "clearances in the busiest clock hour of the day" },
  shareWithin15: { type: "double", unit: "fraction", description: "share of the day's arrivals cleared within 15 minutes (0–1)" },
  shareWithin30: { type: "double", unit: "fraction", description: "share of the day's arrivals cleared within 30 minutes (0–1)" },
  censored: { type: "int", unit: "travellers", description: "counted travellers still inside at the hard stop (day.end): their times are lower bounds" },
  emptiedAt: { type: "double", unit: "s since midnight", description: "when the last counted traveller left the crossing (the hard stop when anyone was censored)" },
  officerHours: { type: "double", unit: "h", description: "open server-hours of officer-operated lanes, reserve officers included while open" },
  gateHours: { type: "double", unit: "h", description: "open server-hours of automated lanes (e-gates, face-scan and walk-through lanes)" },
  arrived: { type: "int", unit: "travellers", description: "travellers counted that day (arrived after the warm-up)" },
  cleared: { type: "int", unit: "travellers", description: "counted travellers who finished the crossing before the hard stop" },
  inSystem: { type: "int", unit: "travellers", description: "counted travellers still inside at the hard stop, from traveller states (arrived = cleared + inSystem; equals censored)" },
  fallbacks: { type: "int", unit: "travellers", description: "travellers sent to a fallback lane or route after service (biometric reject, seamless fallback, secondary check)" },
  diverted: { type: "int", unit: "travellers", description: "travellers who found every option of a step closed, or were diverted out of a closing lane" },
};

export const POINT_COLUMN: ColumnDef = { name: "point", type: "int", unit: "", description: "design point index (0 when there is no sweep)" };
export const POLICY_COLUMN: ColumnDef = { name: "policy", type: "string", unit: "", description: "clearance policy id (e.g. current, seamless)" };

/** The override paths of the report's design points, in order of first appearance. */
function parameterPaths(report: Report): string[] {
  const paths: string[] = [];
  for (const p of report.points) for (const o of p.overrides) if (!paths.includes(o.path)) paths.push(o.path);
  return paths;
}

/** A parameter column's type: double if every value is a number, boolean if every value is one, else string. */
function parameterType(values: readonly unknown[]): ColumnType {
  const present = values.filter((v) => v !== undefined && v !== null);
  if (present.length > 0 && present.every((v) => typeof v === "number")) return "double";
  if (present.length > 0 && present.every((v) => typeof v === "boolean")) return "boolean";
  return "string";
}

function parameterCell(value: unknown, type: ColumnType): Cell {
  if (value === undefined || value === null) return null;
  if (type === "string") return typeof value === "string" ? value : JSON.stringify(value);
  return value as number | boolean;
}

/** One column per swept scenario path (named by the path), and each point's cells. */
function parameterColumns(report: Report): { columns: ColumnDef[]; cellsOf: (point: number) => Cell[] } {
  const paths = parameterPaths(report);
  const valueOf = (point: number, path: string) => report.points.find((p) => p.index === point)?.overrides.find((o) => o.path === path)?.value;
  const types = paths.map((path) => parameterType(report.points.map((p) => valueOf(p.index, path))));
  return {
    columns: paths.map((path, k) => ({
      name: path,
      type: types[k]!,
      unit: "",
      description: `the value of scenario path ${path} at this design point (swept parameter)`,
    })),
    cellsOf: (point) => paths.map((path, k) => parameterCell(valueOf(point, path), types[k]!)),
  };
}

/**
 * replications table: one row per design point × policy × replication (the report's `replications`
 * rows, in that order): point, each swept path, policy, replication, then every summary metric.
 */
export function replicationsTable(report: Report): Table {
  const params = parameterColumns(report);
  const columns: ColumnDef[] = [
    POINT_COLUMN,
    ...params.columns,
    POLICY_COLUMN,
    { name: "replication", type: "int", unit: "", description: "replication index (one simulated operating day; the same index means the same travellers under every policy and at every point)" },
    ...REPLICATION_COLUMNS.map((name) => ({ name, ...REPLICATION_COLUMN_DEFS[name] })),
  ];
  const rows: Cell[][] = report.replications.map((r) => [
    r.point,
    ...params.cellsOf(r.point),
    r.policy,
    r.replication,
    ...REPLICATION_COLUMNS.map((m) => r[m]),
  ]);
  return { columns, rows };
}

/** Prefix of the per-checkpoint queue columns of the hourly table. */
export const QUEUE_COLUMN_PREFIX = "meanQueue_";

function clock(hour: number): string {
  return `${String(hour).padStart(2, "0")}:00`;
}

/**
 * hourly table (wide): one row per design point × policy × hour of day (0–23): means over replications
 * of arrivals and clearances per hour, mean and p95 clearance time by hour of arrival (pooled
 * histograms), and one `meanQueue_<checkpoint>` column per checkpoint (time-average number waiting;
 * empty where the policy has no such checkpoint).
 */
export function hourlyTable(report: Report): Table {
  const params = parameterColumns(report);
  const checkpoints: string[] = [];
  for (const p of report.points) {
    for (const id of report.experiment.policies) {
      for (const c of Object.keys(p.policies[id]?.checkpoints ?? {})) if (!checkpoints.includes(c)) checkpoints.push(c);
    }
  }
  const columns: ColumnDef[] = [
    POINT_COLUMN,
    ...params.columns,
    POLICY_COLUMN,
    { name: "hour", type: "int", unit: "h", description: "hour of day, 0–23 (the row covers [hour:00, hour+1:00))" },
    { name: "hourStart", type: "string", unit: "HH:MM", description: "start of the hour as a clock time" },
    { name: "arrivals", type: "double", unit: "travellers/h", description: "mean over replications of travellers arriving in that hour" },
    { name: "throughput", type: "double", unit: "travellers/h", description: "mean over replications of clearances completed in that hour" },
    { name: "meanClearance", type: "double", unit: "s", description: "mean clearance time of travellers who arrived in that hour (pooled over replications); empty when none" },
    { name: "p95Clearance", type: "double", unit: "s", description: "95th percentile of clearance time by hour of arrival (pooled histogram, 1% relative error); empty when none" },
    ...checkpoints.map((c) => ({
      name: `${QUEUE_COLUMN_PREFIX}${c}`,
      type: "double" as const,
      unit: "travellers",
      description: `time-average number waiting at checkpoint ${c} (all its lanes) in that hour, mean over replications`,
    })),
  ];
  const rows: Cell[][] = [];
  for (const p of report.points) {
    for (const id of report.experiment.policies) {
      const pr = p.policies[id];
      if (pr === undefined) continue;
      const h = pr.hourly;
      const hours = Math.max(24, h.arrivals.length, h.throughput.length, h.meanClearance.length);
      for (let hour = 0; hour < hours; hour++) {
        rows.push([
          p.index,
          ...params.cellsOf(p.index),
          id,
          hour,
          clock(hour),
          h.arrivals[hour] ?? null,
          h.throughput[hour] ?? null,
          h.meanClearance[hour] ?? null,
          h.p95Clearance[hour] ?? null,
          ...checkpoints.map((c) => {
            const cp = pr.checkpoints[c];
            return cp === undefined ? null : (cp.hourlyMeanQueue[hour] ?? null);
          }),
        ]);
      }
    }
  }
  return { columns, rows };
}

/**
 * Who gains (long): one row per design point × segment × policy (the report's `segments`: whitelist
 * standing × carrying declarable goods) with the mean crossing and queueing time per trip and their
 * 95% intervals, then one row per comparison with the paired differences (policy "treatment − baseline").
 */
export function segmentsTable(report: Report): Table {
  const params = parameterColumns(report);
  const num = (name: string, unit: string, description: string): ColumnDef => ({ name, type: "double", unit, description });
  const columns: ColumnDef[] = [
    POINT_COLUMN,
    ...params.columns,
    { name: "segment", type: "string", unit: "", description: "enrolled, institution-only (whitelisted institution, not enrolled) or not-whitelisted; -with-goods when carrying instruments, reagents or biological samples" },
    { name: "policy", type: "string", unit: "", description: "clearance policy id, or \"treatment − baseline\" for a paired difference" },
    num("tripsPerDay", "travellers/day", "counted trips of the segment per simulated day (the same under every policy)"),
    num("meanCrossing", "s", "mean door-to-door crossing time per trip (a difference: treatment − baseline, paired per day)"),
    num("meanCrossingLower", "s", "lower bound of its 95% interval"),
    num("meanCrossingUpper", "s", "upper bound of its 95% interval"),
    num("meanWait", "s", "mean total queueing time per trip (a difference: paired per day)"),
    num("meanWaitLower", "s", "lower bound of its 95% interval"),
    num("meanWaitUpper", "s", "upper bound of its 95% interval"),
  ];
  const rows: Cell[][] = [];
  for (const p of report.points) {
    const first = p.policies[report.experiment.policies[0]!];
    for (const k of Object.keys(first?.segments ?? {})) {
      const perDay = first!.segments[k]!.arrivedPerDay;
      for (const id of report.experiment.policies) {
        const g = p.policies[id]?.segments[k];
        if (g === undefined) continue;
        rows.push([p.index, ...params.cellsOf(p.index), k, id, perDay, g.meanCrossing.mean, g.meanCrossing.lower, g.meanCrossing.upper, g.meanWait.mean, g.meanWait.lower, g.meanWait.upper]);
      }
      for (const c of p.comparisons) {
        const d = c.segments[k];
        if (d === undefined) continue;
        rows.push([p.index, ...params.cellsOf(p.index), k, `${c.treatment} − ${c.baseline}`, perDay, d.crossing.mean, d.crossing.lower, d.crossing.upper, d.wait.mean, d.wait.lower, d.wait.upper]);
      }
    }
  }
  return { columns, rows };
}

/**
 * Which institutions gain (long): one row per design point × comparison × institution with trips, then
 * one per group of institutions (population group × whitelist filing × field), with the paired
 * differences of door-to-door time per trip and per day (the report's `comparisons[].institutions`).
 */
export function institutionsTable(report: Report): Table {
  const params = parameterColumns(report);
  const num = (name: string, unit: string, description: string): ColumnDef => ({ name, type: "double", unit, description });
  const int = (name: string, unit: string, description: string): ColumnDef => ({ name, type: "int", unit, description });
  const columns: ColumnDef[] = [
    POINT_COLUMN,
    ...params.columns,
    { name: "comparison", type: "string", unit: "", description: "treatment − baseline" },
    { name: "level", type: "string", unit: "", description: "institution, or group (population group × whitelist filing × field)" },
    { name: "id", type: "string", unit: "", description: "institution id (population group and size rank, 01 = largest) or group id (group/whitelisted|not-whitelisted/life-science|other)" },
    { name: "group", type: "string", unit: "", description: "population group (e.g. shenzhen-park)" },
    { name: "park", type: "string", unit: "", description: "shenzhen or hongkong" },
    { name: "whitelisted", type: "boolean", unit: "", description: "the institution is whitelisted (備案)" },
    { name: "lifeScience", type: "boolean", unit: "", description: "a life-science institution (its staff carry biological samples more often)" },
    int("institutions", "institutions", "1 for an institution; a group's institutions with trips"),
    int("staff", "people", "staff of the institution (empty for a group)"),
    int("enrolled", "people", "staff on the whitelist (白名單) (empty for a group)"),
    num("tripsPerDay", "travellers/day", "counted trips of the staff per simulated day (the same under both policies)"),
    int("days", "days", "simulated days with a trip (the n of the per-trip difference)"),
    int("censored", "travellers", "trips still inside at the hard stop, under either policy, over all days"),
    num("crossingDiff", "s", "mean door-to-door crossing time per trip, treatment − baseline, paired per day (negative = time saved)"),
    num("crossingDiffLower", "s", "lower bound of its 95% interval"),
    num("crossingDiffUpper", "s", "upper bound of its 95% interval"),
    num("hoursPerDayDiff", "h", "the day's total door-to-door researcher-hours, treatment − baseline, paired per day"),
    num("hoursPerDayDiffLower", "h", "lower bound of its 95% interval"),
    num("hoursPerDayDiffUpper", "h", "upper bound of its 95% interval"),
  ];
  const rows: Cell[][] = [];
  for (const p of report.points) {
    for (const c of p.comparisons) {
      if (c.institutions === null) continue;
      const lead = [p.index, ...params.cellsOf(p.index), `${c.treatment} − ${c.baseline}`];
      for (const x of c.institutions.rows) {
        rows.push([...lead, "institution", x.id, x.group, x.park, x.whitelisted, x.lifeScience, 1, x.staff, x.enrolled, x.tripsPerDay, x.daysWithTrips, x.censored,
          x.crossing.mean, x.crossing.lower, x.crossing.upper, x.hoursPerDay.mean, x.hoursPerDay.lower, x.hoursPerDay.upper]);
      }
      for (const g of c.institutions.groups) {
        rows.push([...lead, "group", g.id, g.group, g.park, g.whitelisted, g.lifeScience, g.withTrips, null, null, g.tripsPerDay, g.crossing.n, g.censored,
          g.crossing.mean, g.crossing.lower, g.crossing.upper, g.hoursPerDay.mean, g.hoursPerDay.lower, g.hoursPerDay.upper]);
      }
    }
  }
  return { columns, rows };
}
