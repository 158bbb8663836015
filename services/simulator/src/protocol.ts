/**
 * The one message protocol between a ReplicationPool (main thread) and its replication threads, used
 * by the simulator service and the CLI's embedded runner alike.
 */

/**
 * Main thread → thread: run `count` consecutive replications of a design point, from `first`, in
 * order. `specJson` is sent the first time a thread sees an experiment.
 */
export interface ThreadRequest {
  taskId: number;
  experimentId: string;
  specJson?: string;
  point: number;
  first: number;
  count: number;
}

export type FailureKind =
  /** The thread does not hold the spec: resend with specJson. */
  | "need-spec"
  /** The stored spec does not validate. */
  | "invalid-spec"
  /** Point or replication outside the experiment. */
  | "bad-coordinates"
  /** The model threw (deterministic: retrying gives the same). */
  | "simulation";

export type ThreadReply =
  /**
   * One replication of the task done, posted as soon as it is (a block streams its results):
   * `result` is the ReplicationResult encoded by encodeResult (@hetao/messaging/result-codec), `ms`
   * the wall time the replication took in the thread.
   */
  | { taskId: number; type: "result"; replication: number; result: Uint8Array; ms: number }
  /** Every replication of the task done. */
  | { taskId: number; type: "done" }
  /** The task stopped at `replication` (null: before any, e.g. the spec): results posted before stand. */
  | { taskId: number; type: "failed"; replication: number | null; kind: FailureKind; error: string };
