/**
 * A redis-server of a test's own, on its own port: the fault tests kill, hang and restart it without
 * touching the shared Redis. With `aofDir` it keeps an append-only file (fsync on every write), so a
 * SIGKILL loses nothing and `start()` again on the same port and files brings the data back.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

export interface OwnRedisOptions {
  /** Keep an AOF (appendfsync always) in this folder; without it nothing is persisted. */
  aofDir?: string;
}

export class OwnRedis {
  private server: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    readonly port: number,
    readonly options: OwnRedisOptions = {},
  ) {}

  /** A server on a free port, started. */
  static async start(options: OwnRedisOptions = {}): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort(), options);
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again, on the same port and files) and resolves once it answers PING. */
  async start(): Promise<void> {
    if (spawnSync("redis-server", ["--version"]).status !== 0) throw new Error("redis-server is not installed: this test runs a Redis of its own");
    const persistence = this.options.aofDir === undefined ? ["--appendonly", "no"] : ["--dir", this.options.aofDir, "--appendonly", "yes", "--appendfsync", "always"];
    if (this.options.aofDir !== undefined) mkdirSync(this.options.aofDir, { recursive: true });
    const server = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", ...persistence], { stdio: "ignore" });
    this.server = server;
    this.exited = new Promise((resolve) => server.once("exit", () => resolve()));
    for (let i = 0; i < 200; i++) {
      const ping = spawnSync("redis-cli", ["-p", String(this.port), "ping"], { encoding: "utf8" });
      if (ping.stdout?.trim() === "PONG") return;
      await new Promise((r) => setTimeout(r, 50));
    }
    server.kill("SIGKILL");
    throw new Error(`the test's redis-server on port ${this.port} did not start`);
  }

  /** SIGKILL: the server vanishes as in a crash. */
  async kill(): Promise<void> {
    const s = this.server;
    if (s !== undefined && s.exitCode === null && s.signalCode === null) {
      s.kill("SIGCONT"); // a paused server would not die until continued
      s.kill("SIGKILL");
    }
    await this.exited;
  }

  /** SIGSTOP / SIGCONT: connections stay open but nothing answers (a hung server). */
  pause(): void {
    this.server?.kill("SIGSTOP");
  }

  resume(): void {
    this.server?.kill("SIGCONT");
  }
}
