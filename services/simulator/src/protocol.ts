/** Main thread → replication thread. `specJson` is sent the first time a thread sees an experiment. */
export interface ThreadRequest {
  taskId: number;
  experimentId: string;
  specJson?: string;
  point: number;
  replication: number;
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
  /** `result`: the ReplicationResult encoded by encodeResult (@hetao/messaging/result-codec). */
  | { taskId: number; ok: true; result: Uint8Array }
  | { taskId: number; ok: false; kind: FailureKind; error: string };
