/**
 * Helpers for the fleet end-to-end tests: real Redis, real service processes (services/x/dist/main.js),
 * a unique queue prefix per test file, and the embedded reference report computed in-process with the
 * very functions the embedded runner uses.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";
import {
  type ExperimentSpec,
  buildReport,
  createExperiment,
  planReplications,
  reportJson,
  runReplication,
} from "../../packages/experiment/dist/index.js";
import {
  ExperimentStore,
  type ExperimentStatus,
  type FleetConfig,
  TOOL_VERSION,
  configFromEnv,
  createRedis,
  reportsQueue,
  simulateQueue,
  submitExperiment,
  Redis,
} from "../../packages/messaging/dist/index.js";
import type { ReplicationResult } from "../../packages/crossing-model/dist/index.js";
import { type Scenario, loadScenarioFile, scenarioDigest } from "../../packages/scenario/dist/index.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
// Workspace packages are imported from their build output (test/ is not a workspace package).
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const SCENARIOS = join(ROOT, "seeds/scenarios");

export const MAINS = {
  simulator: join(ROOT, "services/simulator/dist/main.js"),
  metrics: join(ROOT, "services/metrics/dist/main.js"),
  orchestrator: join(ROOT, "services/orchestrator/dist/main.js"),
  dashboard: join(ROOT, "services/orchestrator/dist/dashboard-main.js"),
  cli: join(ROOT, "services/cli/dist/main.js"),
} as const;
export type ServiceRole = "simulator" | "metrics" | "orchestrator" | "dashboard";

/**
 * Resolves when Redis answers; otherwise fails the suite with a clear message. The fleet tests need a
 * real Redis and are never skipped (`pnpm test` starts one through scripts/test-prerequisites.sh).
 */
export async function requireRedis(): Promise<void> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2_000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new Error(`Redis is not reachable at ${REDIS_URL}: the fleet tests need it (start redis-server, or run them through \`pnpm test\`). ${String(err)}`);
  } finally {
    client.disconnect();
  }
}

export function requireBuilt(): void {
  for (const [role, path] of Object.entries(MAINS)) {
    if (role !== "cli" && !existsSync(path)) throw new Error(`${path} is missing: build first (npx tsc -b)`);
  }
}

export function uniquePrefix(tag: string): string {
  return `{t-${tag}-${process.pid}-${Math.random().toString(36).slice(2, 8)}}`;
}

export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `hetao-${tag}-`));
}

/** Deletes every key under the prefix. */
export async function cleanupPrefix(prefix: string): Promise<void> {
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    const pattern = `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`;
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", pattern, "COUNT", 500);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== "0");
  } finally {
    client.disconnect();
  }
}

export interface FleetEnv {
  prefix: string;
  reportsDir: string;
  extra?: Record<string, string>;
}

export function serviceEnv(fleet: FleetEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    REDIS_URL,
    QUEUE_PREFIX: fleet.prefix,
    REPORTS_DIR: fleet.reportsDir,
    HTTP_PORT: "0",
    LOG_LEVEL: "info",
    ...fleet.extra,
    ...extra,
  };
  return env;
}

export interface ServiceProcess {
  role: ServiceRole;
  proc: ChildProcess;
  pid: number;
  /** HTTP port the service bound. */
  port: number;
  /** Parsed JSON log lines so far. */
  logs: Record<string, unknown>[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
  /** Resolves with the first log line matching. */
  waitForLog(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

const READY: Record<ServiceRole, string> = {
  simulator: "simulator ready",
  metrics: "metrics ready",
  orchestrator: "orchestrator listening",
  dashboard: "dashboard listening",
};

const running = new Set<ServiceProcess>();

/** Spawns a service process and waits until it logs that it is ready. */
export async function startService(role: ServiceRole, env: NodeJS.ProcessEnv, timeoutMs = 60_000, argv: string[] = [MAINS[role]]): Promise<ServiceProcess> {
  const proc = spawn(process.execPath, argv, { env, stdio: ["ignore", "pipe", "pipe"] });
  const logs: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  const waiters: { predicate: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  let buffer = "";
  proc.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf("\n")) !== -1) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        parsed = { msg: line };
      }
      logs.push(parsed);
      for (const w of [...waiters]) {
        if (w.predicate(parsed)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(parsed);
        }
      }
    }
  });
  proc.stderr!.setEncoding("utf8").on("data", (chunk: string) => stderr.push(chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once("exit", (code, signal) => resolve({ code, signal })));
  const waitForLog = (predicate: (l: Record<string, unknown>) => boolean, timeout = 60_000) => {
    const existing = logs.find(predicate);
    if (existing) return Promise.resolve(existing);
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${role} (pid ${proc.pid}): timed out waiting for a log line; stderr: ${stderr.join("")}`)), timeout);
      waiters.push({
        predicate,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
      void exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`${role} exited (code ${code}, signal ${signal}) before the expected log line; stderr: ${stderr.join("")}`));
      });
    });
  };
  const ready = await waitForLog((l) => l.msg === READY[role], timeoutMs);
  const service: ServiceProcess = {
    role,
    proc,
    pid: proc.pid!,
    port: Number(ready.port),
    logs,
    stderr,
    exited,
    kill: (signal: NodeJS.Signals = "SIGTERM") => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    },
    waitForLog,
  };
  running.add(service);
  void exited.then(() => running.delete(service));
  return service;
}

/** Stops every service this test file started (SIGKILL after 15 s). */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...running].map(async (s) => {
      s.kill("SIGTERM");
      const timer = setTimeout(() => s.kill("SIGKILL"), 15_000);
      await s.exited;
      clearTimeout(timer);
    }),
  );
}

/** A client-side handle on the fleet under a prefix: store, queues, submission. */
export class FleetClient {
  readonly config: FleetConfig;
  readonly redis: Redis;
  readonly store: ExperimentStore;
  readonly simulate;
  readonly reports;

  constructor(prefix: string, reportsDir = tmpdir(), redisUrl = REDIS_URL) {
    this.config = configFromEnv("client", { REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, REPORTS_DIR: reportsDir });
    this.redis = createRedis(this.config, "producer", "test");
    this.store = new ExperimentStore(this.redis, prefix);
    this.simulate = simulateQueue(this.config);
    this.reports = reportsQueue(this.config);
    // Fault tests kill Redis under this client: its reconnect errors are expected, not unhandled.
    for (const emitter of [this.redis, this.simulate, this.reports]) emitter.on("error", () => {});
  }

  submit(spec: ExperimentSpec) {
    return submitExperiment({ store: this.store, simulate: this.simulate, reports: this.reports }, spec, TOOL_VERSION);
  }

  async waitFor(id: string, predicate: (s: ExperimentStatus) => boolean, timeoutMs = 90_000): Promise<ExperimentStatus> {
    const deadline = Date.now() + timeoutMs;
    let last: ExperimentStatus | undefined;
    while (Date.now() < deadline) {
      last = await this.store.status(id);
      if (last && predicate(last)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${id}; last status: ${JSON.stringify(last)}`);
  }

  waitCompleted(id: string, timeoutMs = 90_000): Promise<ExperimentStatus> {
    return this.waitFor(id, (s) => s.state === "completed", timeoutMs);
  }

  async close(): Promise<void> {
    await this.simulate.close();
    await this.reports.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

const scenarioCache = new Map<string, Scenario>();
export async function scenario(name: string): Promise<Scenario> {
  let s = scenarioCache.get(name);
  if (!s) {
    s = (await loadScenarioFile(join(SCENARIOS, `${name}.yaml`))).scenario;
    scenarioCache.set(name, s);
  }
  return s;
}

export async function experiment(name: string, options: { replications: number; seed?: number; policies?: string[] }): Promise<ExperimentSpec> {
  return createExperiment(await scenario(name), options);
}

/** The embedded run's report.json bytes: every replication in this process, report built in order. */
export function embeddedReportJson(spec: ExperimentSpec, toolVersion = TOOL_VERSION): string {
  const results = planReplications(spec).map((p) => runReplication(spec, p.point, p.replication));
  return reportJson(buildReport(spec, results, { scenarioDigest: scenarioDigest(spec.scenario), toolVersion }));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export { OwnRedis, freePort } from "./own-redis.js";

/** What a fleet test file works in: its queue prefix, reports folder, a client, and a working folder. */
export interface FleetFixture extends FleetEnv {
  /** A working folder of the file's own (the CLI's cwd); reportsDir is inside it. */
  dir: string;
  client: FleetClient;
}

/**
 * The set-up every fleet test file shares, registered on the enclosing describe: a unique prefix, a
 * reports folder, a FleetClient, the build checked before the tests, and after them every service the
 * file started stopped, the client closed and the prefix's keys deleted.
 */
export function useFleet(tag: string, extra?: Record<string, string>): FleetFixture {
  const prefix = uniquePrefix(tag);
  const dir = tempDir(tag);
  const reportsDir = join(dir, "reports");
  const client = new FleetClient(prefix, reportsDir);
  beforeAll(() => requireBuilt());
  afterAll(async () => {
    await stopAll();
    await client.close();
    await cleanupPrefix(prefix);
  });
  return { prefix, dir, reportsDir, client, ...(extra ? { extra } : {}) };
}

/** Runs the built CLI to completion in `cwd` against the fleet under `prefix` (only PATH and HOME of this environment pass). */
export function fleetCli(cwd: string, prefix: string, args: string[], env: Record<string, string> = {}, timeout = 120_000) {
  const r = spawnSync(process.execPath, [MAINS.cli, ...args], {
    cwd,
    encoding: "utf8",
    timeout,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, QUEUE_PREFIX: prefix, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A result a faulty model could produce: well-formed on the wire (the codec writes it), but its first
 * policy's share within 15 minutes is 2, which the schema's validator refuses at the trust boundary.
 */
export function brokenResult(result: ReplicationResult): ReplicationResult {
  const broken = structuredClone(result);
  Object.values(broken.policies)[0]!.summary.shareWithin15 = 2;
  return broken;
}
