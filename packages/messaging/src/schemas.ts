import { z } from "zod";
export { describeZodError } from "./zod-error.js";

export const ExperimentIdSchema = z.string().regex(/^exp-[0-9a-f]{16}$/, 'experimentId must look like "exp-" followed by 16 hex digits');

const index = (what: string) => z.number({ error: `${what} must be a number` }).int(`${what} must be an integer`).min(0, `${what} must be >= 0`);

/** Payload of a `simulate` job: only coordinates; the spec is stored once in Redis. */
export const SimulateJobSchema = z.strictObject({
  experimentId: ExperimentIdSchema,
  point: index("point"),
  replication: index("replication"),
});
export type SimulateJob = z.infer<typeof SimulateJobSchema>;

/**
 * Payload of a `results` job: the coordinates of a replication whose result a simulator has validated
 * (in its thread) and staged in Redis (`<prefix>:experiment:<id>:staged:<point>:<replication>`). The
 * metrics worker merges the staged text into the experiment's results inside Redis, so the ~70 KB
 * result crosses the network once and is parsed only when the report is built.
 */
export const ResultJobSchema = z.strictObject({
  experimentId: ExperimentIdSchema,
  point: index("point"),
  replication: index("replication"),
});
export type ResultJob = z.infer<typeof ResultJobSchema>;

export const EXPERIMENT_STATES = ["running", "completed", "failed"] as const;
export const ExperimentStateSchema = z.enum(EXPERIMENT_STATES);
export type ExperimentState = z.infer<typeof ExperimentStateSchema>;

/** What pub/sub carries on `<prefix>:events`. */
export const ExperimentEventSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("submitted"), experimentId: ExperimentIdSchema, total: z.number().int().min(0) }),
  z.strictObject({ type: z.literal("progress"), experimentId: ExperimentIdSchema, done: z.number().int().min(0), total: z.number().int().min(0) }),
  z.strictObject({ type: z.literal("completed"), experimentId: ExperimentIdSchema, reportDir: z.string() }),
  z.strictObject({ type: z.literal("failed"), experimentId: ExperimentIdSchema, jobId: z.string(), error: z.string() }),
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
