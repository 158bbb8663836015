/**
 * Worker-thread entry: runs one replication at a time, off the main event loop, so the main thread
 * keeps renewing BullMQ job locks however long a replication takes.
 */
import { parentPort } from "node:worker_threads";
import { type ExperimentSpec, parseExperimentSpec, runReplication } from "@hetao/experiment";
import { encodeResult } from "@hetao/messaging/result-codec";
import type { ThreadReply, ThreadRequest } from "./protocol.js";

const MAX_SPECS = 8;
const specs = new Map<string, ExperimentSpec>();

function remember(id: string, spec: ExperimentSpec): void {
  specs.delete(id);
  specs.set(id, spec);
  while (specs.size > MAX_SPECS) specs.delete(specs.keys().next().value!);
}

function handle(msg: ThreadRequest): ThreadReply {
  let spec = specs.get(msg.experimentId);
  if (msg.specJson !== undefined) {
    try {
      spec = parseExperimentSpec(JSON.parse(msg.specJson));
    } catch (err) {
      return { taskId: msg.taskId, ok: false, kind: "invalid-spec", error: err instanceof Error ? err.message : String(err) };
    }
    remember(msg.experimentId, spec);
  }
  if (spec === undefined) return { taskId: msg.taskId, ok: false, kind: "need-spec", error: "spec not loaded" };
  remember(msg.experimentId, spec);
  try {
    // Encoded here, off the main thread. Results are validated once, where they are consumed: whoever
    // builds a report decodes and checks every one against ReplicationResultSchema (decodeResult).
    return { taskId: msg.taskId, ok: true, result: encodeResult(runReplication(spec, msg.point, msg.replication)) };
  } catch (err) {
    const kind = err instanceof RangeError ? "bad-coordinates" : "simulation";
    return { taskId: msg.taskId, ok: false, kind, error: err instanceof Error ? err.message : String(err) };
  }
}

parentPort!.on("message", (msg: ThreadRequest) => {
  const reply = handle(msg);
  // The encoded result's buffer is its own: hand it over instead of copying it.
  parentPort!.postMessage(reply, reply.ok ? [reply.result.buffer as ArrayBuffer] : []);
});
