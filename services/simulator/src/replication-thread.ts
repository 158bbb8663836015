/**
 * Worker-thread entry of a ReplicationPool: runs one task (a block of consecutive replications) at a
 * time, off the main event loop, so the main thread keeps renewing BullMQ job locks however long a
 * block takes, and posts each result as soon as it is done.
 */
import { parentPort } from "node:worker_threads";
import { type ExperimentSpec, parseExperimentSpec, runReplication } from "@hetao/experiment";
import { encodeResult } from "@hetao/messaging/result-codec";
import type { ThreadReply, ThreadRequest } from "./protocol.js";

const MAX_SPECS = 8;
const specs = new Map<string, ExperimentSpec>();
const port = parentPort!;

function remember(id: string, spec: ExperimentSpec): void {
  specs.delete(id);
  specs.set(id, spec);
  while (specs.size > MAX_SPECS) specs.delete(specs.keys().next().value!);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function handle(msg: ThreadRequest): ThreadReply {
  let spec = specs.get(msg.experimentId);
  if (msg.specJson !== undefined) {
    try {
      spec = parseExperimentSpec(JSON.parse(msg.specJson));
    } catch (err) {
      return { taskId: msg.taskId, type: "failed", replication: null, kind: "invalid-spec", error: message(err) };
    }
  }
  if (spec === undefined) return { taskId: msg.taskId, type: "failed", replication: null, kind: "need-spec", error: "spec not loaded" };
  remember(msg.experimentId, spec);
  for (let replication = msg.first; replication < msg.first + msg.count; replication++) {
    const started = performance.now();
    let result: Uint8Array;
    try {
      // Encoded here, off the main thread, in the form Redis stores. Not checked against the schema:
      // this is the process's own model; results are checked where they cross a process boundary.
      result = encodeResult(runReplication(spec, msg.point, replication));
    } catch (err) {
      const kind = err instanceof RangeError ? "bad-coordinates" : "simulation";
      return { taskId: msg.taskId, type: "failed", replication, kind, error: message(err) };
    }
    const reply: ThreadReply = { taskId: msg.taskId, type: "result", replication, result, ms: performance.now() - started };
    // Copied, not transferred: a 65 KB result copies in well under a tenth of a millisecond, while
    // transferring its buffer cost 2–3 ms of CPU per result in this thread (measured; docs/operations.md).
    port.postMessage(reply);
  }
  return { taskId: msg.taskId, type: "done" };
}

port.on("message", (msg: ThreadRequest) => port.postMessage(handle(msg)));
