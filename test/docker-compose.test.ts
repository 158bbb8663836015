/**
 * docker-compose.yml: Redis with an append-only file and noeviction, the four services with health
 * checks, and a simulator without container name or host port so `--scale simulator=N` works.
 * `docker-compose config` validates it when the tool is installed (apt-get install docker-compose).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/fleet.js";

// The yaml package from the workspace (test/ is not a package of its own).
const { parse } = createRequire(join(ROOT, "packages/scenario/package.json"))("yaml") as { parse(text: string): unknown };

interface Service {
  image?: string;
  command?: string[];
  container_name?: string;
  ports?: string[];
  healthcheck?: { test: string[] };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
}

const file = join(ROOT, "docker-compose.yml");
const compose = parse(readFileSync(file, "utf8")) as { services: Record<string, Service> };

describe("docker-compose.yml", () => {
  it("has redis, orchestrator, simulator, metrics and dashboard, each with a health check", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["dashboard", "metrics", "orchestrator", "redis", "simulator"]);
    for (const [name, s] of Object.entries(compose.services)) expect(s.healthcheck?.test?.length ?? 0, name).toBeGreaterThan(0);
  });

  it("runs Redis with an append-only file and noeviction", () => {
    const cmd = compose.services.redis!.command!.join(" ");
    expect(cmd).toContain("--appendonly yes");
    expect(cmd).toContain("--maxmemory-policy noeviction");
  });

  it("lets the simulator scale: no container name, no host port", () => {
    const sim = compose.services.simulator!;
    expect(sim.container_name).toBeUndefined();
    expect(sim.ports).toBeUndefined();
    expect(sim.command).toEqual(["node", "services/simulator/dist/main.js"]);
  });

  it("publishes the API and dashboard on the host's loopback only", () => {
    expect(compose.services.orchestrator!.ports).toEqual(["127.0.0.1:3000:3000"]);
    expect(compose.services.dashboard!.ports).toEqual(["127.0.0.1:3001:3001"]);
  });

  const haveCompose = spawnSync("docker-compose", ["version"], { encoding: "utf8" }).status === 0;
  it("passes `docker-compose config`", () => {
    if (!haveCompose) throw new Error("docker-compose is not installed (apt-get install -y docker-compose; `pnpm test` does it through scripts/test-prerequisites.sh)");
    const r = spawnSync("docker-compose", ["-f", file, "config"], { encoding: "utf8", cwd: ROOT, env: { PATH: process.env.PATH } });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("QUEUE_PREFIX: '{hetao}'");
    expect(r.stdout).toMatch(/maxmemory-policy\s*\n\s*- noeviction/);
  });
});
