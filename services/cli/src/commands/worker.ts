import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { integerOption } from "../options.js";

const ROLES = ["simulator", "metrics", "orchestrator", "dashboard"] as const;
type WorkerRole = (typeof ROLES)[number];

export interface WorkerOptions {
  role: WorkerRole;
  redis?: string;
  concurrency?: number;
  port?: number;
  host?: string;
}

function roleOption(value: string): WorkerRole {
  if (!(ROLES as readonly string[]).includes(value)) throw new InvalidArgumentError(`--role must be one of ${ROLES.join(", ")}.`);
  return value as WorkerRole;
}

/** `hetao-sim worker --role …`: runs one fleet service in this process until SIGTERM/SIGINT. */
export async function workerCommand(options: WorkerOptions): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (options.redis !== undefined) env.REDIS_URL = options.redis;
  if (options.concurrency !== undefined) env[options.role === "metrics" ? "METRICS_CONCURRENCY" : "SIMULATOR_CONCURRENCY"] = String(options.concurrency);
  if (options.port !== undefined) env.HTTP_PORT = String(options.port);
  if (options.host !== undefined) env.HTTP_HOST = options.host;
  // Loaded on use: each service pulls in BullMQ and its own stack.
  const { runMain } = await import("@hetao/messaging");
  switch (options.role) {
    case "simulator": {
      const { startSimulator } = await import("@hetao/simulator");
      await runMain({ role: "simulator", env, start: (config, log) => startSimulator(config, { log }) });
      break;
    }
    case "metrics": {
      const { startMetrics } = await import("@hetao/metrics");
      await runMain({ role: "metrics", env, start: (config, log) => startMetrics(config, { log }) });
      break;
    }
    case "orchestrator": {
      const { startOrchestrator } = await import("@hetao/orchestrator");
      await runMain({ role: "orchestrator", env, start: (config, log) => startOrchestrator(config, { log }) });
      break;
    }
    case "dashboard": {
      const { startDashboard } = await import("@hetao/orchestrator");
      await runMain({ role: "dashboard", env, start: (config, log) => startDashboard(config, { log }) });
      break;
    }
  }
}

export function registerWorker(program: Command): void {
  program
    .command("worker")
    .description("run a fleet service (BullMQ on Redis) until SIGTERM: simulator, metrics, orchestrator (HTTP API) or dashboard (bull-board)")
    .requiredOption("--role <role>", `one of ${ROLES.join(", ")}`, roleOption)
    .option("--redis <url>", "Redis URL, redis:// or rediss:// (default: REDIS_URL)")
    .option("-c, --concurrency <n>", "jobs in parallel (simulator default: the available parallelism; metrics default 4)", integerOption("--concurrency", 1, 256))
    .option("--port <n>", "HTTP port for the API, dashboard or /healthz and /metrics (0: any free port)", integerOption("--port", 0, 65_535))
    .option("--host <address>", "HTTP bind address (default 127.0.0.1)")
    .addHelpText("after", "\nEvery setting can also come from the environment; see docs/operations.md.")
    .action(async (options: WorkerOptions) => {
      await workerCommand(options);
    });
}
