/**
 * Opens the HTML report in headless Chromium (Debian's `chromium`, driven by playwright-core): the
 * default scenario and a sweep over the enrolment path. Every chart's SVG must be present with visible
 * marks, the page must log no console error and make no network request, and a full-page screenshot
 * goes to test-output/ for a person to look at. A missing Chromium fails the test, never skips it
 * (`pnpm test` installs Debian's chromium through scripts/test-prerequisites.sh).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { loadScenarioFile, setPath } from "@hetao/scenario";
import { type ExperimentSpec, type Report, buildReport, createExperiment, planReplications, runReplication } from "@hetao/experiment";
import { renderHtml } from "../src/index.js";
import { launchChromium } from "./chromium.js";

const OUT_DIR = fileURLToPath(new URL("../../../test-output/", import.meta.url));
const SCENARIO = fileURLToPath(new URL("../../../seeds/scenarios/hetao-weekday.yaml", import.meta.url));
const BRIDGE = fileURLToPath(new URL("../../../seeds/scenarios/hetao-bridge-2026.yaml", import.meta.url));


/** Per-point charts (data-chart kinds) and the sweep's. */
const POINT_CHARTS = ["hourly-clearance", "clearance-cdf", "differences", "groups", "queue-by-checkpoint", "lane-utilisation"];
const SWEEP_CHARTS = ["sweep-metrics", "sweep-differences", "sweep-pledges"];

async function report(options: Parameters<typeof createExperiment>[1], extraPolicies = 0, file = SCENARIO): Promise<Report> {
  const loaded = await loadScenarioFile(file);
  let scenario = loaded.scenario;
  const digest = loaded.digest;
  if (extraPolicies > 0) {
    // Variants of the presets' policies with one more manual counter per lane set (a different day), so 3 or 4 policies compare.
    const base = scenario.policies;
    // `current-plus` / `seamless-plus` have no roster entry of their own: staffed as laid out (or as their parent's roster).
    const extra = ["current", "seamless"].slice(0, extraPolicies).map((id) => base.find((p) => p.id === id)!).map((p, k) => ({
      ...p,
      id: `${p.id}-plus`,
      title: `${p.title ?? p.id} with one more counter (加一個櫃檯) variant ${k + 1}`,
      lanes: p.lanes.map((l) => (l.kind === "manual" ? { ...l, servers: (l.servers ?? 1) + 1 } : l)),
    }));
    scenario = setPath(scenario, "policies", [...base, ...extra]) as typeof scenario;
  }
  const spec: ExperimentSpec = createExperiment(scenario, options);
  const results = planReplications(spec).map(({ point, replication }) => runReplication(spec, point, replication));
  return buildReport(spec, results, { scenarioDigest: digest, toolVersion: "0.0.0-test" });
}

interface ChartCheck {
  kind: string;
  id: string;
  svgs: { label: string; width: number; height: number; marks: number; visibleMarks: number }[];
}

/** A text element drawn outside its SVG, or two texts of one SVG whose boxes overlap. */
interface TextProblem {
  svg: string;
  problem: string;
}

interface PageCheck {
  /** Characters of the page's text (HTML and SVG) drawn as the missing-glyph box. */
  missingGlyphs: string[];
  /** Distinct characters checked, and how many of them are CJK. */
  glyphs: { checked: number; cjk: number };
  charts: ChartCheck[];
  text: { count: number; problems: TextProblem[] };
  /** Tables, cards and prose: clipped boxes and text drawn over text (see `layoutProblems`). */
  layout: { count: number; problems: string[] };
  /** The headline cards on the first row of the first screen (data-headline ids), and whether each shows paired differences. */
  firstRow: { id: string; differences: number }[];
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
  // Open every collapsed section so its SVGs are laid out, then measure every text element of every chart.
  await page.evaluate(() => {
    for (const d of document.querySelectorAll("details")) d.open = true;
  });
  const text = await page.evaluate(() => {
    const problems: { svg: string; problem: string }[] = [];
    let count = 0;
    const TOL = 0.5;
    for (const svg of document.querySelectorAll("figure.chart svg[role=img]")) {
      const name = `${svg.closest("figure")?.id ?? "?"} / ${svg.getAttribute("aria-label") ?? ""}`;
      const frame = svg.getBoundingClientRect();
      const boxes: { text: string; r: DOMRect }[] = [];
      for (const t of svg.querySelectorAll("text")) {
        const r = t.getBoundingClientRect();
        if (r.width === 0 || r.height === 0 || (t.textContent ?? "").trim() === "") continue;
        count++;
        const label = (t.textContent ?? "").trim();
        if (r.left < frame.left - TOL || r.right > frame.right + TOL || r.top < frame.top - TOL || r.bottom > frame.bottom + TOL) {
          problems.push({ svg: name, problem: `"${label}" outside the SVG (${Math.round(r.left - frame.left)},${Math.round(r.top - frame.top)} ${Math.round(r.width)}×${Math.round(r.height)} in ${Math.round(frame.width)}×${Math.round(frame.height)})` });
        }
        boxes.push({ text: label, r });
      }
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i]!.r;
          const b = boxes[j]!.r;
          const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          // Glyph boxes include line spacing: overlapping by more than 1 px both ways is text drawn over text.
          if (w > 1 && h > 2) problems.push({ svg: name, problem: `"${boxes[i]!.text}" overlaps "${boxes[j]!.text}"` });
        }
      }
    }
    return { count, problems };
  });
  const layout = await page.evaluate(layoutProblems);
  const firstRow = await page.evaluate(() => {
    const cards = [...document.querySelectorAll(".headline .hl-card")].map((c) => ({ id: c.getAttribute("data-headline") ?? "", top: Math.round(c.getBoundingClientRect().top), differences: c.querySelectorAll(".hl-row.diff").length }));
    const top = Math.min(...cards.map((c) => c.top));
    return cards.filter((c) => c.top === top).map(({ id, differences }) => ({ id, differences }));
  });
  // Every distinct character of the page's text, drawn on a canvas in the page's own font stack, against
  // the box drawn for a code point no font has: a character drawn exactly like that box has no glyph.
  const glyphCheck = await page.evaluate(async () => {
    await document.fonts.ready;
    const text = `${document.body.innerText}${[...document.querySelectorAll("svg text")].map((t) => t.textContent ?? "").join("")}`;
    const chars = [...new Set([...text].filter((c) => c.trim() !== ""))];
    const family = getComputedStyle(document.body).fontFamily;
    await document.fonts.load(`32px ${family}`, chars.join(""));
    const canvas = document.createElement("canvas");
    canvas.width = 48;
    canvas.height = 48;
    const g = canvas.getContext("2d", { willReadFrequently: true })!;
    const draw = (c: string): string => {
      g.clearRect(0, 0, 48, 48);
      g.font = `32px ${family}`;
      g.fillStyle = "#000";
      g.fillText(c, 4, 38);
      const data = g.getImageData(0, 0, 48, 48).data;
      let sig = "";
      for (let i = 3; i < data.length; i += 4) sig += data[i]! > 127 ? "1" : "0";
      return sig;
    };
    const box = draw("\u{10FFFD}");
    const cjk = /[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]/u;
    return { missing: chars.filter((c) => draw(c) === box), checked: chars.length, cjk: chars.filter((c) => cjk.test(c)).length };
  });
  mkdirSync(OUT_DIR, { recursive: true });
  await page.screenshot({ path: `${OUT_DIR}${screenshot}`, fullPage: true });
  await context.close();
  return { charts, text, layout, firstRow, missingGlyphs: glyphCheck.missing, glyphs: { checked: glyphCheck.checked, cjk: glyphCheck.cjk }, consoleErrors, requests };
}

/**
 * Clipping and overlap outside the charts (run in the page): an element whose content is wider than its
 * box (scrollWidth > clientWidth) counts as clipped unless it or an ancestor is a scroll container, and
 * on the first screen (the verdict and headline cards) even a scroll container counts: the columns it
 * hides are not on the first screen. The page itself must not be wider than the viewport, and no two
 * lines of text (each text node's line boxes) of the HTML may overlap.
 */
function layoutProblems(): { count: number; problems: string[] } {
  const problems: string[] = [];
  const describe = (el: Element) => `${el.tagName.toLowerCase()}${el.className && typeof el.className === "string" ? `.${el.className.split(" ").join(".")}` : ""} "${(el.textContent ?? "").trim().slice(0, 50)}"`;
  const scrolls = (el: Element) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
  if (document.documentElement.scrollWidth > window.innerWidth + 1) problems.push(`the page is ${document.documentElement.scrollWidth} px wide in a ${window.innerWidth} px viewport`);
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest("svg") !== null || el.clientWidth === 0) continue;
    if (el.scrollWidth <= el.clientWidth + 1) continue;
    const firstScreen = el.closest(".headline") !== null;
    let scroller: Element | null = el;
    while (scroller !== null && !scrolls(scroller)) scroller = scroller.parentElement;
    if (scroller === null) problems.push(`${describe(el)}: content ${el.scrollWidth} px wide in a ${el.clientWidth} px box, clipped`);
    else if (firstScreen && scroller === el) problems.push(`${describe(el)}: scrolls on the first screen (${el.scrollWidth} px of content in ${el.clientWidth} px), hiding columns`);
  }
  // Line boxes of every text node outside the charts, all compared with each other (sorted by top, so
  // each is compared only with the lines that start above its bottom).
  let count = 0;
  const rects: { text: string; r: DOMRect; node: Node }[] = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n !== null; n = walker.nextNode()) {
    if ((n.textContent ?? "").trim() === "" || n.parentElement?.closest("svg, style") != null) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    const lines = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
    if (lines.length === 0) continue;
    count++;
    for (const r of lines) rects.push({ text: (n.textContent ?? "").trim().slice(0, 40), r, node: n });
  }
  rects.sort((x, y) => x.r.top - y.r.top);
  for (let i = 0; i < rects.length; i++) {
    const a = rects[i]!.r;
    for (let j = i + 1; j < rects.length && rects[j]!.r.top < a.bottom - 2; j++) {
      if (rects[i]!.node === rects[j]!.node) continue;
      const b = rects[j]!.r;
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      // Line boxes include line spacing: overlapping by more than 1 px across and 2 px down is text over text.
      if (w > 1 && h > 2) problems.push(`"${rects[i]!.text}" overlaps "${rects[j]!.text}"`);
    }
  }
  return { count, problems: [...new Set(problems)] };
}

function checkCharts(check: PageCheck, expected: readonly string[]): void {
  expect(check.text.count, "text elements measured").toBeGreaterThan(20);
  expect(check.text.problems).toEqual([]);
  expect(check.layout.count, "text nodes of tables, cards and prose measured").toBeGreaterThan(200);
  expect(check.layout.problems).toEqual([]);
  expect(check.glyphs.checked, "characters checked for a glyph").toBeGreaterThan(60);
  expect(check.glyphs.cjk, "the presets' titles carry CJK characters").toBeGreaterThanOrEqual(4);
  expect(check.missingGlyphs, "characters drawn as the missing-glyph box").toEqual([]);
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
    mkdirSync(OUT_DIR, { recursive: true });
    browser = await launchChromium();
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
    // The first row of cards at 1000 px: crossing, queueing and officer-hours, each with every paired difference.
    expect(check.firstRow.map((c) => c.id)).toEqual(["crossing", "queueing", "officer-hours"]);
    for (const c of check.firstRow) expect(c.differences, c.id).toBe(r.points[0]!.comparisons.length);
    expect(existsSync(`${OUT_DIR}report-default.png`)).toBe(true);
  });

  it("renders the bridge scenario's report (queues at the peak, saturated lanes, a failing pledge) cleanly", async () => {
    const r = await report({ replications: 4 }, 0, BRIDGE);
    const html = renderHtml(r);
    writeFileSync(`${OUT_DIR}report-bridge.html`, html);
    const check = await inspect(browser, html, "report-bridge.png");
    checkCharts(check, POINT_CHARTS);
  });

  for (const [n, extra] of [
    [1, -1],
    [3, 1],
    [4, 2],
  ] as const) {
    it(`renders a ${n}-policy report with no text outside its SVG or over other text`, async () => {
      // Three policies: two comparisons against one baseline; four: three, two of them sharing a treatment.
      const compare: [string, string][] =
        n === 3
          ? [["seamless", "current"], ["current-plus", "current"]]
          : [["seamless", "current"], ["current-plus", "current"], ["seamless-plus", "seamless"], ["seamless", "current-plus"]];
      const policies = n === 3 ? ["current", "seamless", "current-plus"] : ["current", "seamless", "current-plus", "seamless-plus"];
      const r = extra < 0 ? await report({ replications: 3, policies: ["seamless"] }) : await report({ replications: 3, policies, baseline: "current", compare }, extra);
      expect(r.experiment.policies).toHaveLength(n);
      const html = renderHtml(r);
      writeFileSync(`${OUT_DIR}report-${n}-policies.html`, html);
      const check = await inspect(browser, html, `report-${n}-policies.png`);
      checkCharts(check, n === 1 ? POINT_CHARTS.filter((k) => k !== "differences") : POINT_CHARTS);
    });
  }

  it("renders a sweep over the enrolment path: metric-vs-parameter charts with bands, each point's detail collapsed", async () => {
    const r = await report({
      replications: 4,
      points: ["2024-10", "2025-05", "2026-06"].map((value, index) => ({ index, overrides: [{ path: "travellers.population.month", value }] })),
    });
    const html = renderHtml(r);
    writeFileSync(`${OUT_DIR}report-sweep.html`, html);
    const check = await inspect(browser, html, "report-sweep.png");
    checkCharts(check, SWEEP_CHARTS);
    const metrics = check.charts.find((c) => c.kind === "sweep-metrics")!;
    expect(metrics.svgs.length).toBe(6);
    // Each metric chart has a band (area) and a line per policy: at least 4 visible marks.
    for (const svg of metrics.svgs) expect(svg.visibleMarks).toBeGreaterThanOrEqual(4);
    // The sweep charts cover the points: no per-point charts, and each point's detail is collapsed.
    expect(check.charts.filter((c) => c.kind === "hourly-clearance")).toHaveLength(0);
    expect((html.match(/<details class="point-detail">/g) ?? []).length).toBe(3);
  });
});
