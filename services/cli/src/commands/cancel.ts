import type { Command } from "commander";

export interface CancelOptions {
  redis?: string;
  json?: boolean;
}

/**
 * `hetao-sim cancel <id>`: cancels an experiment on the fleet's Redis (the same cancelExperiment as
 * DELETE /experiments/:id). Exit 0 when it is cancelled (now or before), 1 when it is unknown or
 * completed.
 */
export async function cancelCommand(id: string, options: CancelOptions): Promise<void> {
  const { fleetConfig, fleetUrl } = await import("./fleet.js");
  const { CliError } = await import("../errors.js");
  const url = fleetUrl(options.redis);
  if (url === undefined) throw new CliError("hetao-sim cancel: give --redis <url> or set REDIS_URL", 2);
  const config = fleetConfig("client", url);
  const { ExperimentIdSchema, ExperimentStore, RedisNotReadyError, cancelExperiment, checkRedis, createRedis, simulateQueue } = await import("@hetao/messaging");
  if (!ExperimentIdSchema.safeParse(id).success) throw new CliError(`hetao-sim cancel: "${id.slice(0, 80)}" is not an experiment id (ids look like exp-0123456789abcdef; hetao-sim status lists them)`, 2);
  try {
    await checkRedis({ ...config, startupTimeoutMs: 5_000 });
  } catch (err) {
    if (err instanceof RedisNotReadyError) throw new CliError(`hetao-sim cancel: ${err.message}`);
    throw err;
  }
  const redis = createRedis(config, "producer", "cancel");
  // No queue meta written: cancelling an unknown id leaves Redis as it was.
  const simulate = simulateQueue(config, "producer", { readOnly: true });
  try {
    const result = await cancelExperiment({ store: new ExperimentStore(redis, config.queuePrefix, { retentionHours: config.experimentRetentionHours }), simulate }, id);
    if (result.outcome === "unknown-experiment") throw new CliError(`hetao-sim cancel: no experiment ${id} on this fleet (queue prefix ${config.queuePrefix})`);
    if (result.outcome === "completed") throw new CliError(`hetao-sim cancel: experiment ${id} is completed; a completed experiment cannot be cancelled`);
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ id, state: "cancelled", alreadyCancelled: result.outcome === "already-cancelled", removed: result.removed, active: result.active })}\n`);
      return;
    }
    const already = result.outcome === "already-cancelled" ? " (it was cancelled already)" : "";
    const running = result.active > 0 ? `; ${result.active} running now will finish and their results be dropped` : "";
    process.stdout.write(`cancelled ${id}${already}: removed ${result.removed} queued job${result.removed === 1 ? "" : "s"}${running}\n`);
  } finally {
    await simulate.close();
    await redis.quit().catch(() => redis.disconnect());
  }
}

export function registerCancel(program: Command): void {
  program
    .command("cancel")
    .description("cancel a fleet experiment: remove its queued jobs and mark it cancelled (submitting it again resumes it)")
    .argument("<id>", "experiment id (exp-…, as `status` lists them)")
    .option("--redis <url>", "Redis URL, redis:// or rediss:// (default: REDIS_URL)")
    .option("--json", "print the outcome as JSON")
    .action(async (id: string, options: CancelOptions) => {
      await cancelCommand(id, options);
    });
}
