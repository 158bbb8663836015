/** Messages between the embedded runner (main thread) and its worker threads. */

/** workerData of every worker. */
export interface WorkerInit {
  /** The ExperimentSpec as JSON (parsed and validated once per worker). */
  spec: string;
}

export type ToWorker = { type: "job"; point: number; replication: number };

export type FromWorker =
  | { type: "ready" }
  /** `result` is the ReplicationResult as a JSON string: the embedded path serialises exactly like Redis. */
  | { type: "result"; point: number; replication: number; result: string }
  | { type: "error"; point: number | null; replication: number | null; message: string; stack?: string };
