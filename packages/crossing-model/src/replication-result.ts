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
    within15: z.number().int().nonnegative(),
    within30: z.number().int().nonnegative(),
    clearance: HistogramStateSchema,
    wait: HistogramStateSchema,
  })
  .strict();
export type GroupResult = z.infer<typeof GroupResultSchema>;

/** One checkpoint (all lanes with that label). */
export const CheckpointResultSchema = z
  .object({
    visits: z.number().int().nonnegative(),
    wait: HistogramStateSchema,
    /** Time-average number waiting, summed over the checkpoint's lanes, per hour of day. */
    hourlyQueue: z.array(z.number().nonnegative()),
    maxQueue: z.number().int().nonnegative(),
  })
  .strict();
export type CheckpointResult = z.infer<typeof CheckpointResultSchema>;

/** One lane (server pool). */
export const LaneResultSchema = z
  .object({
    checkpoint: z.string(),
    served: z.number().int().nonnegative(),
    /** Busy server-time over open server-time for the whole day. */
    utilisation: z.number().nonnegative(),
    maxQueue: z.number().int().nonnegative(),
    hourlyQueue: z.array(z.number().nonnegative()),
    hourlyUtilisation: z.array(z.number().nonnegative()),
  })
  .strict();
export type LaneResult = z.infer<typeof LaneResultSchema>;

/** The replication's own summary measures: one observation each for the confidence intervals. */
export const DaySummarySchema = z
  .object({
    meanClearance: z.number().nonnegative(),
    p50Clearance: z.number().nonnegative(),
    p95Clearance: z.number().nonnegative(),
    meanWait: z.number().nonnegative(),
    throughput: z.number().int().nonnegative(),
    peakHourThroughput: z.number().int().nonnegative(),
    shareWithin15: z.number().min(0).max(1),
    shareWithin30: z.number().min(0).max(1),
  })
  .strict();
export type DaySummary = z.infer<typeof DaySummarySchema>;
export const SUMMARY_METRICS = [
  "meanClearance",
  "p50Clearance",
  "p95Clearance",
  "meanWait",
  "throughput",
  "peakHourThroughput",
  "shareWithin15",
  "shareWithin30",
] as const satisfies readonly (keyof DaySummary)[];
export type SummaryMetric = (typeof SUMMARY_METRICS)[number];

/** What one operating day under one policy produced. Times are seconds. */
export const PolicyDayResultSchema = z
  .object({
    /** Travellers counted in statistics (arrived after the warm-up). */
    arrived: z.number().int().nonnegative(),
    cleared: z.number().int().nonnegative(),
    /** Counted travellers still inside a control when the day ended. */
    inSystem: z.number().int().nonnegative(),
    /** Travellers diverted to a fallback lane (biometric reject, audit). */
    fallbacks: z.number().int().nonnegative(),
    summary: DaySummarySchema,
    clearance: HistogramStateSchema,
    wait: HistogramStateSchema,
    byClass: z.record(z.string(), GroupResultSchema),
    byDirection: z.record(z.string(), GroupResultSchema),
    checkpoints: z.record(z.string(), CheckpointResultSchema),
    lanes: z.record(z.string(), LaneResultSchema),
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
