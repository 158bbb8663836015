/**
 * The README's operations section and docs/operations.md describe every environment variable the
 * services read (ENV_VARS, from the zod schema of the configuration), and nothing that is not read.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_PORTS, ENV_VARS, configFromEnv } from "../packages/messaging/dist/index.js";
import { ROOT } from "./helpers/fleet.js";

/** Variable names in the first column of the markdown table that starts with `| variable |`. */
function documentedVariables(file: string): string[] {
  const lines = readFileSync(join(ROOT, file), "utf8").split("\n");
  const start = lines.findIndex((l) => l.startsWith("| variable |"));
  expect(start, `${file} has a table of environment variables`).toBeGreaterThan(-1);
  const rows = [];
  for (let i = start + 2; i < lines.length && lines[i]!.startsWith("|"); i++) rows.push(/^\| `([A-Z_]+)` \|/.exec(lines[i]!)?.[1] ?? lines[i]!);
  return rows;
}

describe("operations documentation", () => {
  for (const file of ["README.md", "docs/operations.md"]) {
    it(`${file} lists exactly the variables the services read`, () => {
      expect(documentedVariables(file)).toEqual(ENV_VARS);
    });
  }

  for (const file of ["README.md", "docs/operations.md"]) {
    it(`${file} starts each service on its port, stated explicitly`, () => {
      // The addresses the docs name (3000 the live page and API, 3001 the dashboard, …) hold whatever HTTP_PORT is exported.
      const starts = readFileSync(join(ROOT, file), "utf8")
        .split("\n")
        .filter((l) => /^node services\/cli\/dist\/main\.js worker --role /.test(l));
      expect(starts.map((l) => /--role (\w+)/.exec(l)![1]).sort()).toEqual(["dashboard", "metrics", "orchestrator", "simulator"]);
      for (const line of starts) {
        const role = /--role (\w+)/.exec(line)![1] as keyof typeof DEFAULT_PORTS;
        expect(line, line).toMatch(new RegExp(`--port ${DEFAULT_PORTS[role]}\\b`));
      }
    });
  }

  for (const file of ["README.md", "docs/operations.md"]) {
    it(`${file} states the defaults the configuration applies`, () => {
      const c = configFromEnv("simulator", { REDIS_URL: "redis://127.0.0.1:6379" });
      const lines = readFileSync(join(ROOT, file), "utf8").split("\n");
      const defaultOf = (name: string) => lines.find((l) => l.startsWith(`| \`${name}\` |`))?.split("|")[2] ?? "";
      const code = (v: string | number) => `\`${v}\``;
      const stated: [string, string][] = [
        ["QUEUE_PREFIX", code(c.queuePrefix)],
        ["LOG_LEVEL", code(c.logLevel)],
        ["SIMULATOR_PREFETCH", code(c.simulatorPrefetch)],
        ["METRICS_CONCURRENCY", code(c.metricsConcurrency)],
        ["MAX_BODY_BYTES", code(c.maxBodyBytes)],
        ["MAX_REPLICATIONS", code(c.maxReplications)],
        ["JOB_ATTEMPTS", code(c.jobAttempts)],
        ["JOB_BACKOFF_MS", code(c.backoffMs)],
        ["LOCK_DURATION_MS", code(c.lockDurationMs)],
        ["SHUTDOWN_TIMEOUT_MS", code(c.shutdownTimeoutMs)],
        ["STARTUP_TIMEOUT_MS", code(c.startupTimeoutMs)],
        ["HTTP_HOST", code(c.httpHost)],
        ["HTTP_PORT", String(c.httpPort)],
      ];
      for (const [name, value] of stated) expect(defaultOf(name), name).toContain(value);
      expect(defaultOf("REPORTS_DIR")).toContain("reports");
    });
  }
});
