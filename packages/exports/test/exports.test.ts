import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { describe, expect, it } from "vitest";
import type { ReplicationResult } from "@hetao/crossing-model";
import {
  type ExperimentSpec,
  type Report,
  REPLICATION_COLUMNS,
  buildReport,
  createExperiment,
  gridPoints,
  planReplications,
  reportJson,
  runReplication,
} from "@hetao/experiment";
import { loadScenarioFile, loadScenarioText } from "@hetao/scenario";
import { TRACE_COLUMNS, clockOf, csvField, exportFiles, hourlyTable, institutionsTable, replicationsTable, toCsv, traceFileContent, traceTable } from "../src/index.js";

const META = { scenarioDigest: "d".repeat(64), toolVersion: "0.0.0-test" };
const WEEKDAY = fileURLToPath(new URL("../../../seeds/scenarios/hetao-weekday.yaml", import.meta.url));

// The shared preset seeds/scenarios/two-counters.yaml, run with 3 replications and seed 3; its title
// gets quotes and commas so that the exports must quote it.
const TWO_COUNTERS = fileURLToPath(new URL("../../../seeds/scenarios/two-counters.yaml", import.meta.url));
const TINY = readFileSync(TWO_COUNTERS, "utf8").replace(/^title: .*$/m, 'title: Two counters vs three counters, "quoted", with commas');
const OPTIONS = { replications: 3, seed: 3 };

function runAll(spec: ExperimentSpec): ReplicationResult[] {
  return planReplications(spec).map(({ point, replication }) => runReplication(spec, point, replication));
}

function sweepReport(): Report {
  const { scenario, digest } = loadScenarioText(TINY, "two-counters.yaml");
  const spec = createExperiment(scenario, {
    ...OPTIONS,
    points: gridPoints([
      { path: "policies[id=three].lanes[id=counter].servers", values: [3, 4] },
      { path: "demand.multiplier", values: [0.5, 1] },
    ]),
  });
  return buildReport(spec, runAll(spec), { ...META, scenarioDigest: digest });
}

/** A small RFC 4180 reader (quoted fields, doubled quotes, LF records). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  return rows;
}

function csvObjects(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])));
}

function file(files: { name: string; content: string | Uint8Array }[], name: string): string | Uint8Array {
  const f = files.find((x) => x.name === name);
  if (f === undefined) throw new Error(`no ${name}`);
  return f.content;
}

async function readParquet(content: string | Uint8Array): Promise<Record<string, unknown>[]> {
  if (typeof content === "string") throw new Error("expected bytes");
  const buffer = content.buffer.slice(content.byteOffset, content.byteOffset + content.byteLength) as ArrayBuffer;
  return (await parquetReadObjects({ file: buffer })) as Record<string, unknown>[];
}

describe("CSV", () => {
  it("quotes per RFC 4180", () => {
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField("line\nbreak")).toBe('"line\nbreak"');
    expect(csvField("plain")).toBe("plain");
    expect(csvField(null)).toBe("");
    expect(csvField(0.1)).toBe("0.1");
    expect(csvField(true)).toBe("true");
    const table = { columns: [{ name: "a,b", type: "string" as const, unit: "", description: "" }], rows: [['x"y'], [null]] };
    expect(toCsv(table)).toBe('"a,b"\n"x""y"\n\n');
    expect(parseCsv(toCsv(table))).toEqual([["a,b"], ['x"y'], [""]]);
  });
});

describe("exportFiles", () => {
  const report = sweepReport();
  // What an analyst loads: report.json as written to disk.
  const fromJson = JSON.parse(reportJson(report)) as Report;
  const files = exportFiles(report);

  it("writes replications and hourly tables as CSV and Parquet, with deterministic bytes", () => {
    expect(files.map((f) => f.name)).toEqual(["replications.csv", "replications.parquet", "hourly.csv", "hourly.parquet", "segments.csv", "segments.parquet", "institutions.csv", "institutions.parquet"]);
    const again = exportFiles(sweepReport());
    for (let i = 0; i < files.length; i++) expect(again[i]!.content).toEqual(files[i]!.content);
  });

  it("replications.csv reads back to the numbers of report.json", () => {
    const rows = csvObjects(file(files, "replications.csv") as string);
    expect(rows).toHaveLength(4 * 2 * 3);
    expect(Object.keys(rows[0]!)).toEqual([
      "point",
      "policies[id=three].lanes[id=counter].servers",
      "demand.multiplier",
      "policy",
      "replication",
      ...REPLICATION_COLUMNS,
    ]);
    rows.forEach((row, i) => {
      const expected = fromJson.replications[i]!;
      expect(Number(row.point)).toBe(expected.point);
      expect(row.policy).toBe(expected.policy);
      expect(Number(row.replication)).toBe(expected.replication);
      for (const m of REPLICATION_COLUMNS) expect(Number(row[m])).toBe(expected[m]);
      const overrides = fromJson.points.find((p) => p.index === expected.point)!.overrides;
      expect(Number(row["demand.multiplier"])).toBe(overrides[1]!.value);
      expect(Number(row["policies[id=three].lanes[id=counter].servers"])).toBe(overrides[0]!.value);
    });
  });

  it("replications.parquet reads back (hyparquet) to the same numbers, with typed columns and run metadata", async () => {
    const content = file(files, "replications.parquet") as Uint8Array;
    const rows = await readParquet(content);
    expect(rows).toHaveLength(fromJson.replications.length);
    rows.forEach((row, i) => {
      const expected = fromJson.replications[i]!;
      expect(row.point).toBe(expected.point);
      expect(row.policy).toBe(expected.policy);
      expect(row.replication).toBe(expected.replication);
      for (const m of REPLICATION_COLUMNS) expect(row[m]).toBe(expected[m]);
    });
    const meta = parquetMetadata(content.buffer.slice(content.byteOffset, content.byteOffset + content.byteLength) as ArrayBuffer);
    const kv = Object.fromEntries((meta.key_value_metadata ?? []).map((x) => [x.key, x.value]));
    expect(kv["hetao.experimentId"]).toBe(report.experiment.id);
    expect(kv["hetao.table"]).toBe("replications");
  });

  it("hourly.csv and hourly.parquet read back to the report's hourly series and queues", async () => {
    const csv = csvObjects(file(files, "hourly.csv") as string);
    const pq = await readParquet(file(files, "hourly.parquet"));
    expect(csv).toHaveLength(4 * 2 * 24);
    expect(pq).toHaveLength(csv.length);
    for (let i = 0; i < csv.length; i++) {
      const c = csv[i]!;
      const p = pq[i]!;
      const pr = fromJson.points.find((x) => x.index === Number(c.point))!.policies[c.policy!]!;
      const h = Number(c.hour);
      expect(p.hour).toBe(h);
      expect(c.hourStart).toBe(`${String(h).padStart(2, "0")}:00`);
      const series: [string, (number | null)[]][] = [
        ["arrivals", pr.hourly.arrivals],
        ["throughput", pr.hourly.throughput],
        ["meanClearance", pr.hourly.meanClearance],
        ["p95Clearance", pr.hourly.p95Clearance],
        ["meanQueue_station", pr.checkpoints.station!.hourlyMeanQueue],
      ];
      for (const [name, values] of series) {
        const v = values[h] ?? null;
        expect(c[name]).toBe(v === null ? "" : String(v));
        expect(p[name]).toBe(v);
      }
    }
    // The busy hours have clearances.
    expect(csv.some((r) => r.meanClearance !== "" && Number(r.meanClearance) > 0)).toBe(true);
  });

  it("has no parameter columns without a sweep", () => {
    const { scenario, digest } = loadScenarioText(TINY, "two-counters.yaml");
    const spec = createExperiment(scenario, { replications: 2 });
    const r = buildReport(spec, runAll(spec), { ...META, scenarioDigest: digest });
    expect(replicationsTable(r).columns.map((c) => c.name).slice(0, 3)).toEqual(["point", "policy", "replication"]);
    expect(hourlyTable(r).columns.map((c) => c.name).slice(0, 4)).toEqual(["point", "policy", "hour", "hourStart"]);
  });
});

describe("institutions", async () => {
  const { scenario, digest } = await loadScenarioFile(WEEKDAY);
  const spec = createExperiment(scenario, { replications: 3, seed: 2, policies: ["current", "seamless"] });
  const report = JSON.parse(reportJson(buildReport(spec, runAll(spec), { ...META, scenarioDigest: digest }))) as Report;
  const files = exportFiles(report);

  it("institutions.csv and .parquet read back to each institution's and group's paired differences in report.json", async () => {
    const g = report.points[0]!.comparisons[0]!.institutions!;
    const csv = csvObjects(file(files, "institutions.csv") as string);
    const parquet = await readParquet(file(files, "institutions.parquet"));
    expect(csv).toHaveLength(g.rows.length + g.groups.length);
    expect(parquet).toHaveLength(csv.length);
    for (const x of g.rows) {
      const row = csv.find((r) => r.level === "institution" && r.id === x.id)!;
      expect(row.comparison).toBe("seamless − current");
      expect([row.whitelisted, Number(row.staff), Number(row.enrolled), Number(row.days)]).toEqual([String(x.whitelisted), x.staff, x.enrolled, x.daysWithTrips]);
      expect(Number(row.crossingDiff)).toBe(x.crossing.mean);
      expect(Number(row.hoursPerDayDiffUpper)).toBe(x.hoursPerDay.upper);
      const pq = parquet.find((r) => r.level === "institution" && r.id === x.id)!;
      expect([pq.crossingDiffLower, pq.tripsPerDay, pq.lifeScience]).toEqual([x.crossing.lower, x.tripsPerDay, x.lifeScience]);
    }
    for (const x of g.groups) {
      const row = csv.find((r) => r.level === "group" && r.id === x.id)!;
      expect([Number(row.institutions), row.staff, Number(row.crossingDiff)]).toEqual([x.withTrips, "", x.crossing.mean]);
    }
  });

  it("is empty (header only) without a population of institutions", () => {
    const { scenario: tiny, digest: d } = loadScenarioText(TINY, "two-counters.yaml");
    const s = createExperiment(tiny, { replications: 2 });
    expect(institutionsTable(buildReport(s, runAll(s), { ...META, scenarioDigest: d })).rows).toEqual([]);
  });
});

describe("trace", async () => {
  const { scenario, digest } = await loadScenarioFile(WEEKDAY);
  const spec = createExperiment(scenario, { replications: 2 });
  const table = await traceTable(spec, { policy: "seamless", replication: 1 });
  const col = Object.fromEntries(TRACE_COLUMNS.map((c, i) => [c.name, i]));
  const get = (row: readonly unknown[], name: string) => row[col[name]!];

  it("is one row per traveller visit, consistent with the report's replication", () => {
    const report = buildReport(spec, runAll(spec), { ...META, scenarioDigest: digest });
    const summary = report.replications.find((r) => r.policy === "seamless" && r.replication === 1)!;
    const cleared = new Map<number, number>();
    for (const row of table.rows) {
      if (get(row, "counted") === true && get(row, "clearance") !== null) cleared.set(get(row, "traveller") as number, get(row, "clearance") as number);
    }
    expect(cleared.size).toBe(summary.cleared);
    const mean = [...cleared.values()].reduce((a, b) => a + b, 0) / cleared.size;
    expect(mean).toBeCloseTo(summary.meanClearance!, 6);
    // Times are ordered within a visit, and visits follow each other.
    for (const row of table.rows) {
      const join = get(row, "joinTime") as number;
      const start = get(row, "startTime") as number | null;
      const depart = get(row, "departTime") as number | null;
      if (start !== null) expect(start).toBeGreaterThanOrEqual(join);
      if (depart !== null && start !== null) expect(depart).toBeGreaterThanOrEqual(start);
      expect(get(row, "joinClock")).toBe(clockOf(join));
    }
  });

  it("flags fallbacks and audits, and names whitelisted walk-throughs", () => {
    const fallbacks = table.rows.filter((r) => get(r, "fallback") === true);
    const audits = table.rows.filter((r) => get(r, "audit") === true);
    expect(fallbacks.length).toBeGreaterThan(0);
    expect(audits.length).toBeGreaterThan(0);
    // Audits are the random checks: X-ray or secondary lanes.
    for (const r of audits) expect(["x-ray", "secondary"]).toContain(get(r, "laneKind"));
    // A seamless fallback follows a walk-through visit of the same traveller and goes back through the
    // conventional controls (the fallback route): its next visit is a conventional immigration lane.
    const previousOf = (row: (typeof table.rows)[number]) =>
      table.rows.find((r) => get(r, "traveller") === get(row, "traveller") && get(r, "visit") === (get(row, "visit") as number) - 1);
    const sb = fallbacks.find((r) => get(previousOf(r) ?? r, "laneKind") === "walk-through")!;
    expect(sb).toBeDefined();
    expect(String(get(sb, "checkpoint"))).toMatch(/^(sz-exit|hk-exit)-immigration$/);
    expect(String(get(sb, "route"))).toMatch(/^(south|north)bound(-institution)?$/);
    expect(get(sb, "whitelisted")).toBe(true);
    expect(typeof get(sb, "name")).toBe("string");
    expect((get(sb, "name") as string).length).toBeGreaterThan(0);
  });

  it("is deterministic (names too) and reads back from Parquet", async () => {
    const again = await traceTable(spec, { policy: "seamless", replication: 1 });
    expect(again.rows).toEqual(table.rows);
    const content = traceFileContent("t.parquet", table);
    const rows = await readParquet(content);
    expect(rows).toHaveLength(table.rows.length);
    for (const i of [0, 100, table.rows.length - 1]) {
      for (const c of TRACE_COLUMNS) expect(rows[i]![c.name]).toEqual(table.rows[i]![col[c.name]!]);
    }
    expect(() => traceFileContent("t.json", table)).toThrow(/\.csv or \.parquet/);
  });
});
