import { hostname } from "node:os";
import { type ExperimentSpec, isPlanned, parseExperimentSpec } from "@hetao/experiment";
import {
  type Delivery,
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
  simulateJobId,
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
  /** added: this job delivered a result (of a block: at least one); duplicate: other runs delivered them first. */
  delivered?: "added" | "duplicate";
  /** Of a block (more than one replication): results this job added, and found delivered by another run. */
  added?: number;
  duplicates?: number;
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

/** The replication a failed job stopped at, for the failure record. */
const failedReplication = new WeakMap<object, number>();
function failingAt(err: unknown, replication: number): unknown {
  if (typeof err === "object" && err !== null) failedReplication.set(err, replication);
  return err;
}

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
 * Starts a simulator: a BullMQ worker on the `simulate` queue whose jobs (blocks of consecutive
 * replications) run in a pool of worker threads (concurrency = SIMULATOR_CONCURRENCY, default the
 * number of cores; SIMULATOR_PREFETCH more jobs, default 1, wait in the pool so no thread idles
 * between jobs). Each result is encoded in its thread (see result-codec) and, as soon as
 * the thread hands it over, delivered into the experiment's results hash by one atomic script (first
 * delivery wins); the job that completes the set queues the experiment's `reports` job.
 * Per replication that is one round trip to Redis, plus BullMQ's own per block (the job's completion,
 * which also fetches the next job), and no work for the metrics workers, whose load is one job per
 * experiment however many simulators run.
 */
export async function startSimulator(config: FleetConfig, options: SimulatorOptions = {}): Promise<SimulatorService> {
  const log = (options.log ?? silentLogger()).child({ component: "simulator" });
  const redis = createRedis(config, "worker", "simulator-store");
  redis.on("error", (err) => log.warn({ err: err.message }, "redis error"));
  const store = new ExperimentStore(redis, config.queuePrefix, { retentionHours: config.experimentRetentionHours });
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
    const { experimentId, point, replication: first } = parsed.data;
    const count = parsed.data.count ?? 1;
    const last = first + count - 1;
    const jlog = log.child({ experimentId, jobId: job.id });
    const stored = await loadSpec(experimentId);
    if (stored === undefined) throw new NotPlannedJob(`unknown experiment ${experimentId}: no spec stored at ${store.keys.spec(experimentId)}`);
    if (!isPlanned(stored.spec, point, first) || !isPlanned(stored.spec, point, last)) {
      const points = stored.spec.points.map((p) => p.index).join(", ");
      const asked = count === 1 ? `replication ${first}` : `replications ${first}-${last}`;
      throw new NotPlannedJob(`experiment ${experimentId} plans points ${points} with replications 0-${stored.spec.replications - 1}, not point ${point}, ${asked}`);
    }
    const spec = stored.text;
    // The replications of the block still to deliver: all of them on a first run (its deliveries are
    // idempotent anyway, and looking first would cost a round trip to Redis per job).
    let from = first;
    let to = last;
    const delivered = new Set<number>();
    // A job run before (it stalled when its worker died, failed, or was handed back) may have delivered
    // some or all of its results already: look first, and run only from the first missing one to the last.
    if (job.attemptsStarted > 1 || job.attemptsMade > 0 || job.stalledCounter > 0) {
      const before = await store.replicationState(experimentId, point, first);
      if (before.state === undefined) throw new NotPlannedJob(`unknown experiment ${experimentId}: no metadata stored`);
      if (before.state === "cancelled") {
        jlog.info("experiment cancelled; skipping the replications");
        replications.inc({ outcome: "skipped" }, count);
        return { skipped: "experiment-cancelled" };
      }
      const pairs = Array.from({ length: count }, (_, i) => ({ point, replication: first + i }));
      const have = count === 1 ? [before.delivered] : await store.haveResults(experimentId, pairs);
      have.forEach((h, i) => h && delivered.add(first + i));
      if (before.state === "completed" || delivered.size === count) {
        // If the crash came between delivering the last result and queueing the report job, queue it now.
        jlog.info({ state: before.state, delivered: delivered.size, count }, "results already delivered; skipping");
        replications.inc({ outcome: "skipped" }, count);
        const report = before.state === "running" && before.done >= before.total ? await requestReport(experimentId) : undefined;
        return { skipped: before.state === "completed" ? "experiment-completed" : "already-delivered", ...(report && { reportJobId: report }) };
      }
      while (delivered.has(from)) from++;
      while (delivered.has(to)) to--;
      if (from > first) jlog.info({ from, to }, "resuming a block after the results it delivered before");
    }
    const started = performance.now();
    // One atomic, idempotent step per result, sent as soon as the thread hands it over: a re-run after
    // a crash delivers the same bytes and changes nothing.
    const deliveries: Promise<Delivery>[] = [];
    let failedAt = from;
    try {
      await pool.runBlock({
        experimentId,
        specJson: spec,
        point,
        first: from,
        count: to - from + 1,
        ...(signal && { signal }),
        onResult: (r, bytes, ms) => {
          failedAt = r + 1;
          duration.observe(ms / 1000);
          if (delivered.has(r)) return;
          const delivery = store.deliverResult(experimentId, point, r, bytes);
          // Awaited below; marked handled now so that a failed delivery cannot end the process before.
          delivery.catch(() => {});
          deliveries.push(delivery);
        },
      });
    } catch (err) {
      // What the block delivered before it stopped stands (the results are deterministic).
      await Promise.allSettled(deliveries);
      if (err instanceof ReplicationFailure) {
        if (err.kind === "aborted" || err.kind === "closed") {
          // Shutdown ran out of time: give the job back without spending an attempt.
          jlog.warn({ point, replication: err.replication ?? failedAt }, "handing the job back to the queue");
          replications.inc({ outcome: "handed_back" });
          if (token) await job.moveToWait(token).catch((e: unknown) => jlog.warn({ err: String(e) }, "could not hand the job back; it will be recovered as stalled"));
          throw new WaitingError();
        }
        if (err.permanent) throw failingAt(new UnrecoverableError(`${err.kind}: ${err.message}`), err.replication ?? failedAt);
      }
      throw failingAt(err, failedAt);
    }
    let outcomes: Delivery[];
    try {
      outcomes = await Promise.all(deliveries);
    } catch (err) {
      await Promise.allSettled(deliveries);
      throw err;
    }
    if (outcomes.some((d) => d.outcome === "unknown-experiment")) throw new NotPlannedJob(`experiment ${experimentId} was removed while replications ${from}-${to} of point ${point} ran`);
    if (outcomes.some((d) => d.outcome === "cancelled")) {
      // A job taken before the cancel removed the queued ones: it ran, and its results are not kept.
      jlog.info({ point, from, to }, "experiment cancelled while the replications ran; results dropped");
      replications.inc({ outcome: "dropped" }, outcomes.filter((d) => d.outcome === "cancelled").length);
      return { dropped: "experiment-cancelled" };
    }
    const added = outcomes.filter((d) => d.outcome === "added").length;
    if (added > 0) replications.inc({ outcome: "completed" }, added);
    if (outcomes.length > added) replications.inc({ outcome: "duplicate" }, outcomes.length - added);
    // The delivery that saw the most results in (the last to land) tells whether the set is complete.
    const latest = outcomes.reduce((a, b) => (b.done > a.done ? b : a));
    jlog.debug({ point, from, to, added, done: latest.done, total: latest.total, ms: Math.round(performance.now() - started) }, "block done");
    const report = outcomes.some((d) => d.state === "running" && d.done >= d.total) ? await requestReport(experimentId) : undefined;
    const counts = count === 1 ? {} : { added, duplicates: outcomes.length - added };
    return { delivered: added > 0 ? "added" : "duplicate", ...counts, done: latest.done, total: latest.total, ...(report && { reportJobId: report }) };
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
    if (err instanceof NotPlannedJob || !data.success || job.id !== simulateJobId(data.data.experimentId, data.data.point, data.data.replication, data.data.count)) {
      jlog.error({ err: err.message }, "job failed alone; it is not a planned replication of an experiment, so no experiment's state changes");
      return;
    }
    // Recorded against the replication the job failed at (a block's own id names no one replication).
    const at = failedReplication.get(err) ?? data.data.replication;
    jlog.error({ err: err.message, replication: at }, "replication failed for good");
    void store.recordFailure(data.data.experimentId, replicationJobId(data.data.experimentId, data.data.point, at), err.message).then(
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
