// Regenerates docs/img/report.png (the README's screenshot) from a real run: the CLI runs the default
// scenario with its own replications and seed into a temporary folder, and headless Chromium (Debian's
// chromium, as in the browser test) photographs the top of report.html at 1000 px wide.
// Usage, from the repository root after `npx tsc -b`: node packages/report/scripts/readme-screenshot.mjs
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const out = mkdtempSync(join(tmpdir(), "hetao-readme-"));
try {
  const run = spawnSync(process.execPath, [join(root, "services/cli/dist/main.js"), "run", join(root, "seeds/scenarios/hetao-weekday.yaml"), "--out", out, "--quiet"], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`the run failed: ${run.stderr}`);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
  const page = await (await browser.newContext({ viewport: { width: 1000, height: 2065 }, offline: true })).newPage();
  await page.setContent(readFileSync(join(out, "report.html"), "utf8"), { waitUntil: "load" });
  await page.screenshot({ path: join(root, "docs/img/report.png") });
  await browser.close();
  process.stdout.write("wrote docs/img/report.png\n");
} finally {
  rmSync(out, { recursive: true, force: true });
}
