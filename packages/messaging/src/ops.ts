import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Registry, collectDefaultMetrics } from "prom-client";
import { type FleetConfig, ConfigError, type Role, configOrExit } from "./config.js";
import { type Logger, createLogger } from "./logger.js";
import { RedisNotReadyError, checkRedis } from "./redis.js";

/**
 * How often the event-loop lag is sampled, in ms. prom-client's default (10) wakes the main thread 100
 * times a second, idle or not: on a busy core each wake-up preempts a replication thread. At 100 ms the
 * lag histogram still shows what it is for (a loop blocked long enough to miss a lock renewal).
 */
export const EVENT_LOOP_SAMPLE_MS = 100;

/** A Prometheus registry with the process' default metrics, labelled with the service name. */
export function serviceRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  return registry;
}

export interface Health {
  ok: boolean;
  [detail: string]: unknown;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), "cache-control": "no-store", ...headers });
  res.end(text);
}

export async function sendMetrics(res: ServerResponse, registry: Registry): Promise<void> {
  const text = await registry.metrics();
  res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" });
  res.end(text);
}

export interface HttpServer {
  server: Server;
  /** The bound port (useful with port 0). */
  port: number;
  host: string;
  close(): Promise<void>;
}

/** Starts a node:http server and resolves once it listens. */
export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void, host: string, port: number): Promise<HttpServer> {
  const server = createServer(handler);
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    server,
    port: bound,
    host,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 1_000).unref();
      }),
  };
}

/**
 * The small HTTP server of a worker service: GET /healthz (200 or 503, JSON) and GET /metrics
 * (Prometheus text format).
 */
export async function startOpsServer(options: { host: string; port: number; registry: Registry; health: () => Promise<Health> | Health }): Promise<HttpServer> {
  return listen(
    (req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      if (req.method !== "GET" && req.method !== "HEAD") return sendJson(res, 405, { error: "method not allowed" }, { allow: "GET, HEAD" });
      if (path === "/healthz") {
        void Promise.resolve()
          .then(options.health)
          .then(
            (h) => sendJson(res, h.ok ? 200 : 503, h),
            (err: unknown) => sendJson(res, 503, { ok: false, error: err instanceof Error ? err.message : String(err) }),
          );
        return;
      }
      if (path === "/metrics") {
        void sendMetrics(res, options.registry).catch((err: unknown) => sendJson(res, 500, { error: String(err) }));
        return;
      }
      sendJson(res, 404, { error: `no route ${path}`, routes: ["/healthz", "/metrics"] });
    },
    options.host,
    options.port,
  );
}

/** What a service's start function returns. */
export interface RunningService {
  close(): Promise<void>;
}

export interface MainOptions<S extends RunningService> {
  role: Role;
  start(config: FleetConfig, log: Logger): Promise<S>;
  env?: NodeJS.ProcessEnv;
}

/**
 * The whole life of a service process: configuration (one line and exit 2 when wrong), the Redis
 * start-up check (exit 3 when Redis is unfit: eviction policy, version, credentials, unreachable),
 * start, then SIGTERM/SIGINT → close() within SHUTDOWN_TIMEOUT_MS → exit 0 (1 if closing failed or
 * timed out; a second signal exits at once).
 */
export async function runMain<S extends RunningService>(options: MainOptions<S>): Promise<S> {
  const config = configOrExit(options.role, options.env);
  const log = createLogger(options.role, config.logLevel);
  try {
    await checkRedis(config, log);
  } catch (err) {
    if (err instanceof RedisNotReadyError || err instanceof ConfigError) {
      process.stderr.write(`hetao ${options.role}: cannot start: ${err.message}\n`);
      log.fatal({ err: err.message }, "cannot start");
      process.exit(3);
    }
    throw err;
  }
  let service: S;
  try {
    service = await options.start(config, log);
  } catch (err) {
    log.fatal({ err }, "failed to start");
    process.stderr.write(`hetao ${options.role}: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      log.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    log.info({ signal, timeoutMs: config.shutdownTimeoutMs }, "shutting down");
    // The service's close() enforces SHUTDOWN_TIMEOUT_MS itself (handing work back); this is the backstop.
    const backstop = setTimeout(() => {
      log.error("shutdown did not finish in time; exiting");
      process.exit(1);
    }, config.shutdownTimeoutMs + 10_000);
    backstop.unref();
    service.close().then(
      () => {
        log.info("stopped");
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, "error while stopping");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  return service;
}
