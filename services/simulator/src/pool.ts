import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { FailureKind, ThreadReply, ThreadRequest } from "./protocol.js";

export type PoolFailureKind = Exclude<FailureKind, "need-spec"> | "thread-crashed" | "aborted" | "closed";

/** The one way a pool task fails: the model or spec (permanent), a thread that died, an abort, a closed pool. */
export class ReplicationFailure extends Error {
  override readonly name = "ReplicationFailure";
  constructor(
    readonly kind: PoolFailureKind,
    message: string,
    /** The replication the task stopped at, when known (results of the block before it were handed out). */
    readonly replication: number | null = null,
  ) {
    super(message);
  }
  /** Deterministic failures: running the same job again fails the same way. */
  get permanent(): boolean {
    return this.kind === "invalid-spec" || this.kind === "bad-coordinates" || this.kind === "simulation";
  }
}

/** A block of consecutive replications of one design point, run in order in one thread. */
export interface ReplicationBlock {
  experimentId: string;
  /** The ExperimentSpec as JSON (parsed and validated once per thread and experiment). */
  specJson: string;
  point: number;
  first: number;
  count: number;
  /** Abort: a task still queued is dropped; a running one has its thread stopped and replaced. */
  signal?: AbortSignal;
  /** Each result as soon as its replication is done, in order (encodeResult bytes; ms: wall time in the thread). */
  onResult(replication: number, result: Uint8Array, ms: number): void;
}

interface Task {
  taskId: number;
  block: ReplicationBlock;
  /** The replication the thread is on (for a crash's report). */
  next: number;
  resolve(): void;
  reject(err: Error): void;
  onAbort?: () => void;
}

interface Slot {
  worker: Worker;
  /**
   * Tasks posted to this thread and not answered yet, in the order posted. The thread runs them one at
   * a time in that order, so the first is the one running (a "need-spec" answer puts a task back at
   * the end).
   */
  tasks: Task[];
  /** Experiments whose spec this thread has been sent (it may have evicted some: it then asks again). */
  specs: Set<string>;
}

/** The compiled thread entry next to this module (dist/replication-thread.js). */
export function defaultThreadFile(): URL {
  const here = new URL("./replication-thread.js", import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  // Loaded from src/ (e.g. by a TypeScript test runner): use the build output.
  return new URL("../dist/replication-thread.js", import.meta.url);
}

/**
 * A fixed set of worker threads running replications, one task (a block of replications) at a time
 * each: the one pool of the simulator service and of the CLI's embedded runner. The main thread only
 * moves messages, so its event loop stays free for BullMQ lock renewal and health checks.
 */
export class ReplicationPool {
  readonly size: number;
  /** Tasks posted to a thread at most: 1 runs, the others wait in the thread's own message queue. */
  readonly depth: number;
  readonly #file: URL;
  readonly #slots: Slot[] = [];
  readonly #waiting: Task[] = [];
  #nextTaskId = 1;
  #closed = false;
  #crashes = 0;

  /**
   * @param size threads
   * @param file thread entry (default: the compiled replication-thread.js)
   * @param depth tasks posted to a thread at most (default 1). Above 1, a thread that finishes starts
   *   its next replication at once, without waiting for the main thread to be scheduled and answer.
   */
  constructor(size: number, file: URL = defaultThreadFile(), depth = 1) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`pool size must be a positive integer, got ${size}`);
    if (!Number.isInteger(depth) || depth < 1) throw new RangeError(`pool depth must be a positive integer, got ${depth}`);
    this.size = size;
    this.depth = depth;
    this.#file = file;
    for (let i = 0; i < size; i++) this.#slots.push(this.#spawn());
  }

  /** Threads that died or were terminated while running a task (a diagnostic). */
  get crashes(): number {
    return this.#crashes;
  }

  /** Threads running a replication. */
  get busy(): number {
    return this.#slots.filter((s) => s.tasks.length > 0).length;
  }

  #spawn(): Slot {
    const worker = new Worker(this.#file, { name: "hetao-replication" });
    const slot: Slot = { worker, tasks: [], specs: new Set() };
    worker.on("message", (reply: ThreadReply) => this.#onReply(slot, reply));
    worker.on("error", (err) => this.#onDeath(slot, `replication thread crashed: ${err.message}`));
    worker.on("exit", (code) => this.#onDeath(slot, `replication thread exited with code ${code}`));
    return slot;
  }

  #replace(slot: Slot): void {
    const i = this.#slots.indexOf(slot);
    if (i === -1) return;
    slot.worker.removeAllListeners();
    slot.worker.on("error", () => {});
    void slot.worker.terminate();
    if (this.#closed) {
      this.#slots.splice(i, 1);
      return;
    }
    this.#slots[i] = this.#spawn();
  }

  #onDeath(slot: Slot, message: string): void {
    if (!this.#slots.includes(slot)) return;
    const [running, ...queued] = slot.tasks.splice(0);
    if (running) {
      this.#crashes++;
      this.#finish(running);
      running.reject(new ReplicationFailure(this.#closed ? "closed" : "thread-crashed", message, running.next));
    }
    // Tasks that were only waiting in the dead thread's queue never started: run them elsewhere.
    this.#waiting.unshift(...queued);
    this.#replace(slot);
    this.#dispatch();
  }

  #onReply(slot: Slot, reply: ThreadReply): void {
    const index = slot.tasks.findIndex((t) => t.taskId === reply.taskId);
    if (index === -1) return; // an aborted task's late answer
    const task = slot.tasks[index]!;
    if (reply.type === "result") {
      task.next = reply.replication + 1;
      task.block.onResult(reply.replication, reply.result, reply.ms);
      return;
    }
    if (reply.type === "failed" && reply.kind === "need-spec") {
      slot.tasks.splice(index, 1);
      slot.specs.delete(task.block.experimentId);
      this.#send(slot, task);
      return;
    }
    slot.tasks.splice(index, 1);
    this.#finish(task);
    if (reply.type === "done") task.resolve();
    else task.reject(new ReplicationFailure(reply.kind as PoolFailureKind, reply.error, reply.replication));
    this.#dispatch();
  }

  #finish(task: Task): void {
    if (task.onAbort) task.block.signal?.removeEventListener("abort", task.onAbort);
  }

  #send(slot: Slot, task: Task): void {
    const { experimentId, specJson, point, first, count } = task.block;
    const msg: ThreadRequest = { taskId: task.taskId, experimentId, point, first: task.next, count: first + count - task.next };
    if (!slot.specs.has(experimentId)) {
      msg.specJson = specJson;
      slot.specs.add(experimentId);
    }
    slot.tasks.push(task);
    slot.worker.postMessage(msg);
  }

  /** Idle threads first, then threads whose queue is shortest, up to `depth` tasks each. */
  #dispatch(): void {
    for (let load = 0; load < this.depth; load++) {
      for (const slot of this.#slots) {
        if (this.#waiting.length === 0) return;
        if (slot.tasks.length === load) this.#send(slot, this.#waiting.shift()!);
      }
    }
  }

  /**
   * Runs one replication in a thread; resolves with the encoded result (encodeResult). Rejects as
   * runBlock does.
   */
  run(experimentId: string, specJson: string, point: number, replication: number, signal?: AbortSignal): Promise<Uint8Array> {
    let result: Uint8Array | undefined;
    const block: ReplicationBlock = { experimentId, specJson, point, first: replication, count: 1, onResult: (_r, bytes) => (result = bytes) };
    if (signal) block.signal = signal;
    return this.runBlock(block).then(() => result!);
  }

  /**
   * Runs a block of replications in one thread, handing each result to `block.onResult` as it is
   * done; resolves once all are. Rejects with ReplicationFailure (results handed out before stand):
   * `permanent` ones are the model's or the spec's fault; `thread-crashed` is worth a retry; `aborted`
   * when the signal fired; `closed` when the pool closed.
   */
  runBlock(block: ReplicationBlock): Promise<void> {
    if (this.#closed) return Promise.reject(new ReplicationFailure("closed", "the replication pool is closed"));
    const { signal } = block;
    if (signal?.aborted) return Promise.reject(new ReplicationFailure("aborted", `aborted: ${String(signal.reason)}`));
    if (!Number.isInteger(block.count) || block.count < 1) return Promise.reject(new RangeError(`a block holds at least one replication, got ${block.count}`));
    return new Promise<void>((resolve, reject) => {
      const task: Task = { taskId: this.#nextTaskId++, block, next: block.first, resolve, reject };
      if (signal) {
        task.onAbort = () => this.#abort(task, String(signal.reason ?? "aborted"));
        signal.addEventListener("abort", task.onAbort, { once: true });
      }
      this.#waiting.push(task);
      this.#dispatch();
    });
  }

  #abort(task: Task, reason: string): void {
    const queued = this.#waiting.indexOf(task);
    if (queued !== -1) {
      this.#waiting.splice(queued, 1);
      task.reject(new ReplicationFailure("aborted", `aborted: ${reason}`));
      return;
    }
    const slot = this.#slots.find((s) => s.tasks.includes(task));
    if (!slot) return;
    const index = slot.tasks.indexOf(task);
    slot.tasks.splice(index, 1);
    task.reject(new ReplicationFailure("aborted", `aborted: ${reason}`, task.next));
    if (index > 0) return; // it had not started; the thread's answer to it will be ignored
    // A replication cannot be interrupted cooperatively: stop its thread and start a fresh one; the
    // tasks waiting in that thread's queue go back to the pool's.
    this.#waiting.unshift(...slot.tasks.splice(0));
    this.#replace(slot);
    this.#dispatch();
  }

  /** Terminates every thread; running and queued tasks reject with kind "closed". */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const task of this.#waiting.splice(0)) {
      this.#finish(task);
      task.reject(new ReplicationFailure("closed", "the replication pool is closed"));
    }
    const slots = [...this.#slots];
    await Promise.all(
      slots.map(async (slot) => {
        for (const task of slot.tasks.splice(0)) {
          this.#finish(task);
          task.reject(new ReplicationFailure("closed", "the replication pool is closed"));
        }
        slot.worker.removeAllListeners();
        slot.worker.on("error", () => {});
        await slot.worker.terminate();
      }),
    );
    this.#slots.length = 0;
  }
}
