import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const MAIN = join(ROOT, "services/cli/dist/main.js");
const BRIDGE = join(ROOT, "seeds/scenarios/hetao-bridge-2026.yaml");
// Counters are rostered in the presets; constant counts are planned on the unrostered layout.
const LAYOUT = join(ROOT, "seeds/scenarios/hetao-layout.yaml");

// The shared preset seeds/scenarios/two-counters.yaml; the grid runs pass --replications 3 --seed 3.
const TINY = readFileSync(join(ROOT, "seeds/scenarios/two-counters.yaml"), "utf8");

let dir: string;

function cli(args: string[]) {
  // REDIS_URL cleared: these runs use the embedded transport even where a fleet is configured.
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: dir, encoding: "utf8", timeout: 120_000, env: { ...process.env, REDIS_URL: "" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx tsc -b)`);
  dir = mkdtempSync(join(tmpdir(), "hetao-sweep-"));
  writeFileSync(join(dir, "two-counters.yaml"), TINY);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("hetao-sim run --vary / --trace", () => {
  it("runs a two-parameter grid, writes identical exports on 1 and 2 threads, and a trace", () => {
    const vary = ["--vary", "policies[id=three].lanes[id=counter].servers=3,4", "--vary", "demand.multiplier=0.5:1:0.5", "--replications", "3", "--seed", "3"];
    const a = cli(["run", "two-counters.yaml", ...vary, "--threads", "1", "--out", "s1", "--trace", "s1-trace.csv", "--trace-policy", "three", "--trace-replication", "2", "--quiet"]);
    const b = cli(["run", "two-counters.yaml", ...vary, "--threads", "2", "--out", "s2", "--quiet"]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    for (const f of ["report.json", "replications.csv", "replications.parquet", "hourly.csv", "hourly.parquet"]) {
      expect(readFileSync(join(dir, "s2", f)).equals(readFileSync(join(dir, "s1", f))), f).toBe(true);
    }
    const report = JSON.parse(readFileSync(join(dir, "s1/report.json"), "utf8"));
    expect(report.sweep.parameters).toEqual([
      { path: "policies[id=three].lanes[id=counter].servers", values: [3, 4] },
      { path: "demand.multiplier", values: [0.5, 1] },
    ]);
    expect(report.points).toHaveLength(4);
    expect(report.replications).toHaveLength(4 * 2 * 3);
    expect(a.stdout).toMatch(/sweep: meanClearance/);
    const trace = readFileSync(join(dir, "s1-trace.csv"), "utf8").split("\n");
    expect(trace[0]).toMatch(/^point,policy,replication,traveller,person,tourLeg,name,institution,class,direction,/);
    expect(trace[1]).toMatch(/^0,three,2,0,/);
  });

  it("rejects a bad --vary, a third parameter and a bad --trace before running", () => {
    const bad = cli(["run", "two-counters.yaml", "--vary", "demand.multiplier"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/expected path=v1,v2/);
    const three = cli(["run", "two-counters.yaml", "--vary", "a=1", "--vary", "b=1", "--vary", "c=1"]);
    expect(three.code).toBe(1);
    expect(three.stderr).toMatch(/at most 2 parameters/);
    const path = cli(["run", "two-counters.yaml", "--vary", "demand.nope.x=1,2"]);
    expect(path.code).toBe(1);
    expect(path.stderr).toMatch(/points\[0\]\.overrides/);
    const trace = cli(["run", "two-counters.yaml", "--trace", "t.json", "--out", "never"]);
    expect(trace.code).toBe(1);
    expect(trace.stderr).toMatch(/\.csv or \.parquet/);
    expect(existsSync(join(dir, "never"))).toBe(false);
    const policy = cli(["run", "two-counters.yaml", "--trace", "t.csv", "--trace-policy", "four", "--out", "never"]);
    expect(policy.code).toBe(1);
    expect(policy.stderr).toMatch(/unknown policy "four"/);
  });
});

/** The one-sided 95% lower bound of a report interval (t quantiles for the small n used here). */
function lowerBound(ci: { n: number; mean: number; sd: number }): number {
  const t95: Record<number, number> = { 4: 2.353363, 5: 2.131847, 6: 2.015048 };
  return ci.mean - (t95[ci.n]! * ci.sd) / Math.sqrt(ci.n);
}

describe("hetao-sim plan on the Hetao presets", () => {
  it("finds the fewest Hong Kong counters that keep 98% of foreign researchers within 15 minutes (a binding target)", () => {
    const r = cli([
      "plan", LAYOUT, "--policy", "current", "--target", "class:foreign.shareWithin15 >= 0.98",
      "--lanes", "sb-hk-entry-manual,nb-hk-exit-manual", "--replications", "6", "--out", "plan-foreign", "--quiet",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/recommended: /);
    const plan = JSON.parse(readFileSync(join(dir, "plan-foreign/plan.json"), "utf8"));
    expect(plan.recommended).not.toBeNull();
    // The search starts from the scenario's own counters.
    expect(plan.candidates[0].servers).toEqual({ "sb-hk-entry-manual": 4, "nb-hk-exit-manual": 4 });
    // It binds: the answer is above the minimum of one counter per lane...
    const rec = plan.recommended.servers as Record<string, number>;
    expect(Object.values(rec).some((n) => n > 1)).toBe(true);
    // ...and is locally minimal: one counter fewer on any lane was tried and fails.
    for (const lane of Object.keys(rec)) {
      if (rec[lane]! <= 1) continue;
      const fewer = { ...rec, [lane]: rec[lane]! - 1 };
      const tried = plan.candidates.find((c: { servers: Record<string, number> }) => JSON.stringify(c.servers) === JSON.stringify(fewer));
      expect(tried, `${lane} - 1`).toBeDefined();
      expect(tried.check.pass).toBe(false);
    }
    // The report written next to plan.json is the recommended configuration, and it meets the target.
    const report = JSON.parse(readFileSync(join(dir, "plan-foreign/report.json"), "utf8"));
    const configured = Object.fromEntries(
      report.points[0].overrides.map((o: { path: string; value: number }) => [/lanes\[id=([^\]]+)\]/.exec(o.path)![1], o.value]),
    );
    expect(configured).toEqual(rec);
    const ci = report.points[0].policies.current.byClass.foreign.shareWithin15;
    expect(ci.mean).toBeGreaterThanOrEqual(0.98);
    expect(lowerBound(ci)).toBeGreaterThanOrEqual(0.98);
    expect(plan.recommended.check.bound).toBeCloseTo(lowerBound(ci), 5);
  });

  it("answers the walk-through question (residents within 15 min): the report of the answer meets the target", () => {
    const r = cli(["plan", BRIDGE, "--policy", "seamless", "--target", "class:hk-resident.shareWithin15 >= 0.98", "--replications", "4", "--out", "plan-wt", "--json", "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    // The seamless walk-through lanes at Channel No. 1 and on the bridge.
    expect(plan.lanes.map((l: { id: string }) => l.id)).toEqual(["sb-walkthrough", "nb-walkthrough", "bridge-sb-walkthrough", "bridge-nb-walkthrough"]);
    expect(plan.recommended).not.toBeNull();
    const report = JSON.parse(readFileSync(join(dir, "plan-wt/report.json"), "utf8"));
    const ci = report.points[0].policies.seamless.byClass["hk-resident"].shareWithin15;
    expect(lowerBound(ci)).toBeGreaterThanOrEqual(0.98);
  });

  it("counts an officer pool's plan in officers, not servers", () => {
    const pooled = join(ROOT, "seeds/scenarios/pooled-counters.yaml");
    const r = cli(["plan", pooled, "--policy", "pooled", "--lanes", "sb-counter", "--target", "meanWait <= 60", "--replications", "4", "--out", "plan-pool"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^step +phase +officers +total/m);
    expect(r.stdout).toMatch(/recommended: counter-officers=\d+ \(\d+ officers; the scenario has 8\)/);
    expect(r.stdout).not.toMatch(/\bservers\b/);
  });

  it("explains a missing or unknown target", () => {
    const r = cli(["plan", BRIDGE, "--policy", "seamless", "--target", "class:martian.shareWithin15 >= 0.9", "--replications", "2", "--out", "plan-bad", "--quiet"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no class "martian"/);
    const lanes = cli(["plan", BRIDGE, "--policy", "current", "--target", "meanWait <= 60", "--quiet"]);
    expect(lanes.code).toBe(1);
    expect(lanes.stderr).toMatch(/no walk-through lanes: name the lanes to plan with --lanes/);
    const rostered = cli(["plan", BRIDGE, "--policy", "current", "--lanes", "sb-hk-entry-manual", "--target", "meanWait <= 60", "--quiet"]);
    expect(rostered.code).toBe(1);
    expect(rostered.stderr).toMatch(/lane "sb-hk-entry-manual" is rostered \(rosters\.current\.sb-hk-entry-manual\).*hetao-sim roster/);
  });
});
