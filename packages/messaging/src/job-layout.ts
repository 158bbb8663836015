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
 * How many blocks' worth of an experiment's end is cut finer: a block takes at most 1/TAIL_SHARE of the
 * replications still to lay out, so the last blocks shrink (guided self-scheduling, Polychronopoulos and
 * Kuck 1987) and the workers of a fleet finish together instead of one of them running a whole last
 * block while the others wait. With blocks of one size, 200 hetao-weekday replications in blocks of 30
 * leave two simulators 110 and 90 replications (the makespan caps the fleet at 91 % of two workers);
 * with this tail at 97 % (a model of two equal workers that prefetch one job).
 */
export const TAIL_SHARE = 8;

/**
 * The jobs an experiment is laid out in: the plan (point by point) cut into blocks of consecutive
 * replications of one point. A block holds `perJob` replications, except toward the experiment's end,
 * where it holds ⌈remaining ÷ TAIL_SHARE⌉ but never fewer than ⌈perJob ÷ 2⌉ (so a job stays at least
 * half the work `perJob` was sized for), and except where a point or the plan ends. The layout is a
 * function of the plan and `perJob` alone: submitting, resubmitting and cancelling all use it, so a
 * cancel finds exactly the jobs a submission added, by their deterministic ids.
 */
export function jobLayout(id: string, plan: readonly PlannedReplication[], perJob: number): PlannedJob[] {
  const least = Math.ceil(perJob / 2);
  const jobs: PlannedJob[] = [];
  for (let i = 0; i < plan.length; ) {
    const { point, replication } = plan[i]!;
    const size = Math.min(perJob, Math.max(least, Math.ceil((plan.length - i) / TAIL_SHARE)));
    let count = 1;
    while (count < size && i + count < plan.length && plan[i + count]!.point === point) count++;
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
