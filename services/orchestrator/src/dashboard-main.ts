#!/usr/bin/env node
import { runMain } from "@hetao/messaging";
import { startDashboard } from "./dashboard.js";

await runMain({ role: "dashboard", start: (config, log) => startDashboard(config, { log }) });
