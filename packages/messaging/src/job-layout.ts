import type { PlannedReplication } from "@hetao/experiment";
import { simulateJobId } from "./keys.js";
import type { ExperimentStore } from "./store.js";

/** One `simulate` job of an experiment: `count` consecutive replications of one design point. */
export interface PlannedJob {
  jobId: string;
  point: number;
  /** The block's first replication. */
  replication: number;
  count: number;
  /** Index of the block's first replication in the plan. */
  index: number;
}

/** The meta field that holds an experiment's replications per job. */
const PER_JOB_FIELD = "replicationsPerJob";

/**
 * The jobs an experiment is laid out in: each point's replications 0 … R−1 cut into blocks of `perJob`
 * (the last block of a point may be shorter). Submitting, resubmitting and cancelling all use this one
 * layout, so a cancel finds exactly the jobs a submission added, by their deterministic ids.
 */
export function jobLayout(id: string, plan: readonly PlannedReplication[], perJob: number): PlannedJob[] {
  const jobs: PlannedJob[] = [];
  for (let i = 0; i < plan.length; ) {
    const { point, replication } = plan[i]!;
    let count = 1;
    while (count < perJob && i + count < plan.length && plan[i + count]!.point === point) count++;
    jobs.push({ jobId: simulateJobId(id, point, replication, count), point, replication, count, index: i });
    i += count;
  }
  return jobs;
}

/** The replications per job stored with the experiment, or undefined before its first submission. */
export async function readReplicationsPerJob(store: ExperimentStore, id: string): Promise<number | undefined> {
  const v = Number(await store.redis.hget(store.keys.meta(id), PER_JOB_FIELD));
  return Number.isInteger(v) && v >= 1 ? v : undefined;
}

/** The experiment's replications per job: the stored value, else `wanted`, stored now (first writer wins). */
export async function storeReplicationsPerJob(store: ExperimentStore, id: string, wanted: number): Promise<number> {
  const stored = await readReplicationsPerJob(store, id);
  if (stored !== undefined) return stored;
  if (!Number.isInteger(wanted) || wanted < 1) throw new RangeError(`replicationsPerJob must be a positive integer, got ${wanted}`);
  // First writer wins: two submissions at once lay out the same jobs.
  await store.redis.hsetnx(store.keys.meta(id), PER_JOB_FIELD, String(wanted));
  return (await readReplicationsPerJob(store, id)) ?? 1;
}
