/**
 * Start-up checks of every service process: a wrong or missing variable gives one clear line and exit
 * code 2; a Redis that may evict keys (maxmemory-policy other than noeviction) or cannot be reached
 * gives one clear line and exit code 3.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAINS, REDIS_URL, requireBuilt, requireRedis, sleep } from "./helpers/fleet.js";

const ROLES = ["simulator", "metrics", "orchestrator", "dashboard"] as const;

function run(role: (typeof ROLES)[number], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [MAINS[role]], { env: { PATH: process.env.PATH, ...env }, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

describe("service start-up", () => {
  beforeAll(() => requireBuilt());

  it.each(ROLES)("%s: a wrong or missing variable → one line, exit 2", (role) => {
    const missing = run(role, {});
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`hetao ${role}: configuration error: REDIS_URL is required (e.g. redis://127.0.0.1:6379 or rediss://:password@host:6380/0)\n`);
    const wrong = run(role, { REDIS_URL: "redis://:hunter2hunter2@127.0.0.1:6379", SIMULATOR_CONCURRENCY: "many", QUEUE_PREFIX: "{a}{b}" });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(wrong.stderr).toContain('SIMULATOR_CONCURRENCY must be an integer from 1 to 256 (got "many")');
    expect(wrong.stderr).not.toContain("hunter2");
  });

  it("refuses to start when Redis cannot be reached (exit 3)", async () => {
    const port = await freePort();
    const r = run("simulator", { REDIS_URL: `redis://127.0.0.1:${port}`, STARTUP_TIMEOUT_MS: "1000", HTTP_PORT: "0" });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`^hetao simulator: cannot start: cannot reach Redis at redis://127.0.0.1:${port}`));
  });

  const haveRedisServer = spawnSync("redis-server", ["--version"]).status === 0;
  describe("with a Redis that evicts keys", () => {
    let server: ChildProcess;
    let url: string;
    beforeAll(async () => {
      if (!haveRedisServer) throw new Error("redis-server is not installed: this test starts a throwaway server with an evicting policy");
      const port = await freePort();
      url = `redis://127.0.0.1:${port}`;
      server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--maxmemory-policy", "allkeys-lru"], { stdio: "ignore" });
      for (let i = 0; i < 100; i++) {
        const ping = spawnSync("redis-cli", ["-p", String(port), "ping"], { encoding: "utf8" });
        if (ping.stdout?.trim() === "PONG") return;
        await sleep(50);
      }
      throw new Error("the test redis-server did not start");
    });
    afterAll(() => {
      server?.kill("SIGKILL");
    });

    it.each(["simulator", "metrics", "orchestrator"] as const)("%s refuses to start (exit 3) and says why", (role) => {
      const r = run(role, { REDIS_URL: url, HTTP_PORT: "0" });
      expect(r.code).toBe(3);
      expect(r.stderr).toBe(
        `hetao ${role}: cannot start: Redis at ${url} has maxmemory-policy "allkeys-lru"; queues need "noeviction" (set maxmemory-policy noeviction in redis.conf, or CONFIG SET maxmemory-policy noeviction)\n`,
      );
    });
  });

  it("the shared Redis is suitable (noeviction)", async () => {
    await requireRedis();
    const r = spawnSync("redis-cli", ["-u", REDIS_URL, "config", "get", "maxmemory-policy"], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("noeviction");
  });
});
