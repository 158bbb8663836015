import { type ConnectionOptions, type DefaultJobOptions, Queue } from "bullmq";
import type { FleetConfig } from "./config.js";
import { QUEUES } from "./keys.js";
import { type ConnectionKind, redisOptions } from "./redis.js";
import type { ReportJob, SimulateJob } from "./schemas.js";

/** BullMQ's highest priority number (lowest urgency). */
export const MAX_PRIORITY = 2_097_151;

/**
 * Bounded retention: completed jobs are kept a day (at most 10 000 of them), failed ones a week (at
 * most 10 000), enough for the dashboard and for resubmissions to deduplicate, without growing Redis
 * for ever.
 */
export const SIMULATE_RETENTION = {
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
} as const;
/** One report job per experiment: kept a week (at most 1 000), so the dashboard shows recent reports. */
export const REPORTS_RETENTION = {
  removeOnComplete: { age: 7 * 24 * 3600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
} as const;

export function jobOptions(config: Pick<FleetConfig, "jobAttempts" | "backoffMs">, retention: typeof SIMULATE_RETENTION | typeof REPORTS_RETENTION): DefaultJobOptions {
  return {
    attempts: config.jobAttempts,
    backoff: { type: "exponential", delay: config.backoffMs },
    removeOnComplete: { ...retention.removeOnComplete },
    removeOnFail: { ...retention.removeOnFail },
  };
}

export type SimulateQueue = Queue<SimulateJob>;
export type ReportsQueue = Queue<ReportJob>;

/** Connection options for a BullMQ Queue/Worker/QueueEvents (BullMQ creates its own clients). */
export function bullConnection(config: FleetConfig, kind: ConnectionKind, name: string): ConnectionOptions {
  return redisOptions(config.redis, kind, `hetao-${config.role}-${name}`) as ConnectionOptions;
}

/** readOnly: the queue writes nothing to Redis (no meta key) — for `status`, which must only read. */
export interface QueueUse {
  readOnly?: boolean;
}

export function simulateQueue(config: FleetConfig, kind: ConnectionKind = "producer", use: QueueUse = {}): SimulateQueue {
  return new Queue<SimulateJob>(QUEUES.simulate, {
    connection: bullConnection(config, kind, "simulate-queue"),
    prefix: config.queuePrefix,
    skipMetasUpdate: use.readOnly === true,
    defaultJobOptions: jobOptions(config, SIMULATE_RETENTION),
  });
}

export function reportsQueue(config: FleetConfig, kind: ConnectionKind = "worker", use: QueueUse = {}): ReportsQueue {
  return new Queue<ReportJob>(QUEUES.reports, {
    connection: bullConnection(config, kind, "reports-queue"),
    prefix: config.queuePrefix,
    skipMetasUpdate: use.readOnly === true,
    defaultJobOptions: jobOptions(config, REPORTS_RETENTION),
  });
}

export interface QueueDepth {
  queue: string;
  waiting: number;
  prioritized: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
}

export async function queueDepth(queue: Queue): Promise<QueueDepth> {
  const c = await queue.getJobCounts("waiting", "prioritized", "active", "delayed", "completed", "failed");
  return {
    queue: queue.name,
    waiting: c.waiting ?? 0,
    prioritized: c.prioritized ?? 0,
    active: c.active ?? 0,
    delayed: c.delayed ?? 0,
    completed: c.completed ?? 0,
    failed: c.failed ?? 0,
  };
}
