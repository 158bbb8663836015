/**
 * The store's Lua scripts: one `.lua` file each under `src/lua/`, defined on a connection with ioredis
 * `defineCommand` (EVALSHA, falling back to EVAL when Redis lost its script cache), as BullMQ keeps its
 * own. Code several scripts share lives under `src/lua/includes/` and is pulled in, as BullMQ's
 * scripts do, by a line `-- @include includes/<file>.lua` (a script runs alone in Redis: it cannot
 * call another). The files are read relative to the package root, so the built code (dist/) and the sources
 * (src/) find the same ones and no build step has to copy them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Redis } from "ioredis";

/** `src/lua/` from `src/store-scripts.ts` and from `dist/store-scripts.js` alike. */
export const LUA_DIR = fileURLToPath(new URL("../src/lua/", import.meta.url));

/** Each script: its file (under LUA_DIR) and how many of its arguments are keys. */
export const STORE_SCRIPTS = {
  hetaoDeliverResult: { file: "deliver-result.lua", numberOfKeys: 3 },
  hetaoCompleteExperiment: { file: "complete-experiment.lua", numberOfKeys: 6 },
  hetaoRetainExperiment: { file: "retain-experiment.lua", numberOfKeys: 5 },
  hetaoDropFromIndex: { file: "drop-from-index.lua", numberOfKeys: 2 },
  hetaoRecordFailure: { file: "record-failure.lua", numberOfKeys: 6 },
  hetaoCancelExperiment: { file: "cancel-experiment.lua", numberOfKeys: 6 },
  hetaoResumeExperiment: { file: "resume-experiment.lua", numberOfKeys: 6 },
} as const;

type Arg = string | Buffer | number;

/** The commands a connection has once defineStoreScripts ran (arguments: keys, then ARGV). */
export interface StoreScripts {
  hetaoDeliverResult(meta: string, results: string, events: string, field: string, encoded: Buffer, idJson: string): Promise<[number, number, number, string]>;
  hetaoCompleteExperiment(
    meta: string,
    report: string,
    events: string,
    spec: string,
    results: string,
    errors: string,
    reportJson: string,
    completedAt: string,
    reportDir: string,
    eventJson: string,
    retentionSeconds: number,
  ): Promise<number>;
  hetaoRetainExperiment(meta: string, spec: string, results: string, errors: string, report: string, retentionSeconds: number): Promise<number>;
  hetaoDropFromIndex(meta: string, experiments: string, id: string): Promise<number>;
  hetaoRecordFailure(
    meta: string,
    errors: string,
    events: string,
    results: string,
    spec: string,
    report: string,
    jobId: string,
    reason: string,
    eventJson: string,
    field: string,
    retentionSeconds: number,
  ): Promise<number>;
  hetaoCancelExperiment(meta: string, events: string, spec: string, results: string, errors: string, report: string, cancelledAt: string, eventJson: string, retentionSeconds: number): Promise<string>;
  hetaoResumeExperiment(meta: string, events: string, spec: string, results: string, errors: string, report: string, eventJson: string): Promise<number>;
}

const INCLUDE = /^-- @include (includes\/[\w-]+\.lua)$/gm;

const sources = new Map<string, string>();
/** A script's text as it runs in Redis: its file with each `-- @include` line replaced by that file (one level). */
export function scriptSource(file: string): string {
  let text = sources.get(file);
  if (text === undefined) {
    text = readFileSync(join(LUA_DIR, file), "utf8").replace(INCLUDE, (_line, included: string) => readFileSync(join(LUA_DIR, included), "utf8").trimEnd());
    sources.set(file, text);
  }
  return text;
}

/** Defines the store's scripts on `redis` (once per connection) and returns it typed with them. */
export function defineStoreScripts(redis: Redis): Redis & StoreScripts {
  const r = redis as Redis & Partial<Record<keyof StoreScripts, (...args: Arg[]) => Promise<unknown>>>;
  for (const [name, { file, numberOfKeys }] of Object.entries(STORE_SCRIPTS)) {
    if (r[name as keyof StoreScripts] === undefined) redis.defineCommand(name, { numberOfKeys, lua: scriptSource(file) });
  }
  return redis as Redis & StoreScripts;
}
