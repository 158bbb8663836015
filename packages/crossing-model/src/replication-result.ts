import { z } from "zod";

/** Serialized {@link LogHistogram} (see @hetao/stats): integer bucket counts, trimmed. */
export const HistogramStateSchema = z
  .object({
    relativeAccuracy: z.number().positive(),
    minTrackable: z.number().positive(),
    maxTrackable: z.number().positive(),
    count: z.number().int().nonnegative(),
    sum: z.number().nonnegative(),
    min: z.number().nullable(),
    max: z.number().nullable(),
    zeroCount: z.number().int().nonnegative(),
    overflow: z.number().int().nonnegative(),
    offset: z.number().int(),
    counts: z.array(z.number().int().nonnegative()),
  })
  .strict();
export type HistogramState = z.infer<typeof HistogramStateSchema>;

/** Counts and distributions for one group of travellers (a class or a direction). */
export const GroupResultSchema = z
  .object({
    arrived: z.number().int().nonnegative(),
    cleared: z.number().int().nonnegative(),
    /** Still inside at the hard stop: counted in every histogram with the time elapsed so far. */
    censored: z.number().int().nonnegative(),
    /** Clearance (first control joined → last control left) within 15 / 30 minutes. */
    within15: z.number().int().nonnegative(),
    within30: z.number().int().nonnegative(),
    /** First control joined → last control left. */
    clearance: HistogramStateSchema,
    /** Sum of door-to-door crossing times (the day's distribution is PolicyDayResult.crossing). */
    crossingSum: z.number().nonnegative(),
    /** Sum of total queueing times (the day's distribution is PolicyDayResult.wait). */
    waitSum: z.number().nonnegative(),
  })
  .strict();
export type GroupResult = z.infer<typeof GroupResultSchema>;

/**
 * One segment of travellers (see SEGMENTS: whitelist standing × carrying declarable goods): counts and
 * the sums of door-to-door crossing and queueing times, so each policy's mean per segment and the
 * paired difference between policies (the same people under both) follow per day.
 */
export const SegmentResultSchema = z.strictObject({
  arrived: z.number().int().nonnegative(),
  censored: z.number().int().nonnegative(),
  crossingSum: z.number().nonnegative(),
  waitSum: z.number().nonnegative(),
});
export type SegmentResult = z.infer<typeof SegmentResultSchema>;

/**
 * Counted trips by institution of the zone (index i = Zone.institutions[i]; empty without a population;
 * shuttle passengers are anonymous and not in it): fixed-size vectors, so a result stays small, and the
 * paired difference per institution follows per day as for segments.
 */
export const InstitutionsResultSchema = z.strictObject({
  arrived: z.array(z.number().int().nonnegative()),
  censored: z.array(z.number().int().nonnegative()),
  crossingSum: z.array(z.number().nonnegative()),
});
export type InstitutionsResult = z.infer<typeof InstitutionsResultSchema>;

/** One checkpoint (all lanes with that label). */
export const CheckpointResultSchema = z
  .object({
    /** Services started at the checkpoint's lanes (a traveller may be served twice: fallback). */
    visits: z.number().int().nonnegative(),
    /** Queue wait per service start. */
    wait: HistogramStateSchema,
    /** Time at the control per stay (consecutive steps at the checkpoint): queue plus service at its lanes (censored: so far). */
    time: HistogramStateSchema,
    /** Time-average of the checkpoint's total queue (all its lanes), per hour of day. */
    hourlyQueue: z.array(z.number().nonnegative()),
    /** Largest total queue in each hour of day. */
    hourlyMaxQueue: z.array(z.number().int().nonnegative()),
    /** Total queue at each hour boundary 00:00 … 24:00 (25 values): a queue that grows through an hour is capacity-bound. */
    queueAtHour: z.array(z.number().int().nonnegative()),
    /** Largest total queue of the day. */
    maxQueue: z.number().int().nonnegative(),
  })
  .strict();
export type CheckpointResult = z.infer<typeof CheckpointResultSchema>;

/** A named control (group of checkpoints, e.g. Hong Kong immigration): time at it per traveller. */
export const ControlResultSchema = z
  .object({
    /** Travellers who reached the control. */
    travellers: z.number().int().nonnegative(),
    censored: z.number().int().nonnegative(),
    /** Queue plus service at the control. */
    time: HistogramStateSchema,
    /** Sum of the time queueing at the control. */
    queueSum: z.number().nonnegative(),
  })
  .strict();
export type ControlResult = z.infer<typeof ControlResultSchema>;

/** A service pledge measured on its control for the travellers it covers. */
export const PledgeResultSchema = z
  .object({
    /** Covered travellers who reached the control. */
    covered: z.number().int().nonnegative(),
    /** Of them, within the limit (censored travellers over the limit so far count as over). */
    within: z.number().int().nonnegative(),
    censored: z.number().int().nonnegative(),
    /** Sum of the measured value (time at the control, or queue) over covered travellers. */
    valueSum: z.number().nonnegative(),
    /** `covered` and `within` by the hour of day the traveller reached the control (24 values each): per-period targets. */
    hourlyCovered: z.array(z.number().int().nonnegative()),
    hourlyWithin: z.array(z.number().int().nonnegative()),
  })
  .strict();
export type PledgeResult = z.infer<typeof PledgeResultSchema>;

/** Reserve officers (dynamic staffing). */
export const ReserveResultSchema = z
  .object({
    /** Reserve officer-hours spent open. */
    officerHours: z.number().nonnegative(),
    /** Times a reserve server was opened. */
    openings: z.number().int().nonnegative(),
    /** Most reserve servers open at once. */
    maxOpen: z.number().int().nonnegative(),
    /** Travellers served at the reserve's lanes. */
    served: z.number().int().nonnegative(),
    /** Of them, waited longer than the open threshold. */
    overThreshold: z.number().int().nonnegative(),
    /** Time-weighted mean of the servers open at the reserve's lanes (rostered + reserve), over the hours they were open. */
    meanOpenServers: z.number().nonnegative(),
  })
  .strict();
export type ReserveResult = z.infer<typeof ReserveResultSchema>;

/** Officers shared between lanes (an officer pool). */
export const OfficerPoolResultSchema = z.strictObject({
  /** The pool's officer-hours (Σ officers × time), counted once for all its lanes. */
  officerHours: z.number().nonnegative(),
  /** Busy officer-time over officer-time. */
  utilisation: z.number().nonnegative(),
  /** Mean officers per hour of day. */
  hourlyOfficers: z.array(z.number().nonnegative()),
  /** Busy over available officer-time per hour of day (0 when none). */
  hourlyUtilisation: z.array(z.number().nonnegative()),
});
export type OfficerPoolResult = z.infer<typeof OfficerPoolResultSchema>;

/** One lane (server pool). */
export const LaneResultSchema = z
  .object({
    checkpoint: z.string(),
    served: z.number().int().nonnegative(),
    /** Busy server-time over open (staffed) server-time. */
    utilisation: z.number().nonnegative(),
    /** Highest hourly utilisation among hours the lane was open, and its hour (-1: never open). */
    peakUtilisation: z.number().nonnegative(),
    peakHour: z.number().int().min(-1),
    /** Open server-hours: officer-hours (officer lanes) or gate-hours (automated lanes); at a pooled lane, the hours of desks with a pool officer available (min(desks, pool officers)), not officer-hours. */
    staffedHours: z.number().nonnegative(),
    automated: z.boolean(),
    /** Travellers diverted out of the line when the lane closed. */
    diverted: z.number().int().nonnegative(),
    maxQueue: z.number().int().nonnegative(),
    hourlyQueue: z.array(z.number().nonnegative()),
    hourlyUtilisation: z.array(z.number().nonnegative()),
    /** Travellers who joined the lane, by hour of day (the lane's demand). */
    hourlyJoined: z.array(z.number().int().nonnegative()),
  })
  .strict();
export type LaneResult = z.infer<typeof LaneResultSchema>;

/** The replication's own summary measures: one observation each for the confidence intervals. */
export const DaySummarySchema = z
  .object({
    meanCrossing: z.number().nonnegative(),
    p50Crossing: z.number().nonnegative(),
    p95Crossing: z.number().nonnegative(),
    meanClearance: z.number().nonnegative(),
    p50Clearance: z.number().nonnegative(),
    p95Clearance: z.number().nonnegative(),
    meanWait: z.number().nonnegative(),
    throughput: z.number().int().nonnegative(),
    peakHourThroughput: z.number().int().nonnegative(),
    shareWithin15: z.number().min(0).max(1),
    shareWithin30: z.number().min(0).max(1),
    /** Counted travellers still inside at the hard stop (their times are lower bounds). */
    censored: z.number().int().nonnegative(),
    /** When the last counted traveller left (seconds since midnight; the hard stop when anyone is censored). */
    emptiedAt: z.number().nonnegative(),
    officerHours: z.number().nonnegative(),
    gateHours: z.number().nonnegative(),
  })
  .strict();
export type DaySummary = z.infer<typeof DaySummarySchema>;
export const SUMMARY_METRICS = [
  "meanCrossing",
  "p50Crossing",
  "p95Crossing",
  "meanClearance",
  "p50Clearance",
  "p95Clearance",
  "meanWait",
  "throughput",
  "peakHourThroughput",
  "shareWithin15",
  "shareWithin30",
  "censored",
  "emptiedAt",
  "officerHours",
  "gateHours",
] as const satisfies readonly (keyof DaySummary)[];
export type SummaryMetric = (typeof SUMMARY_METRICS)[number];

/** What one operating day under one policy produced. Times are seconds. */
export const PolicyDayResultSchema = z
  .object({
    /** Travellers counted in statistics (arrived after the warm-up). */
    arrived: z.number().int().nonnegative(),
    cleared: z.number().int().nonnegative(),
    /** Counted travellers still inside when the day ended (counted from traveller states: conservation check). */
    inSystem: z.number().int().nonnegative(),
    /** Travellers sent to a fallback lane or route after service (biometric reject, audit). */
    fallbacks: z.number().int().nonnegative(),
    /** Travellers who found every option of a step closed, or were diverted out of a closing lane. */
    diverted: z.number().int().nonnegative(),
    summary: DaySummarySchema,
    clearance: HistogramStateSchema,
    crossing: HistogramStateSchema,
    wait: HistogramStateSchema,
    byClass: z.record(z.string(), GroupResultSchema),
    byDirection: z.record(z.string(), GroupResultSchema),
    /** Counted travellers by segment (every key of SEGMENTS, in its order). */
    segments: z.record(z.string(), SegmentResultSchema),
    /** Counted trips of the zone's staff by institution (see InstitutionsResultSchema). */
    institutions: InstitutionsResultSchema,
    checkpoints: z.record(z.string(), CheckpointResultSchema),
    controls: z.record(z.string(), ControlResultSchema),
    pledges: z.record(z.string(), PledgeResultSchema),
    lanes: z.record(z.string(), LaneResultSchema),
    reserves: z.record(z.string(), ReserveResultSchema),
    officerPools: z.record(z.string(), OfficerPoolResultSchema),
    /**
     * Each shuttle bus of the day (time order): it waits at the crossing for its last passenger, so its
     * dwell, from arriving to its last passenger leaving the last control, is every passenger's time at
     * the crossing. `censored`: passengers still inside at the hard stop (the dwell is then a lower bound).
     */
    shuttles: z.array(
      z.strictObject({
        time: z.number().nonnegative(),
        direction: z.string(),
        passengers: z.number().int().nonnegative(),
        dwell: z.number().nonnegative(),
        censored: z.number().int().nonnegative(),
      }),
    ),
    hourly: z
      .object({
        /** Counted arrivals by hour of arrival. */
        arrivals: z.array(z.number().int().nonnegative()),
        /** Clearances completed by hour of completion: the throughput series. */
        cleared: z.array(z.number().int().nonnegative()),
        /** Clearance time by hour of arrival. */
        clearance: z.array(HistogramStateSchema),
      })
      .strict(),
  })
  .strict();
export type PolicyDayResult = z.infer<typeof PolicyDayResultSchema>;

/**
 * One replication: one simulated day under every policy of the experiment on
 * the same travellers and the same random draws (common random numbers).
 * Compact and mergeable: counts, sums and histograms, no per-traveller rows.
 */
export const ReplicationResultSchema = z
  .object({
    point: z.number().int().nonnegative(),
    replication: z.number().int().nonnegative(),
    /** Travellers generated for the day, counted or not. */
    travellers: z.number().int().nonnegative(),
    /** Kernel events processed over all policies (a diagnostic; deterministic). */
    events: z.number().int().nonnegative(),
    policies: z.record(z.string(), PolicyDayResultSchema),
  })
  .strict();
export type ReplicationResult = z.infer<typeof ReplicationResultSchema>;
