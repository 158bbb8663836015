import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { type ExperimentSpec, ReportAccumulator, planReplications, reportJson } from "@hetao/experiment";
import {
  ExperimentStore,
  type FleetConfig,
  type HttpServer,
  type Logger,
  QUEUES,
  REPORTS_RETENTION,
  type ReportJob,
  ReportJobSchema,
  bullConnection,
  createRedis,
  ResultDecodeError,
  decodeResult,
  replicationJobId,
  describeZodError,
  serviceRegistry,
  silentLogger,
  startOpsServer,
} from "@hetao/messaging";
import { renderReportFiles } from "@hetao/report";
import { scenarioDigest } from "@hetao/scenario";
import { type Job, UnrecoverableError, Worker } from "bullmq";
import { Counter, Histogram, type Registry } from "prom-client";

export interface MetricsOptions {
  log?: Logger;
  /** Serve /healthz and /metrics (default true). */
  http?: boolean;
  /** How often to look for complete-but-unreported experiments (default 15 s). */
  sweepIntervalMs?: number;
}

export interface MetricsService {
  worker: Worker<ReportJob>;
  registry: Registry;
  port: number | undefined;
  /** Builds and writes the report if every result is in and it is not written yet; says what it did. */
  finalize(experimentId: string): Promise<FinalizeOutcome>;
  close(): Promise<void>;
}

/**
 * What a report job (or the sweep) found: `written` when this call wrote and announced the report;
 * `already-completed` when it was done before; `locked` (the sweep only) when another metrics worker
 * is writing it; `invalid-result` when delivered results fail ReplicationResultSchema (they are
 * removed and the experiment fails; resubmitting it runs those replications again);
 * `experiment-failed` when the experiment had failed already (nothing to report);
 * `experiment-cancelled` when it was cancelled (never reported, even if every result is in).
 */
export type FinalizeOutcome = "written" | "already-completed" | "locked" | "invalid-result" | "experiment-failed" | "experiment-cancelled";

export interface ReportReturn {
  outcome: FinalizeOutcome;
}

const SPEC_CACHE = 32;

/** The experiment is unknown or not all its results are in. */
class NotReady extends Error {
  override readonly name = "NotReady";
}
/** How often a report job waiting for another worker's finalize lock looks again. */
const LOCK_POLL_MS = 200;
/** Results decoded between two yields to the event loop (so lock renewals keep running). */
const DECODE_BATCH = 64;

/**
 * Writes files into dir: each to a temporary name, then renamed into place (readers never see half a
 * file). Temporary files of these names older than `staleMs` were left by a writer that died (a live
 * one renames within seconds, and holds the finalize lock, which expires after `staleMs`): removed.
 */
async function writeAtomically(dir: string, files: { name: string; content: string | Uint8Array }[], staleMs: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tag = `${process.pid}.${randomBytes(4).toString("hex")}`;
  const temps = files.map((f) => join(dir, `.${f.name}.${tag}.tmp`));
  try {
    for (let i = 0; i < files.length; i++) await writeFile(temps[i]!, files[i]!.content);
    for (let i = 0; i < files.length; i++) await rename(temps[i]!, join(dir, files[i]!.name));
  } catch (err) {
    await Promise.all(temps.map((t) => rm(t, { force: true })));
    throw err;
  }
  const ours = new Set(files.map((f) => f.name));
  const leftovers = (await readdir(dir)).filter((entry) => {
    const m = /^\.(.+)\.\d+\.[0-9a-f]{8}\.tmp$/.exec(entry);
    return m !== null && ours.has(m[1]!);
  });
  const now = Date.now();
  for (const entry of leftovers) {
    const path = join(dir, entry);
    const info = await stat(path).catch(() => undefined);
    if (info && now - info.mtimeMs > staleMs) await rm(path, { force: true });
  }
}

/**
 * Starts a metrics worker: takes `reports` jobs (one per experiment whose results are all delivered),
 * validates every result, builds the report from them in (point, replication) order, writes every
 * file of renderReportFiles (REPORTS_DIR/<id>/report.json, .md, .html, CSV and Parquet) atomically,
 * stores the report in Redis and announces completion exactly once. The results themselves are
 * delivered into Redis by the simulators (an atomic first-delivery-wins script), so a metrics worker
 * holds no state of its own and a restart loses nothing.
 */
export async function startMetrics(config: FleetConfig, options: MetricsOptions = {}): Promise<MetricsService> {
  const log = (options.log ?? silentLogger()).child({ component: "metrics" });
  const redis = createRedis(config, "worker", "metrics-store");
  redis.on("error", (err) => log.warn({ err: err.message }, "redis error"));
  const store = new ExperimentStore(redis, config.queuePrefix);

  const registry = serviceRegistry("metrics");
  const jobs = new Counter({
    name: "hetao_metrics_report_jobs_total",
    help: "Report jobs by outcome (written, already_completed, locked, invalid_result, experiment_failed, experiment_cancelled, rejected).",
    labelNames: ["outcome"],
    registers: [registry],
  });
  const reports = new Counter({ name: "hetao_metrics_reports_total", help: "Reports written and announced.", registers: [registry] });
  const reportSeconds = new Histogram({
    name: "hetao_metrics_report_seconds",
    help: "Time to build and write one report.",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });

  const specs = new Map<string, ExperimentSpec>();
  async function spec(id: string): Promise<ExperimentSpec | undefined> {
    const cached = specs.get(id);
    if (cached) return cached;
    const s = await store.getSpec(id);
    if (!s) return undefined;
    specs.set(id, s);
    while (specs.size > SPEC_CACHE) specs.delete(specs.keys().next().value!);
    return s;
  }

  /**
   * Builds, writes and announces the report. The finalize lock (expiring after LOCK_DURATION_MS, renewed
   * while held) keeps two workers from doing the same work; it is not needed for correctness, since
   * the files are the same bytes written atomically and completion is announced once. With `wait`, a
   * report job waits for a lock someone else holds (if they die, it expires and this one takes over);
   * without, the sweep leaves it to them. Throws NotReady when the experiment is unknown or some
   * results are missing.
   */
  async function finalize(id: string, wait = false): Promise<FinalizeOutcome> {
    const flog = log.child({ experimentId: id });
    const meta = await store.getMeta(id);
    if (!meta) throw new NotReady(`unknown experiment ${id}: no metadata stored`);
    if (meta.state === "completed") return "already-completed";
    if (meta.state === "failed") return "experiment-failed";
    if (meta.state === "cancelled") return cancelled(flog);
    const ttl = config.lockDurationMs;
    let token = await store.lockFinalize(id, ttl);
    if (!token && wait) flog.info("another metrics worker is writing the report; waiting for it, or for its lock to expire");
    while (!token && wait) {
      await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
      const state = (await store.getMeta(id))?.state;
      if (state === "completed") return "already-completed";
      if (state === "failed") return "experiment-failed";
      if (state === "cancelled") return cancelled(flog);
      token = await store.lockFinalize(id, ttl);
    }
    if (!token) return "locked";
    const held = token;
    const renewal = setInterval(() => {
      void store.renewFinalize(id, held, ttl).catch((err: unknown) => flog.warn({ err: String(err) }, "could not renew the finalize lock"));
    }, Math.max(100, Math.floor(ttl / 3)));
    try {
      const s = await spec(id);
      if (!s) throw new Error(`experiment ${id} has metadata but no spec`);
      const started = performance.now();
      const plan = planReplications(s);
      // Loaded from Redis, decoded, validated and merged a batch at a time in plan order (point,
      // replication), then dropped: nothing holds every result, so memory does not grow with the count.
      const accumulator = new ReportAccumulator(s);
      const invalid: { point: number; replication: number; problem: string }[] = [];
      let missing = 0;
      for (let i = 0; i < plan.length; i += DECODE_BATCH) {
        // Yield between batches: a large experiment takes seconds, and the lock renewal (and BullMQ's
        // own) must keep running meanwhile.
        if (i > 0) await new Promise((r) => setImmediate(r));
        const batch = plan.slice(i, i + DECODE_BATCH);
        const encoded = await store.loadResults(id, batch);
        for (let k = 0; k < batch.length; k++) {
          const text = encoded[k];
          if (text === undefined) missing++;
          if (text === undefined || missing > 0) continue; // once one is missing, only count
          const { point, replication } = batch[k]!;
          try {
            const result = decodeResult(text, point, replication);
            if (invalid.length === 0) accumulator.add(result);
          } catch (err) {
            if (!(err instanceof ResultDecodeError)) throw err;
            invalid.push({ point, replication, problem: err.message });
          }
        }
      }
      if (missing > 0) throw new NotReady(`experiment ${id} has ${plan.length - missing} of ${plan.length} results; nothing to report yet`);
      if (invalid.length > 0) {
        // Remove the bad results (a resubmission then runs those replications again) and fail the
        // experiment, naming each one.
        for (const bad of invalid) {
          flog.error(bad, "a delivered result is invalid; it is removed and the experiment fails");
          await store.discardResult(id, bad.point, bad.replication);
          await store.recordFailure(id, replicationJobId(id, bad.point, bad.replication), bad.problem);
        }
        return "invalid-result";
      }
      const report = accumulator.finish({ scenarioDigest: scenarioDigest(s.scenario), toolVersion: meta.toolVersion });
      const json = reportJson(report);
      const dir = join(config.reportsDir, id);
      // The same bundle the CLI writes (JSON, Markdown, HTML, CSV, Parquet): one function, both transports.
      const files = renderReportFiles(report);
      if (files.find((f) => f.name === "report.json")?.content !== json) throw new Error("report bundle disagrees with report.json");
      await writeAtomically(dir, files, config.lockDurationMs);
      const done = await store.complete(id, json, dir);
      reportSeconds.observe((performance.now() - started) / 1000);
      if (done === "cancelled") {
        // Cancelled while the report was built: the files just written go, so no report exists for it.
        await Promise.all(files.map((f) => rm(join(dir, f.name), { force: true })));
        await rm(dir, { recursive: false }).catch(() => {});
        return cancelled(flog);
      }
      if (done === "already-completed") return "already-completed";
      reports.inc();
      flog.info({ reportDir: dir, replications: plan.length }, "report written; experiment completed");
      return "written";
    } finally {
      clearInterval(renewal);
      await store.unlockFinalize(id, held).catch(() => {});
    }
  }

  function cancelled(flog: Logger): FinalizeOutcome {
    flog.info("experiment cancelled; no report is built");
    return "experiment-cancelled";
  }

  async function process(job: Job<ReportJob>): Promise<ReportReturn> {
    const parsed = ReportJobSchema.safeParse(job.data);
    if (!parsed.success) {
      jobs.inc({ outcome: "rejected" });
      throw new UnrecoverableError(`malformed report job: ${describeZodError(parsed.error)}`);
    }
    try {
      const outcome = await finalize(parsed.data.experimentId, true);
      jobs.inc({ outcome: outcome.replace("-", "_") });
      return { outcome };
    } catch (err) {
      if (!(err instanceof NotReady)) throw err;
      // Only a simulator that saw every result in queues this job: anything else is not ours to retry.
      jobs.inc({ outcome: "rejected" });
      throw new UnrecoverableError(err.message);
    }
  }

  const worker = new Worker<ReportJob, ReportReturn>(QUEUES.reports, process, {
    connection: bullConnection(config, "worker", "reports-worker"),
    prefix: config.queuePrefix,
    name: `metrics@${hostname()}:${globalThis.process.pid}`,
    concurrency: config.metricsConcurrency,
    lockDuration: config.lockDurationMs,
    stalledInterval: config.stalledIntervalMs,
    maxStalledCount: 3,
    removeOnComplete: { ...REPORTS_RETENTION.removeOnComplete },
    removeOnFail: { ...REPORTS_RETENTION.removeOnFail },
    autorun: false,
  });
  worker.on("error", (err) => log.error({ err: err.message }, "worker error"));
  worker.on("stalled", (jobId) => log.warn({ jobId }, "report job stalled; put back in the queue"));
  worker.on("failed", (job, err) => {
    const final = !job || err.name === "UnrecoverableError" || job.attemptsMade >= (job.opts.attempts ?? 1);
    log[final ? "error" : "warn"]({ jobId: job?.id, err: err.message }, final ? "report job failed for good" : "report job failed; will retry");
  });

  // Finishes experiments whose report job was lost: a simulator died between delivering the last result
  // and queueing the job (its re-run queues it too), or the finalize lock's holder died.
  let sweeping = false;
  async function sweep(): Promise<void> {
    if (sweeping) return;
    sweeping = true;
    try {
      for (const meta of await store.unfinished()) {
        if (meta.state !== "running" || (await store.resultCount(meta.id)) < meta.total) continue;
        await finalize(meta.id).catch((err: unknown) => log.warn({ experimentId: meta.id, err: String(err) }, "sweep could not finish the report"));
      }
    } catch (err) {
      log.warn({ err: String(err) }, "sweep failed");
    } finally {
      sweeping = false;
    }
  }
  const sweepTimer = setInterval(() => void sweep(), options.sweepIntervalMs ?? 15_000);
  sweepTimer.unref();

  let closing = false;
  let http: HttpServer | undefined;
  if (options.http !== false) {
    http = await startOpsServer({
      host: config.httpHost,
      port: config.httpPort,
      registry,
      health: () => ({ ok: !closing && worker.isRunning() && redis.status === "ready", role: "metrics", running: worker.isRunning(), closing, redis: redis.status }),
    });
  }
  void worker.run().catch((err: unknown) => log.error({ err: String(err) }, "worker stopped"));
  await worker.waitUntilReady();
  void sweep();
  log.info({ concurrency: config.metricsConcurrency, prefix: config.queuePrefix, reportsDir: config.reportsDir, port: http?.port, host: http?.host }, "metrics ready");

  let closed: Promise<void> | undefined;
  return {
    worker,
    registry,
    port: http?.port,
    finalize,
    close() {
      closed ??= (async () => {
        closing = true;
        clearInterval(sweepTimer);
        // Give an in-flight report the timeout, then leave it to the stalled-job check (another worker redoes it).
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), config.shutdownTimeoutMs)));
        const outcome = await Promise.race([worker.close().then(() => "closed" as const), timedOut]);
        clearTimeout(timer);
        if (outcome === "timeout") {
          log.warn("shutdown timeout: closing without waiting; an unfinished report job will be taken over by another worker");
          await worker.close(true);
        }
        await redis.quit().catch(() => redis.disconnect());
        await http?.close();
      })();
      return closed;
    },
  };
}
