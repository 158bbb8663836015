#!/usr/bin/env node
import { runMain } from "@hetao/messaging";
import { startMetrics } from "./report-worker.js";

await runMain({ role: "metrics", start: (config, log) => startMetrics(config, { log }) });
