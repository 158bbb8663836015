import { type ExperimentSpec, experimentId, parseExperimentSpec } from "@hetao/experiment";
import { canonicalJson } from "@hetao/scenario";
import type { Redis } from "ioredis";
import { DEFAULT_RETENTION_HOURS } from "./config.js";
import { type Keys, keys, parseReplicationJobId, resultField } from "./keys.js";
import { type StoreScripts, defineStoreScripts } from "./store-scripts.js";
import {
  type ExperimentEvent,
  type ExperimentState,
  type ExperimentStatus,
  type ReplicationError,
  ExperimentStateSchema,
} from "./schemas.js";

export interface ExperimentMeta {
  id: string;
  state: ExperimentState;
  scenario: string;
  total: number;
  toolVersion: string;
  submittedAt: string;
  completedAt: string | null;
  reportDir: string | null;
  /** The scenario file as its first submitter gave it (`run FILE --redis`); null when submitted over HTTP. */
  scenarioFile: string | null;
}

/** What a delivery did: see lua/deliver-result.lua. */
export interface Delivery {
  outcome: "added" | "duplicate" | "unknown-experiment" | "cancelled";
  /** Results in the hash after this delivery. */
  done: number;
  /** Results the experiment expects. */
  total: number;
  /** The experiment's state after this delivery (a delivery does not change it). */
  state: ExperimentState | undefined;
}

/** What cancel did: see lua/cancel-experiment.lua. */
export type CancelOutcome = "cancelled" | "already-cancelled" | "completed" | "unknown-experiment";

/** What recordFailure did: see lua/record-failure.lua. */
export type FailureRecord = "recorded" | "unknown-experiment" | "result-delivered";

/** A stored state, an unknown one read as running. Built once: a zod schema is costly to build, and a delivery reads one per result. */
const storedState = ExperimentStateSchema.catch("running");

function toMeta(id: string, h: Record<string, string>): ExperimentMeta | undefined {
  if (h.state === undefined) return undefined;
  return {
    id,
    state: storedState.parse(h.state),
    scenario: h.scenario ?? "",
    total: Number(h.total ?? 0),
    toolVersion: h.toolVersion ?? "",
    submittedAt: h.submittedAt ?? "",
    completedAt: h.completedAt || null,
    reportDir: h.reportDir || null,
    scenarioFile: h.scenarioFile || null,
  };
}

export interface ExperimentStoreOptions {
  /**
   * How long an experiment's keys live once it has ended (completed, failed or cancelled), in hours
   * from then (a completed one: from its last submission after it completed); 0 keeps them until
   * removed. Default DEFAULT_RETENTION_HOURS (a week). A running experiment never expires, and a
   * resubmission of a failed or cancelled one takes the expiry off while it runs again.
   */
  retentionHours?: number;
}

/**
 * The experiment state kept in Redis: spec (once), metadata, merged results, errors and report.
 * All writes are idempotent, so any step may be retried or run twice.
 */
export class ExperimentStore {
  readonly keys: Keys;
  readonly retentionHours: number;
  readonly #retentionSeconds: number;
  /** The same connection, with the store's scripts defined on it (store-scripts.ts). */
  readonly #scripts: Redis & StoreScripts;

  constructor(
    readonly redis: Redis,
    readonly prefix: string,
    options: ExperimentStoreOptions = {},
  ) {
    const hours = options.retentionHours ?? DEFAULT_RETENTION_HOURS;
    if (!(Number.isInteger(hours) && hours >= 0)) throw new RangeError(`retentionHours must be a whole number of hours >= 0, got ${hours}`);
    this.keys = keys(prefix);
    this.retentionHours = hours;
    this.#retentionSeconds = hours * 3600;
    this.#scripts = defineStoreScripts(redis);
  }

  /**
   * Stores the spec and initial metadata unless present. Returns the id and whether this call created
   * the experiment. `scenarioFile` (the file as the submitter gave it) is kept unless one is stored
   * already: the report's reproduce line quotes it (it is not part of the spec, so not of the id).
   */
  async create(spec: ExperimentSpec, total: number, toolVersion: string, scenarioFile?: string): Promise<{ id: string; created: boolean }> {
    const id = experimentId(spec);
    const k = this.keys;
    const now = Date.now();
    const multi = this.redis
      .multi()
      .set(k.spec(id), canonicalJson(spec), "NX")
      .hsetnx(k.meta(id), "state", "running")
      .hsetnx(k.meta(id), "total", String(total))
      .hsetnx(k.meta(id), "scenario", spec.scenario.name)
      .hsetnx(k.meta(id), "toolVersion", toolVersion)
      .hsetnx(k.meta(id), "submittedAt", new Date(now).toISOString())
      .zadd(k.experiments, "NX", now, id);
    if (scenarioFile !== undefined && scenarioFile !== "") multi.hsetnx(k.meta(id), "scenarioFile", scenarioFile);
    const replies = await multi.exec();
    if (replies === null) throw new Error("Redis transaction aborted while storing the experiment");
    for (const [err] of replies) if (err) throw err;
    return { id, created: replies[0]?.[1] === "OK" };
  }

  /** The stored spec, validated; undefined when unknown. */
  async getSpec(id: string): Promise<ExperimentSpec | undefined> {
    const text = await this.redis.get(this.keys.spec(id));
    if (text === null) return undefined;
    const spec = parseExperimentSpec(JSON.parse(text));
    const actual = experimentId(spec);
    if (actual !== id) throw new Error(`stored spec of ${id} hashes to ${actual}: the key was tampered with or written by an incompatible version`);
    return spec;
  }

  async getMeta(id: string): Promise<ExperimentMeta | undefined> {
    return toMeta(id, await this.redis.hgetall(this.keys.meta(id)));
  }

  /**
   * Delivers a replication result (the simulator side), encoded by encodeResult: idempotent and atomic,
   * see lua/deliver-result.lua. The bytes are stored as they are; whoever reads them decodes and validates them
   * (decodeResult).
   */
  async deliverResult(id: string, point: number, replication: number, encoded: Uint8Array): Promise<Delivery> {
    const k = this.keys;
    // A Buffer view (no copy): ioredis sends Buffers as binary-safe bulk strings.
    const bytes = Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
    const [added, done, total, state] = await this.#scripts.hetaoDeliverResult(k.meta(id), k.results(id), k.events, resultField(point, replication), bytes, JSON.stringify(id));
    if (added === -1) return { outcome: "unknown-experiment", done, total, state: undefined };
    if (added === -2) return { outcome: "cancelled", done, total, state: "cancelled" };
    return { outcome: added === 1 ? "added" : "duplicate", done, total, state: storedState.parse(state) };
  }

  /**
   * What a simulator checks before it runs a replication (one round trip): the experiment's state
   * (undefined when unknown) and whether this replication's result is in already.
   */
  async replicationState(id: string, point: number, replication: number): Promise<{ state: string | undefined; delivered: boolean; done: number; total: number }> {
    const replies = await this.redis
      .pipeline()
      .hmget(this.keys.meta(id), "state", "total")
      .hexists(this.keys.results(id), resultField(point, replication))
      .hlen(this.keys.results(id))
      .exec();
    if (replies === null) throw new Error("Redis pipeline aborted");
    for (const [err] of replies) if (err) throw err;
    const [state, total] = replies[0]![1] as [string | null, string | null];
    return { state: state ?? undefined, delivered: replies[1]![1] === 1, done: replies[2]![1] as number, total: Number(total ?? 0) };
  }

  /**
   * Removes a delivered result that failed validation, so that the replication can run again. Safe
   * without a compare: a delivery never overwrites a field, so the bytes cannot have changed.
   */
  async discardResult(id: string, point: number, replication: number): Promise<void> {
    await this.redis.hdel(this.keys.results(id), resultField(point, replication));
  }

  async resultCount(id: string): Promise<number> {
    return this.redis.hlen(this.keys.results(id));
  }

  /** Which of these (point, replication) pairs already have a merged result. */
  async haveResults(id: string, pairs: readonly { point: number; replication: number }[]): Promise<boolean[]> {
    const out: boolean[] = [];
    const chunk = 1000;
    for (let i = 0; i < pairs.length; i += chunk) {
      const fields = pairs.slice(i, i + chunk).map((p) => resultField(p.point, p.replication));
      const pipeline = this.redis.pipeline();
      for (const f of fields) pipeline.hexists(this.keys.results(id), f);
      const replies = (await pipeline.exec()) ?? [];
      for (const [err, v] of replies) {
        if (err) throw err;
        out.push(v === 1);
      }
    }
    return out;
  }

  /** Encoded results (see decodeResult) for the given pairs, in the given order (undefined where missing). */
  async loadResults(id: string, pairs: readonly { point: number; replication: number }[]): Promise<(Buffer | undefined)[]> {
    const out: (Buffer | undefined)[] = [];
    const chunk = 200;
    for (let i = 0; i < pairs.length; i += chunk) {
      const fields = pairs.slice(i, i + chunk).map((p) => resultField(p.point, p.replication));
      const values = await this.redis.hmgetBuffer(this.keys.results(id), ...fields);
      for (const v of values) out.push(v ?? undefined);
    }
    return out;
  }

  async errors(id: string): Promise<ReplicationError[]> {
    const h = await this.redis.hgetall(this.keys.errors(id));
    return Object.keys(h)
      .sort()
      .map((jobId) => ({ jobId, error: h[jobId]! }));
  }

  /**
   * Records a replication that failed for good and marks the experiment failed (see lua/record-failure.lua
   * for when it does nothing). Callers pass only the experiment's planned jobs: its state is theirs alone.
   */
  async recordFailure(id: string, jobId: string, reason: string): Promise<FailureRecord> {
    const event: ExperimentEvent = { type: "failed", experimentId: id, jobId, error: reason };
    const coordinates = parseReplicationJobId(jobId);
    const field = coordinates?.experimentId === id ? resultField(coordinates.point, coordinates.replication) : "";
    const k = this.keys;
    const outcome = await this.#scripts.hetaoRecordFailure(k.meta(id), k.errors(id), k.events, k.results(id), k.spec(id), k.report(id), jobId, reason, JSON.stringify(event), field, this.#retentionSeconds);
    return outcome === -1 ? "unknown-experiment" : outcome === -2 ? "result-delivered" : "recorded";
  }

  /**
   * Removes results whose field is not one of `planned` (delivered for coordinates outside the plan,
   * e.g. by an older version that ran any job it was given), so that they are not counted. Returns
   * how many were removed.
   */
  async discardUnplanned(id: string, planned: ReadonlySet<string>): Promise<number> {
    const stray = (await this.redis.hkeys(this.keys.results(id))).filter((f) => !planned.has(f));
    for (let i = 0; i < stray.length; i += 1000) await this.redis.hdel(this.keys.results(id), ...stray.slice(i, i + 1000));
    return stray.length;
  }

  /** Clears recorded failures (a resubmission retries them). */
  async clearFailures(id: string): Promise<void> {
    const k = this.keys;
    // Running again, it does not expire (record-failure.lua gave its keys an expiry when it failed).
    await this.redis.multi().del(k.errors(id)).hset(k.meta(id), "state", "running").persist(k.spec(id)).persist(k.meta(id)).persist(k.results(id)).persist(k.report(id)).exec();
  }

  /**
   * Stores the report and announces completion, exactly once: "completed" when this call did it,
   * "already-completed" after, "cancelled" when the experiment was cancelled (nothing stored).
   */
  async complete(id: string, reportJson: string, reportDir: string): Promise<"completed" | "already-completed" | "cancelled"> {
    const event: ExperimentEvent = { type: "completed", experimentId: id, reportDir };
    const k = this.keys;
    const done = await this.#scripts.hetaoCompleteExperiment(
      k.meta(id),
      k.report(id),
      k.events,
      k.spec(id),
      k.results(id),
      k.errors(id),
      reportJson,
      new Date().toISOString(),
      reportDir,
      JSON.stringify(event),
      this.#retentionSeconds,
    );
    return done === 1 ? "completed" : done === -1 ? "cancelled" : "already-completed";
  }

  /**
   * Restarts a completed experiment's retention period (see lua/retain-experiment.lua): a resubmission
   * calls it, so whoever submitted it again finds its results and report for another period. True
   * when the experiment is completed.
   */
  async retain(id: string): Promise<boolean> {
    const k = this.keys;
    return (await this.#scripts.hetaoRetainExperiment(k.meta(id), k.spec(id), k.results(id), k.errors(id), k.report(id), this.#retentionSeconds)) === 1;
  }

  /** Marks the experiment cancelled unless it completed (atomic, idempotent): see lua/cancel-experiment.lua. Queued jobs are the caller's (cancelExperiment). */
  async cancel(id: string): Promise<CancelOutcome> {
    const event: ExperimentEvent = { type: "cancelled", experimentId: id };
    const k = this.keys;
    return (await this.#scripts.hetaoCancelExperiment(k.meta(id), k.events, k.spec(id), k.results(id), k.errors(id), k.report(id), new Date().toISOString(), JSON.stringify(event), this.#retentionSeconds)) as CancelOutcome;
  }

  /** A cancelled experiment runs again (its delivered results are kept); true if it was cancelled. */
  async resume(id: string): Promise<boolean> {
    const event: ExperimentEvent = { type: "resumed", experimentId: id };
    const k = this.keys;
    return (await this.#scripts.hetaoResumeExperiment(k.meta(id), k.events, k.spec(id), k.results(id), k.errors(id), k.report(id), JSON.stringify(event))) === 1;
  }

  async report(id: string): Promise<string | undefined> {
    return (await this.redis.get(this.keys.report(id))) ?? undefined;
  }

  async publish(event: ExperimentEvent): Promise<void> {
    await this.redis.publish(this.keys.events, JSON.stringify(event));
  }

  async status(id: string): Promise<ExperimentStatus | undefined> {
    const [meta, done, errors] = await Promise.all([this.getMeta(id), this.resultCount(id), this.errors(id)]);
    if (meta === undefined) return undefined;
    return {
      id,
      state: meta.state,
      scenario: meta.scenario,
      total: meta.total,
      done,
      progress: meta.total === 0 ? 1 : Math.min(1, done / meta.total),
      submittedAt: meta.submittedAt,
      completedAt: meta.completedAt,
      reportDir: meta.reportDir,
      errors,
    };
  }

  /** The most recently submitted experiments first. */
  async list(limit = 50): Promise<ExperimentStatus[]> {
    const ids = await this.redis.zrevrange(this.keys.experiments, 0, limit - 1);
    const out: ExperimentStatus[] = [];
    for (const id of ids) {
      const s = await this.status(id);
      if (s) out.push(s);
      else await this.#dropFromIndex(id);
    }
    return out;
  }

  /** An experiment whose metadata expired (or was removed) leaves the index. */
  async #dropFromIndex(id: string): Promise<void> {
    await this.#scripts.hetaoDropFromIndex(this.keys.meta(id), this.keys.experiments, id);
  }

  /** Experiments not completed yet (for the metrics worker's reconciliation sweep). */
  async unfinished(limit = 1000): Promise<ExperimentMeta[]> {
    const ids = await this.redis.zrevrange(this.keys.experiments, 0, limit - 1);
    const out: ExperimentMeta[] = [];
    for (const id of ids) {
      const m = await this.getMeta(id);
      if (m === undefined) await this.#dropFromIndex(id);
      else if (m.state !== "completed") out.push(m);
    }
    return out;
  }

  /** Deletes everything stored for an experiment (not its queued jobs). */
  async forget(id: string): Promise<void> {
    const k = this.keys;
    await this.redis.multi().del(k.spec(id), k.meta(id), k.results(id), k.errors(id), k.report(id)).zrem(k.experiments, id).exec();
  }
}
