import { hostname } from "node:os";
import { type ExperimentSpec, isPlanned, parseExperimentSpec } from "@hetao/experiment";
import {
  ExperimentStore,
  type FleetConfig,
  type HttpServer,
  type Logger,
  QUEUES,
  SIMULATE_RETENTION,
  type SimulateJob,
  SimulateJobSchema,
  bullConnection,
  createRedis,
  describeZodError,
  replicationJobId,
  reportsQueue,
  requestReport as queueReport,
  serviceRegistry,
  silentLogger,
  startOpsServer,
} from "@hetao/messaging";
import { type Job, UnrecoverableError, WaitingError, Worker } from "bullmq";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { ReplicationFailure, ReplicationPool } from "./pool.js";

export interface SimulatorOptions {
  log?: Logger;
  /** Serve /healthz and /metrics on config.httpHost:httpPort (default true). */
  http?: boolean;
  /** Thread entry override (tests). */
  threadFile?: URL;
}

export interface SimulatorService {
  worker: Worker<SimulateJob>;
  pool: ReplicationPool;
  registry: Registry;
  /** Bound HTTP port, undefined when http is off. */
  port: number | undefined;
  /** Stops taking jobs, lets running replications finish for up to SHUTDOWN_TIMEOUT_MS, hands the rest back to the queue. */
  close(): Promise<void>;
}

export interface SimulateReturn {
  /** added: this job delivered the result; duplicate: another run of the replication delivered it first. */
  delivered?: "added" | "duplicate";
  /** Results in after this job, of total. */
  done?: number;
  total?: number;
  /** Set when this job found the experiment's results complete and queued its report job. */
  reportJobId?: string;
  skipped?: "experiment-completed" | "already-delivered" | "experiment-cancelled";
  /** Set when the experiment was cancelled while this replication ran: its result was dropped. */
  dropped?: "experiment-cancelled";
}

const SPEC_CACHE = 32;

/**
 * A job that is not one of an experiment's planned replications: its experiment is unknown (or was
 * removed), or its point or replication lies outside the plan. It fails alone, at once, and is never
 * recorded against an experiment, so it cannot decide any experiment's state.
 */
class NotPlannedJob extends UnrecoverableError {
  constructor(message: string) {
    super(`not a planned replication: ${message}`);
  }
}

/**
 * Starts a simulator: a BullMQ worker on the `simulate` queue whose jobs run in a pool of worker
 * threads (concurrency = SIMULATOR_CONCURRENCY, default the number of cores; SIMULATOR_PREFETCH more
 * jobs, default 1, wait in the pool so no thread idles between jobs). Each result is
 * encoded in its thread (MessagePack, see result-codec) and delivered into the experiment's results hash by one atomic script
 * (first delivery wins); the job that completes the set queues the experiment's `reports` job.
 * Per replication that is one round trip to Redis besides BullMQ's own (the job's completion, which
 * also fetches the next job), and no work for the metrics workers, whose load is one job per
 * experiment however many simulators run.
 */
export async function startSimulator(config: FleetConfig, options: SimulatorOptions = {}): Promise<SimulatorService> {
  const log = (options.log ?? silentLogger()).child({ component: "simulator" });
  const redis = createRedis(config, "worker", "simulator-store");
  redis.on("error", (err) => log.warn({ err: err.message }, "redis error"));
  const store = new ExperimentStore(redis, config.queuePrefix);
  const reports = reportsQueue(config, "worker");
  reports.on("error", (err) => log.warn({ err: err.message }, "reports queue error"));
  // Prefetched jobs are posted to the threads ahead (each thread's own queue), so a thread that
  // finishes starts the next replication without waiting for this main thread to be scheduled.
  const depth = 1 + Math.ceil(config.simulatorPrefetch / config.simulatorConcurrency);
  const pool = new ReplicationPool(config.simulatorConcurrency, options.threadFile, depth);

  const registry = serviceRegistry("simulator");
  const replications = new Counter({
    name: "hetao_simulator_replications_total",
    help: "Replication jobs by outcome (completed, duplicate, failed, retried, handed_back, skipped, dropped).",
    labelNames: ["outcome"],
    registers: [registry],
  });
  const duration = new Histogram({
    name: "hetao_simulator_replication_seconds",
    help: "Wall time of one replication in its thread.",
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  new Gauge({
    name: "hetao_simulator_busy_threads",
    help: "Replication threads currently running a replication.",
    registers: [registry],
    collect() {
      this.set(pool.busy);
    },
  });
  new Gauge({ name: "hetao_simulator_concurrency", help: "Replication threads (SIMULATOR_CONCURRENCY).", registers: [registry] }).set(pool.size);

  // Spec per experiment, as text (validated again in the threads) and parsed (to check a job against
  // the plan): read once, not per job.
  const specs = new Map<string, { text: string; spec: ExperimentSpec }>();
  async function loadSpec(id: string): Promise<{ text: string; spec: ExperimentSpec } | undefined> {
    const cached = specs.get(id);
    if (cached !== undefined) return cached;
    const text = await redis.get(store.keys.spec(id));
    if (text === null) return undefined;
    let spec: ExperimentSpec;
    try {
      spec = parseExperimentSpec(JSON.parse(text));
    } catch (err) {
      throw new UnrecoverableError(`invalid-spec: the stored spec of ${id} does not parse: ${err instanceof Error ? err.message.slice(0, 500) : String(err)}`);
    }
    const entry = { text, spec };
    specs.set(id, entry);
    while (specs.size > SPEC_CACHE) specs.delete(specs.keys().next().value!);
    return entry;
  }

  async function process(job: Job<SimulateJob>, token?: string, signal?: AbortSignal): Promise<SimulateReturn> {
    const parsed = SimulateJobSchema.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(`malformed simulate job: ${describeZodError(parsed.error)}`);
    }
    const { experimentId, point, replication } = parsed.data;
    const jlog = log.child({ experimentId, jobId: job.id });
    const stored = await loadSpec(experimentId);
    if (stored === undefined) throw new NotPlannedJob(`unknown experiment ${experimentId}: no spec stored at ${store.keys.spec(experimentId)}`);
    if (!isPlanned(stored.spec, point, replication)) {
      const points = stored.spec.points.map((p) => p.index).join(", ");
      throw new NotPlannedJob(`experiment ${experimentId} plans points ${points} with replications 0-${stored.spec.replications - 1}, not point ${point}, replication ${replication}`);
    }
    const spec = stored.text;
    // A job run before (it stalled when its worker died, failed, or was handed back) may have delivered
    // its result already: look first. A first run goes straight to work, since its delivery is
    // idempotent anyway; that saves a round trip to Redis per replication.
    if (job.attemptsStarted > 1 || job.attemptsMade > 0 || job.stalledCounter > 0) {
      const before = await store.replicationState(experimentId, point, replication);
      if (before.state === undefined) throw new NotPlannedJob(`unknown experiment ${experimentId}: no metadata stored`);
      if (before.state === "cancelled") {
        jlog.info("experiment cancelled; skipping the replication");
        replications.inc({ outcome: "skipped" });
        return { skipped: "experiment-cancelled" };
      }
      if (before.state === "completed" || before.delivered) {
        // If the crash came between delivering the last result and queueing the report job, queue it now.
        jlog.info({ state: before.state, delivered: before.delivered }, "result already delivered; skipping");
        replications.inc({ outcome: "skipped" });
        const report = before.state === "running" && before.done >= before.total ? await requestReport(experimentId) : undefined;
        return { skipped: before.state === "completed" ? "experiment-completed" : "already-delivered", ...(report && { reportJobId: report }) };
      }
    }
    const started = performance.now();
    let result: Uint8Array;
    try {
      result = await pool.run(experimentId, spec, point, replication, signal);
    } catch (err) {
      if (err instanceof ReplicationFailure) {
        if (err.kind === "aborted" || err.kind === "closed") {
          // Shutdown ran out of time: give the job back without spending an attempt.
          jlog.warn({ point, replication }, "handing the job back to the queue");
          replications.inc({ outcome: "handed_back" });
          if (token) await job.moveToWait(token).catch((e: unknown) => jlog.warn({ err: String(e) }, "could not hand the job back; it will be recovered as stalled"));
          throw new WaitingError();
        }
        if (err.permanent) throw new UnrecoverableError(`${err.kind}: ${err.message}`);
      }
      throw err;
    }
    duration.observe((performance.now() - started) / 1000);
    // One atomic, idempotent step: a re-run after a crash delivers the same bytes and changes nothing.
    const delivery = await store.deliverResult(experimentId, point, replication, result);
    if (delivery.outcome === "unknown-experiment") throw new NotPlannedJob(`experiment ${experimentId} was removed while replication ${replication} of point ${point} ran`);
    if (delivery.outcome === "cancelled") {
      // A job taken before the cancel removed the queued ones: it ran, and its result is not kept.
      jlog.info({ point, replication }, "experiment cancelled while the replication ran; result dropped");
      replications.inc({ outcome: "dropped" });
      return { dropped: "experiment-cancelled" };
    }
    replications.inc({ outcome: delivery.outcome === "added" ? "completed" : "duplicate" });
    jlog.debug({ point, replication, delivered: delivery.outcome, done: delivery.done, total: delivery.total, ms: Math.round(performance.now() - started) }, "replication done");
    const report = delivery.state === "running" && delivery.done >= delivery.total ? await requestReport(experimentId) : undefined;
    return { delivered: delivery.outcome, done: delivery.done, total: delivery.total, ...(report && { reportJobId: report }) };
  }

  async function requestReport(experimentId: string): Promise<string> {
    const jobId = await queueReport(reports, experimentId);
    log.info({ experimentId, jobId }, "all results delivered; report requested");
    return jobId;
  }

  const worker = new Worker<SimulateJob, SimulateReturn>(QUEUES.simulate, process, {
    connection: bullConnection(config, "worker", "simulate-worker"),
    prefix: config.queuePrefix,
    name: `simulator@${hostname()}:${globalThis.process.pid}`,
    // Threads plus prefetch: the extra jobs wait in the threads' queues, so while one result is
    // delivered and its job completed (two round trips to Redis) the thread runs the next replication.
    concurrency: config.simulatorConcurrency + config.simulatorPrefetch,
    lockDuration: config.lockDurationMs,
    stalledInterval: config.stalledIntervalMs,
    // A job whose worker died is put back up to 3 times before it is failed.
    maxStalledCount: 3,
    removeOnComplete: { ...SIMULATE_RETENTION.removeOnComplete },
    removeOnFail: { ...SIMULATE_RETENTION.removeOnFail },
    autorun: false,
  });
  worker.on("error", (err) => log.error({ err: err.message }, "worker error"));
  worker.on("stalled", (jobId) => log.warn({ jobId }, "job stalled (its worker died or blocked); put back in the queue"));
  worker.on("failed", (job, err) => {
    if (!job) return;
    const final = err instanceof UnrecoverableError || err.name === "UnrecoverableError" || job.attemptsMade >= (job.opts.attempts ?? 1);
    const jlog = log.child({ jobId: job.id, experimentId: (job.data as Partial<SimulateJob> | undefined)?.experimentId });
    if (!final) {
      replications.inc({ outcome: "retried" });
      jlog.warn({ err: err.message, attemptsMade: job.attemptsMade }, "replication failed; will retry with backoff");
      return;
    }
    replications.inc({ outcome: "failed" });
    const data = SimulateJobSchema.safeParse(job.data);
    // Only an experiment's own planned job (its deterministic id, coordinates in the plan) may fail
    // it; any other job fails alone, logged with its reason.
    if (err instanceof NotPlannedJob || !data.success || job.id !== replicationJobId(data.data.experimentId, data.data.point, data.data.replication)) {
      jlog.error({ err: err.message }, "job failed alone; it is not a planned replication of an experiment, so no experiment's state changes");
      return;
    }
    jlog.error({ err: err.message }, "replication failed for good");
    void store.recordFailure(data.data.experimentId, job.id, err.message).then(
      (outcome) => {
        if (outcome !== "recorded") jlog.warn({ outcome }, "failure not recorded against the experiment");
      },
      (e: unknown) => jlog.error({ err: String(e) }, "could not record the failure"),
    );
  });

  let http: HttpServer | undefined;
  let closing = false;
  if (options.http !== false) {
    http = await startOpsServer({
      host: config.httpHost,
      port: config.httpPort,
      registry,
      health: () => ({
        ok: !closing && worker.isRunning() && redis.status === "ready",
        role: "simulator",
        running: worker.isRunning(),
        closing,
        redis: redis.status,
        threads: pool.size,
        busy: pool.busy,
      }),
    });
  }
  void worker.run().catch((err: unknown) => log.error({ err: String(err) }, "worker stopped"));
  await worker.waitUntilReady();
  log.info({ concurrency: config.simulatorConcurrency, prefetch: config.simulatorPrefetch, prefix: config.queuePrefix, port: http?.port, host: http?.host }, "simulator ready");

  let closed: Promise<void> | undefined;
  return {
    worker,
    pool,
    registry,
    port: http?.port,
    close() {
      closed ??= (async () => {
        closing = true;
        const timer = setTimeout(() => {
          log.warn({ busy: pool.busy }, "shutdown timeout: handing in-flight jobs back to the queue");
          worker.cancelAllJobs("shutdown");
        }, config.shutdownTimeoutMs);
        try {
          await worker.close();
        } finally {
          clearTimeout(timer);
        }
        await pool.close();
        await reports.close();
        await redis.quit().catch(() => redis.disconnect());
        await http?.close();
      })();
      return closed;
    },
  };
}
