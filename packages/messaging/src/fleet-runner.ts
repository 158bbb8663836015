import type { ReplicationResult } from "@hetao/crossing-model";
import { type ExperimentSpec, planReplications, replicationsPerJob } from "@hetao/experiment";
import type { Redis } from "ioredis";
import { type FleetConfig, redactRedisUrl } from "./config.js";
import type { Logger } from "./logger.js";
import { type SimulateQueue, reportsQueue, simulateQueue } from "./queues.js";
import { checkRedis, createRedis } from "./redis.js";
import { ResultDecodeError, decodeResult } from "./result-codec.js";
import { ExperimentEventSchema } from "./schemas.js";
import { ExperimentStore } from "./store.js";
import { type SubmitResult, submitExperiment } from "./submit.js";
import { TOOL_VERSION } from "./version.js";

export interface FleetProgress {
  done: number;
  total: number;
}

export interface FleetRunnerOptions {
  /** Recorded in the report (default: this package's TOOL_VERSION; the CLI passes its own). */
  toolVersion?: string;
  log?: Logger;
  /** One-line notices for the user (e.g. "no simulator is connected"). */
  notice?: (line: string) => void;
  /** Status poll interval besides pub/sub wake-ups (default 1000 ms). */
  pollMs?: number;
  /** Warn when no simulator/metrics worker is connected for this long (default 5000 ms). */
  noWorkerWarnMs?: number;
  /** Replications per `simulate` job of a new experiment (default: replicationsPerJob(spec), as the orchestrator). */
  replicationsPerJob?: number;
  /** The scenario file as the user gave it: the metrics worker's report quotes it in its reproduce line (SubmitContext.scenarioFile). */
  scenarioFile?: string;
}

/** A replication failed for good, or the fleet is unusable. */
export class FleetError extends Error {
  override readonly name = "FleetError";
}

/**
 * True for errors that mean "Redis is not there right now" (restarting, loading its AOF, the network
 * gone) rather than a fault of the request: the runner waits for the connection to come back.
 */
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === "MaxRetriesPerRequestError") return true;
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENOTCONN|Connection is closed|max retries per request|LOADING|Stream isn't writeable|connection (?:lost|closed)/i.test(
    err.message,
  );
}

/** Results fetched from Redis per round trip (each is decoded, merged and dropped before the next batch). */
const FETCH_BATCH = 64;

/**
 * Runs an experiment on the BullMQ fleet: submits it through the orchestrator path
 * (submitExperiment), follows progress over pub/sub (with polling as a fallback), fetches results
 * as the simulators deliver them, and returns them in (point, replication) order once all are in,
 * so the caller builds the very same report as the embedded runner (the metrics worker writes its own
 * copy to REPORTS_DIR at the same time). Given `onResult`, each result is handed to it as it is fetched
 * and none is kept (the promise resolves to []).
 * Implements the CLI's ExperimentRunner contract structurally.
 */
export class FleetRunner {
  readonly config: FleetConfig;
  readonly options: FleetRunnerOptions;
  /** The last submission (its id names the report directory on the metrics side). */
  submission: SubmitResult | undefined;
  /** Report directory written by the metrics worker for the last run. */
  reportDir: string | undefined;
  #redis: Redis | undefined;
  #sub: Redis | undefined;
  #simulate: SimulateQueue | undefined;

  constructor(config: FleetConfig, options: FleetRunnerOptions = {}) {
    this.config = config;
    this.options = options;
  }

  describe(): string {
    return `fleet via ${redactRedisUrl(this.config.redisUrl)}, queue prefix ${this.config.queuePrefix}`;
  }

  async run(
    spec: ExperimentSpec,
    onProgress: (p: FleetProgress) => void = () => {},
    onResult?: (result: ReplicationResult) => void,
  ): Promise<ReplicationResult[]> {
    const { config, options } = this;
    // The same limit as POST /experiments (MAX_REPLICATIONS), checked before anything is queued.
    const planned = planReplications(spec).length;
    if (planned > config.maxReplications) {
      throw new FleetError(
        `the experiment asks for ${planned} replications; the fleet accepts at most ${config.maxReplications} per experiment (MAX_REPLICATIONS)`,
      );
    }
    await checkRedis({ ...config, startupTimeoutMs: Math.min(config.startupTimeoutMs, 10_000) }, options.log);
    const redis = (this.#redis ??= createRedis(config, "producer", "fleet-runner"));
    redis.on("error", () => {});
    const store = new ExperimentStore(redis, config.queuePrefix, { retentionHours: config.experimentRetentionHours });
    const simulate = (this.#simulate ??= simulateQueue(config, "producer"));
    simulate.on("error", () => {});

    // Subscribe before submitting so that no event is missed.
    let wake: (() => void) | undefined;
    const sub = (this.#sub ??= redis.duplicate());
    sub.on("error", () => {});
    let watched = "";
    sub.on("message", (_channel: string, message: string) => {
      const event = ExperimentEventSchema.safeParse(JSON.parse(message));
      if (event.success && event.data.experimentId === watched) wake?.();
    });
    await sub.subscribe(store.keys.events);

    const reports = reportsQueue(config, "producer");
    reports.on("error", () => {});
    const submission = await submitExperiment(
      {
        store,
        simulate,
        reports,
        ...(options.log ? { log: options.log } : {}),
        replicationsPerJob: options.replicationsPerJob ?? replicationsPerJob(spec),
        ...(options.scenarioFile !== undefined ? { scenarioFile: options.scenarioFile } : {}),
      },
      spec,
      options.toolVersion ?? TOOL_VERSION,
    ).catch(async (err: unknown) => {
      await reports.close().catch(() => {});
      throw err;
    });
    this.submission = submission;
    watched = submission.id;
    const pollMs = options.pollMs ?? 1_000;
    const warnAfter = options.noWorkerWarnMs ?? 5_000;
    // Results are fetched, parsed and validated as they are delivered, so little is left to do at the end.
    const plan = planReplications(spec);
    const collected: (ReplicationResult | undefined)[] = new Array(plan.length);
    // Streaming (onResult): only which results are in is kept.
    const handed = onResult === undefined ? undefined : new Uint8Array(plan.length);
    let missing = plan.map((_, i) => i);
    // Fetched in plan order, a batch at a time, up to the first result not in yet: later ones wait in
    // Redis rather than here. Workers finish blocks out of order (one thread's block ahead of another's),
    // and the accumulator merges each point in replication order, so anything fetched past a gap would
    // only wait in its buffer: fetching up to the gap keeps memory flat whatever the block size.
    const fetchMerged = async () => {
      while (missing.length > 0) {
        const batch = missing.slice(0, FETCH_BATCH);
        const texts = await store.loadResults(submission.id, batch.map((i) => plan[i]!));
        let k = 0;
        for (; k < texts.length; k++) {
          const text = texts[k];
          if (text === undefined) break;
          const i = batch[k]!;
          // Decoded and validated where it is consumed, as the metrics worker does for its copy of the report.
          const { point, replication } = plan[i]!;
          try {
            const result = decodeResult(text, point, replication);
            if (onResult !== undefined) {
              onResult(result);
              handed![i] = 1;
            } else collected[i] = result;
          } catch (err) {
            throw err instanceof ResultDecodeError ? new FleetError(err.message) : err;
          }
        }
        missing = missing.slice(k);
        if (k < batch.length) return; // a gap: the rest waits in Redis until it is filled
      }
    };
    let lastDone = -1;
    let lastFetch = 0;
    let noWorkersSince: number | undefined;
    let warned = false;
    let lastWorkerCheck = 0;
    // A lost connection (Redis restarting, say) is ridden out for reconnectTimeoutMs: ioredis reconnects
    // with backoff, the workers carry on, and progress resumes where the experiment stands in Redis.
    let lostSince: number | undefined;
    const step = async (): Promise<boolean> => {
      const status = await store.status(submission.id);
      if (!status) throw new FleetError(`experiment ${submission.id} disappeared from Redis`);
      if (status.done !== lastDone) {
        lastDone = status.done;
        onProgress({ done: status.done, total: status.total });
      }
      if (status.state === "completed") this.reportDir = status.reportDir ?? undefined;
      // Failed before anything else, even with every result in: the fleet has no report for a failed
      // experiment, so neither does the CLI (a resubmission retries it and recovers it).
      if (status.state === "cancelled") {
        throw new FleetError(`experiment ${submission.id} was cancelled (${status.done} of ${status.total} results in); submit it again to resume it`);
      }
      if (status.state === "failed") {
        const shown = status.errors.slice(0, 3).map((e) => `${e.jobId}: ${e.error}`);
        throw new FleetError(
          `${status.errors.length} replication${status.errors.length === 1 ? "" : "s"} of ${submission.id} failed for good (${shown.join("; ")}${status.errors.length > 3 ? "; …" : ""}); fix the cause and submit again to retry them`,
        );
      }
      // Every result delivered: done. (The metrics worker writes its copy of the report meanwhile.)
      if (status.state === "completed" || status.done >= status.total) {
        await fetchMerged();
        if (missing.length === 0) return true;
      } else if (status.done - lastFetch >= Math.max(8, Math.ceil(status.total / 20))) {
        lastFetch = status.done;
        await fetchMerged();
      }
      if (!warned && Date.now() - lastWorkerCheck >= 1_000) {
        lastWorkerCheck = Date.now();
        const [sims, mets] = await Promise.all([simulate.getWorkersCount(), reports.getWorkersCount()]);
        if (sims === 0 || mets === 0) {
          noWorkersSince ??= Date.now();
          if (Date.now() - noWorkersSince >= warnAfter) {
            const absent = [sims === 0 ? "simulator" : "", mets === 0 ? "metrics" : ""].filter(Boolean);
            options.notice?.(
              `waiting: no ${absent.join(" or ")} worker is connected to ${redactRedisUrl(config.redisUrl)} (prefix ${config.queuePrefix}); start one with: hetao-sim worker --role ${absent[0]}`,
            );
            warned = true;
          }
        } else {
          noWorkersSince = undefined;
        }
      }
      return false;
    };
    try {
      for (;;) {
        try {
          const finished = await step();
          // Said even when the first answer after the outage is "all done" (the fleet finished meanwhile).
          if (lostSince !== undefined) {
            options.notice?.(`reconnected to Redis at ${redactRedisUrl(config.redisUrl)} after ${((Date.now() - lostSince) / 1000).toFixed(1)} s; the experiment carries on`);
            lostSince = undefined;
          }
          if (finished) break;
        } catch (err) {
          if (!isConnectionError(err)) throw err;
          const now = Date.now();
          if (lostSince === undefined) {
            lostSince = now;
            options.notice?.(
              `lost the connection to Redis at ${redactRedisUrl(config.redisUrl)} (${err instanceof Error ? err.message : String(err)}); reconnecting for up to ${Math.round(config.reconnectTimeoutMs / 1000)} s (RECONNECT_TIMEOUT_MS)`,
            );
          } else if (now - lostSince >= config.reconnectTimeoutMs) {
            throw new FleetError(
              `lost the connection to Redis at ${redactRedisUrl(config.redisUrl)} for ${Math.round((now - lostSince) / 1000)} s (RECONNECT_TIMEOUT_MS is ${config.reconnectTimeoutMs} ms); the fleet keeps the experiment: run the same command again to follow it (it resumes, nothing is recomputed)`,
              { cause: err },
            );
          }
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, lostSince === undefined ? pollMs : Math.min(pollMs, 500));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    } finally {
      await reports.close().catch(() => {});
    }
    if (handed !== undefined) {
      const i = handed.indexOf(0);
      if (i >= 0) throw new FleetError(`result ${plan[i]!.point}:${plan[i]!.replication} of ${submission.id} is missing although every result was merged`);
      return [];
    }
    return collected.map((r, i) => {
      if (r === undefined) throw new FleetError(`result ${plan[i]!.point}:${plan[i]!.replication} of ${submission.id} is missing although every result was merged`);
      return r;
    });
  }

  async close(): Promise<void> {
    await this.#simulate?.close().catch(() => {});
    if (this.#sub) await this.#sub.quit().catch(() => this.#sub?.disconnect());
    if (this.#redis) await this.#redis.quit().catch(() => this.#redis?.disconnect());
    this.#simulate = undefined;
    this.#sub = undefined;
    this.#redis = undefined;
  }
}
