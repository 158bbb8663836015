/**
 * The store's Lua scripts are `.lua` files defined with ioredis defineCommand: every file is listed
 * once, both the sources and the built package find them, and what runs in Redis is the file's text.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createExperiment } from "@hetao/experiment";
import { loadScenarioFile } from "@hetao/scenario";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { ExperimentStore } from "../src/store.js";
import { LUA_DIR, STORE_SCRIPTS, scriptSource } from "../src/store-scripts.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
const prefix = `{t-store-scripts-${process.pid}-${Math.random().toString(36).slice(2, 8)}}`;
const scenario = (await loadScenarioFile(new URL("../../../seeds/scenarios/two-counters.yaml", import.meta.url).pathname)).scenario;
const spec = createExperiment(scenario, { replications: 2, seed: 3 });

afterAll(async () => {
  const found = await redis.keys(`${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`);
  if (found.length > 0) await redis.del(...found);
  redis.disconnect();
});

describe("the store's Lua scripts", () => {
  it("are one .lua file each, every file listed once", () => {
    const files = readdirSync(LUA_DIR).filter((f) => f.endsWith(".lua")).sort();
    expect(Object.values(STORE_SCRIPTS).map((s) => s.file).sort()).toEqual(files);
  });

  it("are found by the built package as by the sources", async () => {
    const built = (await import(new URL("../dist/store-scripts.js", import.meta.url).href)) as { LUA_DIR: string };
    expect(built.LUA_DIR).toBe(LUA_DIR);
    for (const { file } of Object.values(STORE_SCRIPTS)) expect(existsSync(join(built.LUA_DIR, file)), file).toBe(true);
  });

  it("run the files' text in Redis, and the store keeps no script of its own", async () => {
    const store = new ExperimentStore(redis, prefix);
    const { id } = await store.create(spec, 2, "test");
    expect((await store.deliverResult(id, 0, 0, new Uint8Array([1, 2, 3]))).outcome).toBe("added");
    expect((await store.deliverResult(id, 0, 0, new Uint8Array([9]))).outcome).toBe("duplicate");
    expect((await store.deliverResult("unknown", 0, 0, new Uint8Array([1]))).outcome).toBe("unknown-experiment");
    expect(await store.complete(id, "{}", "/nowhere")).toBe("completed");
    expect(await store.complete(id, "{}", "/nowhere")).toBe("already-completed");
    expect(await store.recordFailure(id, "stray", "reason")).toBe("recorded");
    expect(await store.cancel(id)).toBe("completed");
    const other = await store.create({ ...spec, seed: spec.seed + 1 }, 2, "test");
    expect(await store.cancel(other.id)).toBe("cancelled");
    expect((await store.deliverResult(other.id, 0, 0, new Uint8Array([1]))).outcome).toBe("cancelled");
    expect(await store.cancel(other.id)).toBe("already-cancelled");
    expect(await store.resume(other.id)).toBe(true);
    expect(await store.cancel("unknown")).toBe("unknown-experiment");
    // The files' text, with the shared code of includes/ in place of each `-- @include` line.
    const sha = (file: string) => createHash("sha1").update(scriptSource(file)).digest("hex");
    expect(scriptSource("cancel-experiment.lua")).toContain(readFileSync(join(LUA_DIR, "includes/retention.lua"), "utf8").trimEnd());
    expect(scriptSource("cancel-experiment.lua")).not.toContain("@include");
    await store.retain(id);
    await redis.zadd(store.keys.experiments, 0, "exp-gone");
    await store.list();
    const used = ["deliver-result.lua", "complete-experiment.lua", "record-failure.lua", "cancel-experiment.lua", "resume-experiment.lua", "retain-experiment.lua", "drop-from-index.lua"];
    expect(await redis.script("EXISTS", ...used.map(sha))).toEqual(used.map(() => 1));
    const source = readFileSync(new URL("../src/store.ts", import.meta.url), "utf8");
    expect(source).not.toMatch(/\.eval\(|redis\.call/);
  });
});

describe("retention of completed experiments", () => {
  const keysOf = (store: ExperimentStore, id: string) => [store.keys.spec(id), store.keys.meta(id), store.keys.results(id), store.keys.errors(id), store.keys.report(id)];
  async function completed(store: ExperimentStore, seed: number): Promise<string> {
    const { id } = await store.create({ ...spec, seed }, 2, "test");
    await store.deliverResult(id, 0, 0, new Uint8Array([1]));
    await store.deliverResult(id, 0, 1, new Uint8Array([2]));
    await store.recordFailure(id, "stray-before", "a failure of a job outside the plan");
    expect(await store.complete(id, "{}", "/nowhere")).toBe("completed");
    return id;
  }

  it("every key of a completed experiment expires after the retention period, a failure recorded after it too", async () => {
    const store = new ExperimentStore(redis, prefix, { retentionHours: 2 });
    const id = await completed(store, 101);
    // The errors hash exists here (a stray failure): all five keys, each with 2 h to live.
    for (const key of keysOf(store, id)) {
      const ttl = await redis.ttl(key);
      expect(ttl, key).toBeGreaterThan(2 * 3600 - 60);
      expect(ttl, key).toBeLessThanOrEqual(2 * 3600);
    }
    await redis.del(store.keys.errors(id));
    await store.recordFailure(id, "stray-after", "recorded after the completion");
    expect(await redis.ttl(store.keys.errors(id))).toBeGreaterThan(2 * 3600 - 60);
  });

  it("a resubmission restarts the period; retention 0 keeps the keys until removed", async () => {
    const store = new ExperimentStore(redis, prefix, { retentionHours: 2 });
    const id = await completed(store, 102);
    for (const key of keysOf(store, id)) await redis.expire(key, 60);
    expect(await store.retain(id)).toBe(true);
    for (const key of keysOf(store, id)) expect(await redis.ttl(key), key).toBeGreaterThan(2 * 3600 - 60);
    const keep = new ExperimentStore(redis, prefix, { retentionHours: 0 });
    expect(await keep.retain(id)).toBe(true);
    for (const key of keysOf(store, id)) expect(await redis.ttl(key), key).toBe(-1);
    const other = await completed(keep, 103);
    for (const key of keysOf(keep, other)) expect(await redis.ttl(key), key).toBe(-1);
    // A running experiment has no period to restart: it does not expire.
    const running = await store.create({ ...spec, seed: 104 }, 2, "test");
    expect(await store.retain(running.id)).toBe(false);
    expect(await redis.ttl(store.keys.meta(running.id))).toBe(-1);
    expect(() => new ExperimentStore(redis, prefix, { retentionHours: -1 })).toThrow(/retentionHours/);
  });

  it("a failed or cancelled experiment expires too, and running again (resubmitted) it does not", async () => {
    const store = new ExperimentStore(redis, prefix, { retentionHours: 3 });
    const ttls = async (id: string) => Promise.all(keysOf(store, id).map((key) => redis.ttl(key)));
    const ended = (values: number[]) => values.every((t) => t > 3 * 3600 - 60 && t <= 3 * 3600);

    const failed = (await store.create({ ...spec, seed: 106 }, 2, "test")).id;
    await store.deliverResult(failed, 0, 0, new Uint8Array([1]));
    await redis.set(store.keys.report(failed), "a report of an earlier run");
    expect(await store.recordFailure(failed, `${failed}.0.1`, "the model failed")).toBe("recorded");
    expect((await store.getMeta(failed))?.state).toBe("failed");
    expect(ended(await ttls(failed))).toBe(true);
    await store.clearFailures(failed);
    expect((await ttls(failed)).filter((t) => t !== -2)).toEqual([-1, -1, -1, -1]); // errors: cleared

    const cancelled = (await store.create({ ...spec, seed: 107 }, 2, "test")).id;
    await store.deliverResult(cancelled, 0, 0, new Uint8Array([1]));
    await redis.set(store.keys.report(cancelled), "a report of an earlier run");
    await redis.hset(store.keys.errors(cancelled), "stray", "a failure of a job outside the plan");
    expect(await store.cancel(cancelled)).toBe("cancelled");
    expect(ended(await ttls(cancelled))).toBe(true);
    expect(await store.resume(cancelled)).toBe(true);
    expect(await ttls(cancelled)).toEqual([-1, -1, -1, -1, -1]);
  });

  it("an experiment whose keys expired leaves the index when the index is read", async () => {
    const store = new ExperimentStore(redis, prefix);
    const id = await completed(store, 105);
    const listed = async () => (await redis.zrange(store.keys.experiments, "0", "-1")).includes(id);
    expect(await listed()).toBe(true);
    await redis.del(...keysOf(store, id));
    expect((await store.list(1000)).map((e) => e.id)).not.toContain(id);
    expect(await listed()).toBe(false);
    // Created again at once (the metadata is back): it stays in the index.
    await store.create({ ...spec, seed: 105 }, 2, "test");
    await store.unfinished();
    expect(await listed()).toBe(true);
  });
});
