import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import {
  type FleetConfig,
  type HttpServer,
  type Logger,
  createRedis,
  listen,
  reportsQueue,
  sendJson,
  silentLogger,
  simulateQueue,
} from "@hetao/messaging";

export interface DashboardService {
  port: number;
  host: string;
  close(): Promise<void>;
}

function digest(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}

/**
 * The bull-board dashboard for the `simulate` and `reports` queues, on its own port (default 3001).
 * With API_TOKEN set it asks for HTTP Basic credentials (any user name, the token as password) or a
 * bearer token, and allows its actions from its own pages; without, it is read-only (every action
 * refused with 403). /healthz stays open for container health checks.
 */
export async function startDashboard(config: FleetConfig, options: { log?: Logger } = {}): Promise<DashboardService> {
  const log = (options.log ?? silentLogger()).child({ component: "dashboard" });
  // "api" connections (no offline queue, short command timeout): while Redis is down the dashboard
  // and its /healthz answer 503 at once instead of hanging.
  const simulate = simulateQueue(config, "api");
  const reports = reportsQueue(config, "api");
  const redis = createRedis(config, "api", "dashboard-health");
  for (const c of [simulate, reports, redis]) c.on("error", (err: Error) => log.warn({ err: err.message }, "redis error"));
  await Promise.all([simulate.waitUntilReady(), reports.waitUntilReady(), redis.status === "ready" ? undefined : new Promise((r) => redis.once("ready", r))]);

  const expected = config.apiToken === undefined ? undefined : digest(config.apiToken);
  // Without a token the dashboard is read-only: anyone on the host may look, nobody may clean, retry,
  // pause or remove. (A token generated at start-up would end up in log archives and change on every
  // restart; an operator who wants the actions sets API_TOKEN.)
  const readOnly = expected === undefined;
  const adapter = new ExpressAdapter();
  adapter.setBasePath("/");
  createBullBoard({
    queues: [new BullMQAdapter(simulate, { readOnlyMode: readOnly }), new BullMQAdapter(reports, { readOnlyMode: readOnly })],
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: readOnly ? "Hetao fleet (read-only: set API_TOKEN for actions)" : "Hetao fleet" } },
  });
  const app = adapter.getRouter() as (req: IncomingMessage, res: ServerResponse) => void;

  function authorized(req: IncomingMessage): boolean {
    if (!expected) return true;
    const header = req.headers.authorization ?? "";
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (bearer) return timingSafeEqual(digest(bearer[1]!), expected);
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (basic) {
      const decoded = Buffer.from(basic[1]!, "base64").toString("utf8");
      const password = decoded.slice(decoded.indexOf(":") + 1);
      return timingSafeEqual(digest(password), expected);
    }
    return false;
  }

  /** No Origin (curl, scripts) or the dashboard's own: what a browser sends from a page of this host. */
  function sameOrigin(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }

  const server: HttpServer = await listen(
    (req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      if (path === "/healthz") {
        // Healthy only if Redis answers: the dashboard is nothing without it.
        const ping = redis.status === "ready" ? redis.ping() : Promise.reject(new Error(`connection ${redis.status}`));
        void ping.then(
          () => sendJson(res, 200, { ok: true, role: "dashboard", redis: redis.status }),
          () => sendJson(res, 503, { ok: false, role: "dashboard", redis: redis.status }),
        );
        return;
      }
      if (!authorized(req)) {
        sendJson(res, 401, { error: "credentials required: user any, password API_TOKEN" }, { "www-authenticate": 'Basic realm="hetao dashboard", charset="UTF-8"' });
        return;
      }
      const method = (req.method ?? "GET").toUpperCase();
      if (method !== "GET" && method !== "HEAD") {
        // Every bull-board action (retry, clean, promote, pause, add, remove, obliterate…) is a PUT,
        // POST, PATCH or DELETE: refused without a token, and from another site's page (a browser
        // sends cached Basic credentials along with a cross-site request).
        if (readOnly) {
          sendJson(res, 403, { error: "the dashboard is read-only because API_TOKEN is not set; set API_TOKEN to enable its actions" });
          return;
        }
        if (!sameOrigin(req)) {
          sendJson(res, 403, { error: "cross-origin request refused: dashboard actions must come from the dashboard's own pages" });
          return;
        }
      }
      if (redis.status !== "ready") {
        sendJson(res, 503, { error: `Redis is unavailable (connection ${redis.status}); try again later`, redis: redis.status }, { "retry-after": "5", connection: "close" });
        return;
      }
      app(req, res);
    },
    config.httpHost,
    config.httpPort,
  );
  if (readOnly) log.warn({ readOnly }, "API_TOKEN is not set: the dashboard is read-only (its actions are refused); set API_TOKEN to enable them");
  log.info({ host: server.host, port: server.port, auth: expected !== undefined, readOnly }, "dashboard listening");
  return {
    port: server.port,
    host: server.host,
    async close() {
      await server.close();
      await simulate.close();
      await reports.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
