import { type ExperimentSpec, experimentId, parseExperimentSpec } from "@hetao/experiment";
import { canonicalJson } from "@hetao/scenario";
import type { Redis } from "ioredis";
import { type Keys, keys, parseReplicationJobId, resultField } from "./keys.js";
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
}

/**
 * Delivers one replication result into the experiment's results hash (HSETNX: the first delivery
 * wins, a duplicate changes nothing) and, when it was new, publishes the progress event. Returns
 * [added (1|0), results now in, total, state]; [-1, 0, 0, ''] when the experiment is unknown and
 * [-2, results in, total, 'cancelled'] when it was cancelled (nothing written: a late result of a
 * cancelled experiment is dropped). KEYS: meta, results, events. ARGV: field, encoded result (encodeResult), experiment id as
 * a JSON string.
 */
const DELIVER_LUA = `
local meta = redis.call('HMGET', KEYS[1], 'total', 'state')
if not meta[1] then return { -1, 0, 0, '' } end
if meta[2] == 'cancelled' then return { -2, redis.call('HLEN', KEYS[2]), tonumber(meta[1]), 'cancelled' } end
local added = redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2])
local n = redis.call('HLEN', KEYS[2])
if added == 1 then
  redis.call('PUBLISH', KEYS[3], '{"type":"progress","experimentId":' .. ARGV[3] .. ',"done":' .. n .. ',"total":' .. meta[1] .. '}')
end
return { added, n, tonumber(meta[1]), meta[2] or 'running' }
`;

/** What a delivery did: see DELIVER_LUA. */
export interface Delivery {
  outcome: "added" | "duplicate" | "unknown-experiment" | "cancelled";
  /** Results in the hash after this delivery. */
  done: number;
  /** Results the experiment expects. */
  total: number;
  /** The experiment's state after this delivery (a delivery does not change it). */
  state: ExperimentState | undefined;
}

/**
 * Marks an experiment completed once: stores the report, sets state and completedAt and publishes the
 * completion event, only if it was not completed already. Returns 1 the first time, 0 after, -1 when
 * the experiment was cancelled (a cancel that came while the report was built wins: nothing stored).
 */
const COMPLETE_LUA = `
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'completed' then return 0 end
if state == 'cancelled' then return -1 end
redis.call('SET', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[1], 'state', 'completed', 'completedAt', ARGV[2], 'reportDir', ARGV[3])
redis.call('PUBLISH', KEYS[3], ARGV[4])
return 1
`;

/**
 * Records a replication's permanent failure; the state becomes failed unless the experiment completed
 * meanwhile. Writes nothing for an unknown experiment (-1: a stray job must not create keys), nor when
 * the replication's result is in (-2: the replication succeeded; what failed came after, and the
 * metrics sweep finishes the report). KEYS: meta, errors, events, results. ARGV: job id, reason,
 * event JSON, result field ('' when the job id names no replication).
 */
const FAIL_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if ARGV[4] ~= '' and redis.call('HEXISTS', KEYS[4], ARGV[4]) == 1 then return -2 end
local added = redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
if redis.call('HGET', KEYS[1], 'state') == 'running' then
  redis.call('HSET', KEYS[1], 'state', 'failed')
end
redis.call('PUBLISH', KEYS[3], ARGV[3])
return added
`;

/**
 * Cancels an experiment unless it completed: state cancelled, cancelledAt, and the cancel event, in one
 * step, so a report being finished meanwhile either completed first (then this refuses) or finds the
 * experiment cancelled (COMPLETE_LUA refuses). KEYS: meta, events. ARGV: time (ISO), event JSON.
 */
const CANCEL_LUA = `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return 'unknown-experiment' end
if state == 'completed' then return 'completed' end
if state == 'cancelled' then return 'already-cancelled' end
redis.call('HSET', KEYS[1], 'state', 'cancelled', 'cancelledAt', ARGV[1])
redis.call('PUBLISH', KEYS[2], ARGV[2])
return 'cancelled'
`;

/** What cancel did: see CANCEL_LUA. */
export type CancelOutcome = "cancelled" | "already-cancelled" | "completed" | "unknown-experiment";

/** Puts a cancelled experiment back to running (a resubmission); 1 if it was cancelled. KEYS: meta, events. ARGV: event JSON. */
const RESUME_LUA = `
if redis.call('HGET', KEYS[1], 'state') ~= 'cancelled' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'running')
redis.call('HDEL', KEYS[1], 'cancelledAt')
redis.call('PUBLISH', KEYS[2], ARGV[1])
return 1
`;

/** What recordFailure did: see FAIL_LUA. */
export type FailureRecord = "recorded" | "unknown-experiment" | "result-delivered";

/** Extends a lock's expiry only if we still hold it. */
const RENEW_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

/** Releases a lock only if we still hold it. */
const UNLOCK_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

function toMeta(id: string, h: Record<string, string>): ExperimentMeta | undefined {
  if (h.state === undefined) return undefined;
  return {
    id,
    state: ExperimentStateSchema.catch("running").parse(h.state),
    scenario: h.scenario ?? "",
    total: Number(h.total ?? 0),
    toolVersion: h.toolVersion ?? "",
    submittedAt: h.submittedAt ?? "",
    completedAt: h.completedAt || null,
    reportDir: h.reportDir || null,
  };
}

/**
 * The experiment state kept in Redis: spec (once), metadata, merged results, errors and report.
 * All writes are idempotent, so any step may be retried or run twice.
 */
export class ExperimentStore {
  readonly keys: Keys;

  constructor(
    readonly redis: Redis,
    readonly prefix: string,
  ) {
    this.keys = keys(prefix);
  }

  /**
   * Stores the spec and initial metadata unless present. Returns the id and whether this call created
   * the experiment.
   */
  async create(spec: ExperimentSpec, total: number, toolVersion: string): Promise<{ id: string; created: boolean }> {
    const id = experimentId(spec);
    const k = this.keys;
    const now = Date.now();
    const replies = await this.redis
      .multi()
      .set(k.spec(id), canonicalJson(spec), "NX")
      .hsetnx(k.meta(id), "state", "running")
      .hsetnx(k.meta(id), "total", String(total))
      .hsetnx(k.meta(id), "scenario", spec.scenario.name)
      .hsetnx(k.meta(id), "toolVersion", toolVersion)
      .hsetnx(k.meta(id), "submittedAt", new Date(now).toISOString())
      .zadd(k.experiments, "NX", now, id)
      .exec();
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
   * see DELIVER_LUA. The bytes are stored as they are; whoever reads them decodes and validates them
   * (decodeResult).
   */
  async deliverResult(id: string, point: number, replication: number, encoded: Uint8Array): Promise<Delivery> {
    const k = this.keys;
    // EVALSHA of a script defined once per connection (falls back to EVAL when Redis lost its cache).
    const redis = this.redis as Redis & { hetaoDeliverResult?: (...args: (string | Buffer)[]) => Promise<[number, number, number, string]> };
    if (redis.hetaoDeliverResult === undefined) redis.defineCommand("hetaoDeliverResult", { numberOfKeys: 3, lua: DELIVER_LUA });
    // A Buffer view (no copy): ioredis sends Buffers as binary-safe bulk strings.
    const bytes = Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
    const [added, done, total, state] = await redis.hetaoDeliverResult!(k.meta(id), k.results(id), k.events, resultField(point, replication), bytes, JSON.stringify(id));
    if (added === -1) return { outcome: "unknown-experiment", done, total, state: undefined };
    if (added === -2) return { outcome: "cancelled", done, total, state: "cancelled" };
    return { outcome: added === 1 ? "added" : "duplicate", done, total, state: ExperimentStateSchema.catch("running").parse(state) };
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
   * Records a replication that failed for good and marks the experiment failed (see FAIL_LUA for
   * when it does nothing). Callers pass only the experiment's planned jobs: its state is theirs alone.
   */
  async recordFailure(id: string, jobId: string, reason: string): Promise<FailureRecord> {
    const event: ExperimentEvent = { type: "failed", experimentId: id, jobId, error: reason };
    const coordinates = parseReplicationJobId(jobId);
    const field = coordinates?.experimentId === id ? resultField(coordinates.point, coordinates.replication) : "";
    const k = this.keys;
    const outcome = await this.redis.eval(FAIL_LUA, 4, k.meta(id), k.errors(id), k.events, k.results(id), jobId, reason, JSON.stringify(event), field);
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
    await this.redis.multi().del(this.keys.errors(id)).hset(this.keys.meta(id), "state", "running").exec();
  }

  /**
   * Stores the report and announces completion, exactly once: "completed" when this call did it,
   * "already-completed" after, "cancelled" when the experiment was cancelled (nothing stored).
   */
  async complete(id: string, reportJson: string, reportDir: string): Promise<"completed" | "already-completed" | "cancelled"> {
    const event: ExperimentEvent = { type: "completed", experimentId: id, reportDir };
    const k = this.keys;
    const done = await this.redis.eval(COMPLETE_LUA, 3, k.meta(id), k.report(id), k.events, reportJson, new Date().toISOString(), reportDir, JSON.stringify(event));
    return done === 1 ? "completed" : done === -1 ? "cancelled" : "already-completed";
  }

  /** Marks the experiment cancelled unless it completed (atomic, idempotent): see CANCEL_LUA. Queued jobs are the caller's (cancelExperiment). */
  async cancel(id: string): Promise<CancelOutcome> {
    const event: ExperimentEvent = { type: "cancelled", experimentId: id };
    const outcome = await this.redis.eval(CANCEL_LUA, 2, this.keys.meta(id), this.keys.events, new Date().toISOString(), JSON.stringify(event));
    return outcome as CancelOutcome;
  }

  /** A cancelled experiment runs again (its delivered results are kept); true if it was cancelled. */
  async resume(id: string): Promise<boolean> {
    const event: ExperimentEvent = { type: "resumed", experimentId: id };
    return (await this.redis.eval(RESUME_LUA, 2, this.keys.meta(id), this.keys.events, JSON.stringify(event))) === 1;
  }

  async report(id: string): Promise<string | undefined> {
    return (await this.redis.get(this.keys.report(id))) ?? undefined;
  }

  /** Takes the finalize lock for `ttlMs`; returns the token, or undefined when someone holds it. */
  async lockFinalize(id: string, ttlMs: number): Promise<string | undefined> {
    const token = `${process.pid}-${Math.random().toString(36).slice(2)}`;
    const ok = await this.redis.set(this.keys.finalizeLock(id), token, "PX", ttlMs, "NX");
    return ok === "OK" ? token : undefined;
  }

  /** Extends the finalize lock to `ttlMs` from now; false when it expired or someone else holds it. */
  async renewFinalize(id: string, token: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.eval(RENEW_LUA, 1, this.keys.finalizeLock(id), token, String(ttlMs))) === 1;
  }

  async unlockFinalize(id: string, token: string): Promise<void> {
    await this.redis.eval(UNLOCK_LUA, 1, this.keys.finalizeLock(id), token);
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
    }
    return out;
  }

  /** Experiments not completed yet (for the metrics worker's reconciliation sweep). */
  async unfinished(limit = 1000): Promise<ExperimentMeta[]> {
    const ids = await this.redis.zrevrange(this.keys.experiments, 0, limit - 1);
    const out: ExperimentMeta[] = [];
    for (const id of ids) {
      const m = await this.getMeta(id);
      if (m && m.state !== "completed") out.push(m);
    }
    return out;
  }

  /** Deletes everything stored for an experiment (not its queued jobs). */
  async forget(id: string): Promise<void> {
    const k = this.keys;
    await this.redis.multi().del(k.spec(id), k.meta(id), k.results(id), k.errors(id), k.report(id), k.finalizeLock(id)).zrem(k.experiments, id).exec();
  }
}
