/**
 * The orchestrator's live page (GET /) in headless Chromium (Debian's `chromium`, driven by
 * playwright-core, as packages/report/test/html-browser.test.ts does) against a real fleet: orchestrator,
 * one single-threaded simulator and a metrics worker as processes. The page is opened, an experiment is
 * submitted over the API, its progress on the page moves at least twice, then the link to its HTML
 * report appears, and following it loads the report (the bytes the metrics worker wrote). A missing
 * Chromium fails the test, never skips it.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { launchChromium } from "../packages/report/test/chromium.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ROOT,
  SCENARIOS,
  cleanupPrefix,
  requireBuilt,
  requireRedis,
  serviceEnv,
  sleep,
  startService,
  stopAll,
  tempDir,
  uniquePrefix,
} from "./helpers/fleet.js";

await requireRedis();

const OUT_DIR = join(ROOT, "test-output");
const TOKEN = "live-page-token-0123456789abcdef";

describe("the orchestrator's live page", () => {
  const prefix = uniquePrefix("live");
  const dir = tempDir("live");
  const fleet = { prefix, reportsDir: join(dir, "reports"), extra: { API_TOKEN: TOKEN } };
  let browser: Browser;
  let api: string;

  beforeAll(async () => {
    requireBuilt();
    mkdirSync(OUT_DIR, { recursive: true });
    const [orchestrator] = await Promise.all([
      startService("orchestrator", serviceEnv(fleet)),
      // One thread and no prefetch: one block at a time, each replication counted as it is delivered.
      startService("simulator", serviceEnv(fleet, { SIMULATOR_CONCURRENCY: "1", SIMULATOR_PREFETCH: "0" })),
      startService("metrics", serviceEnv(fleet)),
    ]);
    api = `http://127.0.0.1:${orchestrator.port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await stopAll();
    await cleanupPrefix(prefix);
  });

  it("needs the token, as the other reads do", async () => {
    expect((await fetch(`${api}/`)).status).toBe(401);
    expect((await fetch(`${api}/?token=wrong-token-wrong-token`)).status).toBe(401);
    const ok = await fetch(`${api}/?token=${TOKEN}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(ok.headers.get("referrer-policy")).toBe("no-referrer");
    const byHeader = await fetch(`${api}/`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(byHeader.status).toBe(200);
  });

  it("shows an experiment's progress moving, then links to its report, which loads", async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 700 } });
    const page = await context.newPage();
    const errors: string[] = [];
    const foreign: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("request", (r) => {
      if (!r.url().startsWith(api)) foreign.push(r.url());
    });
    await page.goto(`${api}/?token=${TOKEN}`, { waitUntil: "load" });
    await page.waitForFunction(() => document.getElementById("status")?.textContent?.includes("0 experiments"));

    // Enough work for the page's one-second polls to see it move twice before the end: 80 replications
    // (about 2 s on one simulator thread once the model compiled faster) once let the polls see only one
    // value in between (0/80, 39/80, 80/80); 240 take three times as long.
    const N = 240;
    const submitted = await fetch(`${api}/experiments?replications=${N}&seed=11`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/yaml" },
      body: readFileSync(join(SCENARIOS, "hetao-layout.yaml")),
    });
    expect(submitted.status).toBe(202);
    const { id } = (await submitted.json()) as { id: string };

    // What the page shows, sampled faster than it polls.
    const seen: string[] = [];
    const deadline = Date.now() + 90_000;
    let state = "";
    while (Date.now() < deadline) {
      const row = await page.evaluate((id) => {
        const tr = document.querySelector(`tr[data-id="${id}"]`);
        return tr ? { done: tr.querySelector("td.done")?.textContent ?? "", state: tr.getAttribute("data-state") ?? "" } : undefined;
      }, id);
      if (row && seen.at(-1) !== row.done) seen.push(row.done);
      if (row?.state === "completed") {
        state = row.state;
        break;
      }
      await sleep(100);
    }
    expect(state, `progress seen: ${seen.join(", ")}`).toBe("completed");
    const done = seen.map((s) => Number(s.split("/")[0]));
    expect(seen.every((s) => s.endsWith(`/${N}`))).toBe(true);
    // Moved at least twice before the end, never backwards.
    expect(new Set(done.filter((d) => d > 0 && d < N)).size, `progress seen: ${seen.join(", ")}`).toBeGreaterThanOrEqual(2);
    expect([...done].sort((a, b) => a - b)).toEqual(done);
    expect(done.at(-1)).toBe(N);

    const link = page.locator(`tr[data-id="${id}"] td.report a`);
    await link.waitFor({ timeout: 10_000 });
    const href = await link.getAttribute("href");
    expect(href).toBe(`/experiments/${id}/report.html?token=${TOKEN}`);
    await page.screenshot({ path: join(OUT_DIR, "live-page.png"), fullPage: true });

    const [response] = await Promise.all([page.waitForEvent("response", (r) => r.url().includes("/report.html")), link.click()]);
    expect(response.status()).toBe(200);
    await page.waitForLoadState("load");
    expect(await page.title()).toContain("hetao-sim report");
    expect(await page.locator("figure.chart").count()).toBeGreaterThan(0);
    // The orchestrator serves the same bytes the metrics worker wrote into REPORTS_DIR.
    expect(await response.text()).toBe(readFileSync(join(fleet.reportsDir, id, "report.html"), "utf8"));
    await page.screenshot({ path: join(OUT_DIR, "live-page-report.png") });
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
    await context.close();
  });
});
