/**
 * Opens the HTML report in headless Chromium (Debian's `chromium`, driven by playwright-core): the
 * default scenario and a sweep over whitelist coverage. Every chart's SVG must be present with visible
 * marks, the page must log no console error and make no network request, and a full-page screenshot
 * goes to test-output/ for a person to look at. A missing Chromium fails the test, never skips it
 * (`pnpm test` installs Debian's chromium through scripts/test-prerequisites.sh).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, chromium } from "playwright-core";
import { loadScenarioFile } from "@hetao/scenario";
import { type ExperimentSpec, type Report, buildReport, createExperiment, planReplications, runReplication } from "@hetao/experiment";
import { renderHtml } from "../src/index.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const OUT_DIR = fileURLToPath(new URL("../../../test-output/", import.meta.url));
const SCENARIO = fileURLToPath(new URL("../../../seeds/scenarios/hetao-weekday.yaml", import.meta.url));

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Per-point charts (data-chart kinds) and the sweep's. */
const POINT_CHARTS = ["hourly-clearance", "clearance-cdf", "differences", "groups", "queue-by-checkpoint", "lane-utilisation"];
const SWEEP_CHARTS = ["sweep-metrics", "sweep-differences", "sweep-pledges"];

async function report(options: Parameters<typeof createExperiment>[1]): Promise<Report> {
  const { scenario, digest } = await loadScenarioFile(SCENARIO);
  const spec: ExperimentSpec = createExperiment(scenario, options);
  const results = planReplications(spec).map(({ point, replication }) => runReplication(spec, point, replication));
  return buildReport(spec, results, { scenarioDigest: digest, toolVersion: "0.0.0-test" });
}

interface ChartCheck {
  kind: string;
  id: string;
  svgs: { label: string; width: number; height: number; marks: number; visibleMarks: number }[];
}

interface PageCheck {
  charts: ChartCheck[];
  consoleErrors: string[];
  requests: string[];
}

/** Loads the page in a fresh context, collects every chart's SVG geometry, and saves a full-page screenshot. */
async function inspect(browser: Browser, html: string, screenshot: string): Promise<PageCheck> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 }, offline: true });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  await page.route("**/*", async (route) => {
    requests.push(route.request().url());
    await route.abort();
  });
  await page.setContent(html, { waitUntil: "load" });
  const charts = await page.evaluate(() => {
    // Plot labels each mark's <g> (line, area, dot, bar, rule, tick, text…); axes say "axis".
    const DATA_MARKS = /^(line|area|dot|bar|tick|rect)$/;
    return [...document.querySelectorAll("figure.chart")].map((fig) => ({
      kind: fig.getAttribute("data-chart") ?? "",
      id: fig.id,
      svgs: [...fig.querySelectorAll("svg[role=img]")].map((svg) => {
        const box = svg.getBoundingClientRect();
        const groups = [...svg.querySelectorAll("g[aria-label]")].filter((g) => DATA_MARKS.test(g.getAttribute("aria-label") ?? ""));
        const marks = groups.flatMap((g) => [...g.querySelectorAll("path, rect, circle, line, polygon")]);
        const visible = marks.filter((m) => {
          const b = (m as SVGGraphicsElement).getBoundingClientRect();
          return b.width > 0 || b.height > 0;
        });
        return { label: svg.getAttribute("aria-label") ?? "", width: box.width, height: box.height, marks: marks.length, visibleMarks: visible.length };
      }),
    }));
  });
  mkdirSync(OUT_DIR, { recursive: true });
  await page.screenshot({ path: `${OUT_DIR}${screenshot}`, fullPage: true });
  await context.close();
  return { charts, consoleErrors, requests };
}

function checkCharts(check: PageCheck, expected: readonly string[]): void {
  expect(check.consoleErrors).toEqual([]);
  expect(check.requests).toEqual([]);
  const kinds = new Set(check.charts.map((c) => c.kind));
  for (const kind of expected) expect(kinds.has(kind), `chart ${kind}`).toBe(true);
  for (const chart of check.charts) {
    expect(chart.svgs.length, `${chart.id} has SVGs`).toBeGreaterThan(0);
    for (const svg of chart.svgs) {
      expect(svg.label, `${chart.id} SVG has an accessible name`).not.toBe("");
      expect(svg.width, `${chart.id}: ${svg.label}`).toBeGreaterThan(100);
      expect(svg.height, `${chart.id}: ${svg.label}`).toBeGreaterThan(100);
      expect(svg.visibleMarks, `${chart.id}: ${svg.label} has visible marks`).toBeGreaterThan(0);
    }
  }
}

describe("HTML report in headless Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    if (!HAVE_CHROMIUM) {
      throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium, which \`pnpm test\` does through scripts/test-prerequisites.sh) or set CHROMIUM_PATH`);
    }
    mkdirSync(OUT_DIR, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("renders the default scenario's report: every chart drawn, no console error, no request", async () => {
    const r = await report({ replications: 5 });
    const html = renderHtml(r);
    writeFileSync(`${OUT_DIR}report-default.html`, html);
    const check = await inspect(browser, html, "report-default.png");
    checkCharts(check, POINT_CHARTS);
    // One lane-utilisation panel per policy.
    expect(check.charts.filter((c) => c.kind === "lane-utilisation")[0]!.svgs.length).toBe(r.experiment.policies.length);
    expect(r.experiment.policies.length).toBe(4);
    expect(existsSync(`${OUT_DIR}report-default.png`)).toBe(true);
  });

  it("renders a sweep over enrolment: metric-vs-parameter charts with bands, plus each point's charts", async () => {
    const r = await report({
      replications: 4,
      points: ["2024-10", "2025-05", "2026-06"].map((value, index) => ({ index, overrides: [{ path: "travellers.population.month", value }] })),
    });
    const html = renderHtml(r);
    writeFileSync(`${OUT_DIR}report-sweep.html`, html);
    const check = await inspect(browser, html, "report-sweep.png");
    checkCharts(check, [...SWEEP_CHARTS, ...POINT_CHARTS]);
    const metrics = check.charts.find((c) => c.kind === "sweep-metrics")!;
    expect(metrics.svgs.length).toBe(6);
    // Each metric chart has a band (area) and a line per policy: at least 4 visible marks.
    for (const svg of metrics.svgs) expect(svg.visibleMarks).toBeGreaterThanOrEqual(4);
    expect(check.charts.filter((c) => c.kind === "hourly-clearance")).toHaveLength(3);
  });
});
