import { type ExperimentSpec, isPlanned, planReplications } from "@hetao/experiment";
import { cancelExperiment } from "./cancel.js";
import { jobLayout, storeReplicationsPerJob } from "./job-layout.js";
import { parseReplicationJobId, resultField } from "./keys.js";
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
  /**
   * The scenario file as the submitter gave it (`run FILE --redis`), kept with the experiment so that
   * the metrics worker's report quotes it in its reproduce line, as the CLI's copy does. Unset over HTTP.
   */
  scenarioFile?: string;
}

export interface SubmitResult {
  id: string;
  /** False when the same experiment (same spec, same id) was submitted before. */
  created: boolean;
  /** Replications planned in all. */
  total: number;
  /** Replications without a merged result when submitted (jobs added unless already queued). */
  pending: number;
  /** cancelled: a cancel came while this call was creating the experiment; nothing was queued. */
  state: "running" | "completed" | "failed" | "cancelled";
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
 * replications of a design point, fewer toward the experiment's end: jobLayout) that has a replication without a
 * merged result yet. Job ids are deterministic, so submitting the same experiment again adds nothing
 * that is queued or done.
 */
export async function submitExperiment(ctx: SubmitContext, spec: ExperimentSpec, toolVersion = TOOL_VERSION): Promise<SubmitResult> {
  const plan = planReplications(spec);
  const { id, created } = await ctx.store.create(spec, plan.length, toolVersion, ctx.scenarioFile);
  const log = ctx.log?.child({ experimentId: id });
  const meta = await ctx.store.getMeta(id);
  if (meta?.state === "completed") {
    // Whoever submitted it again reads its results and report: they stay for another retention period.
    await ctx.store.retain(id);
    log?.info({ created }, "experiment already completed; nothing to enqueue");
    return { id, created, total: plan.length, pending: 0, state: "completed" };
  }
  if (meta?.state === "cancelled") {
    // Created by this very call and cancelled already: the cancel came while it was being submitted
    // (a user cancelling what they see appear), so the cancel wins and nothing is queued.
    if (created) {
      log?.info("experiment cancelled while it was being submitted; nothing enqueued");
      return { id, created, total: plan.length, pending: plan.length, state: "cancelled" };
    }
    // A cancelled experiment submitted again resumes: the results delivered before the cancel are
    // kept, the missing ones are queued below.
    if (await ctx.store.resume(id)) log?.info("cancelled experiment resubmitted; resuming it");
  }
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
  const perJob = await storeReplicationsPerJob(ctx.store, id, ctx.replicationsPerJob ?? 1);
  const have = await ctx.store.haveResults(id, plan);
  const base = await fairPriorityBase(ctx.simulate);
  const jobs = [];
  let block = 0;
  for (const job of jobLayout(id, plan, perJob)) {
    const { jobId, point, replication, count, index } = job;
    block++;
    if (!have.slice(index, index + count).some((h) => !h)) continue;
    jobs.push({
      name: "simulate",
      data: count === 1 ? { experimentId: id, point, replication } : { experimentId: id, point, replication, count },
      opts: { jobId, priority: Math.min(MAX_PRIORITY, base + block) },
    });
  }
  if (meta?.state === "failed" || created) {
    // A finished job with the id of one about to be added is in the way: BullMQ adds no job whose id
    // exists. A failed experiment's block may have finished before (a result of it was found invalid and
    // removed: it goes) or failed for good (it is retried, not added). A new experiment may have the id
    // of one that expired after its retention period, or was removed, whose finished jobs BullMQ keeps
    // until later completions trim them: they go.
    const existing = await Promise.all(jobs.map((job) => ctx.simulate.getJob(job.opts.jobId)));
    const kept = [];
    for (const [i, job] of jobs.entries()) {
      const found = existing[i];
      const state = found ? await found.getState() : undefined;
      if (state === "completed" || (state === "failed" && created)) await found!.remove();
      else if (state === "failed") {
        await found!.retry("failed");
        continue;
      }
      kept.push(job);
    }
    jobs.splice(0, jobs.length, ...kept);
  }
  for (let i = 0; i < jobs.length; i += 500) await ctx.simulate.addBulk(jobs.slice(i, i + 500));
  // A cancel that came after the state was read above removed nothing of what was just added: remove it now.
  if ((await ctx.store.getMeta(id))?.state === "cancelled") {
    const { removed } = await cancelExperiment({ store: ctx.store, simulate: ctx.simulate, ...(log ? { log } : {}) }, id);
    log?.info({ removed }, "experiment cancelled while it was being submitted; its queued jobs removed");
    return { id, created, total: plan.length, pending: have.filter((h) => !h).length, state: "cancelled" };
  }
  const pending = have.filter((h) => !h).length;
  if (pending === 0 && ctx.reports) await requestReport(ctx.reports, id);
  if (created) await ctx.store.publish({ type: "submitted", experimentId: id, total: plan.length });
  log?.info({ created, total: plan.length, pending, jobs: jobs.length, replicationsPerJob: perJob, priorityBase: base }, created ? "experiment submitted" : "experiment resubmitted");
  return { id, created, total: plan.length, pending, state: "running" };
}
