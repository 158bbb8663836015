import { reportJobId } from "./keys.js";
import type { ReportsQueue } from "./queues.js";

/**
 * Queues an experiment's report job, for the metrics workers to build, write and announce its report.
 * The job id is fixed (`<experiment id>.report`), so a second request adds nothing while one is queued
 * or running; one that already finished (an earlier attempt, before a resubmission) is replaced.
 * Returns the job id.
 */
export async function requestReport(reports: ReportsQueue, experimentId: string): Promise<string> {
  const jobId = reportJobId(experimentId);
  const job = await reports.add("report", { experimentId }, { jobId });
  const state = await job.getState();
  if (state === "completed" || state === "failed") {
    // Removing fails only if another request got there first and the new job is already running.
    await job.remove().catch(() => undefined);
    await reports.add("report", { experimentId }, { jobId });
  }
  return jobId;
}
