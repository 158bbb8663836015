#!/usr/bin/env node
import { runMain } from "@hetao/messaging";
import { startSimulator } from "./simulator.js";

await runMain({ role: "simulator", start: (config, log) => startSimulator(config, { log }) });
