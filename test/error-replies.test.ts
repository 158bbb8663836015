/**
 * Error replies do not amplify (issue 11): a 1 MB YAML body whose anchor (under the alias limit) is echoed
 * once per alias used to come back as a 100 MB 400 reply. Both the orchestrator's 400 and the CLI's
 * `validate` now list at most 50 issues, each value cut to a short excerpt with its size.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, cleanupPrefix, requireBuilt, requireRedis, serviceEnv, startService, stopAll, tempDir, uniquePrefix } from "./helpers/fleet.js";

await requireRedis();

/** ~1 MB: a 900,000-character anchor aliased 100 times where a distribution belongs, and 3,000 bad distributions. */
function amplifyingYaml(): string {
  const lines = ["name: amplify", `x-big: &big "${"a".repeat(900_000)}"`, "day: {open: '07:00', close: '10:00'}", "distributions:"];
  for (let i = 0; i < 100; i++) lines.push(`  d${i}: *big`);
  for (let i = 0; i < 3_000; i++) lines.push(`  e${i}: {kind: nope}`);
  return `${lines.join("\n")}\n`;
}

describe("error replies echo only a short excerpt", () => {
  const prefix = uniquePrefix("replies");
  const dir = tempDir("replies");
  const body = amplifyingYaml();
  const file = join(dir, "amplify.yaml");
  let base: string;

  beforeAll(async () => {
    requireBuilt();
    writeFileSync(file, body);
    const orchestrator = await startService("orchestrator", serviceEnv({ prefix, reportsDir: dir }, { MAX_BODY_BYTES: String(2 * 1024 * 1024) }));
    base = `http://127.0.0.1:${orchestrator.port}`;
  });

  afterAll(async () => {
    await stopAll();
    await cleanupPrefix(prefix);
  });

  it("the orchestrator answers a 1 MB aliased body with a 400 of a few KB", async () => {
    expect(body.length).toBeGreaterThan(900_000);
    const res = await fetch(`${base}/experiments`, { method: "POST", headers: { "content-type": "application/yaml" }, body });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text.length).toBeLessThan(10_000);
    const reply = JSON.parse(text) as { error: string; issues: { path: string; value?: unknown; valueTruncated?: boolean }[]; omitted: number; total: number; message: string };
    expect(reply.error).toBe("invalid scenario");
    expect(reply.issues[0]).toMatchObject({ path: "distributions.d0", valueTruncated: true });
    expect(String(reply.issues[0]!.value)).toMatch(/^"a+… \(900000 chars\)$/);
    expect(reply.issues.length + reply.omitted).toBe(reply.total);
    expect(reply.total).toBeGreaterThan(3_000);
    expect(reply.message).toMatch(/… and \d+ more issues \(\d+ in all\)$/);
  });

  it("the CLI's validate prints a short message for the same file", () => {
    const run = spawnSync(process.execPath, [join(ROOT, "services/cli/dist/main.js"), "validate", file], { encoding: "utf8" });
    expect(run.status).toBe(1);
    const lines = run.stderr.trimEnd().split("\n");
    expect(run.stderr.length).toBeLessThan(20_000);
    expect(lines.length).toBeLessThanOrEqual(52);
    expect(lines[0]).toMatch(/distributions\.d0: wrong type: a string \(got "a+… \(900000 chars\); expected/);
    expect(lines.at(-1)).toMatch(/… and \d+ more issues \(\d+ in all\)/);
  });
});
