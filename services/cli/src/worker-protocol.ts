/** Messages between the embedded runner (main thread) and its worker threads. */

/** workerData of every worker. */
export interface WorkerInit {
  /** The ExperimentSpec as JSON (parsed and validated once per worker). */
  spec: string;
}

export type ToWorker = { type: "job"; point: number; replication: number };

export type FromWorker =
  | { type: "ready" }
  /** `result` is the ReplicationResult encoded by encodeResult, the same bytes the BullMQ path stores in Redis. */
  | { type: "result"; point: number; replication: number; result: Uint8Array }
  | { type: "error"; point: number | null; replication: number | null; message: string; stack?: string };
