// The BullMQ fleet side of the CLI (run --redis, worker, status). Only the configuration is imported
// eagerly; BullMQ and the Redis clients load when a fleet command actually runs.
import { ConfigError, type FleetConfig, type Role, configFromEnv, redactRedisUrl } from "@hetao/messaging/config";
import type { FleetRunner } from "@hetao/messaging";
import { CliError } from "../errors.js";
import type { ExperimentRunner } from "../runner.js";
import { TOOL_VERSION } from "../version.js";

/** The Redis URL to use: --redis, else REDIS_URL, else none (embedded). */
export function fleetUrl(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const url = option ?? env.REDIS_URL;
  return url === undefined || url.trim() === "" ? undefined : url;
}

/** Fleet configuration from the environment with the URL given; CliError (exit 2) when it is wrong. */
export function fleetConfig(role: Role, url: string | undefined, env: NodeJS.ProcessEnv = process.env): FleetConfig {
  try {
    return configFromEnv(role, url === undefined ? env : { ...env, REDIS_URL: url });
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(`hetao-sim: configuration error: ${err.message}`, 2);
    throw err;
  }
}

/**
 * The fleet runner when `--redis <url>` or REDIS_URL is given, else undefined. It submits through the
 * orchestrator path (the same submitExperiment as POST /experiments), shows progress as the metrics
 * workers merge results, and returns the merged results, so the CLI builds the same report as embedded.
 */
export function fleetRunnerFor(options: { redis?: string; quiet?: boolean }, scenarioPath?: string): ExperimentRunner | undefined {
  const url = fleetUrl(options.redis);
  if (url === undefined) return undefined;
  const config = fleetConfig("client", url);
  let runner: FleetRunner | undefined;
  return {
    describe: () => `fleet via ${redactRedisUrl(config.redisUrl)}, queue prefix ${config.queuePrefix}`,
    async run(spec, onProgress, onResult) {
      const { FleetRunner, RedisNotReadyError } = await import("@hetao/messaging");
      runner = new FleetRunner(config, {
        toolVersion: TOOL_VERSION,
        // The metrics worker's report then quotes the file as this command was given it, as the CLI's copy does.
        ...(scenarioPath !== undefined ? { scenarioFile: scenarioPath } : {}),
        notice: (line) => {
          if (!options.quiet) process.stderr.write(`\n${line}\n`);
        },
      });
      try {
        return await runner.run(spec, onProgress, onResult);
      } catch (err) {
        if (err instanceof RedisNotReadyError) throw new CliError(`hetao-sim: ${err.message}`);
        throw err;
      }
    },
    async close() {
      await runner?.close();
    },
  };
}
