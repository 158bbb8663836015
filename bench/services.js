// What the fleet benchmarks share (bench/fleet.js, bench/memory.js): the Redis they run on, service
// processes started from services/<role>/dist/main.js, and the removal of a throw-away queue prefix.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ExperimentStore, Redis, configFromEnv, createRedis, reportsQueue, simulateQueue } from "../packages/messaging/dist/index.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** Whether Redis answers at REDIS_URL (the fleet figures are skipped, and say so, when it does not). */
export async function reachable() {
  const c = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
  c.on("error", () => {});
  try {
    await c.connect();
    await c.ping();
    return true;
  } catch {
    return false;
  } finally {
    c.disconnect();
  }
}

/**
 * A service process; `ready` resolves on its "<role> ready" log line. With `probeRss` it runs under
 * bench/max-rss-probe.js and stop() resolves with its peak resident set in KiB (NaN otherwise).
 */
export function startService(role, env, { probeRss = false, execArgv = [] } = {}) {
  const main = join(ROOT, `services/${role}/dist/main.js`);
  const argv = [...execArgv, ...(probeRss ? ["--import", join(ROOT, "bench/max-rss-probe.js"), main] : [main])];
  const proc = spawn(process.execPath, argv, { env: { PATH: process.env.PATH, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  proc.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
  const exited = new Promise((resolve) => proc.once("exit", (code) => resolve({ code, maxRssKb: Number(/MAX_RSS_KB=(\d+)/.exec(stderr)?.[1] ?? NaN) })));
  const ready = new Promise((resolve, reject) => {
    let buf = "";
    proc.stdout.setEncoding("utf8").on("data", (chunk) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf("\n")) !== -1) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.includes(`"msg":"${role} ready"`)) resolve();
      }
    });
    void exited.then(({ code }) => reject(new Error(`${role} exited with ${code} before it was ready: ${stderr}`)));
    setTimeout(() => reject(new Error(`${role} was not ready within 60 s: ${stderr}`)), 60_000).unref();
  });
  return {
    ready,
    pid: proc.pid,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
      return (await exited).maxRssKb;
    },
  };
}

/** Deletes every key under the prefix. */
export async function cleanup(prefix) {
  const c = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  let cursor = "0";
  do {
    const [next, keys] = await c.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await c.del(...keys);
  } while (cursor !== "0");
  c.disconnect();
}

/**
 * A throw-away queue prefix `{<tag>-<pid>}` and reports directory, the service environment that points
 * at them (`extra` added), and `remove()`, which deletes the prefix's keys and the directory.
 */
export function benchPrefix(tag, extra = {}) {
  const prefix = `{${tag}-${process.pid}}`;
  const reportsDir = mkdtempSync(join(tmpdir(), `hetao-${tag}-`));
  const env = { REDIS_URL, QUEUE_PREFIX: prefix, REPORTS_DIR: reportsDir, HTTP_PORT: "0", LOG_LEVEL: "info", ...extra };
  return {
    prefix,
    reportsDir,
    env,
    /**
     * A producer on the prefix: its config, Redis connection, experiment store and the simulate and
     * reports queues; `close()` closes the queues and the connection.
     */
    client() {
      const config = configFromEnv("client", env);
      const redis = createRedis(config, "producer", "bench");
      const simulate = simulateQueue(config);
      const reports = reportsQueue(config);
      return {
        config,
        redis,
        store: new ExperimentStore(redis, prefix),
        simulate,
        reports,
        async close() {
          await simulate.close();
          await reports.close();
          redis.disconnect();
        },
      };
    },
    async remove() {
      await cleanup(prefix);
      rmSync(reportsDir, { recursive: true, force: true });
    },
  };
}
