/**
 * Queue names and Redis key layout. Every key starts with the queue prefix (default `{hetao}`, a
 * Redis Cluster hash tag), so BullMQ's keys and ours live in one slot and one namespace.
 */
export const QUEUES = {
  /**
   * One job per block of consecutive replications of an experiment's design point; payload
   * {experimentId, point, replication, count?}: replications `replication` … `replication + count − 1`
   * (count defaults to 1).
   */
  simulate: "simulate",
  /**
   * One job per experiment whose results are all in, from the simulator that delivered the last one to
   * the metrics workers: build, write and announce the report. Payload {experimentId}.
   */
  reports: "reports",
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface Keys {
  /** ZSET experiment id → submission time (ms): the list `status` shows. */
  experiments: string;
  /** STRING: the experiment spec, canonical JSON, written once. */
  spec(id: string): string;
  /** HASH: state, total, submittedAt, completedAt, cancelledAt, toolVersion, scenario, reportDir. */
  meta(id: string): string;
  /** HASH: "<point>:<replication>" → ReplicationResult in the result codec (encodeResult), delivered by the simulators (first delivery wins). */
  results(id: string): string;
  /** HASH: job id → reason, for replications that failed for good. */
  errors(id: string): string;
  /** STRING: the report's canonical JSON once complete. */
  report(id: string): string;
  /** Pub/sub channel for progress and completion events (JSON, see ExperimentEventSchema). */
  events: string;
}

export function keys(prefix: string): Keys {
  return {
    experiments: `${prefix}:experiments`,
    spec: (id) => `${prefix}:experiment:${id}`,
    meta: (id) => `${prefix}:experiment:${id}:meta`,
    results: (id) => `${prefix}:experiment:${id}:results`,
    errors: (id) => `${prefix}:experiment:${id}:errors`,
    report: (id) => `${prefix}:experiment:${id}:report`,
    events: `${prefix}:events`,
  };
}

/**
 * Deterministic BullMQ job id of a replication. BullMQ rejects custom ids containing ':' (unless
 * they happen to have exactly three parts), so '.' separates the parts: `exp-0123456789abcdef.0.17`.
 * Re-adding a job whose id exists adds nothing.
 */
export function replicationJobId(experimentId: string, point: number, replication: number): string {
  return `${experimentId}.${point}.${replication}`;
}

/** Deterministic BullMQ job id of an experiment's report job: adding it twice adds one job. */
export function reportJobId(experimentId: string): string {
  return `${experimentId}.report`;
}

/** Field of a result in the results hash. */
export function resultField(point: number, replication: number): string {
  return `${point}:${replication}`;
}

/**
 * Deterministic BullMQ job id of a block of `count` replications from `first`: the replication's own
 * id for a block of one, else `exp-0123456789abcdef.0.16-31` (first and last, inclusive).
 */
export function simulateJobId(experimentId: string, point: number, first: number, count = 1): string {
  return count === 1 ? replicationJobId(experimentId, point, first) : `${experimentId}.${point}.${first}-${first + count - 1}`;
}

/** Parses a replication job id back; undefined for anything else (a block's id included). */
export function parseReplicationJobId(jobId: string): { experimentId: string; point: number; replication: number } | undefined {
  const m = /^(exp-[0-9a-f]{16})\.(\d+)\.(\d+)$/.exec(jobId);
  if (!m) return undefined;
  return { experimentId: m[1]!, point: Number(m[2]), replication: Number(m[3]) };
}
