import type { ReplicationResult } from "@hetao/crossing-model";
import type { ExperimentSpec } from "@hetao/experiment";

/** Progress of a running experiment. */
export interface RunProgress {
  /** Distinct replication results collected so far. */
  done: number;
  /** Replication results the plan expects. */
  total: number;
}

export type ProgressListener = (progress: RunProgress) => void;

/**
 * Runs every replication of an experiment and returns the results sorted by (point, replication),
 * each exactly once. Implementations move work and results only: the simulation itself is
 * `runReplication` from @hetao/experiment, and results cross the transport encoded by encodeResult
 * (@hetao/messaging/result-codec); those read from Redis are checked by decodeResult where they arrive.
 *
 * - {@link EmbeddedRunner} (./embedded-runner.js): the simulator's ReplicationPool in this process (the default).
 * - A Redis/BullMQ runner (fleet) plugs in here: `hetao-sim run --redis <url>` or REDIS_URL selects it
 *   in ./commands/run.ts (`selectRunner`).
 */
export interface ExperimentRunner {
  /** One line for the user, e.g. "embedded, 4 worker threads". */
  describe(): string;
  /**
   * Given `onResult`, each distinct result is handed to it as it arrives (in any order; a
   * ReportAccumulator orders them) and none is kept: the promise then resolves to [].
   */
  run(spec: ExperimentSpec, onProgress: ProgressListener, onResult?: (result: ReplicationResult) => void): Promise<ReplicationResult[]>;
  /** Releases connections/threads; called once after run() settles. */
  close?(): Promise<void>;
}

/** Thrown when a replication fails (in a worker or remotely); the CLI prints the message and exits 1. */
export class RunnerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RunnerError";
  }
}
