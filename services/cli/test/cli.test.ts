import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
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

  it("--json prints report.json to stdout; plain progress lines go to stderr when it is not a terminal", () => {
    const r = cli(["run", "two-counters.yaml", "--replications", "3", "--threads", "2", "--json", "--out", "j"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(dir, "j/report.json"), "utf8"));
    expect(JSON.parse(r.stdout).schemaVersion).toBe(1);
    expect(r.stderr).toMatch(/progress: 3\/3 replications \(100%\)/);
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

describe("hetao-sim validate", () => {
  it("prints ok with a summary for a valid file", () => {
    const r = cli(["validate", "two-counters.yaml"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok: two-counters \(2 policies: two, three;/);
  });

  it("prints the formatted errors and exits 1 for an invalid file", () => {
    write("bad-validate.yaml", TINY.replace("{ checkpoint: station, lanes: counter }", "{ checkpoint: station, lanes: countr }"));
    const r = cli(["validate", "bad-validate.yaml"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("policies[0].routes[0].steps[0].lanes");
    expect(r.stdout).toBe("");
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
