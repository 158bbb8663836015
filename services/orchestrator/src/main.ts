#!/usr/bin/env node
import { runMain } from "@hetao/messaging";
import { startOrchestrator } from "./orchestrator.js";

await runMain({ role: "orchestrator", start: (config, log) => startOrchestrator(config, { log }) });
