/**
 * The reconciliation sweep: finds experiments whose results are all in but whose report job was lost
 * (a simulator died between delivering the last result and queueing it; its re-run queues it too) and
 * queues that job again. It only queues: the job (one per experiment, a fixed id) builds the report,
 * so BullMQ's job lock is the only lock on a report.
 */
import { type ExperimentStore, type FleetConfig, type Logger, reportJobId, reportsQueue, requestReport } from "@hetao/messaging";

export interface ReportSweep {
  /** One pass now (a pass already running makes this one a no-op). */
  sweep(): Promise<void>;
  /** Stops the timer and closes the queue. */
  stop(): Promise<void>;
}

export function startReportSweep(store: ExperimentStore, config: FleetConfig, log: Logger, intervalMs: number): ReportSweep {
  const reportJobs = reportsQueue(config, "worker");

  async function requeueLostReport(id: string): Promise<void> {
    const job = await reportJobs.getJob(reportJobId(id));
    const state = job === undefined ? "missing" : await job.getState();
    if (state !== "missing" && state !== "completed" && state !== "failed" && state !== "unknown") return; // queued or running
    // Read after the job's state: a job that finished the report completed the experiment first.
    if ((await store.getMeta(id))?.state !== "running") return;
    await requestReport(reportJobs, id);
  }

  let sweeping = false;
  async function sweep(): Promise<void> {
    if (sweeping) return;
    sweeping = true;
    try {
      for (const meta of await store.unfinished()) {
        if (meta.state !== "running" || (await store.resultCount(meta.id)) < meta.total) continue;
        await requeueLostReport(meta.id).catch((err: unknown) => log.warn({ experimentId: meta.id, err: String(err) }, "sweep could not queue the report job"));
      }
    } catch (err) {
      log.warn({ err: String(err) }, "sweep failed");
    } finally {
      sweeping = false;
    }
  }
  const timer = setInterval(() => void sweep(), intervalMs);
  timer.unref();

  return {
    sweep,
    async stop() {
      clearInterval(timer);
      await reportJobs.close().catch(() => undefined);
    },
  };
}
