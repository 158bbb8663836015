import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ReplicationResult } from "@hetao/crossing-model";
import { type ExperimentSpec, type PlannedReplication, ResultCollector, planReplications } from "@hetao/experiment";
import { decodeResult } from "@hetao/messaging/result-codec";
import { type ExperimentRunner, type ProgressListener, RunnerError } from "./runner.js";
import type { FromWorker, ToWorker, WorkerInit } from "./worker-protocol.js";

export interface EmbeddedRunnerOptions {
  /** Worker threads (default os.availableParallelism()); never more than the number of jobs. */
  threads?: number;
  /** Jobs in flight per worker (default 2, so a worker never idles waiting for its next job). */
  prefetch?: number;
}

const WORKER_URL = new URL("./worker.js", import.meta.url);

function jobLabel(point: number | null, replication: number | null): string {
  if (replication === null) return "a worker thread";
  return point === 0 ? `replication ${replication}` : `replication ${replication} of design point ${point}`;
}

/**
 * Runs the replications in worker threads of this process (the embedded transport). Jobs are handed
 * out on demand; results arrive encoded as on the BullMQ path, are decoded and validated
 * (decodeResult) and deduplicated by a ResultCollector, which sorts them (or hands each to `onResult`
 * as it arrives, keeping none), so the outcome does not depend on the number of threads.
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

  run(spec: ExperimentSpec, onProgress: ProgressListener, onResult?: (result: ReplicationResult) => void): Promise<ReplicationResult[]> {
    const plan = planReplications(spec);
    const collector = new ResultCollector(spec, onResult);
    const total = collector.expected;
    const threads = Math.min(this.threads, plan.length);
    const init: WorkerInit = { spec: JSON.stringify(spec) };
    const workers: Worker[] = [];
    let next = 0;
    let settled = false;

    return new Promise<ReplicationResult[]>((resolve, reject) => {
      const finish = (err?: Error): void => {
        if (settled) return;
        settled = true;
        const stopping = workers.map((w) => w.terminate().catch(() => 0));
        void Promise.all(stopping).then(() => {
          if (err) reject(err);
          else resolve(collector.results());
        });
      };

      const feed = (worker: Worker, inFlight: { n: number }): void => {
        while (!settled && inFlight.n < this.prefetch && next < plan.length) {
          const job = plan[next++] as PlannedReplication;
          const message: ToWorker = { type: "job", point: job.point, replication: job.replication };
          inFlight.n++;
          worker.postMessage(message);
        }
      };

      onProgress({ done: 0, total });
      if (total === 0) {
        finish();
        return;
      }

      for (let i = 0; i < threads; i++) {
        const worker = new Worker(WORKER_URL, { workerData: init });
        const inFlight = { n: 0 };
        workers.push(worker);
        worker.on("message", (msg: FromWorker) => {
          if (settled) return;
          switch (msg.type) {
            case "ready":
              feed(worker, inFlight);
              return;
            case "error":
              finish(new RunnerError(`${jobLabel(msg.point, msg.replication)} failed: ${msg.message}`));
              return;
            case "result": {
              inFlight.n--;
              let added: boolean;
              try {
                added = collector.addValidated(decodeResult(msg.result, msg.point, msg.replication));
              } catch (err) {
                finish(
                  new RunnerError(`invalid result for ${jobLabel(msg.point, msg.replication)}: ${err instanceof Error ? err.message : String(err)}`, {
                    cause: err,
                  }),
                );
                return;
              }
              if (added) onProgress({ done: collector.size, total });
              if (collector.isComplete()) finish();
              else feed(worker, inFlight);
              return;
            }
          }
        });
        worker.on("error", (err) => finish(new RunnerError(`a worker thread crashed: ${err.message}`, { cause: err })));
        worker.on("messageerror", (err) => finish(new RunnerError(`a worker message could not be read: ${err.message}`, { cause: err })));
        worker.on("exit", (code) => {
          if (!settled) finish(new RunnerError(`a worker thread exited unexpectedly (code ${code})`));
        });
      }
    });
  }
}

/** Default number of worker threads: os.availableParallelism(). */
export function defaultThreads(): number {
  return availableParallelism();
}
