/**
 * `hetao-sim run --redis` rides out a Redis restart: a Redis of the test's own (AOF, fsync always) is
 * killed mid-run and started again on the same port and files; the CLI reconnects, progress resumes
 * and the report is byte-identical to the embedded run's. A second case keeps Redis down past
 * RECONNECT_TIMEOUT_MS and expects a clear failure that says how to resume.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAINS, OwnRedis, SCENARIOS, requireBuilt, serviceEnv, sleep, startService, stopAll, tempDir, uniquePrefix } from "./helpers/fleet.js";

interface CliRun {
  stderr: string;
  exited: Promise<number | null>;
}

function startCli(args: string[], cwd: string, env: Record<string, string>): CliRun {
  const child = spawn(process.execPath, [MAINS.cli, ...args], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const run: CliRun = { stderr: "", exited: new Promise((r) => child.once("exit", (code) => r(code))) };
  child.stderr!.on("data", (b: Buffer) => (run.stderr += b.toString("utf8")));
  return run;
}

describe("run --redis across a Redis restart", () => {
  const dir = tempDir("restart");
  const prefix = uniquePrefix("restart");
  let redis: OwnRedis;

  beforeAll(async () => {
    requireBuilt();
    redis = await OwnRedis.start({ aofDir: join(dir, "redis") });
    // A short lock, so that jobs whose completion was lost with the connection are taken up again soon.
    const env = serviceEnv({ prefix, reportsDir: join(dir, "fleet-reports") }, { REDIS_URL: redis.url, LOCK_DURATION_MS: "3000" });
    await Promise.all([startService("simulator", { ...env, SIMULATOR_CONCURRENCY: "1" }), startService("metrics", env)]);
  }, 90_000);

  afterAll(async () => {
    await stopAll();
    await redis?.kill();
  });

  it("reconnects, resumes progress and writes the embedded run's report.json bytes", async () => {
    const scenario = join(SCENARIOS, "hetao-weekday.yaml");
    const args = ["run", scenario, "-r", "30", "-s", "11", "-p", "baseline,seamless"];
    const embedded = spawnSync(process.execPath, [MAINS.cli, ...args, "-o", "embedded", "-q"], { cwd: dir, encoding: "utf8" });
    expect(embedded.status, embedded.stderr).toBe(0);

    const cli = startCli([...args, "-o", "fleet", "--redis", redis.url], dir, { QUEUE_PREFIX: prefix });
    // Kill Redis once the run is under way (some results in, not all), then bring it back on the same files.
    await expect.poll(() => /progress: ([1-9]\d*)\/30/.test(cli.stderr), { timeout: 60_000, interval: 50 }).toBe(true);
    expect(cli.stderr).not.toMatch(/progress: 30\/30/);
    await redis.kill();
    await sleep(1_500);
    await redis.start();
    const code = await cli.exited;
    expect(code, cli.stderr).toBe(0);
    expect(cli.stderr).toMatch(/lost the connection to Redis at redis:\/\/127\.0\.0\.1:\d+ .*reconnecting for up to 60 s/);
    expect(cli.stderr).toMatch(/reconnected to Redis .* the experiment carries on/);
    expect(cli.stderr).toMatch(/progress: 30\/30/);
    expect(readFileSync(join(dir, "fleet/report.json"), "utf8")).toBe(readFileSync(join(dir, "embedded/report.json"), "utf8"));
  }, 180_000);

  it("gives up after RECONNECT_TIMEOUT_MS with a message that says how to resume", async () => {
    const scenario = join(SCENARIOS, "hetao-weekday.yaml");
    const cli = startCli(["run", scenario, "-r", "40", "-s", "12", "-p", "baseline,seamless", "-o", "gone", "--redis", redis.url], dir, {
      QUEUE_PREFIX: prefix,
      RECONNECT_TIMEOUT_MS: "2000",
    });
    await expect.poll(() => /progress: \d+\/40/.test(cli.stderr), { timeout: 60_000, interval: 50 }).toBe(true);
    await redis.kill();
    const code = await cli.exited;
    await redis.start();
    expect(code).toBe(1);
    expect(cli.stderr).toMatch(/lost the connection to Redis .* for \d+ s \(RECONNECT_TIMEOUT_MS is 2000 ms\); the fleet keeps the experiment: run the same command again/);
  }, 120_000);
});
