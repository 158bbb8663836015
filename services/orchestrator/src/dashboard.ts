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
 * bearer token; /healthz stays open for container health checks.
 */
export async function startDashboard(config: FleetConfig, options: { log?: Logger } = {}): Promise<DashboardService> {
  const log = (options.log ?? silentLogger()).child({ component: "dashboard" });
  const simulate = simulateQueue(config, "producer");
  const reports = reportsQueue(config, "producer");
  const redis = createRedis(config, "producer", "dashboard-health");
  for (const c of [simulate, reports, redis]) c.on("error", (err: Error) => log.warn({ err: err.message }, "redis error"));

  const adapter = new ExpressAdapter();
  adapter.setBasePath("/");
  createBullBoard({
    queues: [new BullMQAdapter(simulate), new BullMQAdapter(reports)],
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: "Hetao fleet" } },
  });
  const app = adapter.getRouter() as (req: IncomingMessage, res: ServerResponse) => void;
  const expected = config.apiToken === undefined ? undefined : digest(config.apiToken);

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

  const server: HttpServer = await listen(
    (req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      if (path === "/healthz") {
        void redis.ping().then(
          () => sendJson(res, 200, { ok: true, role: "dashboard" }),
          () => sendJson(res, 503, { ok: false, role: "dashboard", redis: redis.status }),
        );
        return;
      }
      if (!authorized(req)) {
        sendJson(res, 401, { error: "credentials required: user any, password API_TOKEN" }, { "www-authenticate": 'Basic realm="hetao dashboard", charset="UTF-8"' });
        return;
      }
      app(req, res);
    },
    config.httpHost,
    config.httpPort,
  );
  log.info({ host: server.host, port: server.port, auth: expected !== undefined }, "dashboard listening");
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
