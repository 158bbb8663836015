import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Report, replicationsPerJob } from "@hetao/experiment";
import {
  ExperimentIdSchema,
  ExperimentStore,
  type FleetConfig,
  type HttpServer,
  type Logger,
  TOOL_VERSION,
  cancelExperiment,
  createRedis,
  infoField,
  isRedisUnavailable,
  listen,
  queueDepth,
  reportsQueue,
  sendJson,
  sendMetrics,
  serviceRegistry,
  silentLogger,
  simulateQueue,
  submitExperiment,
} from "@hetao/messaging";
import { renderHtml, renderMarkdown } from "@hetao/report";
import { clip } from "@hetao/scenario";
import { Counter, Gauge, type Registry } from "prom-client";
import { LIVE_PAGE_CSP, livePageHtml } from "./live-page.js";
import { HttpError, bodyFormat, boundedErrorBody, queryOptions, specFromBody } from "./submission.js";

/** HTML reports rendered from the stored report.json, kept for the most recently asked ones (a report never changes once written). */
const HTML_CACHE = 8;

export interface OrchestratorOptions {
  log?: Logger;
}

export interface OrchestratorService {
  port: number;
  host: string;
  registry: Registry;
  store: ExperimentStore;
  close(): Promise<void>;
}

/** Reads a request body up to `limit` bytes; HttpError 413 beyond that. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(new HttpError(413, { error: `request body is ${declared} bytes; the limit is ${limit} (MAX_BODY_BYTES)`, limit }));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new HttpError(413, { error: `request body exceeds ${limit} bytes (MAX_BODY_BYTES)`, limit }));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (failed) return;
      const buf = Buffer.concat(chunks);
      const text = new TextDecoder("utf-8", { fatal: true });
      try {
        resolve(text.decode(buf));
      } catch {
        reject(new HttpError(400, { error: "request body is not valid UTF-8" }));
      }
    });
    req.on("error", reject);
  });
}

/** The preferred of JSON and Markdown for an Accept header; undefined when neither is acceptable. */
export function negotiate(accept: string | undefined): "json" | "markdown" | undefined {
  if (!accept || accept.trim() === "") return "json";
  let best: { kind: "json" | "markdown"; q: number; specific: number } | undefined;
  for (const part of accept.split(",")) {
    const [rawType = "", ...params] = part.trim().split(";");
    const type = rawType.trim().toLowerCase();
    let q = 1;
    for (const p of params) {
      const [k, v] = p.trim().split("=");
      if (k?.trim() === "q" && v !== undefined) q = Number(v);
    }
    if (!(q > 0)) continue;
    const candidates: ["json" | "markdown", number][] = [];
    if (type === "application/json") candidates.push(["json", 2]);
    else if (type === "text/markdown" || type === "text/x-markdown") candidates.push(["markdown", 2]);
    else if (type === "text/*") candidates.push(["markdown", 1]);
    else if (type === "application/*") candidates.push(["json", 1]);
    else if (type === "*/*") candidates.push(["json", 0]);
    for (const [kind, specific] of candidates) {
      if (!best || q > best.q || (q === best.q && specific > best.specific)) best = { kind, q, specific };
    }
  }
  return best?.kind;
}

/** A path segment percent-decoded; HttpError 400 for a malformed escape (decodeURIComponent's URIError). */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, { error: `malformed percent-encoding in the path: "${segment.slice(0, 80)}"` });
  }
}

function tokenDigest(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}

/**
 * Starts the orchestrator: the HTTP API that accepts experiments, plans their replication jobs
 * (submitExperiment, shared with `hetao-sim run --redis`) and reports progress and results.
 */
export async function startOrchestrator(config: FleetConfig, options: OrchestratorOptions = {}): Promise<OrchestratorService> {
  const log = (options.log ?? silentLogger()).child({ component: "orchestrator" });
  // "api" connections: while Redis is unreachable a command fails at once (no offline queue) or after
  // API_COMMAND_TIMEOUT_MS, so every handler answers 503 promptly instead of hanging.
  const redis = createRedis(config, "api", "orchestrator-store");
  redis.on("error", (err) => log.warn({ err: err.message }, "redis error"));
  const store = new ExperimentStore(redis, config.queuePrefix, { retentionHours: config.experimentRetentionHours });
  const simulate = simulateQueue(config, "api");
  const reports = reportsQueue(config, "api");
  simulate.on("error", (err) => log.warn({ err: err.message }, "simulate queue error"));
  reports.on("error", (err) => log.warn({ err: err.message }, "reports queue error"));
  // Without an offline queue, a request that came before the connections are up would fail: wait.
  await Promise.all([simulate.waitUntilReady(), reports.waitUntilReady(), redis.status === "ready" ? undefined : new Promise((r) => redis.once("ready", r))]);
  const expected = config.apiToken === undefined ? undefined : tokenDigest(config.apiToken);

  function redisUnavailable(): HttpError {
    return new HttpError(503, { error: `Redis is unavailable (connection ${redis.status}); try again later`, redis: redis.status });
  }

  const registry = serviceRegistry("orchestrator");
  const requests = new Counter({
    name: "hetao_http_requests_total",
    help: "HTTP requests by method, route and status.",
    labelNames: ["method", "route", "status"],
    registers: [registry],
  });
  const submitted = new Counter({
    name: "hetao_experiments_submitted_total",
    help: "Experiment submissions; created=false for resubmissions of a known experiment.",
    labelNames: ["created"],
    registers: [registry],
  });
  const cancelled = new Counter({
    name: "hetao_experiments_cancelled_total",
    help: "Cancellations (DELETE /experiments/:id) that found the experiment running or failed; first=false when it was cancelled already.",
    labelNames: ["first"],
    registers: [registry],
  });
  new Gauge({
    name: "hetao_queue_jobs",
    help: "Jobs per queue and state (ops: add simulators when simulate waiting+prioritized grows).",
    labelNames: ["queue", "state"],
    registers: [registry],
    async collect() {
      for (const q of [simulate, reports]) {
        const d = await queueDepth(q);
        for (const state of ["waiting", "prioritized", "active", "delayed", "completed", "failed"] as const) this.set({ queue: d.queue, state }, d[state]);
      }
    },
  });
  new Gauge({
    name: "hetao_queue_workers",
    help: "Workers connected per queue (simulate = simulator processes, reports = metrics processes).",
    labelNames: ["queue"],
    registers: [registry],
    async collect() {
      for (const q of [simulate, reports]) this.set({ queue: q.name }, await q.getWorkersCount());
    },
  });
  // With noeviction a full Redis refuses writes and the fleet stops: alert on used / max before that
  // (what Redis holds and for how long: docs/operations.md, "Redis keys").
  new Gauge({
    name: "hetao_redis_memory_bytes",
    help: "Redis memory: used (INFO used_memory) and maxmemory (0: no limit set).",
    labelNames: ["kind"],
    registers: [registry],
    async collect() {
      const info = await redis.info("memory");
      this.set({ kind: "used" }, Number(infoField(info, "used_memory") ?? Number.NaN));
      this.set({ kind: "max" }, Number(infoField(info, "maxmemory") ?? Number.NaN));
    },
  });
  new Gauge({
    name: "hetao_experiments",
    help: "Experiments in the index (each holds its results in Redis until it expires: EXPERIMENT_RETENTION_HOURS after it ended).",
    registers: [registry],
    async collect() {
      this.set(await redis.zcard(store.keys.experiments));
    },
  });

  /**
   * The bearer token; for reads (GET, HEAD) also `?token=`, since a browser cannot send a header when
   * it opens the live page or a report link. Writes (POST, DELETE) take the header only, so a link
   * can never submit or cancel.
   */
  function authorized(req: IncomingMessage, url: URL): boolean {
    if (!expected) return true;
    const header = req.headers.authorization ?? "";
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const method = req.method ?? "GET";
    const query = method === "GET" || method === "HEAD" ? url.searchParams.get("token") : null;
    const given = m?.[1] ?? query;
    if (given === null || given === undefined) return false;
    return timingSafeEqual(tokenDigest(given), expected);
  }

  const htmlReports = new Map<string, string>();
  function reportHtml(id: string, json: string): string {
    let html = htmlReports.get(id);
    if (html === undefined) {
      // The same renderer as the bundle's report.html (renderReportFiles), from the same JSON: same bytes.
      html = renderHtml(JSON.parse(json) as Report);
      htmlReports.set(id, html);
      while (htmlReports.size > HTML_CACHE) htmlReports.delete(htmlReports.keys().next().value!);
    }
    return html;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, route: { name: string }): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname.replace(/\/+$/, "") || "/";
    const method = req.method ?? "GET";

    if (path === "/healthz") {
      route.name = "/healthz";
      if (method !== "GET" && method !== "HEAD") throw new HttpError(405, { error: "method not allowed" });
      let ok = false;
      try {
        ok = redis.status === "ready" && (await redis.ping()) === "PONG";
      } catch {
        ok = false;
      }
      return sendJson(res, ok ? 200 : 503, { ok, role: "orchestrator", redis: redis.status });
    }
    // Browsers ask for it on every page (the live page, a report): no icon, and no 401 in their console.
    if (path === "/favicon.ico") {
      route.name = "/favicon.ico";
      res.writeHead(204, { "cache-control": "max-age=86400" });
      res.end();
      return;
    }
    if (!authorized(req, url)) {
      route.name = "unauthorized";
      throw new HttpError(401, { error: "missing or wrong bearer token (Authorization: Bearer <API_TOKEN>; reads also take ?token=<API_TOKEN>)" });
    }
    if (path === "/") {
      route.name = "/";
      if (method !== "GET" && method !== "HEAD") throw new HttpError(405, { error: "method not allowed" });
      const html = livePageHtml();
      res.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "content-length": Buffer.byteLength(html),
        "cache-control": "no-store",
        "content-security-policy": LIVE_PAGE_CSP,
        // The URL may carry ?token=: never send it on to another site.
        "referrer-policy": "no-referrer",
        "x-content-type-options": "nosniff",
      });
      res.end(method === "HEAD" ? undefined : html);
      return;
    }
    // Disconnected: answer now rather than after the reconnect attempts (a POST's body is not read).
    if (redis.status !== "ready") throw redisUnavailable();
    if (path === "/metrics") {
      route.name = "/metrics";
      if (method !== "GET") throw new HttpError(405, { error: "method not allowed" });
      return sendMetrics(res, registry);
    }
    if (path === "/experiments") {
      route.name = "/experiments";
      if (method === "POST") {
        const text = await readBody(req, config.maxBodyBytes);
        const spec = specFromBody(text, bodyFormat(req.headers["content-type"]), queryOptions(url.searchParams), config.maxReplications);
        const outcome = await submitExperiment({ store, simulate, reports, log, replicationsPerJob: replicationsPerJob(spec) }, spec, TOOL_VERSION);
        submitted.inc({ created: String(outcome.created) });
        const status = outcome.state === "completed" ? 200 : 202;
        return sendJson(
          res,
          status,
          { ...outcome, links: { status: `/experiments/${outcome.id}`, report: `/experiments/${outcome.id}/report` } },
          { location: `/experiments/${outcome.id}` },
        );
      }
      if (method === "GET") {
        const limit = Math.min(500, Math.max(1, Number(url.searchParams.get("limit") ?? 50) || 50));
        return sendJson(res, 200, { experiments: await store.list(limit) });
      }
      throw new HttpError(405, { error: "method not allowed; use POST to submit or GET to list" });
    }
    const m = /^\/experiments\/([^/]+)(\/report|\/report\.html)?$/.exec(path);
    if (m) {
      route.name = m[2] === "/report" ? "/experiments/:id/report" : m[2] ? "/experiments/:id/report.html" : "/experiments/:id";
      const cancel = method === "DELETE" && !m[2];
      if (method !== "GET" && method !== "HEAD" && !cancel) throw new HttpError(405, { error: m[2] ? "method not allowed" : "method not allowed; use GET for the status or DELETE to cancel" });
      const id = decodePathSegment(m[1]!);
      if (!ExperimentIdSchema.safeParse(id).success) throw new HttpError(404, { error: `no experiment "${clip(id)}" (ids look like exp-0123456789abcdef)` });
      if (cancel) {
        const result = await cancelExperiment({ store, simulate, log }, id);
        if (result.outcome === "unknown-experiment") throw new HttpError(404, { error: `no experiment ${id}` });
        if (result.outcome === "completed") {
          throw new HttpError(409, { error: `experiment ${id} is completed; a completed experiment cannot be cancelled (its report: /experiments/${id}/report)`, state: "completed" });
        }
        cancelled.inc({ first: String(result.outcome === "cancelled") });
        return sendJson(res, 200, { id, state: "cancelled", alreadyCancelled: result.outcome === "already-cancelled", removed: result.removed, active: result.active });
      }
      const status = await store.status(id);
      if (!status) throw new HttpError(404, { error: `no experiment ${id}` });
      if (!m[2]) return sendJson(res, 200, status);
      if (m[2] === "/report.html") {
        if (status.state !== "completed") {
          throw new HttpError(409, { error: `experiment ${id} is ${status.state}; the report is written when every replication is in`, state: status.state, done: status.done, total: status.total });
        }
        const json = await store.report(id);
        if (json === undefined) throw new HttpError(404, { error: `the report of ${id} is no longer stored` });
        const html = reportHtml(id, json);
        res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(html), "referrer-policy": "no-referrer", "x-content-type-options": "nosniff" });
        res.end(method === "HEAD" ? undefined : html);
        return;
      }
      const kind = negotiate(req.headers.accept);
      if (!kind) throw new HttpError(406, { error: "the report is available as application/json or text/markdown (or as HTML at /experiments/:id/report.html)" });
      if (status.state !== "completed") {
        throw new HttpError(409, { error: `experiment ${id} is ${status.state}; the report is written when every replication is in`, state: status.state, done: status.done, total: status.total });
      }
      const json = await store.report(id);
      if (json === undefined) throw new HttpError(404, { error: `the report of ${id} is no longer stored` });
      if (kind === "json") {
        res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(json), vary: "Accept" });
        res.end(json);
        return;
      }
      const md = renderMarkdown(JSON.parse(json) as Report);
      res.writeHead(200, { "content-type": "text/markdown; charset=utf-8", "content-length": Buffer.byteLength(md), vary: "Accept" });
      res.end(md);
      return;
    }
    route.name = "unknown";
    throw new HttpError(404, {
      error: `no route ${clip(method, 20)} ${clip(path)}`,
      routes: ["GET /", "POST /experiments", "GET /experiments", "GET /experiments/:id", "DELETE /experiments/:id", "GET /experiments/:id/report", "GET /experiments/:id/report.html", "GET /healthz", "GET /metrics"],
    });
  }

  const server: HttpServer = await listen(
    (req, res) => {
      const route = { name: "unknown" };
      const started = performance.now();
      res.on("finish", () => {
        requests.inc({ method: req.method ?? "?", route: route.name, status: String(res.statusCode) });
        log.debug({ method: req.method, url: req.url, status: res.statusCode, ms: Math.round(performance.now() - started) }, "request");
      });
      handle(req, res, route).catch((err: unknown) => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        if (err instanceof HttpError) {
          const headers: Record<string, string> = err.status === 401 ? { "www-authenticate": 'Bearer realm="hetao"' } : {};
          // 413 and 503 are sent without reading the body: close, so that the rest of it is not parsed as a request.
          if (err.status === 413 || err.status === 503) headers.connection = "close";
          if (err.status === 503) headers["retry-after"] = "5";
          sendJson(res, err.status, boundedErrorBody(err.body), headers);
          return;
        }
        const message = err instanceof Error ? err.message : String(err);
        if (isRedisUnavailable(err) || redis.status !== "ready") {
          log.error({ err: message }, "redis unavailable");
          const unavailable = redisUnavailable();
          sendJson(res, unavailable.status, unavailable.body, { "retry-after": "5", connection: "close" });
          return;
        }
        log.error({ err }, "request failed");
        sendJson(res, 500, { error: "internal error" });
      });
    },
    config.httpHost,
    config.httpPort,
  );
  log.info({ host: server.host, port: server.port, auth: expected !== undefined, prefix: config.queuePrefix }, "orchestrator listening");

  return {
    port: server.port,
    host: server.host,
    registry,
    store,
    async close() {
      await server.close();
      await simulate.close();
      await reports.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

