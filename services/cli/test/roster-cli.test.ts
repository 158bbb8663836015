import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadScenarioFile, resolveScenario } from "@hetao/scenario";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const MAIN = join(ROOT, "services/cli/dist/main.js");
const TINY = readFileSync(join(ROOT, "seeds/scenarios/two-counters.yaml"), "utf8");

let dir: string;

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: dir, encoding: "utf8", timeout: 120_000, env: { ...process.env, REDIS_URL: "" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx tsc -b)`);
  dir = mkdtempSync(join(tmpdir(), "hetao-roster-"));
  writeFileSync(join(dir, "two-counters.yaml"), TINY);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Period {
  from: string;
  to: string;
  servers: number;
}

describe("hetao-sim roster", () => {
  it("(c) writes roster.json, roster.md and an overlay that the loader and `run` take as it is, with the roster's schedules", async () => {
    const r = cli(["roster", "two-counters.yaml", "--all", "--replications", "4", "--threads", "1", "--out", "r", "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^roster two-counters: servers per hour meeting pledge:residents-10min and pledge:queue-5min/);
    expect(r.stdout).toMatch(/officer-hours saved:\n {2}three vs two: /);
    const result = JSON.parse(readFileSync(join(dir, "r/roster.json"), "utf8"));
    const md = readFileSync(join(dir, "r/roster.md"), "utf8");
    expect(md).toMatch(/^# roster two-counters/);
    // The tightest period, in roster.json and roster.md, as the search's own margins give it.
    for (const p of result.policies) {
      if (p.tightest === null) continue;
      const m = p.margins.find((x: { target: string }) => x.target === p.tightest.target);
      expect(p.tightest.margin).toBeGreaterThanOrEqual(m.tightest.margin);
      expect(md).toContain(`**Tightest period**: ${p.tightest.period} ${p.tightest.target}`);
    }
    // The chart: written, embedded in roster.md, a step line per lane group (here one: the counter's checkpoint) and policy, demand bars.
    const svg = readFileSync(join(dir, "r/roster.svg"), "utf8");
    expect(md).toContain("](roster.svg)");
    for (const p of result.policies) expect(svg).toContain(`aria-description="servers ${p.policy}"`);
    expect(svg.match(/aria-description="servers /g)).toHaveLength(result.policies.length);
    expect(svg).toContain('aria-description="demand"');
    const { scenario } = await loadScenarioFile(join(dir, "r/roster-overlay.yaml"));
    const resolved = resolveScenario(scenario);
    for (const p of result.policies) {
      const lane = resolved.policies.find((x) => x.id === p.policy)!.lanes.find((l) => l.id === "counter")!;
      // Servers at the middle of every rostered hour, and nothing outside them.
      for (const period of p.lanes[0].periods as Period[]) {
        const mid = Number(period.from.slice(0, 2)) * 3600 + 1800;
        const w = lane.schedule.find((x) => mid >= x.from && mid < x.to);
        expect(w?.servers, `${p.policy} ${period.from}`).toBe(period.servers);
      }
      expect(lane.schedule[0]!.from).toBe(8 * 3600);
      expect(lane.schedule[lane.schedule.length - 1]!.to).toBe(12 * 3600);
      expect(p.officerHours).toBe((p.lanes[0].periods as Period[]).reduce((a, x) => a + x.servers, 0));
    }
    const run = cli(["run", "r/roster-overlay.yaml", "--replications", "3", "--out", "run", "--quiet"]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, "run/report.json"), "utf8"));
    const two = report.points[0].policies.two.summary.officerHours.mean;
    expect(two).toBeCloseTo(result.policies[0].officerHours, 6);
  });

  it("(d) the same seed gives the same roster.json bytes, on either transport", () => {
    const a = cli(["roster", "two-counters.yaml", "--policy", "two", "-r", "3", "--threads", "1", "--out", "d1", "--json", "--quiet"]);
    const b = cli(["roster", "two-counters.yaml", "--policy", "two", "-r", "3", "--threads", "2", "--out", "d2", "--json", "--quiet"]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(readFileSync(join(dir, "d1/roster.json"), "utf8")).toBe(readFileSync(join(dir, "d2/roster.json"), "utf8"));
  });

  it("needs --policy or --all", () => {
    const r = cli(["roster", "two-counters.yaml", "-r", "3", "--out", "e", "--quiet"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--policy <id> or --all/);
  });
});
