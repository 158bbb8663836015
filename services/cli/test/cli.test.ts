import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const MAIN = join(ROOT, "services/cli/dist/main.js");

// The shared preset seeds/scenarios/two-counters.yaml ("Two counters vs three counters").
const TINY = readFileSync(join(ROOT, "seeds/scenarios/two-counters.yaml"), "utf8");

let dir: string;

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: dir, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx tsc -b)`);
  dir = mkdtempSync(join(tmpdir(), "hetao-cli-"));
  write("two-counters.yaml", TINY);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("hetao-sim run", () => {
  it("gives byte-identical report.json running the same seed twice, with 1 and with 2 threads", () => {
    const runs = [
      ["--threads", "1", "--out", "t1"],
      ["--threads", "2", "--out", "t2"],
    ].map((extra) => cli(["run", "two-counters.yaml", "--replications", "5", "--seed", "11", "--quiet", ...extra]));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const t1 = readFileSync(join(dir, "t1/report.json"), "utf8");
    expect(readFileSync(join(dir, "t2/report.json"), "utf8")).toBe(t1);
    expect(readFileSync(join(dir, "t2/report.md"), "utf8")).toBe(readFileSync(join(dir, "t1/report.md"), "utf8"));
    const report = JSON.parse(t1);
    expect(report.experiment).toMatchObject({ replications: 5, seed: 11, policies: ["two", "three"] });
    expect(report.points[0].policies.two.summary.meanClearance.n).toBe(5);
    // Summary table on stdout with both policies and their difference, then the paths.
    expect(runs[0]!.stdout).toMatch(/metric\s+two\s+three\s+three - two/);
    expect(runs[0]!.stdout).toContain(join("t1", "report.json"));
    expect(runs[0]!.stderr).toBe("");
    expect(readFileSync(join(dir, "t1/report.md"), "utf8")).toContain("# Two counters vs three counters");
    // No temporary files left behind.
    const written = readdirSync(join(dir, "t1"));
    expect(written).toEqual(expect.arrayContaining(["report.json", "report.md", "replications.csv", "replications.parquet", "hourly.csv", "hourly.parquet"]));
    expect(written.filter((f) => f.startsWith(".") || f.endsWith(".tmp"))).toEqual([]);
  });

  it("quotes the command as run, with the scenario path as given, in the README's form: on stdout and in report.md/.html", () => {
    mkdirSync(join(dir, "nested"), { recursive: true });
    write("nested/my counters.yaml", TINY);
    const r = cli(["run", "./nested/my counters.yaml", "-r", "3", "-s", "4", "-o", "quoted"]);
    expect(r.code, r.stderr).toBe(0);
    const command = "node services/cli/dist/main.js run './nested/my counters.yaml' --replications 3 --seed 4 --policies two,three";
    expect(r.stdout).toContain(`\nreproduce: ${command}\n`);
    expect(readFileSync(join(dir, "quoted/report.md"), "utf8")).toContain(`\n${command}\n`);
    expect(readFileSync(join(dir, "quoted/report.html"), "utf8")).toContain(`<code>${command}</code>`);
    // report.json does not depend on the path: the same run from the other file name gives the same bytes.
    const again = cli(["run", "two-counters.yaml", "-r", "3", "-s", "4", "-o", "plain", "-q"]);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(dir, "plain/report.json"), "utf8")).toBe(readFileSync(join(dir, "quoted/report.json"), "utf8"));
    expect(readFileSync(join(dir, "plain/report.md"), "utf8")).toContain("\nnode services/cli/dist/main.js run two-counters.yaml --replications 3 --seed 4 --policies two,three\n");
  });

  it("--json prints report.json to stdout; plain progress lines go to stderr when it is not a terminal", () => {
    const r = cli(["run", "two-counters.yaml", "--replications", "3", "--threads", "2", "--json", "--out", "j"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(dir, "j/report.json"), "utf8"));
    expect(JSON.parse(r.stdout).schemaVersion).toBe(1);
    expect(r.stderr).toMatch(/progress: 3\/3 replications \(100%\)/);
  });

  it("--precision runs rounds until every interval is narrow enough; the report is --replications n's plus the rounds", () => {
    const r = cli(["run", "two-counters.yaml", "--replications", "3", "--precision", "4%", "--threads", "2", "--out", "prec"]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, "prec/report.json"), "utf8"));
    const p = report.experiment.precision;
    expect(p.met).toBe(true);
    expect(p.rounds[0]).toBe(3);
    expect(p.rounds.length).toBeGreaterThan(1);
    expect(p.rounds.at(-1)).toBe(report.experiment.replications);
    expect(p.worst.relativeHalfWidth).toBeLessThanOrEqual(0.04);
    expect(r.stderr).toMatch(/precision: widest meanCrossing of .* next round \d+/);
    expect(r.stderr).toMatch(/precision met at \d+ replications/);
    // Every check holds in the final report: each policy's interval and each paired difference.
    for (const point of report.points) {
      for (const id of report.experiment.policies) {
        const iv = point.policies[id].summary.meanCrossing;
        expect(iv.halfWidth / iv.mean).toBeLessThanOrEqual(0.04);
      }
      for (const c of point.comparisons) expect(c.metrics.meanCrossing.halfWidth / Math.abs(c.metrics.meanCrossing.baselineMean)).toBeLessThanOrEqual(0.04);
    }
    // The same bytes as a fixed run of the final count, but for experiment.precision.
    const fixed = cli(["run", "two-counters.yaml", "--replications", String(report.experiment.replications), "--threads", "1", "--quiet", "--out", "fixed"]);
    expect(fixed.code, fixed.stderr).toBe(0);
    delete report.experiment.precision;
    expect(JSON.stringify(report)).toBe(JSON.stringify(JSON.parse(readFileSync(join(dir, "fixed/report.json"), "utf8"))));
    expect(readFileSync(join(dir, "prec/report.md"), "utf8")).toMatch(/chosen sequentially \(run --precision\): rounds of 3, /);
  });

  it("--precision stops at --max-replications and says the target was not met", () => {
    const r = cli(["run", "two-counters.yaml", "--replications", "3", "--precision", "0.1%", "--max-replications", "8", "--threads", "2", "--out", "capped"]);
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(readFileSync(join(dir, "capped/report.json"), "utf8")).experiment.precision;
    expect(p).toMatchObject({ met: false, cap: 8 });
    expect(p.rounds.at(-1)).toBe(8);
    expect(r.stderr).toMatch(/precision not met at the cap of 8 replications/);
    const bad = cli(["run", "two-counters.yaml", "--precision", "bogus=5%"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/unknown measure "bogus"/);
  });

  it("defaults --out to reports/<scenario name>", () => {
    const r = cli(["run", "two-counters.yaml", "--replications", "2", "--threads", "1", "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, "reports/two-counters/report.json"))).toBe(true);
    expect(existsSync(join(dir, "reports/two-counters/report.md"))).toBe(true);
  });

  it("rejects an unknown key with its field path, exit 1 and no output directory", () => {
    write("bad-key.yaml", TINY.replace("whitelist: { coverage: 0.5 }", "whitelist: { coverage: 0.5, colour: red }"));
    const r = cli(["run", "bad-key.yaml", "--out", "bad1"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("travellers.whitelist.colour");
    expect(r.stderr).toMatch(/bad-key\.yaml:\d+:\d+/);
    expect(r.stdout).toBe("");
    expect(existsSync(join(dir, "bad1"))).toBe(false);
  });

  it("rejects a route naming a missing lane with its field path, exit 1 and no output directory", () => {
    write("bad-lane.yaml", TINY.replace("{ checkpoint: station, lanes: counter }", "{ checkpoint: station, lanes: countr }"));
    const r = cli(["run", "bad-lane.yaml", "--out", "bad2"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("policies[0].routes[0].steps[0].lanes");
    expect(r.stderr).toContain("countr");
    expect(existsSync(join(dir, "bad2"))).toBe(false);
  });

  it("rejects an unknown policy, naming the valid ones", () => {
    const r = cli(["run", "two-counters.yaml", "--policies", "two,four", "--out", "bad3"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"four"');
    expect(r.stderr).toContain("two, three");
    expect(existsSync(join(dir, "bad3"))).toBe(false);
  });

  it("rejects bad option values", () => {
    const r = cli(["run", "two-counters.yaml", "--threads", "0", "--out", "bad4"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--threads");
    expect(existsSync(join(dir, "bad4"))).toBe(false);
  });
});

describe("a bad option", () => {
  it("prints one line saying what is wrong and a hint, not the whole usage text", () => {
    for (const args of [
      ["run", "two-counters.yaml", "--threads", "abc", "--out", "bad-option"],
      ["run", "two-counters.yaml", "--bogus"],
    ]) {
      const r = cli(args);
      expect(r.code).not.toBe(0);
      const lines = r.stderr.trim().split("\n");
      expect(lines, r.stderr).toHaveLength(2);
      expect(lines[0]).toMatch(/^error: /);
      expect(lines[1]).toBe("hint: hetao-sim run --help lists its options");
      expect(r.stderr).not.toContain("Usage:");
    }
    expect(existsSync(join(dir, "bad-option"))).toBe(false);
  });
});

describe("hetao-sim validate", () => {
  it("prints ok with a summary for a valid file", () => {
    const r = cli(["validate", "two-counters.yaml"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok: two-counters \(2 policies: two, three;/);
    // The digest reports cite, in full: the one report.json carries.
    const digest = /scenario digest \(sha256, as reports cite it\): ([0-9a-f]{64})\n$/.exec(r.stdout);
    expect(digest).not.toBeNull();
    expect(cli(["run", "two-counters.yaml", "--replications", "2", "--out", "vd", "--quiet"]).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "vd", "report.json"), "utf8")).scenario.digest).toBe(digest![1]);
  });

  it("--expanded prints the scenario as the simulator reads it: JSON without extends, the same digest", () => {
    const overlay = join(ROOT, "seeds/scenarios/hetao-weekday.yaml");
    expect(readFileSync(overlay, "utf8")).toMatch(/^extends: /m);
    const r = cli(["validate", overlay, "--expanded"]);
    expect(r.code, r.stderr).toBe(0);
    const expanded = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(expanded).not.toHaveProperty("extends");
    expect(expanded.name).toBe("hetao-weekday");
    write("expanded.json", r.stdout);
    const digest = (out: string) => /scenario digest \(sha256, as reports cite it\): ([0-9a-f]{64})/.exec(out)?.[1];
    expect(digest(cli(["validate", "expanded.json"]).stdout)).toBe(digest(cli(["validate", overlay]).stdout));
    // Piped into a reader that stops early: a quiet stop, not an EPIPE crash.
    const piped = spawnSync("bash", ["-c", `"${process.execPath}" "${MAIN}" validate "${overlay}" --expanded | head -c 1 >/dev/null; echo "exit \${PIPESTATUS[0]}"`], { cwd: dir, encoding: "utf8" });
    expect(piped.stderr).toBe("");
    expect(piped.stdout.trim()).toBe("exit 0");
  });

  it("warns, one line each, about an unreachable route, an unused lane and an unused distribution", () => {
    const text = TINY.replace(
      "  counter: { kind: lognormal, mean: 20, sd: 10, min: 5 }",
      "  counter: { kind: lognormal, mean: 20, sd: 10, min: 5 }\n  spare: { kind: deterministic, value: 9 }",
    )
      .replace(
        "      - { id: counter, checkpoint: station, kind: manual, servers: 2, service: counter }",
        "      - { id: counter, checkpoint: station, kind: manual, servers: 2, service: counter }\n      - { id: idle, checkpoint: station, kind: manual, servers: 1, service: counter }",
      )
      .replace("    routes:\n      - steps:\n          - { checkpoint: station, lanes: counter }", "    routes:\n      - steps:\n          - { checkpoint: station, lanes: counter }\n      - id: never\n        steps:\n          - { checkpoint: station, lanes: counter }");
    write("warn.yaml", text);
    const r = cli(["validate", "warn.yaml"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ok: two-counters/);
    const warnings = r.stderr.trim().split("\n");
    // `three` extends `two`: it inherits the unreachable route and the unused lane, and is warned too.
    expect(warnings).toHaveLength(5);
    expect(warnings).toContain("warning: policies[id=two].routes[id=never]: unreachable: route two.routes[0] before it has no `when`, so it takes every traveller");
    expect(warnings).toContain("warning: policies[id=three].routes[id=never]: unreachable: route two.routes[0] before it has no `when`, so it takes every traveller");
    expect(warnings).toContain("warning: policies[id=two].lanes[id=idle]: unused: no route step, fallback or reserve of policy two sends anyone to it");
    expect(warnings).toContain("warning: policies[id=three].lanes[id=idle]: unused: no route step, fallback or reserve of policy three sends anyone to it");
    expect(warnings).toContain("warning: distributions.spare: unused: no lane, step, lane option, fallback or delay of any policy refers to it");
    expect(cli(["validate", "two-counters.yaml"]).stderr).toBe("");
  });

  it("replaces an existing output folder as a whole and says so", () => {
    expect(cli(["run", "two-counters.yaml", "--replications", "2", "--out", "again"]).code).toBe(0);
    writeFileSync(join(dir, "again", "stale.txt"), "from an earlier run");
    const r = cli(["run", "two-counters.yaml", "--replications", "2", "--out", "again"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("replaced the existing folder again");
    expect(existsSync(join(dir, "again", "stale.txt"))).toBe(false);
    expect(existsSync(join(dir, "again", "report.json"))).toBe(true);
    expect(readdirSync(dir).filter((f) => f.startsWith(".again."))).toEqual([]);
  });

  it("prints the formatted errors and exits 1 for an invalid file", () => {
    write("bad-validate.yaml", TINY.replace("{ checkpoint: station, lanes: counter }", "{ checkpoint: station, lanes: countr }"));
    const r = cli(["validate", "bad-validate.yaml"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("policies[0].routes[0].steps[0].lanes");
    expect(r.stdout).toBe("");
  });

  it("reports every bad overlay edit (set[i]) in one pass, one line each naming the path, the value and what was expected", () => {
    write(
      "bad-set.yaml",
      [
        'extends: "./two-counters.yaml"',
        "set:",
        '  - { path: "experiment.nosuch.deeper", value: 3 }',
        '  - { path: "policies[7].lanes", value: [] }',
        '  - { path: "experiment.seed" }',
        '  - { path: "experiment.seed", value: 5 }',
        "",
      ].join("\n"),
    );
    const r = cli(["validate", "bad-set.yaml"]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split("\n").filter((l) => /set\[\d\]/.test(l));
    expect(lines, r.stderr).toHaveLength(3);
    expect(lines[0]).toMatch(/set\[0\]\.path: .*no key "nosuch".*experiment\.nosuch.*expected a path into the parent scenario/);
    expect(lines[1]).toMatch(/set\[1\]\.path: .*no index 7.*expected a path into the parent scenario/);
    expect(lines[2]).toMatch(/set\[2\]: an edit is \{ path, value \}.*expected \{ path: "<scenario path>", value: <new value> \}/);
  });

  it("refuses sizes beyond SCENARIO_LIMITS exactly as run does, naming the field, the value and the limit", () => {
    write("huge-days.yaml", TINY.replace("replications: 6 ", "replications: 1000000000 ").replace("ratePerHour: 300 }", "ratePerHour: 1000000000 }"));
    for (const command of ["validate", "run"]) {
      const r = cli(command === "run" ? ["run", "huge-days.yaml", "--quiet", "--out", "never"] : ["validate", "huge-days.yaml"]);
      expect(r.code, command).toBe(1);
      expect(r.stderr).toContain("experiment.replications: must be at most 100000 (got 1000000000; expected an integer in [2, 100000])");
      expect(r.stderr).toContain("demand.profile[0].ratePerHour: must be at most 1000000 (got 1000000000;");
    }
    expect(existsSync(join(dir, "never"))).toBe(false);
  });

  it("reports a missing file", () => {
    const r = cli(["validate", "nope.yaml"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("nope.yaml");
  });
});

describe("hetao-sim schema", () => {
  it("prints the JSON Schema, or writes it with --out", () => {
    const r = cli(["schema"]);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.$schema).toContain("json-schema.org");
    expect(schema.properties).toHaveProperty("policies");
    const w = cli(["schema", "--out", "schema/scenario.schema.json"]);
    expect(w.code).toBe(0);
    expect(readFileSync(join(dir, "schema/scenario.schema.json"), "utf8")).toBe(r.stdout);
  });
});
