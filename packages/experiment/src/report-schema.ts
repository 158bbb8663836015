import { z } from "zod";
import { SUMMARY_METRICS } from "@hetao/crossing-model";
import { PrecisionRecordSchema } from "./precision.js";

/** A number that is null when undefined or not finite (JSON has no NaN/Infinity). */
const Num = z.number().nullable();
const Count = z.number().int().nonnegative();

/** 95% Student-t interval over replications (one observation per replication). */
export const IntervalSchema = z
  .strictObject({
    /** Observations (replications that had a value). */
    n: Count,
    mean: Num,
    /** Sample standard deviation; null when n < 2. */
    sd: Num,
    halfWidth: Num,
    lower: Num,
    upper: Num,
  })
  .describe("Mean and 95% Student-t interval over replications.");
export type Interval = z.infer<typeof IntervalSchema>;

/** Mean and quantiles of a histogram merged over every replication (seconds). */
export const QuantilesSchema = z
  .strictObject({
    count: Count,
    mean: Num,
    p50: Num,
    p90: Num,
    p95: Num,
    p99: Num,
  })
  .describe("Mean and quantiles of the distribution pooled over replications (seconds).");
export type Quantiles = z.infer<typeof QuantilesSchema>;

export const GroupReportSchema = z.strictObject({
  /** Summed over replications. */
  arrived: Count,
  cleared: Count,
  /** Still inside at the hard stop, summed over replications: their times are lower bounds. */
  censored: Count,
  /** Per-replication mean door-to-door crossing time (seconds). */
  meanCrossing: IntervalSchema,
  /** Per-replication within15 / arrived. */
  shareWithin15: IntervalSchema,
  shareWithin30: IntervalSchema,
  /** Per-replication mean clearance time (seconds). */
  meanClearance: IntervalSchema,
  /** p95 of the merged clearance histogram (seconds). */
  p95Clearance: Num,
});
export type GroupReport = z.infer<typeof GroupReportSchema>;

export const CheckpointReportSchema = z.strictObject({
  /** Services started, summed over replications. */
  visits: Count,
  /** Mean and p95 of the merged wait histogram, per service start (seconds). */
  meanWait: Num,
  p95Wait: Num,
  /** Time at the control per traveller (queue + service at the checkpoint's lanes): per-replication mean, and p95 of the merged histogram. */
  meanTime: IntervalSchema,
  p95Time: Num,
  /** Largest total queue (all the checkpoint's lanes) in any replication. */
  maxQueue: Count,
  /** Time-average total queue per hour of day, mean over replications. */
  hourlyMeanQueue: z.array(Num),
  /** Largest total queue per hour of day, mean over replications. */
  hourlyMaxQueue: z.array(Num),
  /** Hours of day (0-23) in which the total queue grows through the hour (end − start, lower 95% bound > 0): capacity-bound hours. */
  capacityBoundHours: z.array(z.number().int().min(0).max(23)),
});
export type CheckpointReport = z.infer<typeof CheckpointReportSchema>;

export const LaneReportSchema = z.strictObject({
  checkpoint: z.string(),
  /** Summed over replications. */
  served: Count,
  /** Busy over open server-time, per replication. */
  utilisation: IntervalSchema,
  /** Highest hourly utilisation of the day, per replication, and the hour it falls in most often. */
  peakUtilisation: IntervalSchema,
  peakHour: z.number().int().min(-1),
  /** Open server-hours per day: officer-hours, or gate-hours for automated lanes. */
  staffedHours: IntervalSchema,
  automated: z.boolean(),
  /** Diverted out of the line when the lane closed, summed over replications. */
  diverted: Count,
  /** Largest queue seen in any replication. */
  maxQueue: Count,
});
export type LaneReport = z.infer<typeof LaneReportSchema>;

export const HourlyReportSchema = z.strictObject({
  /** Mean counted arrivals per hour of arrival. */
  arrivals: z.array(Num),
  /** Mean clearances completed per hour of completion. */
  throughput: z.array(Num),
  /** Mean and p95 clearance time (seconds) by hour of arrival, from merged histograms; null where empty. */
  meanClearance: z.array(Num),
  p95Clearance: z.array(Num),
  /** Per-replication mean clearance time (seconds) by hour of arrival, as an interval over the replications with arrivals that hour (reports). */
  meanClearanceInterval: z.array(IntervalSchema).optional(),
});
export type HourlyReport = z.infer<typeof HourlyReportSchema>;

const summaryShape = Object.fromEntries(SUMMARY_METRICS.map((m) => [m, IntervalSchema])) as Record<
  (typeof SUMMARY_METRICS)[number],
  typeof IntervalSchema
>;
export const SummaryReportSchema = z.strictObject(summaryShape);
export type SummaryReport = z.infer<typeof SummaryReportSchema>;

/** A named control (e.g. Hong Kong immigration): time at it per traveller. */
export const ControlReportSchema = z.strictObject({
  title: z.string().nullable(),
  checkpoints: z.array(z.string()),
  /** Travellers who reached the control and of them censored, summed over replications. */
  travellers: Count,
  censored: Count,
  /** Per-replication mean time at the control (queue + service) and queue there, over those who reached it (seconds). */
  meanTime: IntervalSchema,
  /** Per-replication time at the control per counted traveller, 0 for those who passed without stopping (seconds): what policies are compared on. */
  timePerTraveller: IntervalSchema,
  meanQueue: IntervalSchema,
  /** Quantiles of the merged time-at-control histogram (seconds). */
  time: QuantilesSchema,
});
export type ControlReport = z.infer<typeof ControlReportSchema>;

/** Reserve officers (dynamic staffing). */
export const ReserveReportSchema = z.strictObject({
  officerHours: IntervalSchema,
  openings: IntervalSchema,
  maxOpen: Count,
  /** Time-weighted mean servers open at the reserve's lanes over their open hours, per replication. */
  meanOpenServers: IntervalSchema,
  /** Per-replication share of the travellers served at the reserve's lanes who waited longer than the open threshold. */
  shareOverThreshold: IntervalSchema,
});
export type ReserveReport = z.infer<typeof ReserveReportSchema>;

export const PolicyReportSchema = z.strictObject({
  id: z.string(),
  title: z.string().nullable(),
  /** Every DaySummary metric as an interval over replications. */
  summary: SummaryReportSchema,
  /** Summed over replications. */
  totals: z.strictObject({ arrived: Count, cleared: Count, inSystem: Count, censored: Count, fallbacks: Count, diverted: Count }),
  /** Someone was still inside at the hard stop on some day: every time figure is a lower bound ("at least"). */
  lowerBound: z.boolean(),
  crossing: QuantilesSchema,
  clearance: QuantilesSchema,
  wait: QuantilesSchema,
  byClass: z.record(z.string(), GroupReportSchema),
  byDirection: z.record(z.string(), GroupReportSchema),
  /**
   * Who gains: counted travellers by segment (whitelist standing × carrying declarable goods; the
   * model's SEGMENTS, those with any traveller): trips per day, and the mean door-to-door crossing and
   * queueing time per trip with intervals over replications.
   */
  segments: z.record(z.string(), z.strictObject({ arrivedPerDay: z.number().nonnegative(), censored: Count, meanCrossing: IntervalSchema, meanWait: IntervalSchema })),
  checkpoints: z.record(z.string(), CheckpointReportSchema),
  controls: z.record(z.string(), ControlReportSchema),
  lanes: z.record(z.string(), LaneReportSchema),
  reserves: z.record(z.string(), ReserveReportSchema),
  /** Each shuttle bus: its dwell at the crossing (waiting for its last passenger) over replications; `censoredDays`: days a passenger was still inside at the hard stop. */
  shuttles: z.array(z.strictObject({ time: z.string(), direction: z.string(), passengers: Count, dwell: IntervalSchema, censoredDays: Count })),
  hourly: HourlyReportSchema,
  /**
   * Cumulative distribution of clearance time pooled over replications, at histogram resolution, on a
   * grid shared by the point's policies: share of counted travellers cleared within `seconds` (reports).
   */
  clearanceCdf: z.array(z.strictObject({ seconds: z.number().nonnegative(), share: z.number().min(0).max(1) })).optional(),
});
export type PolicyReport = z.infer<typeof PolicyReportSchema>;

/** The metrics compared between policies (paired differences over replications). */
export const COMPARED_METRICS = [
  "meanCrossing",
  "p95Crossing",
  "meanClearance",
  "p95Clearance",
  "meanWait",
  "peakHourThroughput",
  "throughput",
  "shareWithin15",
  "shareWithin30",
  "officerHours",
] as const;
export type ComparedMetric = (typeof COMPARED_METRICS)[number];

export const DifferenceSchema = z.strictObject({
  n: Count,
  /** Mean of treatment − baseline over replications, with its 95% interval. */
  mean: Num,
  sd: Num,
  halfWidth: Num,
  lower: Num,
  upper: Num,
  baselineMean: Num,
  treatmentMean: Num,
  /** mean / baselineMean and the interval bounds divided by it; null when the baseline mean is 0. */
  relativeChange: Num,
  relativeLower: Num,
  relativeUpper: Num,
  /** The 95% interval excludes 0. */
  significant: z.boolean(),
});
export type Difference = z.infer<typeof DifferenceSchema>;

const comparisonShape = Object.fromEntries(COMPARED_METRICS.map((m) => [m, DifferenceSchema])) as Record<ComparedMetric, typeof DifferenceSchema>;

/**
 * Which institutions gain: one institution of the zone's synthetic population (staff trips only; shuttle
 * passengers are anonymous). `id` is its population group and size rank (`shenzhen-park-01` is that
 * park's largest); its whitelist filing (備案) and field are drawn per experiment seed.
 */
export const InstitutionGainSchema = z.strictObject({
  id: z.string(),
  group: z.string(),
  park: z.enum(["shenzhen", "hongkong"]),
  staff: Count,
  /** Staff on the whitelist (白名單): filed institution, eligible class, enrolled. */
  enrolled: Count,
  whitelisted: z.boolean(),
  lifeScience: z.boolean(),
  /** Counted trips of its staff per simulated day (the same under both policies). */
  tripsPerDay: z.number().nonnegative(),
  /** Simulated days with at least one of its trips (the `n` of `crossing`). */
  daysWithTrips: Count,
  /** Its trips still inside at the hard stop, under either policy, over all days (times are then lower bounds). */
  censored: Count,
  /** Paired difference (treatment − baseline) of the mean door-to-door crossing time per trip, over days with trips; negative = time saved. */
  crossing: DifferenceSchema,
  /** Paired difference of the day's total door-to-door hours of its trips, over all days; negative = hours saved. */
  hoursPerDay: DifferenceSchema,
});
export type InstitutionGain = z.infer<typeof InstitutionGainSchema>;

/** The same for a group of institutions: population group × whitelist filing × field (life science or other). */
export const InstitutionGroupGainSchema = z.strictObject({
  id: z.string(),
  group: z.string(),
  park: z.enum(["shenzhen", "hongkong"]),
  whitelisted: z.boolean(),
  lifeScience: z.boolean(),
  /** Institutions in the group, and those of them with trips on some day. */
  institutions: Count,
  withTrips: Count,
  tripsPerDay: z.number().nonnegative(),
  censored: Count,
  crossing: DifferenceSchema,
  hoursPerDay: DifferenceSchema,
});
export type InstitutionGroupGain = z.infer<typeof InstitutionGroupGainSchema>;

export const InstitutionGainsSchema = z.strictObject({
  /** Institutions with trips on some day, in population order. */
  rows: z.array(InstitutionGainSchema),
  /** Groups with at least one institution, in population order (group, then filed before not, then life science before other). */
  groups: z.array(InstitutionGroupGainSchema),
  /** Ids of institutions with no counted trip on any simulated day: they have no row. */
  withoutTrips: z.array(z.string()),
});
export type InstitutionGains = z.infer<typeof InstitutionGainsSchema>;

export const ComparisonSchema = z.strictObject({
  treatment: z.string(),
  baseline: z.string(),
  metrics: z.strictObject(comparisonShape),
  /** Per named control: the paired difference of the per-replication time at the control per counted traveller (0 for those who pass without stopping). */
  controls: z.record(z.string(), DifferenceSchema),
  /** Per shuttle bus (time order): the paired difference of its dwell at the crossing. */
  shuttles: z.array(z.strictObject({ time: z.string(), direction: z.string(), dwell: DifferenceSchema })),
  /** Per segment (as PolicyReport.segments): the paired difference of the mean crossing and queueing time per trip (the same people under both policies). */
  segments: z.record(z.string(), z.strictObject({ crossing: DifferenceSchema, wait: DifferenceSchema })),
  /** Which institutions gain (see InstitutionGainsSchema); null when the scenario has no population of institutions. */
  institutions: InstitutionGainsSchema.nullable(),
});
export type Comparison = z.infer<typeof ComparisonSchema>;

export const COMPLIANCE_STATUSES = ["met", "met-on-average", "not-met", "not-applicable"] as const;
export type ComplianceStatus = (typeof COMPLIANCE_STATUSES)[number];

/** One service pledge checked for one policy (see compliance.ts for the rules). */
export const ComplianceRowSchema = z.strictObject({
  pledge: z.string(),
  policy: z.string(),
  title: z.string(),
  authority: z.string().nullable(),
  /** The control it is measured on, and that control's checkpoints. */
  control: z.string(),
  checkpoints: z.array(z.string()),
  /** "time-at-control": queue + service at the control; "queue": queueing at the control. */
  measure: z.enum(["time-at-control", "queue"]),
  thresholdSeconds: z.number().positive(),
  /** Share that must be within the threshold. */
  target: z.number().min(0).max(1),
  /** The travellers it is measured on: classes (every class when it covers all) and directions. */
  classes: z.array(z.string()),
  directions: z.array(z.string()),
  /** met: lower 95% bound ≥ target (a 100% target: nobody over on any day); met-on-average: mean ≥ target > lower bound; not-met. */
  status: z.enum(COMPLIANCE_STATUSES),
  /** Per-replication share within the threshold (within / covered travellers who reached the control). */
  share: IntervalSchema,
  /** Per-replication count of covered travellers over the threshold (censored ones included). */
  overPerDay: IntervalSchema,
  /** Simulated days on which at least one covered traveller was over the threshold (out of share.n; reports). */
  daysWithAnyOver: Count.optional(),
  /** Covered travellers and of them censored, summed over replications. */
  covered: Count,
  censored: Count,
  /** share.mean − target. */
  margin: Num,
  /**
   * The hour of day (by when travellers reached the control) with the lowest share within the limit,
   * pooled over replications, among hours with at least 1% of the covered travellers: where and when a
   * pledge is closest to failing. Null when no hour qualifies.
   */
  worstHour: z.strictObject({ from: z.string(), share: z.number().min(0).max(1), covered: Count }).nullable(),
  note: z.string(),
});
export type ComplianceRow = z.infer<typeof ComplianceRowSchema>;

/** Researcher-hours saved by a compared policy (see economics.ts). */
export const EconomicsReportSchema = z.strictObject({
  treatment: z.string(),
  baseline: z.string(),
  workingDaysPerYear: z.number().positive(),
  valueOfTimePerHour: Num,
  currency: z.string().nullable(),
  /** Mean counted travellers per day (baseline). */
  travellersPerDay: Num,
  /** Mean of (treatment − baseline) travellers cleared per day; 0 when both clear everyone. */
  clearedDifferencePerDay: Num,
  /** Paired interval of (Σ baseline clearance − Σ treatment clearance) / 3600 per day. */
  hoursSavedPerDay: IntervalSchema,
  hoursSavedPerYear: IntervalSchema,
  valueSavedPerDay: IntervalSchema.nullable(),
  valueSavedPerYear: IntervalSchema.nullable(),
});
export type EconomicsReport = z.infer<typeof EconomicsReportSchema>;

export const PointReportSchema = z.strictObject({
  index: Count,
  overrides: z.array(z.strictObject({ path: z.string(), value: z.unknown() })),
  policies: z.record(z.string(), PolicyReportSchema),
  comparisons: z.array(ComparisonSchema),
  /** Service pledges × policies (reports). */
  compliance: z.array(ComplianceRowSchema).optional(),
  /** One per comparison, in the same order (reports). */
  economics: z.array(EconomicsReportSchema).optional(),
});
export type PointReport = z.infer<typeof PointReportSchema>;

/** Day totals carried next to the DaySummary metrics in the per-replication table. */
export const REPLICATION_COUNTS = ["arrived", "cleared", "inSystem", "fallbacks", "diverted"] as const;
/** The value columns of {@link ReplicationRowSchema}, in order: every DaySummary metric, then the day totals. */
export const REPLICATION_COLUMNS = [...SUMMARY_METRICS, ...REPLICATION_COUNTS] as const;
export type ReplicationColumn = (typeof REPLICATION_COLUMNS)[number];

const replicationValueShape = Object.fromEntries(REPLICATION_COLUMNS.map((m) => [m, Num])) as Record<ReplicationColumn, typeof Num>;

/**
 * One simulated day of one policy at one design point: the replication's own summary measures (the
 * observations behind every interval) and its totals. Exports (CSV/Parquet) derive from these rows.
 */
export const ReplicationRowSchema = z.strictObject({
  point: Count,
  policy: z.string(),
  replication: Count,
  ...replicationValueShape,
});
export type ReplicationRow = z.infer<typeof ReplicationRowSchema>;

/** A sweep (grid of design points): each metric against the varied parameters, for charts and exports. */
export const SweepReportSchema = z.strictObject({
  /** The varied scenario paths and their values, in grid order (the first varies slowest). */
  parameters: z.array(z.strictObject({ path: z.string(), values: z.array(z.unknown()) })),
  /** The design points in report order, with each parameter's value (aligned with `parameters`). */
  points: z.array(z.strictObject({ index: Count, values: z.array(z.unknown()) })),
  /** series[policy][metric][i]: the interval of that DaySummary metric at points[i]. */
  series: z.record(z.string(), z.record(z.string(), z.array(IntervalSchema))),
  /** Per comparison (experiment.compare order): metrics[metric][i], the paired difference treatment − baseline at points[i]. */
  differences: z.array(
    z.strictObject({
      treatment: z.string(),
      baseline: z.string(),
      metrics: z.record(z.string(), z.array(DifferenceSchema)),
    }),
  ),
});
export type SweepReport = z.infer<typeof SweepReportSchema>;

/**
 * The experiment report: a pure function of (spec, results) plus the scenario digest and the tool
 * version — no timestamps, hosts, durations, paths or thread counts — so it is byte-identical across
 * runs, worker counts and transports. Times are seconds; shares are fractions in [0, 1].
 */
export const ReportSchema = z.strictObject({
  schemaVersion: z.literal(1),
  tool: z.strictObject({ name: z.literal("hetao-sim"), version: z.string() }),
  scenario: z.strictObject({ name: z.string(), title: z.string().nullable(), digest: z.string() }),
  experiment: z.strictObject({
    id: z.string(),
    replications: Count,
    seed: Count,
    policies: z.array(z.string()),
    baseline: z.string(),
    compare: z.array(z.tuple([z.string(), z.string()])),
    warmupMinutes: z.number().nonnegative(),
    commonRandomNumbers: z.literal(true),
    confidenceLevel: z.literal(0.95),
    /** Relative accuracy of every histogram quantile (e.g. 0.01 = 1%); null when there were no histograms. */
    histogramRelativeAccuracy: Num,
    /** Present when the replications were chosen by `run --precision` (see precision.ts): the targets, rounds and outcome. */
    precision: PrecisionRecordSchema.optional(),
  }),
  /** Sorted by design point index. */
  points: z.array(PointReportSchema),
  /** Per-replication summaries, sorted by (point, policy in experiment order, replication). */
  replications: z.array(ReplicationRowSchema),
  /** Present when the design points form a sweep grid (every point overrides the same paths). */
  sweep: SweepReportSchema.optional(),
});
export type Report = z.infer<typeof ReportSchema>;
