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
import { LUA_DIR, STORE_SCRIPTS } from "../src/store-scripts.js";

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
    const sha = (file: string) => createHash("sha1").update(readFileSync(join(LUA_DIR, file), "utf8")).digest("hex");
    const used = ["deliver-result.lua", "complete-experiment.lua", "record-failure.lua", "cancel-experiment.lua", "resume-experiment.lua"];
    expect(await redis.script("EXISTS", ...used.map(sha))).toEqual(used.map(() => 1));
    const source = readFileSync(new URL("../src/store.ts", import.meta.url), "utf8");
    expect(source).not.toMatch(/\.eval\(|redis\.call/);
  });
});
