import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadScenarioText } from "@hetao/scenario";
import { buildReport, createExperiment, planReplications, runReplication } from "@hetao/experiment";
import { formatDifference, formatDuration, formatPercent, renderHtml, renderMarkdown, renderSummaryTable } from "../src/index.js";
import { complianceCells } from "../src/narrative.js";

// The shared preset seeds/scenarios/two-counters.yaml, run with 4 replications and seed 5.
const YAML = readFileSync(fileURLToPath(new URL("../../../seeds/scenarios/two-counters.yaml", import.meta.url)), "utf8");

function makeReport() {
  const { scenario, digest } = loadScenarioText(YAML, "two-counters.yaml");
  const spec = createExperiment(scenario, { replications: 4, seed: 5 });
  const results = planReplications(spec).map(({ point, replication }) => runReplication(spec, point, replication));
  return buildReport(spec, results, { scenarioDigest: digest, toolVersion: "9.9.9" });
}

describe("formatting", () => {
  it("shows durations as m:ss, shares as percentages and signed differences", () => {
    expect(formatDuration(0)).toBe("0:00");
    expect(formatDuration(65.4)).toBe("1:05");
    expect(formatDuration(3725)).toBe("1:02:05");
    expect(formatDuration(null)).toBe("–");
    expect(formatDuration(-42, true)).toBe("-0:42");
    expect(formatDuration(42, true)).toBe("+0:42");
    expect(formatPercent(0.98765)).toBe("98.8%");
    expect(formatDifference("shareWithin15", 0.0234)).toBe("+2.3 pp");
    expect(formatDifference("throughput", -2)).toBe("-2.0");
  });
});

describe("renderMarkdown", () => {
  const report = makeReport();
  const md = renderMarkdown(report);

  it("has the title, method, summaries, differences, shares, lanes and a reading note", () => {
    expect(md.startsWith("# Two counters vs three counters\n")).toBe(true);
    for (const heading of [
      "## Method",
      "## Summary: Two counters (`two`)",
      "## Summary: Three counters (`three`)",
      "## Paired differences",
      "## Service standards",
      "## Busiest lanes",
      "## How to read this",
    ]) {
      expect(md).toContain(heading);
    }
    expect(md).toContain("4 replications");
    expect(md).toContain("common random numbers");
    expect(md).toContain(report.scenario.digest.slice(0, 16));
    expect(md).toContain("hetao-sim 9.9.9");
    expect(md).toMatch(/\| three − two \| Mean clearance time \|/);
    expect(md).toMatch(/\| class resident \| two \|/);
  });

  it("is deterministic", () => {
    expect(renderMarkdown(makeReport())).toBe(md);
  });
});

describe("renderSummaryTable", () => {
  it("aligns both policies and their difference in plain text", () => {
    const text = renderSummaryTable(makeReport());
    const lines = text.trimEnd().split("\n");
    const header = lines[1]!;
    expect(header).toMatch(/^metric\s+two\s+three\s+three - two$/);
    const rule = lines[2]!;
    expect(rule).toMatch(/^-+( +-+)+$/);
    // Every row ends where the header ends (right-aligned columns), except the significance marker.
    const body = lines.slice(3);
    // Crossing, clearance, queueing, throughput, shares, censoring, emptying and staffing.
    expect(body).toHaveLength(15);
    expect(body[0]).toMatch(/^mean crossing/);
    expect(body.some((l) => /^officer-hours/.test(l))).toBe(true);
    expect(text).not.toMatch(/NaN|undefined|null/);
    expect(renderSummaryTable(makeReport())).toBe(text);
  });
});

describe("the clock time the crossing empties at reads as clock times, never a clock ± a duration", () => {
  const report = makeReport();
  const ci = report.points[0]!.policies["two"]!.summary.emptiedAt;
  const clock = (x: number) => `${String(Math.floor(Math.round(x / 60) / 60)).padStart(2, "0")}:${String(Math.round(x / 60) % 60).padStart(2, "0")}`;
  const expected = `${clock(ci.mean!)} [${clock(ci.lower!)}, ${clock(ci.upper!)}]`;

  it("in the CLI summary, the Markdown and the HTML: the mean with its 95% interval as a range of clock times", () => {
    expect(ci.halfWidth).toBeGreaterThan(0);
    const cli = renderSummaryTable(report).split("\n").find((l) => l.startsWith("empty at"))!;
    expect(cli).toMatch(/^empty at \(clock\) \[95% CI\]/);
    expect(cli).toContain(expected);
    expect(cli).not.toContain("±");
    const md = renderMarkdown(report).split("\n").filter((l) => l.startsWith("| Crossing empty at |"));
    expect(md.length).toBe(2);
    expect(md[0]).toContain(`| ${expected} |`);
    expect(md.join("\n")).not.toContain("±");
    const html = renderHtml(report);
    expect(html).toContain("crossing empty at: clock time, mean over days [95% CI]");
    expect(html).toContain(expected);
  });
});

describe("a 100% target is judged by its meaning: nobody over", () => {
  const ci = (mean: number, lower: number, upper: number) => ({ n: 30, mean, sd: 1, halfWidth: upper - mean, lower, upper });
  const row = (over: ReturnType<typeof ci>, days: number) => ({
    pledge: "cn",
    policy: "current",
    title: "Chinese citizens queue at most 30 minutes",
    authority: null,
    control: "sz-immigration",
    checkpoints: ["sz-exit-immigration"],
    measure: "queue" as const,
    thresholdSeconds: 1800,
    target: 1,
    classes: ["hk-resident"],
    directions: ["northbound"],
    status: days > 0 ? ("not-met" as const) : ("met" as const),
    share: ci(0.99998, 0.99995, 1.00001),
    overPerDay: over,
    daysWithAnyOver: days,
    covered: 160000,
    censored: 0,
    margin: -0.00002,
    worstHour: null,
    note: "",
  });

  it("gives the count over per day with its interval and the days with somebody over, never 'just short'", () => {
    const c = complianceCells(row(ci(0.17, -0.11, 0.45), 2));
    expect(c.target).toBe("nobody over");
    expect(c.share).toBe("0.17 over the limit a day [0.00, 0.45]");
    expect(c.margin).toBe("somebody over on 2 of 30 days");
    expect(c.margin).not.toMatch(/short/);
    expect(c.share).not.toMatch(/%/);
    const met = complianceCells(row(ci(0, 0, 0), 0));
    expect(met.margin).toBe("nobody over on any of 30 days");
    expect(met.share).toBe("0.00 over the limit a day [0.00, 0.00]");
  });
});
