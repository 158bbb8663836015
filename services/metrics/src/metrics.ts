import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import type { ReplicationResult } from "@hetao/crossing-model";
import { type ExperimentSpec, buildReport, planReplications, reportJson } from "@hetao/experiment";
import {
  ExperimentStore,
  type FleetConfig,
  type HttpServer,
  type Logger,
  QUEUES,
  RESULTS_RETENTION,
  type ResultJob,
  bullConnection,
  createRedis,
  ResultJobSchema,
  checkResult,
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
  worker: Worker<ResultJob>;
  registry: Registry;
  port: number | undefined;
  /** Builds and writes the report if every result is in and it is not written yet. True if this call completed it. */
  finalize(experimentId: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface MergeReturn {
  added: boolean;
  done: number;
  total: number;
  completed: boolean;
}

const SPEC_CACHE = 32;
/** How long the finalize lock is held at most if its holder dies (the sweep then finishes the job). */
const FINALIZE_LOCK_MS = 60_000;

/** Writes files into dir: each to a temporary name, then renamed into place (readers never see half a file). */
async function writeAtomically(dir: string, files: { name: string; content: string | Uint8Array }[]): Promise<void> {
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
}

/**
 * Starts a metrics worker: merges results from the `results` queue into Redis idempotently (HSETNX per
 * (point, replication)), and when the last one is in, builds the report from the results in
 * (point, replication) order, writes every file of renderReportFiles (REPORTS_DIR/<id>/report.json, .md,
 * .html, CSV and Parquet) atomically, stores the
 * report in Redis and announces completion exactly once.
 */
export async function startMetrics(config: FleetConfig, options: MetricsOptions = {}): Promise<MetricsService> {
  const log = (options.log ?? silentLogger()).child({ component: "metrics" });
  const redis = createRedis(config, "worker", "metrics-store");
  redis.on("error", (err) => log.warn({ err: err.message }, "redis error"));
  const store = new ExperimentStore(redis, config.queuePrefix);

  const registry = serviceRegistry("metrics");
  const merged = new Counter({
    name: "hetao_metrics_results_total",
    help: "Result deliveries by outcome (merged, duplicate, rejected).",
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

  // The total of an experiment never changes and "completed" is final: read each once.
  const totals = new Map<string, number>();
  const completedIds = new Set<string>();
  async function metaOf(id: string): Promise<{ total: number; state: "running" | "completed" | "failed" } | undefined> {
    if (completedIds.has(id)) return { total: totals.get(id)!, state: "completed" };
    const total = totals.get(id);
    if (total !== undefined) return { total, state: "running" };
    const meta = await store.getMeta(id);
    if (!meta) return undefined;
    totals.set(id, meta.total);
    if (totals.size > 10_000) totals.delete(totals.keys().next().value!);
    if (meta.state === "completed") completedIds.add(id);
    return { total: meta.total, state: meta.state };
  }

  async function finalize(id: string): Promise<boolean> {
    const flog = log.child({ experimentId: id });
    const meta = await store.getMeta(id);
    if (!meta || meta.state === "completed") return false;
    const token = await store.lockFinalize(id, FINALIZE_LOCK_MS);
    if (!token) {
      flog.debug("another metrics worker is building the report");
      return false;
    }
    try {
      const s = await spec(id);
      if (!s) throw new Error(`experiment ${id} has metadata but no spec`);
      const started = performance.now();
      const plan = planReplications(s);
      const texts = await store.loadResults(id, plan);
      // loadResults returns them in plan order: (point, replication). Checked again here, where the
      // report consumes them (the compiled validator: about half a millisecond each).
      if (texts.some((t) => t === undefined)) return false;
      const results: ReplicationResult[] = [];
      for (let i = 0; i < texts.length; i++) {
        const { point, replication } = plan[i]!;
        const value: unknown = JSON.parse(texts[i]!);
        const problem = checkResult(value, point, replication);
        if (problem !== undefined) {
          flog.error({ point, replication, problem }, "a stored result is invalid; the experiment fails");
          await store.recordFailure(id, `${id}.${point}.${replication}`, `stored result is invalid: ${problem}`);
          return false;
        }
        results.push(value as ReplicationResult);
      }
      const report = buildReport(s, results, { scenarioDigest: scenarioDigest(s.scenario), toolVersion: meta.toolVersion });
      const json = reportJson(report);
      const dir = join(config.reportsDir, id);
      // The same bundle the CLI writes (JSON, Markdown, HTML, CSV, Parquet): one function, both transports.
      const files = renderReportFiles(report);
      if (files.find((f) => f.name === "report.json")?.content !== json) throw new Error("report bundle disagrees with report.json");
      await writeAtomically(dir, files);
      const first = await store.complete(id, json, dir);
      reportSeconds.observe((performance.now() - started) / 1000);
      if (first) {
        reports.inc();
        flog.info({ reportDir: dir, replications: results.length }, "report written; experiment completed");
      }
      return first;
    } finally {
      await store.unlockFinalize(id, token).catch(() => {});
    }
  }

  async function process(job: Job<ResultJob>): Promise<MergeReturn> {
    const parsed = ResultJobSchema.safeParse(job.data);
    if (!parsed.success) {
      merged.inc({ outcome: "rejected" });
      throw new UnrecoverableError(`malformed result job: ${describeZodError(parsed.error)}`);
    }
    const { experimentId: id, point, replication } = parsed.data;
    const jlog = log.child({ experimentId: id, jobId: job.id });
    const [s, meta] = await Promise.all([spec(id), metaOf(id)]);
    if (!s || !meta) throw new UnrecoverableError(`unknown experiment ${id}: no spec stored`);
    if (!s.points.some((p) => p.index === point) || replication >= s.replications) {
      throw new UnrecoverableError(`result for point ${point}, replication ${replication} is not part of experiment ${id}`);
    }
    // The merge happens inside Redis (staged → results hash, HSETNX semantics): exactly once in effect.
    const { outcome, done } = await store.mergeStaged(id, point, replication);
    if (outcome === "missing") {
      merged.inc({ outcome: "rejected" });
      throw new UnrecoverableError(`no result staged for point ${point}, replication ${replication} of ${id} (and none merged)`);
    }
    const added = outcome === "merged";
    merged.inc({ outcome: added ? "merged" : "duplicate" });
    if (added) {
      jlog.debug({ point, replication, done, total: meta.total }, "result merged");
      await store.publish({ type: "progress", experimentId: id, done, total: meta.total });
    } else {
      jlog.info({ point, replication }, "duplicate result ignored");
    }
    let completed = meta.state === "completed";
    if (done >= meta.total && !completed) {
      completed = (await finalize(id)) || (await store.getMeta(id))?.state === "completed";
      if (completed) {
        completedIds.add(id);
        if (completedIds.size > 10_000) completedIds.delete(completedIds.values().next().value!);
      }
    }
    return { added, done, total: meta.total, completed };
  }

  const worker = new Worker<ResultJob, MergeReturn>(QUEUES.results, process, {
    connection: bullConnection(config, "worker", "results-worker"),
    prefix: config.queuePrefix,
    name: `metrics@${hostname()}:${globalThis.process.pid}`,
    concurrency: config.metricsConcurrency,
    lockDuration: config.lockDurationMs,
    stalledInterval: config.stalledIntervalMs,
    maxStalledCount: 3,
    removeOnComplete: { ...RESULTS_RETENTION.removeOnComplete },
    removeOnFail: { ...RESULTS_RETENTION.removeOnFail },
    autorun: false,
  });
  worker.on("error", (err) => log.error({ err: err.message }, "worker error"));
  worker.on("stalled", (jobId) => log.warn({ jobId }, "result job stalled; put back in the queue"));
  worker.on("failed", (job, err) => {
    const final = !job || err.name === "UnrecoverableError" || job.attemptsMade >= (job.opts.attempts ?? 1);
    log[final ? "error" : "warn"]({ jobId: job?.id, err: err.message }, final ? "result job failed for good" : "result job failed; will retry");
  });

  // Finishes experiments whose last result was merged by a worker that died before writing the report.
  let sweeping = false;
  async function sweep(): Promise<void> {
    if (sweeping) return;
    sweeping = true;
    try {
      for (const meta of await store.unfinished()) {
        if ((await store.resultCount(meta.id)) >= meta.total) await finalize(meta.id);
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
        // Merging is quick; give in-flight jobs the timeout, then leave the rest to the stalled-job check.
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), config.shutdownTimeoutMs)));
        const outcome = await Promise.race([worker.close().then(() => "closed" as const), timedOut]);
        clearTimeout(timer);
        if (outcome === "timeout") {
          log.warn("shutdown timeout: closing without waiting; unfinished result jobs will be retried by another worker");
          await worker.close(true);
        }
        await redis.quit().catch(() => redis.disconnect());
        await http?.close();
      })();
      return closed;
    },
  };
}
