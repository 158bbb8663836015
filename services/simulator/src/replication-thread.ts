/**
 * Worker-thread entry: runs one replication at a time, off the main event loop, so the main thread
 * keeps renewing BullMQ job locks however long a replication takes.
 */
import { parentPort } from "node:worker_threads";
import { type ExperimentSpec, parseExperimentSpec, runReplication } from "@hetao/experiment";
import { checkResult, resultValidator } from "@hetao/messaging/result-check";
import type { ThreadReply, ThreadRequest } from "./protocol.js";

// Compile the result validator while the thread starts, not on the first replication.
resultValidator();

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
  let result: unknown;
  try {
    result = runReplication(spec, msg.point, msg.replication);
  } catch (err) {
    const kind = err instanceof RangeError ? "bad-coordinates" : "simulation";
    return { taskId: msg.taskId, ok: false, kind, error: err instanceof Error ? err.message : String(err) };
  }
  // Validated here, where it is produced and in parallel with the other threads: ReplicationResultSchema
  // compiled to a fast validator (the zod schema words any rejection). The metrics worker then merges
  // the staged text without parsing it again.
  const problem = checkResult(result, msg.point, msg.replication);
  if (problem !== undefined) return { taskId: msg.taskId, ok: false, kind: "invalid-result", error: `the model returned an invalid result: ${problem}` };
  return { taskId: msg.taskId, ok: true, resultJson: JSON.stringify(result) };
}

parentPort!.on("message", (msg: ThreadRequest) => {
  parentPort!.postMessage(handle(msg));
});
