import type { Command } from "commander";
import { integerOption } from "../options.js";

export interface StatusOptions {
  redis?: string;
  json?: boolean;
  limit?: number;
}

function table(header: string[], rows: string[][], left = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i < left ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** `hetao-sim status`: experiments (newest first) and queue depths on the fleet's Redis. */
export async function statusCommand(options: StatusOptions): Promise<void> {
  const { fleetConfig, fleetUrl } = await import("./fleet.js");
  const { CliError } = await import("../errors.js");
  const url = fleetUrl(options.redis);
  if (url === undefined) throw new CliError("hetao-sim status: give --redis <url> or set REDIS_URL", 2);
  const config = fleetConfig("client", url);
  const { ExperimentStore, RedisNotReadyError, checkRedis, createRedis, queueDepth, redactRedisUrl, reportsQueue, simulateQueue } = await import("@hetao/messaging");
  try {
    await checkRedis({ ...config, startupTimeoutMs: 5_000 });
  } catch (err) {
    if (err instanceof RedisNotReadyError) throw new CliError(`hetao-sim status: ${err.message}`);
    throw err;
  }
  const redis = createRedis(config, "producer", "status");
  // Read-only queues: status must not create the keys of a fleet that never ran.
  const simulate = simulateQueue(config, "producer", { readOnly: true });
  const reports = reportsQueue(config, "worker", { readOnly: true });
  try {
    const store = new ExperimentStore(redis, config.queuePrefix, { retentionHours: config.experimentRetentionHours });
    const [experiments, depths, workers] = await Promise.all([
      store.list(options.limit ?? 20),
      Promise.all([queueDepth(simulate), queueDepth(reports)]),
      Promise.all([simulate.getWorkersCount(), reports.getWorkersCount()]),
    ]);
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ redis: redactRedisUrl(config.redisUrl), prefix: config.queuePrefix, queues: depths.map((d, i) => ({ ...d, workers: workers[i] })), experiments }, null, 2)}\n`);
      return;
    }
    process.stdout.write(`fleet at ${redactRedisUrl(config.redisUrl)}, queue prefix ${config.queuePrefix}\n\n`);
    process.stdout.write(
      `${table(
        ["queue", "waiting", "active", "delayed", "failed", "completed", "workers"],
        depths.map((d, i) => [d.queue, String(d.waiting + d.prioritized), String(d.active), String(d.delayed), String(d.failed), String(d.completed), String(workers[i])]),
      )}\n\n`,
    );
    if (experiments.length === 0) {
      process.stdout.write("no experiments\n");
      return;
    }
    process.stdout.write(
      `${table(
        ["experiment", "scenario", "state", "done", "submitted", "errors"],
        experiments.map((e) => [e.id, e.scenario, e.state, `${e.done}/${e.total}`, e.submittedAt.replace("T", " ").replace(/\.\d+Z$/, "Z"), String(e.errors.length)]),
        3,
      )}\n`,
    );
  } finally {
    await simulate.close();
    await reports.close();
    await redis.quit().catch(() => redis.disconnect());
  }
}

export function registerStatus(program: Command): void {
  program
    .command("status")
    .description("list the fleet's experiments and queue depths (BullMQ on Redis)")
    .option("--redis <url>", "Redis URL, redis:// or rediss:// (default: REDIS_URL)")
    .option("-n, --limit <n>", "experiments to list, newest first (default 20)", integerOption("--limit", 1, 1000))
    .option("--json", "print JSON instead of tables")
    .action(async (options: StatusOptions) => {
      await statusCommand(options);
    });
}
