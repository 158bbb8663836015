/**
 * "No traveller cleared" in words (issue 11): a policy with no counted traveller has no time, so the
 * summary, the Markdown and the HTML say so instead of printing 0:00 and a +0:00 difference.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadScenarioText } from "@hetao/scenario";
import { type Report, buildReport, createExperiment, planReplications, runReplication } from "@hetao/experiment";
import { renderHtml, renderMarkdown, renderSummaryTable } from "../src/index.js";

const YAML = readFileSync(fileURLToPath(new URL("../../../seeds/scenarios/two-counters.yaml", import.meta.url)), "utf8");

function report(yaml: string): Report {
  const { scenario, digest } = loadScenarioText(yaml, "two-counters.yaml");
  const spec = createExperiment(scenario, { replications: 3, seed: 5 });
  const results = planReplications(spec).map(({ point, replication }) => runReplication(spec, point, replication));
  return buildReport(spec, results, { scenarioDigest: digest, toolVersion: "9.9.9" });
}

/** Lines of text mentioning a time of 0:00 or a signed zero time difference. */
const zeroTimes = (text: string) => text.split("\n").filter((l) => /(^|[^0-9:])[+]?0:00(?![0-9])/.test(l));

describe("no traveller cleared", () => {
  // Zero demand: the schema allows a profile rate of 0, and nobody arrives under either policy.
  const empty = report(YAML.replace("ratePerHour: 300 }", "ratePerHour: 0 }"));
  const point = empty.points[0]!;

  it("the report has no counted traveller (the case under test)", () => {
    for (const id of ["two", "three"]) expect(point.policies[id]!.totals).toMatchObject({ arrived: 0, cleared: 0, censored: 0 });
  });

  it("the CLI summary says it in words, with n/a differences", () => {
    const text = renderSummaryTable(empty);
    expect(zeroTimes(text)).toEqual([]);
    expect(text).toMatch(/mean crossing +no traveller cleared +no traveller cleared +n\/a/);
    expect(text).toContain("No traveller was cleared under two, three on any simulated day");
    // Two and three counters over the operating day, 08:00 to the hard stop at 12:00.
    expect(text).toMatch(/officer-hours +8\.0 ± 0\.0 +12\.0 ± 0\.0 +\+4\.0/);
  });

  it("the Markdown report says it in the verdict, the summaries and the differences", () => {
    const md = renderMarkdown(empty);
    expect(zeroTimes(md)).toEqual([]);
    expect(md).toContain("No traveller was cleared under `three` or `two` on any simulated day (nobody arrived)");
    expect(md).toContain("| Crossing time, door to door (mean) | no traveller cleared | no traveller cleared | n/a (one side cleared no traveller) |");
    expect(md).toContain("| three − two | Mean clearance time | no traveller cleared | no traveller cleared | n/a | n/a | n/a | n/a |");
    expect(md).toContain("No traveller was cleared on any simulated day, so there is no clearance or queueing time to report.");
    expect(md).not.toContain("capacity binds");
  });

  it("the HTML report says it on the cards and plots no false zero difference", () => {
    const html = renderHtml(empty);
    expect(html).toContain("no traveller cleared");
    expect(html).not.toMatch(/[+]0:00/);
    expect(html).not.toMatch(/<span class="value">0:00<\/span>/);
  });

  it("one policy without a counted traveller: its column in words, the differences n/a, the other policy's times as usual", () => {
    const full = report(YAML);
    const mixed = structuredClone(full);
    const two = mixed.points[0]!.policies.two!;
    Object.assign(two.totals, { cleared: 0, censored: 0 });
    const text = renderSummaryTable(mixed);
    const line = text.split("\n").find((l) => l.startsWith("mean crossing"))!;
    expect(line).toMatch(/^mean crossing +no traveller cleared +\d+:\d\d ± \d+:\d\d +n\/a$/);
    const md = renderMarkdown(mixed);
    expect(md).toContain("No traveller was cleared under `two` on any simulated day");
    expect(md).toMatch(/\| three − two \| Mean crossing time, door to door \| no traveller cleared \| \d+:\d\d \| n\/a \| n\/a \| n\/a \| n\/a \|/);
  });
});
