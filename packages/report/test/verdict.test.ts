/**
 * The verdict on the presets: two or three sentences generated from the numbers (which policy wins, by
 * how much, on which control, at what officer-hours difference, where the pledges fail), the rest of the
 * detail collapsed (HTML) or in a following section (Markdown). Default (4 policies), bridge and a
 * three-policy report, 3 replications each.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "@hetao/scenario";
import { type PointReport, type Report, buildReport, createExperiment, planReplications, runReplication } from "@hetao/experiment";
import { renderHtml, renderMarkdown } from "../src/index.js";
import { verdict, verdictDetail } from "../src/headline.js";
import { formatDuration, formatNumber } from "../src/format.js";

const preset = (name: string) => fileURLToPath(new URL(`../../../seeds/scenarios/${name}.yaml`, import.meta.url));

async function presetReport(name: string, options: Parameters<typeof createExperiment>[1] = {}): Promise<Report> {
  const { scenario, digest } = await loadScenarioFile(preset(name));
  const spec = createExperiment(scenario, { replications: 3, seed: 1, ...options });
  const results = planReplications(spec).map(({ point, replication }) => runReplication(spec, point, replication));
  return buildReport(spec, results, { scenarioDigest: digest, toolVersion: "0.0.0-test" });
}

/** Sentences of a text: a full stop, followed by a space and a capital or a policy's backtick, or the end. */
function sentenceCount(text: string): number {
  return (text.match(/[.!?](?=\s+[A-Z`“]|$)/g) ?? []).length;
}

const CASES = [
  ["default (4 policies)", "hetao-weekday", {}],
  ["bridge", "hetao-bridge-2026", {}],
  ["three policies", "hetao-weekday", { policies: ["baseline", "current", "seamless"], baseline: "baseline" }],
] as const;

describe("the verdict: two or three sentences from the numbers", () => {
  for (const [label, name, options] of CASES) {
    it(`${label}: at most three sentences naming the winner, the margin, the control, the officer-hours and the pledges`, async () => {
      const report = await presetReport(name, options);
      const point = report.points[0]!;
      const v = verdict(report, point);
      expect(v.length).toBeGreaterThanOrEqual(2);
      expect(v.length).toBeLessThanOrEqual(3);
      expect(sentenceCount(v.join(" ")), v.join(" ")).toBeLessThanOrEqual(3);
      // The winner is the policy with the shortest mean crossing; its time and the rival's are in the first sentence.
      const byCrossing = [...report.experiment.policies].sort((a, b) => point.policies[a]!.summary.meanCrossing.mean! - point.policies[b]!.summary.meanCrossing.mean!);
      const winner = byCrossing[0]!;
      expect(v[0]!.startsWith(`\`${winner}\` gives the shortest crossing`), v[0]).toBe(true);
      expect(v[0]).toContain(formatDuration(point.policies[winner]!.summary.meanCrossing.mean));
      expect(v[0]).toMatch(/95% CI of the paired difference/);
      expect(v[0]).toMatch(/; the largest change is at .+ \(\d+:\d\d per traveller (less|more)\)\.$/);
      expect(v[1]).toContain(`${formatNumber(point.policies[winner]!.summary.officerHours.mean, 0)} officer-hours a day`);
      expect(v[2]).toMatch(/^(Pledges fail: |Every service pledge that applies is met)/);
      // The rest of the detail follows: every comparison in words.
      const detail = verdictDetail(report, point);
      expect(detail.length).toBeGreaterThan(v.length);
      const html = renderHtml(report);
      const para = /<p class="verdict-text" data-verdict>([\s\S]*?)<\/p>/.exec(html)![1]!;
      expect(sentenceCount(para.replace(/<[^>]+>/g, ""))).toBeLessThanOrEqual(3);
      expect(html).toMatch(/<\/p><details class="verdict-detail" data-verdict-detail><summary>Every comparison in words<\/summary><ul>(<li>[\s\S]*?<\/li>){4,}<\/ul><\/details>/);
      const md = renderMarkdown(report);
      const verdictSection = md.slice(md.indexOf("## Verdict\n"), md.indexOf("\n## ", md.indexOf("## Verdict\n") + 1));
      expect(verdictSection.split("\n\n")[1]).toBe(v.join(" "));
      expect(md.indexOf("## Every comparison in words")).toBeGreaterThan(md.indexOf("## Verdict"));
      expect(md.indexOf("## Every comparison in words")).toBeLessThan(md.indexOf("## Method"));
      for (const s of detail) expect(md).toContain(`- ${s}`);
    });
  }

  it("follows the numbers: swapping two policies' results changes the winner, and more officers turn 'fewer' into 'more'", async () => {
    const report = await presetReport("hetao-weekday");
    const point = report.points[0]!;
    const before = verdict(report, point);
    expect(before[0]!.startsWith("`seamless` gives the shortest crossing")).toBe(true);
    // Swap seamless and current: their summaries, and the paired difference seamless − current negated.
    const swapped = JSON.parse(JSON.stringify(point)) as PointReport;
    [swapped.policies["seamless"], swapped.policies["current"]] = [swapped.policies["current"]!, swapped.policies["seamless"]!];
    for (const c of swapped.comparisons) {
      if (c.treatment === "seamless" && c.baseline === "current") {
        for (const d of [...Object.values(c.metrics), ...Object.values(c.controls)]) {
          [d.mean, d.lower, d.upper] = [d.mean === null ? null : -d.mean, d.upper === null ? null : -d.upper, d.lower === null ? null : -d.lower];
        }
      }
    }
    const after = verdict(report, swapped);
    expect(after[0]!.startsWith("`current` gives the shortest crossing"), after[0]).toBe(true);
    expect(after[0]).not.toBe(before[0]);
    // Staff seamless with 50 more officer-hours than current: the second sentence says so.
    const costly = JSON.parse(JSON.stringify(point)) as PointReport;
    const cmp = costly.comparisons.find((c) => c.treatment === "seamless" && c.baseline === "current")!;
    const current = costly.policies["current"]!.summary.officerHours.mean!;
    costly.policies["seamless"]!.summary.officerHours.mean = current + 50;
    cmp.metrics.officerHours = { ...cmp.metrics.officerHours, mean: 50, lower: 50, upper: 50 };
    expect(before[1]).toMatch(/officer-hours fewer\.$/);
    expect(verdict(report, costly)[1]).toBe(`\`seamless\` is staffed with ${formatNumber(current + 50, 0)} officer-hours a day against ${formatNumber(current, 0)} under \`current\`: 50 officer-hours more.`);
  });
});
