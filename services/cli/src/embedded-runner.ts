import { availableParallelism } from "node:os";
import type { ReplicationResult } from "@hetao/crossing-model";
import { type ExperimentSpec, ResultCollector, experimentId, planReplications } from "@hetao/experiment";
import { decodeOwnResult } from "@hetao/messaging/result-codec";
import { canonicalJson } from "@hetao/scenario";
import { ReplicationFailure, ReplicationPool } from "@hetao/simulator";
import { type ExperimentRunner, type ProgressListener, RunnerError } from "./runner.js";

export interface EmbeddedRunnerOptions {
  /** Worker threads (default os.availableParallelism()); never more than the number of jobs. */
  threads?: number;
  /** Jobs in flight per worker (default 2, so a worker never idles waiting for its next job). */
  prefetch?: number;
}

function jobLabel(point: number, replication: number | null): string {
  if (replication === null) return "a worker thread";
  return point === 0 ? `replication ${replication}` : `replication ${replication} of design point ${point}`;
}

/** The RunnerError the user sees for a failed pool task. */
function runnerError(err: unknown, point: number): RunnerError {
  if (!(err instanceof ReplicationFailure)) return new RunnerError(`a worker thread failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  if (err.kind === "thread-crashed") return new RunnerError(`a worker thread crashed: ${err.message}`, { cause: err });
  const label = err.kind === "invalid-spec" ? jobLabel(point, null) : jobLabel(point, err.replication);
  return new RunnerError(`${label} failed: ${err.message}`, { cause: err });
}

/**
 * Runs the replications in worker threads of this process (the embedded transport), in the same
 * ReplicationPool the simulator service uses. Results arrive encoded as on the BullMQ path; they come
 * from this process's own threads, so they are decoded without a second check (decodeOwnResult) and
 * deduplicated by a ResultCollector, which sorts them (or hands each to `onResult` as it arrives,
 * keeping none), so the outcome does not depend on the number of threads.
 */
export class EmbeddedRunner implements ExperimentRunner {
  readonly threads: number;
  readonly prefetch: number;

  constructor(options: EmbeddedRunnerOptions = {}) {
    const threads = options.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer, got ${threads}`);
    this.threads = threads;
    this.prefetch = Math.max(1, options.prefetch ?? 2);
  }

  describe(): string {
    return `embedded, ${this.threads} worker thread${this.threads === 1 ? "" : "s"}`;
  }

  async run(spec: ExperimentSpec, onProgress: ProgressListener, onResult?: (result: ReplicationResult) => void): Promise<ReplicationResult[]> {
    const plan = planReplications(spec);
    const collector = new ResultCollector(spec, onResult);
    const total = collector.expected;
    onProgress({ done: 0, total });
    if (total === 0) return collector.results();
    const pool = new ReplicationPool(Math.min(this.threads, plan.length), undefined, this.prefetch);
    const id = experimentId(spec);
    const specJson = canonicalJson(spec);
    let failure: RunnerError | undefined;
    try {
      // Every job is handed to the pool at once; it keeps `prefetch` posted per thread.
      const jobs = plan.map(({ point, replication }) =>
        pool
          .runBlock({
            experimentId: id,
            specJson,
            point,
            first: replication,
            count: 1,
            onResult: (r, bytes) => {
              if (failure !== undefined) return;
              try {
                if (collector.addValidated(decodeOwnResult(bytes))) onProgress({ done: collector.size, total });
              } catch (err) {
                failure = new RunnerError(`result of ${jobLabel(point, r)} rejected: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
                void pool.close();
              }
            },
          })
          .catch((err: unknown) => {
            // The first failure ends the run: closing the pool rejects the rest with "closed".
            if (failure === undefined) {
              failure = runnerError(err, point);
              void pool.close();
            }
          }),
      );
      await Promise.all(jobs);
    } finally {
      await pool.close();
    }
    if (failure !== undefined) throw failure;
    return collector.results();
  }
}

/** Default number of worker threads: os.availableParallelism(). */
export function defaultThreads(): number {
  return availableParallelism();
}
