import { planReplications } from "@hetao/experiment";
import { jobLayout, readReplicationsPerJob } from "./job-layout.js";
import type { Logger } from "./logger.js";
import type { SimulateQueue } from "./queues.js";
import type { CancelOutcome, ExperimentStore } from "./store.js";

export interface CancelContext {
  store: ExperimentStore;
  simulate: SimulateQueue;
  log?: Logger;
}

export interface CancelResult {
  id: string;
  outcome: CancelOutcome;
  /** Queued (waiting, prioritized, delayed) simulate jobs this call removed. */
  removed: number;
  /** Jobs a simulator was running: BullMQ cannot remove a locked job; they finish and their results are dropped. */
  active: number;
}

/** Job states that are still queued, i.e. removable: nobody holds them. */
const QUEUED = new Set(["waiting", "prioritized", "delayed", "waiting-children"]);
const CHUNK = 500;

/**
 * Cancels an experiment (`hetao-sim cancel`, DELETE /experiments/:id): marks it cancelled first (one
 * atomic script, refused once completed), so that a job a simulator takes meanwhile delivers into a
 * cancelled experiment and is dropped; then removes its queued simulate jobs, found by their
 * deterministic ids (no scan of other experiments' jobs). Idempotent: cancelling again removes whatever
 * was queued since (a stalled job put back, say) and changes nothing else.
 */
export async function cancelExperiment(ctx: CancelContext, id: string): Promise<CancelResult> {
  const outcome = await ctx.store.cancel(id);
  const log = ctx.log?.child({ experimentId: id });
  if (outcome === "completed" || outcome === "unknown-experiment") return { id, outcome, removed: 0, active: 0 };
  const spec = await ctx.store.getSpec(id);
  let removed = 0;
  let active = 0;
  if (spec !== undefined) {
    // The very jobs its submission laid out (blocks of the stored replications per job).
    const perJob = (await readReplicationsPerJob(ctx.store, id)) ?? 1;
    const ids = jobLayout(id, planReplications(spec), perJob).map((j) => j.jobId);
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      // Sent together, so one chunk costs about one round trip.
      const states = await Promise.all(chunk.map((jobId) => ctx.simulate.getJobState(jobId)));
      const replies = await Promise.all(
        chunk.map(async (jobId, k) => {
          if (states[k] === "active") return "active" as const;
          if (!QUEUED.has(states[k]!)) return "other" as const;
          // 0: a simulator took it between the two calls (it is locked now): it runs and is dropped.
          return (await ctx.simulate.remove(jobId)) === 1 ? ("removed" as const) : ("active" as const);
        }),
      );
      for (const r of replies) {
        if (r === "removed") removed++;
        else if (r === "active") active++;
      }
    }
  }
  log?.info({ outcome, removed, active }, outcome === "cancelled" ? "experiment cancelled; queued jobs removed" : "experiment was cancelled already; queued jobs removed again");
  return { id, outcome, removed, active };
}
