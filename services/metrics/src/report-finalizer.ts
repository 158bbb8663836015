/**
 * Finalisation: an experiment's report built from its delivered results, written and announced once.
 */
import { rm, rmdir } from "node:fs/promises";
import { join } from "node:path";
import { type ExperimentSpec, ReportAccumulator, planReplications, reportJson } from "@hetao/experiment";
import { type ExperimentStore, type FleetConfig, type Logger, ResultDecodeError, decodeResult, replicationJobId } from "@hetao/messaging";
import { renderReportFiles } from "@hetao/report";
import { scenarioDigest } from "@hetao/scenario";
import { Counter, Histogram, type Registry } from "prom-client";
import { writeAtomically } from "./atomic-write.js";

/**
 * What a report job found: `written` when this call wrote and announced the report;
 * `already-completed` when it was done before; `invalid-result` when delivered results fail
 * ReplicationResultSchema (they are removed and the experiment fails; resubmitting it runs those
 * replications again); `experiment-failed` when the experiment had failed already (nothing to report);
 * `experiment-cancelled` when it was cancelled (never reported, even if every result is in).
 */
export type FinalizeOutcome = "written" | "already-completed" | "invalid-result" | "experiment-failed" | "experiment-cancelled";

/** The experiment is unknown or not all its results are in. */
export class NotReady extends Error {
  override readonly name = "NotReady";
}

const SPEC_CACHE = 32;
/** Results decoded between two yields to the event loop (so BullMQ's lock renewal keeps running). */
const DECODE_BATCH = 64;

export interface FinalizerContext {
  store: ExperimentStore;
  config: Pick<FleetConfig, "reportsDir" | "lockDurationMs">;
  log: Logger;
  registry: Registry;
}

/** Returns `finalize(id)`: see its comment. Keeps the last few specs, which never change for an id. */
export function reportFinalizer({ store, config, log, registry }: FinalizerContext): (id: string) => Promise<FinalizeOutcome> {
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
   * Builds, writes and announces the report; run only by a report job. BullMQ's job lock is the only
   * lock: the job id is fixed per experiment, so one worker at a time holds it, and should a lock be
   * lost (a worker that blocked past LOCK_DURATION_MS) and the job run twice, both write the same bytes
   * atomically and completion is announced once. Throws NotReady when the experiment is unknown or
   * some results are missing.
   */
  async function finalize(id: string): Promise<FinalizeOutcome> {
    const flog = log.child({ experimentId: id });
    const meta = await store.getMeta(id);
    if (!meta) throw new NotReady(`unknown experiment ${id}: no metadata stored`);
    if (meta.state === "completed") return "already-completed";
    if (meta.state === "failed") return "experiment-failed";
    if (meta.state === "cancelled") return cancelled(flog);
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
      // Yield between batches: a large experiment takes seconds, and BullMQ's lock renewal must keep
      // running meanwhile.
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
    // Its reproduce line quotes the scenario file as `run FILE --redis` was given it, as the CLI's copy
    // does (byte-identical then); submitted over HTTP, it names the file after the scenario.
    const files = renderReportFiles(report, meta.scenarioFile !== null ? { scenarioPath: meta.scenarioFile } : {});
    if (files.find((f) => f.name === "report.json")?.content !== json) throw new Error("report bundle disagrees with report.json");
    await writeAtomically(dir, files, config.lockDurationMs);
    const done = await store.complete(id, json, dir);
    reportSeconds.observe((performance.now() - started) / 1000);
    if (done === "cancelled") {
      // Cancelled while the report was built: the files just written go, so no report exists for it.
      await Promise.all(files.map((f) => rm(join(dir, f.name), { force: true })));
      await rmdir(dir).catch(() => {}); // only if empty: a live writer's temporary file stays
      return cancelled(flog);
    }
    if (done === "already-completed") return "already-completed";
    reports.inc();
    flog.info({ reportDir: dir, replications: plan.length }, "report written; experiment completed");
    return "written";
  }

  function cancelled(flog: Logger): FinalizeOutcome {
    flog.info("experiment cancelled; no report is built");
    return "experiment-cancelled";
  }

  return finalize;
}
