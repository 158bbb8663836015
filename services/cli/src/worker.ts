/**
 * Worker thread of the embedded runner: validates the experiment spec once, then runs each
 * replication job it is sent and posts the result back encoded as the BullMQ path stores it
 * (encodeResult: MessagePack), handing its buffer over rather than copying it.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type ExperimentSpec, parseExperimentSpec, runReplication } from "@hetao/experiment";
import { encodeResult } from "@hetao/messaging/result-codec";
import type { FromWorker, ToWorker, WorkerInit } from "./worker-protocol.js";

const port = parentPort;
if (port === null) throw new Error("worker.js must run in a worker thread");

function post(message: FromWorker): void {
  port!.postMessage(message);
}

function describeError(err: unknown): { message: string; stack?: string } {
  if (err instanceof Error) return err.stack !== undefined ? { message: err.message, stack: err.stack } : { message: err.message };
  return { message: String(err) };
}

let spec: ExperimentSpec | undefined;
try {
  spec = parseExperimentSpec(JSON.parse((workerData as WorkerInit).spec));
  post({ type: "ready" });
} catch (err) {
  post({ type: "error", point: null, replication: null, ...describeError(err) });
}

port.on("message", (job: ToWorker) => {
  if (job.type !== "job" || spec === undefined) return;
  try {
    const result = encodeResult(runReplication(spec, job.point, job.replication));
    port.postMessage({ type: "result", point: job.point, replication: job.replication, result } satisfies FromWorker, [result.buffer as ArrayBuffer]);
  } catch (err) {
    post({ type: "error", point: job.point, replication: job.replication, ...describeError(err) });
  }
});
