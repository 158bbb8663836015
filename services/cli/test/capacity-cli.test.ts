import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const MAIN = join(ROOT, "services/cli/dist/main.js");

// The shared preset seeds/scenarios/two-counters.yaml (two vs three counters, about 600 travellers a day).
const TINY = readFileSync(join(ROOT, "seeds/scenarios/two-counters.yaml"), "utf8");

let dir: string;

function cli(args: string[]) {
  // REDIS_URL cleared: these runs use the embedded transport even where a fleet is configured.
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: dir, encoding: "utf8", timeout: 120_000, env: { ...process.env, REDIS_URL: "" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx tsc -b)`);
  dir = mkdtempSync(join(tmpdir(), "hetao-capacity-"));
  writeFileSync(join(dir, "two-counters.yaml"), TINY);
  // The same without its pledges (top-level sections at the end of the preset): no default target.
  writeFileSync(join(dir, "no-pledges.yaml"), TINY.split(/^(?:controls|pledges):/m)[0]!);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("hetao-sim capacity", () => {
  it("prints capacity.json with a finite estimate per policy and writes it to --out", () => {
    const r = cli(["capacity", "two-counters.yaml", "--target", "meanWait <= 60", "--replications", "3", "--tolerance", "10%", "--threads", "2", "--out", "cap", "--json", "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(readFileSync(join(dir, "cap/capacity.json"), "utf8")).toBe(r.stdout);
    expect(result.path).toBe("demand.multiplier");
    expect(result.targets.map((t: { text: string }) => t.text)).toEqual(["meanWait <= 60"]);
    expect(result.tolerance).toBe(0.1);
    expect(result.policies.map((p: { policy: string }) => p.policy)).toEqual(["two", "three"]);
    for (const p of result.policies) {
      expect(Number.isFinite(p.estimate), p.policy).toBe(true);
      expect(p.lower).toBeLessThanOrEqual(p.estimate);
      expect(p.upper).toBeGreaterThanOrEqual(p.estimate);
      expect(p.bindingTarget).toBe("meanWait <= 60");
      expect(p.candidates[0].multiplier).toBe(1);
    }
    expect(result.comparisons).toHaveLength(1);
    expect(result.comparisons[0]).toMatchObject({ treatment: "three", baseline: "two", approximate: true });
    expect(result.comparisons[0].ratio).toBeGreaterThan(1);
  });

  it("prints the table with multipliers to three significant figures and the search path", () => {
    const r = cli(["capacity", "two-counters.yaml", "--target", "meanWait <= 60", "--policy", "two", "--replications", "3", "--tolerance", "0.1", "--out", "cap-table", "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^capacity two-counters: the largest demand\.multiplier meeting meanWait <= 60/);
    expect(r.stdout).toMatch(/\ntwo +×\d\.\d\d \(×\d\.\d\d–×\d\.\d\d\) +meanWait <= 60/);
    expect(r.stdout).toMatch(/search path: two/);
    expect(r.stdout).toMatch(/×1\.00 .* pass/);
    expect(r.stdout).toMatch(/capacity: cap-table\/capacity\.json/);
  });

  it("explains a bad target or option in one line and exits non-zero", () => {
    for (const [args, message] of [
      [["--target", "meanWiat <= 3"], /unknown metric "meanWiat"/],
      [["--target", "meanWait is small"], /expected "<metric> <op> <value>"/],
      [["--target", "pledge:nope"], /unknown pledge; the scenario's pledges are/],
      [[], /no --target given and no pledge of "two-counters" can be searched \(it has no pledges\)/],
      [["--target", "meanWait <= 60", "--policy", "four"], /unknown policy "four"/],
    ] as const) {
      const file = args.length === 0 ? "no-pledges.yaml" : "two-counters.yaml";
      const r = cli(["capacity", file, ...args, "--replications", "2", "--out", "never", "--quiet"]);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr, args.join(" ")).toMatch(message);
      expect(r.stderr.trim().split("\n"), r.stderr).toHaveLength(1);
      expect(r.stdout).toBe("");
    }
    // An option commander rejects: its message (then the command's help, as for every command).
    const tol = cli(["capacity", "two-counters.yaml", "--tolerance", "zero", "--quiet"]);
    expect(tol.code).toBe(1);
    expect(tol.stderr).toMatch(/--tolerance must be a number > 0/);
    expect(existsSync(join(dir, "never"))).toBe(false);
  });
});
