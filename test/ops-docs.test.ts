/**
 * The README's operations section and docs/operations.md describe every environment variable the
 * services read (ENV_VARS, from the zod schema of the configuration), and nothing that is not read.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ENV_VARS, configFromEnv } from "../packages/messaging/dist/index.js";
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
    it(`${file} states the defaults the configuration applies`, () => {
      const c = configFromEnv("simulator", { REDIS_URL: "redis://127.0.0.1:6379" });
      const lines = readFileSync(join(ROOT, file), "utf8").split("\n");
      const defaultOf = (name: string) => lines.find((l) => l.startsWith(`| \`${name}\` |`))?.split("|")[2] ?? "";
      expect(defaultOf("QUEUE_PREFIX")).toContain(`\`${c.queuePrefix}\``);
      expect(defaultOf("LOG_LEVEL")).toContain(`\`${c.logLevel}\``);
      expect(defaultOf("SIMULATOR_PREFETCH")).toContain(`\`${c.simulatorPrefetch}\``);
      expect(defaultOf("METRICS_CONCURRENCY")).toContain(`\`${c.metricsConcurrency}\``);
      expect(defaultOf("MAX_BODY_BYTES")).toContain(`\`${c.maxBodyBytes}\``);
      expect(defaultOf("MAX_REPLICATIONS")).toContain(`\`${c.maxReplications}\``);
      expect(defaultOf("JOB_ATTEMPTS")).toContain(`\`${c.jobAttempts}\``);
      expect(defaultOf("JOB_BACKOFF_MS")).toContain(`\`${c.backoffMs}\``);
      expect(defaultOf("LOCK_DURATION_MS")).toContain(`\`${c.lockDurationMs}\``);
      expect(defaultOf("SHUTDOWN_TIMEOUT_MS")).toContain(`\`${c.shutdownTimeoutMs}\``);
      expect(defaultOf("STARTUP_TIMEOUT_MS")).toContain(`\`${c.startupTimeoutMs}\``);
      expect(defaultOf("HTTP_HOST")).toContain(`\`${c.httpHost}\``);
      expect(defaultOf("HTTP_PORT")).toContain(String(c.httpPort));
      expect(defaultOf("REPORTS_DIR")).toContain("reports");
    });
  }
});
