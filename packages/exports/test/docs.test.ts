import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Report } from "@hetao/experiment";
import { REPLICATION_COLUMN_DEFS, TRACE_COLUMNS, institutionsTable } from "../src/index.js";

const DOC = readFileSync(new URL("../../../docs/exports.md", import.meta.url), "utf8");

/** Column rows (`name` → "type|unit") of the section whose heading starts with `heading`. */
function section(heading: string): Map<string, string> {
  const text = DOC.split("\n## ").find((s) => s.startsWith(heading));
  if (text === undefined) throw new Error(`no section ${heading}`);
  const rows = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^\| `([^`]+)` \| ([^|]+) \| ([^|]+) \|/.exec(line);
    if (m) rows.set(m[1]!, `${m[2]!.trim()}|${m[3]!.trim()}`);
  }
  return rows;
}

describe("docs/exports.md", () => {
  it("documents every column with its type and unit", () => {
    const reps = section("`replications`");
    for (const [name, d] of Object.entries(REPLICATION_COLUMN_DEFS)) expect(reps.get(name), name).toBe(`${d.type}|${d.unit || "—"}`);
    const trace = section("Trace");
    for (const c of TRACE_COLUMNS) expect(trace.get(c.name), c.name).toBe(`${c.type}|${c.unit || "—"}`);
    const institutions = section("`institutions`");
    for (const c of institutionsTable({ points: [] } as unknown as Report).columns) expect(institutions.get(c.name), c.name).toBe(`${c.type}|${c.unit || "—"}`);
    const hourly = section("`hourly`");
    for (const name of ["point", "policy", "hour", "hourStart", "arrivals", "throughput", "meanClearance", "p95Clearance", "meanQueue_<checkpoint>"]) {
      expect(hourly.has(name), name).toBe(true);
    }
  });
});
