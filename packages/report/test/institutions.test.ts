/**
 * Which institutions gain most, as the Markdown and HTML reports show it: the groups with every
 * comparison as a column, then each comparison's top institutions by researcher-hours saved a day, with
 * the institutions that had no trip stated rather than shown.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "@hetao/scenario";
import { type Report, buildReport, createExperiment, planReplications, reportJson, runReplication } from "@hetao/experiment";
import { renderHtml, renderMarkdown } from "../src/index.js";
import { TOP_INSTITUTIONS, institutionGroupTable, institutionTopTables } from "../src/institution-tables.js";

const WEEKDAY = fileURLToPath(new URL("../../../seeds/scenarios/hetao-weekday.yaml", import.meta.url));

async function report(overrides: { path: string; value: unknown }[] = []): Promise<Report> {
  const { scenario, digest } = await loadScenarioFile(WEEKDAY);
  const spec = createExperiment(scenario, { replications: 3, seed: 4, policies: ["current", "seamless"], points: [{ index: 0, overrides }] });
  const results = planReplications(spec).map(({ point, replication }) => runReplication(spec, point, replication));
  // As it reads back from report.json, like the renderers do.
  return JSON.parse(reportJson(buildReport(spec, results, { scenarioDigest: digest, toolVersion: "0.0.0-test" }))) as Report;
}

describe("which institutions gain most", async () => {
  const r = await report();
  const point = r.points[0]!;
  const md = renderMarkdown(r);
  const html = renderHtml(r);

  it("ranks each comparison's institutions by researcher-hours saved a day, ten shown", () => {
    const [top] = institutionTopTables(point);
    expect(top!.title).toBe("seamless − current");
    expect(top!.table.rows).toHaveLength(TOP_INSTITUTIONS);
    const rows = point.comparisons[0]!.institutions!.rows;
    const best = [...rows].sort((a, b) => a.hoursPerDay.mean! - b.hoursPerDay.mean!).slice(0, TOP_INSTITUTIONS).map((x) => x.id);
    expect(top!.table.rows.map((row) => row[0])).toEqual(best);
    const none = point.comparisons[0]!.institutions!.withoutTrips.length;
    expect(top!.table.caption).toMatch(none === 0 ? /Every institution had trips\./ : new RegExp(`${none} institutions? had no trip`));
  });

  it("is in report.md and report.html: groups by park, filing and field, then the top institutions", () => {
    const groups = institutionGroupTable(point);
    expect(groups.rows.map((row) => row[0])).toContain("Shenzhen park, whitelisted (備案), life science");
    expect(md).toContain("## Which institutions gain most");
    expect(md).toContain("**seamless − current**");
    const top = institutionTopTables(point)[0]!.table.rows[0]!;
    expect(md).toContain(`| ${top.join(" | ")} |`);
    expect(html).toContain('id="p0-institutions"');
    expect(html).toContain("Top institutions: seamless − current");
    expect(html).toContain(`<th scope="row">${top[0]}</th>`);
  });

  it("is in the HTML contents, and every contents link has its section", () => {
    const nav = /<nav aria-label="Contents">(.*?)<\/nav>/.exec(html)![1]!;
    expect(nav).toContain('<a href="#p0-institutions">Which institutions gain most</a>');
    for (const [, id] of nav.matchAll(/href="#([^"]+)"/g)) expect(html, id).toContain(`id="${id}"`);
  });

  it("states the institutions without trips instead of giving them a row", async () => {
    const skewed = await report([{ path: "travellers.population.sizeSkew", value: 3 }]);
    const g = skewed.points[0]!.comparisons[0]!.institutions!;
    expect(g.withoutTrips.length).toBeGreaterThan(0);
    const caption = institutionTopTables(skewed.points[0]!)[0]!.table.caption!;
    expect(caption).toMatch(new RegExp(`${g.withoutTrips.length} institutions had no trip on any simulated day and have no row: ${g.withoutTrips[0]}`));
    const shown = new Set(institutionTopTables(skewed.points[0]!, 1000)[0]!.table.rows.map((row) => row[0]));
    for (const id of g.withoutTrips) expect(shown.has(id), id).toBe(false);
  });
});
