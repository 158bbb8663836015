import { type ExperimentSpec, isPlanned, planReplications } from "@hetao/experiment";
import { parseReplicationJobId, resultField, simulateJobId } from "./keys.js";
import type { Logger } from "./logger.js";
import { MAX_PRIORITY, type ReportsQueue, type SimulateQueue } from "./queues.js";
import { requestReport } from "./report-request.js";
import type { ExperimentStore } from "./store.js";
import { TOOL_VERSION } from "./version.js";

export interface SubmitContext {
  store: ExperimentStore;
  simulate: SimulateQueue;
  /**
   * When given, a resubmission that finds every result in (a failed experiment whose replications all
   * delivered) requests the report at once rather than leaving it to the metrics sweep.
   */
  reports?: ReportsQueue;
  log?: Logger;
  /**
   * Replications per `simulate` job for a new experiment (default 1; the orchestrator and the CLI
   * pass replicationsPerJob(spec) from @hetao/experiment). Stored with the experiment on its first
   * submission, so a resubmission lays out the very same jobs (same ids) whatever it passes.
   */
  replicationsPerJob?: number;
}

/** The meta field that holds an experiment's replications per job. */
const PER_JOB_FIELD = "replicationsPerJob";

export interface SubmitResult {
  id: string;
  /** False when the same experiment (same spec, same id) was submitted before. */
  created: boolean;
  /** Replications planned in all. */
  total: number;
  /** Replications without a merged result when submitted (jobs added unless already queued). */
  pending: number;
  state: "running" | "completed" | "failed";
}

/**
 * The priority the next experiment's first job gets: the lowest priority still waiting. Jobs are
 * prioritised by their index in the experiment's plan, offset by this base, so a new experiment joins
 * the round at the position currently being served and then alternates 1:1 with those already running
 * (fair queueing with a virtual clock read off the queue itself).
 */
export async function fairPriorityBase(queue: SimulateQueue): Promise<number> {
  const [first] = await queue.getPrioritized(0, 0);
  const p = first?.priority ?? 0;
  return Number.isInteger(p) && p > 0 ? p - 1 : 0;
}

/**
 * The orchestrator path, shared by the HTTP API and `hetao-sim run --redis`: stores the spec once,
 * then adds one `simulate` job per block of replications (`replicationsPerJob` consecutive
 * replications of a design point, blocks aligned on multiples of it) that has a replication without a
 * merged result yet. Job ids are deterministic, so submitting the same experiment again adds nothing
 * that is queued or done.
 */
export async function submitExperiment(ctx: SubmitContext, spec: ExperimentSpec, toolVersion = TOOL_VERSION): Promise<SubmitResult> {
  const plan = planReplications(spec);
  const { id, created } = await ctx.store.create(spec, plan.length, toolVersion);
  const log = ctx.log?.child({ experimentId: id });
  const meta = await ctx.store.getMeta(id);
  if (meta?.state === "completed") {
    log?.info({ created }, "experiment already completed; nothing to enqueue");
    return { id, created, total: plan.length, pending: 0, state: "completed" };
  }
  // A cancelled experiment submitted again resumes: the results delivered before the cancel are kept,
  // the missing ones are queued below.
  if (meta?.state === "cancelled" && (await ctx.store.resume(id))) log?.info("cancelled experiment resubmitted; resuming it");
  // Only planned results count: anything else in the results hash (delivered for coordinates outside
  // the plan by a version that ran any job it was given) is dropped before counting.
  const stray = await ctx.store.discardUnplanned(id, new Set(plan.map((p) => resultField(p.point, p.replication))));
  if (stray > 0) log?.warn({ stray }, "removed results outside the experiment's plan");
  if (meta?.state === "failed") {
    // A resubmission retries the planned replications that failed for good (a recorded failure of any
    // other job is dropped: it never decided this experiment's state). A replication whose job
    // completed but whose result the metrics worker found invalid (and removed) has its finished job
    // removed, so that the job added below for its missing result is not taken for a duplicate.
    for (const { jobId } of await ctx.store.errors(id)) {
      const c = parseReplicationJobId(jobId);
      if (c?.experimentId !== id || !isPlanned(spec, c.point, c.replication)) {
        log?.warn({ jobId }, "dropping a recorded failure of a job outside the experiment's plan");
        continue;
      }
      const job = await ctx.simulate.getJob(jobId);
      const state = job ? await job.getState() : undefined;
      if (state === "failed") await job!.retry("failed");
      else if (state === "completed") await job!.remove();
    }
    await ctx.store.clearFailures(id);
  }
  const perJob = await storedReplicationsPerJob(ctx, id);
  const have = await ctx.store.haveResults(id, plan);
  const base = await fairPriorityBase(ctx.simulate);
  const jobs = [];
  let block = 0;
  // The plan lists each point's replications 0 … R−1 in turn: cut each point's run into blocks.
  for (let i = 0; i < plan.length; block++) {
    const { point, replication } = plan[i]!;
    let count = 1;
    while (count < perJob && i + count < plan.length && plan[i + count]!.point === point) count++;
    const missing = have.slice(i, i + count).some((h) => !h);
    i += count;
    if (!missing) continue;
    jobs.push({
      name: "simulate",
      data: count === 1 ? { experimentId: id, point, replication } : { experimentId: id, point, replication, count },
      opts: { jobId: simulateJobId(id, point, replication, count), priority: Math.min(MAX_PRIORITY, base + block + 1) },
    });
  }
  if (meta?.state === "failed") {
    // A block with a replication missing may have finished before (a result of it was found invalid
    // and removed) or failed for good: remove or retry it, or the job added below would be taken for a duplicate.
    const kept = [];
    for (const job of jobs) {
      const existing = await ctx.simulate.getJob(job.opts.jobId);
      const state = existing ? await existing.getState() : undefined;
      if (state === "completed") await existing!.remove();
      else if (state === "failed") {
        await existing!.retry("failed");
        continue;
      }
      kept.push(job);
    }
    jobs.splice(0, jobs.length, ...kept);
  }
  for (let i = 0; i < jobs.length; i += 500) await ctx.simulate.addBulk(jobs.slice(i, i + 500));
  const pending = have.filter((h) => !h).length;
  if (pending === 0 && ctx.reports) await requestReport(ctx.reports, id);
  if (created) await ctx.store.publish({ type: "submitted", experimentId: id, total: plan.length });
  log?.info({ created, total: plan.length, pending, jobs: jobs.length, replicationsPerJob: perJob, priorityBase: base }, created ? "experiment submitted" : "experiment resubmitted");
  return { id, created, total: plan.length, pending, state: "running" };
}

/** The experiment's replications per job: the stored value, else ctx.replicationsPerJob (default 1), stored now. */
async function storedReplicationsPerJob(ctx: SubmitContext, id: string): Promise<number> {
  const key = ctx.store.keys.meta(id);
  const read = async (): Promise<number | undefined> => {
    const v = Number(await ctx.store.redis.hget(key, PER_JOB_FIELD));
    return Number.isInteger(v) && v >= 1 ? v : undefined;
  };
  const stored = await read();
  if (stored !== undefined) return stored;
  const wanted = ctx.replicationsPerJob ?? 1;
  if (!Number.isInteger(wanted) || wanted < 1) throw new RangeError(`replicationsPerJob must be a positive integer, got ${wanted}`);
  // First writer wins: two submissions at once lay out the same jobs.
  await ctx.store.redis.hsetnx(key, PER_JOB_FIELD, String(wanted));
  return (await read()) ?? 1;
}
