/**
 * Headless Chromium for the browser tests (the report's and the orchestrator's live page): Debian's
 * chromium (`pnpm test` installs it through scripts/test-prerequisites.sh) or CHROMIUM_PATH, with
 * nothing that reaches the network on its own. A missing browser fails the test with a clear message.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

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

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium, which \`pnpm test\` does through scripts/test-prerequisites.sh) or set CHROMIUM_PATH`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}
