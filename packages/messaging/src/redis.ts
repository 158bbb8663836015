import { Redis, type RedisOptions } from "ioredis";
import type { FleetConfig, RedisEndpoint } from "./config.js";
import { redactRedisUrl } from "./config.js";
import type { Logger } from "./logger.js";

export type ConnectionKind =
  /** BullMQ Worker/QueueEvents and our long-lived service clients: never give up on a command. */
  | "worker"
  /** Producers answering a request (CLI): fail a command rather than hang forever. */
  | "producer"
  /**
   * The HTTP services (orchestrator API, dashboard): a reply must come within a second even
   * when Redis is gone, so no offline queue (a command fails at once while disconnected) and a short
   * command timeout (a connected Redis that stopped answering); the handler then answers 503.
   */
  | "api";

/** The `api` connection's command timeout: a reply (503 at worst) within about this long. */
export const API_COMMAND_TIMEOUT_MS = 500;

/**
 * ioredis options for an endpoint. Workers need `maxRetriesPerRequest: null` (BullMQ's blocking
 * commands must survive reconnects); producers keep a bound so an HTTP request errors out when Redis
 * is gone instead of hanging.
 */
export function redisOptions(endpoint: RedisEndpoint, kind: ConnectionKind, connectionName?: string): RedisOptions {
  const opts: RedisOptions = {
    host: endpoint.host,
    port: endpoint.port,
    db: endpoint.db,
    maxRetriesPerRequest: kind === "worker" ? null : 3,
    enableReadyCheck: true,
    // Reconnect forever with a capped backoff; BullMQ relies on the client to come back.
    retryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times, 10), 5_000),
  };
  if (kind === "producer") opts.enableOfflineQueue = true;
  if (kind === "api") {
    opts.enableOfflineQueue = false;
    opts.maxRetriesPerRequest = 1;
    opts.commandTimeout = API_COMMAND_TIMEOUT_MS;
    opts.connectTimeout = 5_000;
  }
  if (endpoint.username !== undefined) opts.username = endpoint.username;
  if (endpoint.password !== undefined) opts.password = endpoint.password;
  if (endpoint.tls) opts.tls = { servername: endpoint.host };
  if (connectionName) opts.connectionName = connectionName;
  return opts;
}

/** A new ioredis client for the configured Redis. */
export function createRedis(config: FleetConfig, kind: ConnectionKind, name?: string): Redis {
  return new Redis(redisOptions(config.redis, kind, name ? `hetao-${config.role}-${name}` : undefined));
}

/**
 * Whether an error means Redis could not be reached or did not answer in time (a 503 for an HTTP
 * client, not a 500).
 */
export function isRedisUnavailable(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|max retries|Stream isn't writeable|enableOfflineQueue|Command timed out|Connection timeout/i.test(message);
}

/** Redis is not fit to hold queues (eviction on, too old, unreachable). */
export class RedisNotReadyError extends Error {
  override readonly name = "RedisNotReadyError";
}

/** A field of Redis's INFO text, e.g. infoField(info, "used_memory"); undefined when absent. */
export function infoField(info: string, name: string): string | undefined {
  const m = new RegExp(`^${name}:(.*)$`, "m").exec(info);
  return m?.[1]?.trim();
}

/**
 * Start-up check: Redis answers within the timeout, is version 6.2 or newer, and its
 * maxmemory-policy is `noeviction` (any other policy may silently drop queue keys).
 * Uses INFO rather than CONFIG GET, which managed Redis services often disable.
 */
export async function checkRedis(config: FleetConfig, log?: Logger): Promise<{ version: string; policy: string }> {
  const client = new Redis({
    ...redisOptions(config.redis, "producer", `hetao-${config.role}-check`),
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    connectTimeout: 5_000,
  });
  client.on("error", () => {});
  const where = redactRedisUrl(config.redisUrl);
  const deadline = Date.now() + config.startupTimeoutMs;
  let lastError = "";
  let warned = false;
  try {
    for (;;) {
      try {
        if (client.status !== "ready") {
          client.disconnect();
          await client.connect();
        }
        const info = await client.info();
        const version = infoField(info, "redis_version") ?? "0";
        const policy = infoField(info, "maxmemory_policy") ?? "unknown";
        const [major = 0, minor = 0] = version.split(".").map(Number);
        if (major < 6 || (major === 6 && minor < 2)) {
          throw new RedisNotReadyError(`Redis at ${where} is version ${version}; BullMQ needs 6.2 or newer`);
        }
        if (policy !== "noeviction") {
          throw new RedisNotReadyError(
            `Redis at ${where} has maxmemory-policy "${policy}"; queues need "noeviction" (set maxmemory-policy noeviction in redis.conf, or CONFIG SET maxmemory-policy noeviction)`,
          );
        }
        return { version, policy };
      } catch (err) {
        if (err instanceof RedisNotReadyError) throw err;
        lastError = err instanceof Error ? err.message : String(err);
        if (/NOAUTH|WRONGPASS|invalid password|invalid username/i.test(lastError)) {
          throw new RedisNotReadyError(`Redis at ${where} refused the credentials: ${lastError}`);
        }
        if (Date.now() >= deadline) break;
        if (!warned) {
          log?.warn({ redis: where, err: lastError }, "waiting for Redis");
          warned = true;
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    throw new RedisNotReadyError(`cannot reach Redis at ${where} within ${config.startupTimeoutMs} ms: ${lastError}`);
  } finally {
    client.disconnect();
  }
}
