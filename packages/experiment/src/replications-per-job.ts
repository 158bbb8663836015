import { expectedTrips } from "@hetao/scenario";
import type { ExperimentSpec } from "./spec.js";

/** The least work a fleet job should carry, in seconds (docs/operations.md, "Jobs in blocks"). */
export const JOB_SECONDS = 0.25;

/**
 * Crossings (one traveller through one policy's day) a core simulates per second, taken high so that
 * a job is at least JOB_SECONDS on any core up to this speed (hetao-weekday runs at about 367,000 on
 * an idle core of the reference machine, 8.4 thousand crossings in 23 ms, so its jobs take about
 * 0.7 s there; a slower or busy core just makes the jobs longer).
 */
export const CROSSINGS_PER_SECOND = 1_000_000;

/**
 * Replications per fleet job: enough that a job is at least JOB_SECONDS of work, so that the
 * per-job costs (BullMQ's round trips, a thread hand-off) are small beside it. The work of a
 * replication is estimated from the spec, not timed, so the rule is the same for every scenario and
 * every submission gives the same jobs: ⌈JOB_SECONDS × CROSSINGS_PER_SECOND / (the day's expected trips
 * × policies)⌉, at least 1 and at most the experiment's replications. Which job runs a replication never
 * changes its result.
 */
export function replicationsPerJob(spec: ExperimentSpec): number {
  const { walkIns, shuttlePassengers } = expectedTrips(spec.scenario);
  const crossings = Math.max(1, (walkIns + shuttlePassengers) * spec.policies.length);
  return Math.max(1, Math.min(spec.replications, Math.ceil((JOB_SECONDS * CROSSINGS_PER_SECOND) / crossings)));
}
