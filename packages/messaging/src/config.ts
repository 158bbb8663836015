import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { z } from "zod";

/** Which process reads the configuration: it decides the default HTTP port. */
export type Role = "orchestrator" | "simulator" | "metrics" | "dashboard" | "client";

export const DEFAULT_PORTS: Record<Role, number> = {
  orchestrator: 3000,
  dashboard: 3001,
  simulator: 9101,
  metrics: 9102,
  client: 0,
};

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Redis connection settings parsed out of REDIS_URL (the password is kept out of logs: see redactRedisUrl). */
export interface RedisEndpoint {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  tls: boolean;
}

export interface FleetConfig {
  role: Role;
  redisUrl: string;
  redis: RedisEndpoint;
  queuePrefix: string;
  logLevel: LogLevel;
  simulatorConcurrency: number;
  /** Jobs a simulator holds beyond its threads, so a thread that finishes starts the next at once. */
  simulatorPrefetch: number;
  metricsConcurrency: number;
  reportsDir: string;
  httpHost: string;
  httpPort: number;
  apiToken: string | undefined;
  maxBodyBytes: number;
  maxReplications: number;
  jobAttempts: number;
  backoffMs: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  shutdownTimeoutMs: number;
  startupTimeoutMs: number;
  /** How long `run --redis` rides out a lost Redis connection (reconnecting with backoff) before it gives up. */
  reconnectTimeoutMs: number;
  /** How long Redis keeps a completed experiment (spec, metadata, results, report), in hours; 0 keeps it until removed. */
  experimentRetentionHours: number;
}

/**
 * How long Redis keeps a completed experiment by default: a week, as long as the fleet keeps its
 * report jobs. Its results are the bulk (about 65 KB per hetao-weekday replication).
 */
export const DEFAULT_RETENTION_HOURS = 168;

/** A configuration problem, already phrased as one line for the operator. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** redis://user:secret@host → redis://user:***@host, for logs and error messages. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url.replace(/\/\/([^@/]*):[^@/]*@/, "//$1:***@");
  }
}

/** Parses and checks REDIS_URL; throws ConfigError with a one-line reason. */
export function parseRedisUrl(url: string): RedisEndpoint {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigError(`REDIS_URL is not a URL (got "${redactRedisUrl(url)}"); expected e.g. redis://:password@127.0.0.1:6379/0 or rediss://host:6380`);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") {
    throw new ConfigError(`REDIS_URL must start with redis:// or rediss:// (got "${u.protocol}//")`);
  }
  const host = u.hostname.replace(/^\[|\]$/g, "");
  if (!host) throw new ConfigError(`REDIS_URL has no host (got "${redactRedisUrl(url)}")`);
  const port = u.port === "" ? 6379 : Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new ConfigError(`REDIS_URL port must be 1-65535 (got "${u.port}")`);
  let db = 0;
  if (u.pathname !== "" && u.pathname !== "/") {
    const text = u.pathname.slice(1);
    if (!/^\d{1,5}$/.test(text)) throw new ConfigError(`REDIS_URL path must be a database number like /0 (got "${u.pathname}")`);
    db = Number(text);
  }
  const endpoint: RedisEndpoint = { host, port, db, tls: u.protocol === "rediss:" };
  if (u.username) endpoint.username = decodeURIComponent(u.username);
  if (u.password) endpoint.password = decodeURIComponent(u.password);
  return endpoint;
}

const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

function intVar(name: string, min: number, max: number) {
  return z.preprocess(
    emptyToUndefined,
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return undefined;
        const t = v.trim();
        if (!/^\d+$/.test(t) || Number(t) < min || Number(t) > max) {
          ctx.addIssue({ code: "custom", message: `${name} must be an integer from ${min} to ${max} (got "${v}")` });
          return z.NEVER;
        }
        return Number(t);
      }),
  );
}

/**
 * A queue prefix namespaces every key. With Redis Cluster it must carry a hash tag (`{...}`) so that
 * all keys of a queue, and our own experiment keys, land on one slot (BullMQ's Lua scripts touch many).
 */
const PREFIX_RE = /^[A-Za-z0-9_.:{}-]{1,64}$/;
function checkPrefix(prefix: string): string | undefined {
  if (!PREFIX_RE.test(prefix)) return `QUEUE_PREFIX may hold only letters, digits and _ . : - { } (at most 64 characters; got "${prefix}")`;
  const open = prefix.indexOf("{");
  const close = prefix.indexOf("}");
  if (open === -1 && close === -1) return undefined;
  if (open === -1 || close < open + 2 || prefix.indexOf("{", open + 1) !== -1 || prefix.indexOf("}", close + 1) !== -1) {
    return `QUEUE_PREFIX must contain at most one non-empty Redis Cluster hash tag like {hetao} (got "${prefix}")`;
  }
  if (prefix.endsWith(":")) return `QUEUE_PREFIX must not end with ":" (got "${prefix}")`;
  return undefined;
}

const EnvSchema = z.object({
  REDIS_URL: z.preprocess(emptyToUndefined, z.string({ error: "REDIS_URL is required (e.g. redis://127.0.0.1:6379 or rediss://:password@host:6380/0)" })),
  QUEUE_PREFIX: z.preprocess(emptyToUndefined, z.string().default("{hetao}")),
  LOG_LEVEL: z.preprocess(
    (v) => (typeof v === "string" ? emptyToUndefined(v.toLowerCase()) : v),
    z.enum(LOG_LEVELS, { error: (iss) => `LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")} (got "${String(iss.input)}")` }).default("info"),
  ),
  SIMULATOR_CONCURRENCY: intVar("SIMULATOR_CONCURRENCY", 1, 256),
  SIMULATOR_PREFETCH: intVar("SIMULATOR_PREFETCH", 0, 256),
  METRICS_CONCURRENCY: intVar("METRICS_CONCURRENCY", 1, 64),
  REPORTS_DIR: z.preprocess(emptyToUndefined, z.string().default("reports")),
  HTTP_HOST: z.preprocess(emptyToUndefined, z.string().default("127.0.0.1")),
  HTTP_PORT: intVar("HTTP_PORT", 0, 65_535),
  API_TOKEN: z.preprocess(
    emptyToUndefined,
    z.string().min(16, "API_TOKEN must be at least 16 characters").regex(/^[\x21-\x7e]+$/, "API_TOKEN must be printable ASCII without spaces").optional(),
  ),
  MAX_BODY_BYTES: intVar("MAX_BODY_BYTES", 1024, 64 * 1024 * 1024),
  MAX_REPLICATIONS: intVar("MAX_REPLICATIONS", 1, 1_000_000),
  JOB_ATTEMPTS: intVar("JOB_ATTEMPTS", 1, 100),
  JOB_BACKOFF_MS: intVar("JOB_BACKOFF_MS", 0, 3_600_000),
  LOCK_DURATION_MS: intVar("LOCK_DURATION_MS", 1_000, 3_600_000),
  STALLED_INTERVAL_MS: intVar("STALLED_INTERVAL_MS", 1_000, 3_600_000),
  SHUTDOWN_TIMEOUT_MS: intVar("SHUTDOWN_TIMEOUT_MS", 0, 3_600_000),
  STARTUP_TIMEOUT_MS: intVar("STARTUP_TIMEOUT_MS", 0, 3_600_000),
  RECONNECT_TIMEOUT_MS: intVar("RECONNECT_TIMEOUT_MS", 0, 3_600_000),
  EXPERIMENT_RETENTION_HOURS: intVar("EXPERIMENT_RETENTION_HOURS", 0, 87_600),
});

/** Every variable the fleet reads, for docs and `--help`. */
export const ENV_VARS = Object.keys(EnvSchema.shape);

/**
 * Reads the fleet configuration from the environment. Throws ConfigError whose message is one line
 * naming every wrong or missing variable.
 */
export function configFromEnv(role: Role, env: NodeJS.ProcessEnv = process.env): FleetConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const messages = parsed.error.issues.map((i) => {
      const key = String(i.path[0] ?? "");
      return i.message.includes(key) ? i.message : `${key}: ${i.message}`;
    });
    throw new ConfigError([...new Set(messages)].join("; "));
  }
  const e = parsed.data;
  const redis = parseRedisUrl(e.REDIS_URL);
  const prefixProblem = checkPrefix(e.QUEUE_PREFIX);
  if (prefixProblem) throw new ConfigError(prefixProblem);
  const lockDurationMs = e.LOCK_DURATION_MS ?? 30_000;
  return {
    role,
    redisUrl: e.REDIS_URL,
    redis,
    queuePrefix: e.QUEUE_PREFIX,
    logLevel: e.LOG_LEVEL,
    simulatorConcurrency: e.SIMULATOR_CONCURRENCY ?? Math.max(1, availableParallelism()),
    simulatorPrefetch: e.SIMULATOR_PREFETCH ?? 1,
    metricsConcurrency: e.METRICS_CONCURRENCY ?? 4,
    reportsDir: resolve(e.REPORTS_DIR),
    httpHost: e.HTTP_HOST,
    httpPort: e.HTTP_PORT ?? DEFAULT_PORTS[role],
    apiToken: e.API_TOKEN,
    maxBodyBytes: e.MAX_BODY_BYTES ?? 1024 * 1024,
    maxReplications: e.MAX_REPLICATIONS ?? 10_000,
    jobAttempts: e.JOB_ATTEMPTS ?? 5,
    backoffMs: e.JOB_BACKOFF_MS ?? 1_000,
    lockDurationMs,
    stalledIntervalMs: e.STALLED_INTERVAL_MS ?? lockDurationMs,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS ?? 25_000,
    startupTimeoutMs: e.STARTUP_TIMEOUT_MS ?? 60_000,
    reconnectTimeoutMs: e.RECONNECT_TIMEOUT_MS ?? 60_000,
    experimentRetentionHours: e.EXPERIMENT_RETENTION_HOURS ?? DEFAULT_RETENTION_HOURS,
  };
}

/**
 * For a service's main: the configuration, or one clear line on stderr and exit code 2.
 */
export function configOrExit(role: Role, env: NodeJS.ProcessEnv = process.env): FleetConfig {
  try {
    return configFromEnv(role, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`hetao ${role}: configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
