import { z } from "zod";
export { describeZodError } from "./zod-error.js";

export const ExperimentIdSchema = z.string().regex(/^exp-[0-9a-f]{16}$/, 'experimentId must look like "exp-" followed by 16 hex digits');

const index = (what: string) => z.number({ error: `${what} must be a number` }).int(`${what} must be an integer`).min(0, `${what} must be >= 0`);

/**
 * Payload of a `simulate` job: only coordinates (the spec is stored once in Redis): a block of `count`
 * consecutive replications of a design point from `replication` (count defaults to 1).
 */
export const SimulateJobSchema = z.strictObject({
  experimentId: ExperimentIdSchema,
  point: index("point"),
  replication: index("replication"),
  count: z.number({ error: "count must be a number" }).int("count must be an integer").min(1, "count must be >= 1").optional(),
});
export type SimulateJob = z.infer<typeof SimulateJobSchema>;

/**
 * Payload of a `reports` job: an experiment whose results are all in the results hash. The simulator
 * that delivered the last result adds it (job id `<experimentId>.report`, so at most one is queued); a
 * metrics worker then builds, writes and announces the report.
 */
export const ReportJobSchema = z.strictObject({
  experimentId: ExperimentIdSchema,
});
export type ReportJob = z.infer<typeof ReportJobSchema>;

/** cancelled: its queued jobs were removed (`hetao-sim cancel`, DELETE /experiments/:id); a resubmission resumes it. */
export const EXPERIMENT_STATES = ["running", "completed", "failed", "cancelled"] as const;
export const ExperimentStateSchema = z.enum(EXPERIMENT_STATES);
export type ExperimentState = z.infer<typeof ExperimentStateSchema>;

/** What pub/sub carries on `<prefix>:events`. */
export const ExperimentEventSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("submitted"), experimentId: ExperimentIdSchema, total: z.number().int().min(0) }),
  z.strictObject({ type: z.literal("progress"), experimentId: ExperimentIdSchema, done: z.number().int().min(0), total: z.number().int().min(0) }),
  z.strictObject({ type: z.literal("completed"), experimentId: ExperimentIdSchema, reportDir: z.string() }),
  z.strictObject({ type: z.literal("failed"), experimentId: ExperimentIdSchema, jobId: z.string(), error: z.string() }),
  z.strictObject({ type: z.literal("cancelled"), experimentId: ExperimentIdSchema }),
  z.strictObject({ type: z.literal("resumed"), experimentId: ExperimentIdSchema }),
]);
export type ExperimentEvent = z.infer<typeof ExperimentEventSchema>;

/** One failed replication as the status API shows it. */
export const ReplicationErrorSchema = z.strictObject({ jobId: z.string(), error: z.string() });
export type ReplicationError = z.infer<typeof ReplicationErrorSchema>;

/** GET /experiments/:id and `hetao-sim status`. */
export const ExperimentStatusSchema = z.strictObject({
  id: ExperimentIdSchema,
  state: ExperimentStateSchema,
  scenario: z.string(),
  total: z.number().int().min(0),
  done: z.number().int().min(0),
  progress: z.number().min(0).max(1),
  submittedAt: z.string(),
  completedAt: z.string().nullable(),
  reportDir: z.string().nullable(),
  errors: z.array(ReplicationErrorSchema),
});
export type ExperimentStatus = z.infer<typeof ExperimentStatusSchema>;
