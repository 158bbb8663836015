/**
 * The CLI on the fleet: `hetao-sim worker --role …` starts the services, `hetao-sim run --redis` submits
 * through the orchestrator path and prints the same summary and report.json bytes as the embedded run,
 * `hetao-sim status` lists experiments and queue depths.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "../packages/messaging/dist/index.js";
import {
  MAINS,
  REDIS_URL,
  SCENARIOS,
  type ServiceProcess,
  cleanupPrefix,
  fleetCli,
  requireBuilt,
  requireRedis,
  serviceEnv,
  startService,
  stopAll,
  tempDir,
  uniquePrefix,
} from "./helpers/fleet.js";

await requireRedis();

/** The keys under a prefix (then removed, so the test leaves nothing behind). */
async function keysUnder(prefix: string): Promise<string[]> {
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    const [, keys] = await client.scan("0", "MATCH", `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`, "COUNT", 10_000);
    return keys;
  } finally {
    client.disconnect();
    await cleanupPrefix(prefix);
  }
}

describe("hetao-sim on the fleet", () => {
  const prefix = uniquePrefix("cli");
  const dir = tempDir("cli");
  const fleet = { prefix, reportsDir: join(dir, "fleet-reports") };
  let simulator: ServiceProcess;

  const cli = (args: string[], env: Record<string, string> = {}) => fleetCli(dir, prefix, args, env);

  beforeAll(async () => {
    requireBuilt();
    if (!existsSync(MAINS.cli)) throw new Error(`${MAINS.cli} is missing: build first (npx tsc -b)`);
    const worker = (role: string, extra: string[] = []) => [MAINS.cli, "worker", "--role", role, "--redis", REDIS_URL, "--port", "0", ...extra];
    [simulator] = await Promise.all([
      startService("simulator", serviceEnv(fleet), 60_000, worker("simulator", ["--concurrency", "2"])),
      startService("metrics", serviceEnv(fleet), 60_000, worker("metrics")),
    ]);
  });

  afterAll(async () => {
    await stopAll();
    await cleanupPrefix(prefix);
  });

  it("run --redis prints the embedded run's summary and writes the same report.json bytes", async () => {
    const scenario = join(SCENARIOS, "hetao-weekday.yaml");
    const embedded = cli(["run", scenario, "-r", "8", "-s", "3", "-o", "embedded", "-q"]);
    expect(embedded.stderr).toBe("");
    expect(embedded.code).toBe(0);
    const viaFleet = cli(["run", scenario, "-r", "8", "-s", "3", "-o", "fleet", "--redis", REDIS_URL]);
    expect(viaFleet.code, viaFleet.stderr).toBe(0);
    expect(viaFleet.stderr).toMatch(/fleet via redis:\/\/127\.0\.0\.1:6379, queue prefix \{t-cli-/);
    const summary = (out: string) => out.slice(0, out.indexOf("\nreport: "));
    expect(summary(viaFleet.stdout)).toBe(summary(embedded.stdout));
    const bytes = readFileSync(join(dir, "fleet/report.json"), "utf8");
    expect(bytes).toBe(readFileSync(join(dir, "embedded/report.json"), "utf8"));
    // The metrics worker writes the same bytes into REPORTS_DIR (while the CLI builds its copy).
    const id = JSON.parse(bytes).experiment.id as string;
    const written = join(fleet.reportsDir, id, "report.json");
    await expect.poll(() => existsSync(written), { timeout: 30_000 }).toBe(true);
    expect(readFileSync(written, "utf8")).toBe(bytes);
    // Every other file of the bundle is byte-identical too (HTML, Markdown, CSV, Parquet), in the CLI's
    // copy and in the metrics worker's: the reproduce line of both quotes the scenario file as this
    // command was given it (the submission keeps it with the experiment).
    for (const name of ["report.md", "report.html", "replications.csv", "replications.parquet", "hourly.csv", "hourly.parquet"]) {
      const embeddedCopy = readFileSync(join(dir, "embedded", name));
      expect(readFileSync(join(dir, "fleet", name)).equals(embeddedCopy), name).toBe(true);
      await expect.poll(() => existsSync(join(fleet.reportsDir, id, name)), { timeout: 30_000 }).toBe(true);
      expect(readFileSync(join(fleet.reportsDir, id, name)).equals(embeddedCopy), name).toBe(true);
    }
    expect(readFileSync(join(fleet.reportsDir, id, "report.md"), "utf8")).toContain(` run ${scenario} --replications 8 --seed 3 `);
  });

  it("REDIS_URL selects the fleet too, and --json prints report.json", () => {
    const scenario = join(SCENARIOS, "mmc-textbook.yaml");
    const embedded = cli(["run", scenario, "-r", "6", "--json", "-q", "-o", "e2"]);
    const viaEnv = cli(["run", scenario, "-r", "6", "--json", "-q", "-o", "f2"], { REDIS_URL });
    expect(viaEnv.code, viaEnv.stderr).toBe(0);
    expect(viaEnv.stdout).toBe(embedded.stdout);
  });

  it("status lists experiments and queue depths", () => {
    const text = cli(["status", "--redis", REDIS_URL]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^simulate\s+0\s+0\s+0\s+0\s+\d+\s+1$/m);
    expect(text.stdout).toMatch(/exp-[0-9a-f]{16}\s+hetao-weekday\s+completed\s+8\/8/);
    const json = JSON.parse(cli(["status", "--json"], { REDIS_URL }).stdout) as { queues: { queue: string; workers: number }[]; experiments: unknown[] };
    expect(json.queues.map((q) => [q.queue, q.workers])).toEqual([
      ["simulate", 1],
      ["reports", 1],
    ]);
    expect(json.experiments).toHaveLength(2);
  });

  it("status only reads: on a prefix no fleet used it creates no key", async () => {
    const fresh = uniquePrefix("status");
    const r = cli(["status", "--redis", REDIS_URL], { QUEUE_PREFIX: fresh });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("no experiments");
    expect(await keysUnder(fresh)).toEqual([]);
  });

  it("a wrong Redis URL is a one-line configuration error (exit 2)", () => {
    const r = cli(["run", join(SCENARIOS, "mmc-textbook.yaml"), "--redis", "http://nope"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("hetao-sim: configuration error: REDIS_URL must start with redis:// or rediss:// (got \"http://\")\n");
  });

  it("run --redis keeps the fleet's MAX_REPLICATIONS: beyond it, one line and nothing queued", async () => {
    const fresh = uniquePrefix("cli-max");
    const r = cli(["run", join(SCENARIOS, "mmc-textbook.yaml"), "-r", "101", "--redis", REDIS_URL], { QUEUE_PREFIX: fresh, MAX_REPLICATIONS: "100" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/run failed: the experiment asks for 101 replications; the fleet accepts at most 100 per experiment \(MAX_REPLICATIONS\)\n$/);
    expect(await keysUnder(fresh)).toEqual([]);
  });

  it("worker --role simulator stops cleanly on SIGTERM", async () => {
    simulator.kill("SIGTERM");
    expect(await simulator.exited).toEqual({ code: 0, signal: null });
  });
});
