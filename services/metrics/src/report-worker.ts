/**
 * The metrics service: a BullMQ worker on the `reports` queue (report-finalizer.ts builds each report),
 * the reconciliation sweep (report-sweep.ts) and the ops server.
 */
import { hostname } from "node:os";
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
  describeZodError,
  serviceRegistry,
  silentLogger,
  startOpsServer,
} from "@hetao/messaging";
import { type Job, UnrecoverableError, Worker } from "bullmq";
import { Counter, type Registry } from "prom-client";
import { type FinalizeOutcome, NotReady, reportFinalizer } from "./report-finalizer.js";
import { startReportSweep } from "./report-sweep.js";

export type { FinalizeOutcome } from "./report-finalizer.js";

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
  close(): Promise<void>;
}

export interface ReportReturn {
  outcome: FinalizeOutcome;
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
  const store = new ExperimentStore(redis, config.queuePrefix, { retentionHours: config.experimentRetentionHours });

  const registry = serviceRegistry("metrics");
  const jobs = new Counter({
    name: "hetao_metrics_report_jobs_total",
    help: "Report jobs by outcome (written, already_completed, invalid_result, experiment_failed, experiment_cancelled, rejected).",
    labelNames: ["outcome"],
    registers: [registry],
  });
  const finalize = reportFinalizer({ store, config, log, registry });

  async function process(job: Job<ReportJob>): Promise<ReportReturn> {
    const parsed = ReportJobSchema.safeParse(job.data);
    if (!parsed.success) {
      jobs.inc({ outcome: "rejected" });
      throw new UnrecoverableError(`malformed report job: ${describeZodError(parsed.error)}`);
    }
    try {
      const outcome = await finalize(parsed.data.experimentId);
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

  const sweep = startReportSweep(store, config, log, options.sweepIntervalMs ?? 15_000);

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
  void sweep.sweep();
  log.info({ concurrency: config.metricsConcurrency, prefix: config.queuePrefix, reportsDir: config.reportsDir, port: http?.port, host: http?.host }, "metrics ready");

  let closed: Promise<void> | undefined;
  return {
    worker,
    registry,
    port: http?.port,
    close() {
      closed ??= (async () => {
        closing = true;
        await sweep.stop();
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
